"""A HubDB source that reads each table once and answers every query from memory.

A page calls ``hubdb_table_rows`` up to ten times and a build renders hundreds
of pages; asking the store each time re-reads and re-decodes the whole table.
The snapshot reads a table's published rows once and runs each query with
HubDB's own query engine (``sync.local.hubdb_query``), so answers, including
errors for unknown columns and operators, are exactly the store's.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from sync.local.hubdb_query import parse_query, run_query
from sync.site.hubl import HubDBSource

_PAGE = 1000
ROWS_SNAPSHOT_DIR = "_hubshop/hubdb"
"""Where a build writes each public table's rows, for scripts that would ask HubDB's API."""


class SnapshotSource:
    """Wraps a :class:`HubDBSource`; :meth:`refresh` forgets what it read."""

    def __init__(self, source: HubDBSource) -> None:
        self.source = source
        self._tables: dict[str, dict[str, Any]] = {}
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._index: dict[tuple[str, str], dict[str, list[dict[str, Any]]]] = {}
        self._stamp: Any = None

    def refresh(self) -> None:
        """Read tables again on next use (the preview asks before every request).

        A source that can tell its version (the local store can) is read again
        only after it changed, so a 10,000-row preview answers in milliseconds.
        """
        version = getattr(self.source, "version", None)
        stamp = version() if version is not None else None
        if stamp is not None and stamp == self._stamp:
            return
        self._stamp = stamp
        self._tables.clear()
        self._rows.clear()
        self._index.clear()

    def table(self, table: str | int) -> dict[str, Any]:
        key = str(table)
        if key not in self._tables:
            self._tables[key] = self.source.table(table)
        return self._tables[key]

    def rows(self, table: str | int, query: list[tuple[str, str]]) -> dict[str, Any]:
        meta = self.table(table)
        name = str(meta.get("name") or table)
        columns = meta.get("columns") or []
        parsed = parse_query(name, columns, query)
        return run_query(name, columns, self._candidates(table, name, columns, parsed), parsed)

    def row(self, table: str | int, row_id: str | int) -> dict[str, Any] | None:
        name = str(self.table(table).get("name") or table)
        wanted = str(row_id)
        return next((r for r in self._all_rows(table, name) if str(r.get("id")) == wanted), None)

    def _candidates(self, table: str | int, name: str, columns: list[dict[str, Any]],
                    parsed: Any) -> list[dict[str, Any]]:
        """The rows a query can match: for ``<select>__eq=x``, only the rows with option x.

        Every product page asks for its category's other products; scanning the
        whole table for each of 10,000 pages is what made a big build slow. The
        query still runs every filter over the candidates, so answers do not change.
        """
        rows = self._all_rows(table, name)
        selects = {c.get("name") for c in columns if c.get("type") == "SELECT"}
        for condition in parsed.filters:
            wanted = condition.value.strip()
            if condition.operator == "eq" and condition.column in selects and wanted:
                return self._option_index(name, condition.column, rows).get(wanted, [])
        return rows

    def _option_index(self, name: str, column: str, rows: list[dict[str, Any]]
                      ) -> dict[str, list[dict[str, Any]]]:
        key = (name, column)
        if key not in self._index:
            index: dict[str, list[dict[str, Any]]] = {}
            for row in rows:
                option = (row.get("values") or {}).get(column)
                if isinstance(option, dict):
                    for label in {str(option.get("name")), str(option.get("id"))}:
                        index.setdefault(label, []).append(row)
            self._index[key] = index
        return self._index[key]

    def tables_read(self) -> dict[str, list[dict[str, Any]]]:
        """Every table whose rows were read since the last refresh, by name."""
        return dict(self._rows)

    def _all_rows(self, table: str | int, name: str) -> list[dict[str, Any]]:
        if name not in self._rows:
            rows: list[dict[str, Any]] = []
            while True:
                page = self.source.rows(table, [("limit", str(_PAGE)),
                                                ("offset", str(len(rows)))])
                results = page.get("results") or []
                rows.extend(results)
                if not results or len(rows) >= int(page.get("total", len(rows))):
                    break
            self._rows[name] = rows
        return self._rows[name]


def write_rows_snapshots(snapshot: SnapshotSource, out_dir: Path,
                         columns: Mapping[str, Collection[str]] | None = None) -> int:
    """Write the published rows of each public table the pages read; returns files written.

    A static build has no HubDB API behind it, so a script that would page through
    ``/cms/v3/hubdb/tables/{t}/rows`` reads ``_hubshop/hubdb/{t}.json`` instead
    (the build names the folder in a ``<meta name="hubshop:rows-snapshot">``).
    The body has the rows API's shape, made small: only tables with
    ``allowPublicApiAccess`` are written (only those answer without a token),
    a table in ``columns`` keeps only the columns its scripts ask the rows API
    for (``properties``; the product grid names them in ``data-hubdb-columns``),
    so the per-variant JSON only the server-rendered product page reads is not
    downloaded by every filtered listing; rich-text columns are always left out,
    SELECT and MULTISELECT values are their option names, and a row keeps only
    ``id``, ``path``, ``name`` and ``values``; 10,000 products stay a few megabytes.
    """
    columns = columns or {}
    folder = out_dir / ROWS_SNAPSHOT_DIR
    written = 0
    for name, rows in sorted(snapshot.tables_read().items()):
        meta = snapshot.table(name)
        if not meta.get("allowPublicApiAccess"):
            continue
        kinds = {c.get("name"): c.get("type") for c in meta.get("columns") or []}
        wanted = set(columns[name]) if columns.get(name) else None
        results = [{"id": row.get("id"), "path": row.get("path"), "name": row.get("name"),
                    "values": {k: _compact(kinds.get(k), v)
                               for k, v in (row.get("values") or {}).items()
                               if kinds.get(k) != "RICHTEXT" and (wanted is None or k in wanted)}}
                   for row in rows]
        folder.mkdir(parents=True, exist_ok=True)
        body = {"total": len(results), "results": results}
        (folder / f"{name}.json").write_text(json.dumps(body, separators=(",", ":")),
                                             encoding="utf-8")
        written += 1
    return written


def _compact(kind: str | None, value: Any) -> Any:
    """An option as its name (what a listing compares), a list of options as names."""
    if kind == "SELECT" and isinstance(value, dict):
        return value.get("name")
    if kind == "MULTISELECT" and isinstance(value, list):
        return [o.get("name") if isinstance(o, dict) else o for o in value]
    return value
