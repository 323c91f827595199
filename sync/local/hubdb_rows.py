"""Row writes and reads of the local HubDB: single rows and the 100-at-a-time batches.

Kept apart from table handling in ``hubdb.py``; :class:`RowOps` is mixed into
``LocalHubDB`` and uses its connection, lock and helpers.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from sync.local.db import transaction
from sync.local.hubdb_errors import HubDBError, bad_request, not_found
from sync.local.hubdb_values import OPTION_TYPES, store_value

if TYPE_CHECKING:
    import sqlite3
    import threading

MAX_ROWS = 10_000
MAX_BATCH = 100
_ROW_COLUMNS = "row_id, path, name, child_table_id, vals, created_at, updated_at, published_at"


class RowOps:
    """Row endpoints of HubDB v3; every write goes to the draft version."""

    conn: sqlite3.Connection
    lock: threading.RLock
    _row_cache: dict[tuple[int, str], tuple[tuple[int, int], list[dict[str, Any]]]]

    # -- single rows ----------------------------------------------------------

    def create_row(self, table: str | int, request: dict[str, Any]) -> dict[str, Any]:
        """``POST /tables/{t}/rows``: add one draft row from a ``HubDbTableRowV3Request``."""
        return self.batch_create(table, {"inputs": [request]})["results"][0]

    def get_row(
        self, table: str | int, row_id: str | int, *, draft: bool = False
    ) -> dict[str, Any]:
        """``GET /tables/{t}/rows/{id}`` (published) or ``…/{id}/draft``."""
        version = "draft" if draft else "published"
        with self.lock:
            table_id = self._resolve(table, version)
            row = self._fetch_row(table_id, version, row_id)
            if row is None:
                raise self._missing_row(table_id, row_id, version)
            return row

    def update_row(
        self, table: str | int, row_id: str | int, request: dict[str, Any]
    ) -> dict[str, Any]:
        """``PATCH /tables/{t}/rows/{id}/draft``: merge values; a ``null`` value clears a cell."""
        return self.batch_update(table, {"inputs": [dict(request, id=str(row_id))]})["results"][0]

    def replace_row(
        self, table: str | int, row_id: str | int, request: dict[str, Any]
    ) -> dict[str, Any]:
        """``PUT /tables/{t}/rows/{id}/draft``: the row's values become exactly ``values``."""
        return self.batch_replace(table, {"inputs": [dict(request, id=str(row_id))]})["results"][0]

    def purge_row(self, table: str | int, row_id: str | int) -> None:
        """``DELETE /tables/{t}/rows/{id}/draft``: remove the row from the draft."""
        self.batch_purge(table, {"inputs": [str(row_id)]})

    # -- batches ----------------------------------------------------------------

    def batch_create(self, table: str | int, batch: dict[str, Any]) -> dict[str, Any]:
        """``POST /rows/draft/batch/create``: at most 100 inputs, all or nothing."""
        inputs = _inputs(table, batch)
        with self.lock, transaction(self.conn):
            table_id, name, columns = self._draft(table)
            count = self.conn.execute(
                "SELECT COUNT(*) FROM hubdb_rows WHERE table_id = ? AND version = 'draft'",
                (table_id,),
            ).fetchone()[0]
            if count + len(inputs) > MAX_ROWS:
                raise bad_request(
                    f"Table {name} would have {count + len(inputs)} rows; HubDB allows {MAX_ROWS}",
                    table=name,
                )
            now, results = self._now(), []
            for request in inputs:
                row_id = self._next_id("row")
                values = self._values(name, str(row_id), columns, _request_values(request), {})
                path, row_name = _path_and_name(request, {})
                self.conn.execute(
                    "INSERT INTO hubdb_rows (table_id, version, row_id, path, name, child_table_id,"
                    " display_index, vals, created_at, updated_at)"
                    " VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        table_id,
                        row_id,
                        path,
                        row_name,
                        str(request.get("childTableId") or 0),
                        int(request.get("displayIndex") or 0),
                        json.dumps(values),
                        now,
                        now,
                    ),
                )
                results.append(self._fetch_row(table_id, "draft", row_id))
            self._touch(table_id, now)
            return _batch_response(results, now)

    def batch_update(self, table: str | int, batch: dict[str, Any]) -> dict[str, Any]:
        """``POST /rows/draft/batch/update``: PATCH each ``{id, values}``; missing rows → 404."""
        return self._rewrite(table, batch, merge=True)

    def batch_replace(self, table: str | int, batch: dict[str, Any]) -> dict[str, Any]:
        """``POST /rows/draft/batch/replace``: PUT each ``{id, values}``; missing rows → 404."""
        return self._rewrite(table, batch, merge=False)

    def batch_purge(self, table: str | int, batch: dict[str, Any]) -> None:
        """``POST /rows/draft/batch/purge``: delete the draft rows with these ids."""
        ids = [str(i) for i in _inputs(table, batch)]
        with self.lock, transaction(self.conn):
            table_id, _, _ = self._draft(table)
            for row_id in ids:
                if self._fetch_row(table_id, "draft", row_id) is None:
                    raise self._missing_row(table_id, row_id, "draft")
                self.conn.execute(
                    "DELETE FROM hubdb_rows"
                    " WHERE table_id = ? AND version = 'draft' AND row_id = ?",
                    (table_id, int(row_id)),
                )
            self._touch(table_id, self._now())

    def batch_read(
        self, table: str | int, batch: dict[str, Any], *, draft: bool = True
    ) -> dict[str, Any]:
        """``POST /rows/draft/batch/read`` or ``/rows/batch/read``; unknown ids become ``errors``.

        A response with ``errors`` is what HubSpot sends with status 207.
        """
        ids = [str(i) for i in _inputs(table, batch)]
        version = "draft" if draft else "published"
        with self.lock:
            table_id = self._resolve(table, version)
            now, results, missing = self._now(), [], []
            for row_id in ids:
                row = self._fetch_row(table_id, version, row_id)
                (results if row else missing).append(row or row_id)
        response = _batch_response(results, now)
        if missing:
            response["numErrors"] = len(missing)
            response["errors"] = [
                {
                    "status": "error",
                    "category": "OBJECT_NOT_FOUND",
                    "message": f"Row {r} not found",
                    "context": {"ids": [r]},
                    "errors": [],
                    "links": {},
                    "subCategory": "",
                }
                for r in missing
            ]
        return response

    # -- internals --------------------------------------------------------------

    def _rewrite(self, table: str | int, batch: dict[str, Any], *, merge: bool) -> dict[str, Any]:
        inputs = _inputs(table, batch)
        with self.lock, transaction(self.conn):
            table_id, name, columns = self._draft(table)
            now, results = self._now(), []
            for request in inputs:
                row_id = str(request.get("id", ""))
                current = self._fetch_row(table_id, "draft", row_id) if row_id.isdigit() else None
                if current is None:
                    raise self._missing_row(table_id, row_id, "draft")
                base = current["values"] if merge else {}
                values = self._values(name, row_id, columns, _request_values(request), base)
                path, row_name = _path_and_name(request, current if merge else {})
                self.conn.execute(
                    "UPDATE hubdb_rows SET vals = ?, path = ?, name = ?, updated_at = ?"
                    " WHERE table_id = ? AND version = 'draft' AND row_id = ?",
                    (json.dumps(values), path, row_name, now, table_id, int(row_id)),
                )
                results.append(self._fetch_row(table_id, "draft", row_id))
            self._touch(table_id, now)
            return _batch_response(results, now)

    def _draft(self, table: str | int) -> tuple[int, str, list[dict[str, Any]]]:
        table_id = self._resolve(table, "draft")
        return table_id, self._name(table_id), self._meta(table_id, "draft")["columns"]

    def _values(
        self,
        table: str,
        row: str,
        columns: list[dict[str, Any]],
        written: dict[str, Any],
        base: dict[str, Any],
    ) -> dict[str, Any]:
        by_name = {c["name"]: c for c in columns}
        values = dict(base)
        for key, value in written.items():
            if key not in by_name:
                raise bad_request(
                    f"Table {table}, row {row}: no column named {key!r}",
                    table=table,
                    row=row,
                    column=key,
                )
            stored = store_value(table, row, by_name[key], value)
            if stored is None or stored == []:
                values.pop(key, None)
            else:
                values[key] = stored
        return values

    def _fetch_row(self, table_id: int, version: str, row_id: str | int) -> dict[str, Any] | None:
        if not str(row_id).isdigit():
            return None
        row = self.conn.execute(
            f"SELECT {_ROW_COLUMNS} FROM hubdb_rows"
            " WHERE table_id = ? AND version = ? AND row_id = ?",
            (table_id, version, int(row_id)),
        ).fetchone()
        return _row_json(row) if row else None

    def data_stamp(self) -> tuple[int, int]:
        """Differs after any write to the store, through this connection or another."""
        with self.lock:
            return (self.conn.total_changes,
                    self.conn.execute("PRAGMA data_version").fetchone()[0])

    def _cached_rows(self, table_id: int, version: str) -> list[dict[str, Any]]:
        """A version's rows, decoded once and kept until anything writes to the store.

        Paging through a 10,000-row table (a build, a re-sync's key lookups)
        would otherwise decode every row for every page. The stamp is this
        connection's write count plus SQLite's ``data_version`` (which moves when
        another connection commits), so a write through any connection, a
        rollback included, makes the next read decode afresh. Callers get the
        shared rows: :func:`page_copy` what leaves the store.
        """
        stamp = self.data_stamp()
        cache = self._row_cache
        hit = cache.get((table_id, version))
        if hit is not None and hit[0] == stamp:
            return hit[1]
        rows = self._load_rows(table_id, version)
        cache[(table_id, version)] = (stamp, rows)
        return rows

    def _load_rows(self, table_id: int, version: str) -> list[dict[str, Any]]:
        return [
            _row_json(r)
            for r in self.conn.execute(
                f"SELECT {_ROW_COLUMNS} FROM hubdb_rows WHERE table_id = ? AND version = ?"
                " ORDER BY display_index, row_id",
                (table_id, version),
            )
        ]

    def _prune_rows(self, table_id: int, columns: list[dict[str, Any]]) -> None:
        """After a column change, drop values of deleted columns and of vanished options."""
        by_name = {c["name"]: c for c in columns}
        for row in self.conn.execute(
            "SELECT row_id, vals FROM hubdb_rows WHERE table_id = ? AND version = 'draft'",
            (table_id,),
        ).fetchall():
            old = json.loads(row["vals"])
            new = {}
            for key, value in old.items():
                column = by_name.get(key)
                if column is None:
                    continue
                if column["type"] in OPTION_TYPES:
                    ids = {o["id"]: o["name"] for o in column["options"]}
                    items = value if isinstance(value, list) else [value]
                    kept = [dict(o, name=ids[o["id"]]) for o in items if o["id"] in ids]
                    if not kept:
                        continue
                    value = kept if isinstance(value, list) else kept[0]
                new[key] = value
            if new != old:
                self.conn.execute(
                    "UPDATE hubdb_rows SET vals = ? WHERE table_id = ? AND version = 'draft'"
                    " AND row_id = ?",
                    (json.dumps(new), table_id, row["row_id"]),
                )

    def _missing_row(self, table_id: int, row_id: str | int, version: str) -> HubDBError:
        name = self._name(table_id)
        return not_found(f"Table {name} has no {version} row {row_id}", table=name, row=str(row_id))


