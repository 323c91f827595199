"""A HubDB source that reads each table once and answers every query from memory.

A page calls ``hubdb_table_rows`` up to ten times and a build renders hundreds
of pages; asking the store each time re-reads and re-decodes the whole table.
The snapshot reads a table's published rows once and runs each query with
HubDB's own query engine (``sync.local.hubdb_query``), so answers, including
errors for unknown columns and operators, are exactly the store's.
"""

from __future__ import annotations

from typing import Any

from sync.local.hubdb_query import parse_query, run_query
from sync.site.hubl import HubDBSource

_PAGE = 1000


class SnapshotSource:
    """Wraps a :class:`HubDBSource`; :meth:`refresh` forgets what it read."""

    def __init__(self, source: HubDBSource) -> None:
        self.source = source
        self._tables: dict[str, dict[str, Any]] = {}
        self._rows: dict[str, list[dict[str, Any]]] = {}

    def refresh(self) -> None:
        """Read tables again on next use (the preview does this per request)."""
        self._tables.clear()
        self._rows.clear()

    def table(self, table: str | int) -> dict[str, Any]:
        key = str(table)
        if key not in self._tables:
            self._tables[key] = self.source.table(table)
        return self._tables[key]

    def rows(self, table: str | int, query: list[tuple[str, str]]) -> dict[str, Any]:
        meta = self.table(table)
        name = str(meta.get("name") or table)
        parsed = parse_query(name, meta.get("columns") or [], query)
        return run_query(name, meta.get("columns") or [], self._all_rows(table, name), parsed)

    def row(self, table: str | int, row_id: str | int) -> dict[str, Any] | None:
        name = str(self.table(table).get("name") or table)
        wanted = str(row_id)
        return next((r for r in self._all_rows(table, name) if str(r.get("id")) == wanted), None)

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