def _inputs(table: str | int, batch: dict[str, Any]) -> list[Any]:
    inputs = batch.get("inputs") if isinstance(batch, dict) else None
    if not isinstance(inputs, list):
        raise bad_request(f'Table {table}: the body must be {{"inputs": [...]}}', table=str(table))
    if len(inputs) > MAX_BATCH:
        raise bad_request(
            f"Table {table}: batch of {len(inputs)} inputs exceeds the maximum of {MAX_BATCH}",
            table=str(table),
        )
    return inputs


def _request_values(request: dict[str, Any]) -> dict[str, Any]:
    values = request.get("values")
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise bad_request(f"Row values must be an object keyed by column name, got {values!r}")
    return {k: v for k, v in values.items() if k not in ("hs_path", "hs_name")}


def _path_and_name(
    request: dict[str, Any], current: dict[str, Any]
) -> tuple[str | None, str | None]:
    """``path``/``name`` (or ``hs_path``/``hs_name`` in values); paths are stored lowercase."""
    values = request.get("values") or {}
    path = request.get("path", values.get("hs_path", current.get("path")))
    name = request.get("name", values.get("hs_name", current.get("name")))
    return (path.lower() if isinstance(path, str) else path), name


def _row_json(row: Any) -> dict[str, Any]:
    result = {
        "id": str(row["row_id"]),
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
        "path": row["path"],
        "name": row["name"],
        "childTableId": row["child_table_id"],
        "values": json.loads(row["vals"]),
    }
    if row["published_at"]:
        result["publishedAt"] = row["published_at"]
    return result


def page_copy(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows a caller may change freely: each row, its values and their options copied."""
    def value(v: Any) -> Any:
        if isinstance(v, dict):
            return dict(v)
        if isinstance(v, list):
            return [dict(o) if isinstance(o, dict) else o for o in v]
        return v

    return [{**r, "values": {k: value(v) for k, v in r["values"].items()}} for r in rows]


def _batch_response(results: list[dict[str, Any]], now: str) -> dict[str, Any]:
    return {"status": "COMPLETE", "results": results, "startedAt": now, "completedAt": now}
