"""HubDB v3 on SQLite: tables with typed columns, draft and published versions, rows.

``LocalHubDB`` speaks HubDB's JSON (``HubDbTableV3``, ``HubDbTableRowV3``,
collection and batch responses) so the embedded default, the loopback fake and
the real API are interchangeable to the code that syncs the catalog. Errors are
:class:`HubDBError` with the status and body HubSpot would send.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from typing import Any

from sync.local.db import apply_migrations, connect, register, transaction
from sync.local.hubdb_errors import HubDBError, bad_request, not_found
from sync.local.hubdb_query import QueryInput, encode_after, parse_query, run_query
from sync.local.hubdb_rows import RowOps, page_copy
from sync.local.hubdb_values import build_columns
from sync.model.time import iso_millis
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

__all__ = ["HubDBError", "LocalHubDB"]

TABLE_FLAGS = ("useForPages", "allowPublicApiAccess", "allowChildTables", "enableChildTablePages")
_TABLE_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")

register(
    "hubdb",
    [
        """
        CREATE TABLE hubdb_sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
        CREATE TABLE hubdb_tables (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL,
            published_at TEXT,
            next_column_id INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE hubdb_versions (
            table_id INTEGER NOT NULL REFERENCES hubdb_tables(id) ON DELETE CASCADE,
            version TEXT NOT NULL CHECK (version IN ('draft', 'published')),
            meta TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (table_id, version)
        );
        CREATE TABLE hubdb_rows (
            table_id INTEGER NOT NULL REFERENCES hubdb_tables(id) ON DELETE CASCADE,
            version TEXT NOT NULL CHECK (version IN ('draft', 'published')),
            row_id INTEGER NOT NULL,
            path TEXT,
            name TEXT,
            child_table_id TEXT NOT NULL DEFAULT '0',
            display_index INTEGER NOT NULL DEFAULT 0,
            vals TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            published_at TEXT,
            PRIMARY KEY (table_id, version, row_id)
        )
        """
    ],
)

_FIRST_ID = {"table": 5_000_001, "row": 100_000_000_001}


class LocalHubDB(RowOps):
    """HubDB v3 over one SQLite connection (see :func:`sync.local.db.connect`).

    Every method takes and returns the API's JSON dicts. Writes go to the draft;
    :meth:`publish` copies the draft (columns and rows) to the published version.
    Thread-safe, because the loopback fake serves requests from several threads.

    Args:
        conn: an open store connection with the ``hubdb`` migrations applied.
        clock: where ``createdAt``/``updatedAt``/``publishedAt`` come from.
    """

    def __init__(self, conn: sqlite3.Connection, clock: Clock = SYSTEM_CLOCK) -> None:
        self.conn = conn
        self.clock = clock
        self.lock = threading.RLock()
        self._row_cache: dict[tuple[int, str], tuple[tuple[int, int], list[dict[str, Any]]]] = {}

    @classmethod
    def in_memory(cls, clock: Clock = SYSTEM_CLOCK) -> LocalHubDB:
        """A throwaway store holding only HubDB's tables (tests, the loopback fake)."""
        conn = connect(":memory:", migrate=False)
        apply_migrations(conn)
        return cls(conn, clock)

    # -- tables ---------------------------------------------------------------

    def create_table(self, request: dict[str, Any]) -> dict[str, Any]:
        """``POST /tables``: create a table (draft only) from a ``HubDbTableV3Request``."""
        name, label = request.get("name"), request.get("label")
        if not isinstance(name, str) or not _TABLE_NAME.match(name):
            raise bad_request(
                f"Table name {name!r} must be lowercase letters, digits and underscores,"
                " not starting with a digit",
                table=str(name),
            )
        if not isinstance(label, str) or not label.strip():
            raise bad_request(f"Table {name}: a label is required", table=name)
        with self.lock, transaction(self.conn):
            clash = self.conn.execute(
                "SELECT 1 FROM hubdb_tables WHERE name = ?", (name,)
            ).fetchone()
            if clash or self._label_taken(label, None):
                what = f"name {name}" if clash else f"label {label!r}"
                raise HubDBError(
                    409,
                    "OBJECT_ALREADY_EXISTS",
                    f"A table with {what} already exists",
                    {"table": [name]},
                )
            now = self._now()
            table_id = self._next_id("table")
            columns, next_column = build_columns(name, request.get("columns") or [], [], 1, now)
            meta = {"label": label, "columns": columns, "dynamicMetaTags": {}}
            meta.update({flag: bool(request.get(flag, False)) for flag in TABLE_FLAGS})
            meta["dynamicMetaTags"] = self._meta_tags(name, request.get("dynamicMetaTags"), columns)
            self.conn.execute(
                "INSERT INTO hubdb_tables (id, name, created_at, next_column_id)"
                " VALUES (?, ?, ?, ?)",
                (table_id, name, now, next_column),
            )
            self._write_meta(table_id, "draft", meta, now)
            return self._table_json(table_id, "draft")

    def get_table(self, name_or_id: str | int, *, draft: bool = False) -> dict[str, Any]:
        """``GET /tables/{t}`` (published; 404 if never published) or ``/tables/{t}/draft``."""
        with self.lock:
            table_id = self._resolve(name_or_id, "draft" if draft else "published")
            return self._table_json(table_id, "draft" if draft else "published")

    def list_tables(self, *, draft: bool = False, query: QueryInput = None) -> dict[str, Any]:
        """``GET /tables`` or ``/tables/draft``: ``limit`` (default 1000), ``after``, ``sort``."""
        params = dict(query.items() if hasattr(query, "items") else query or [])
        limit = parse_query("tables", [], {"limit": _first(params.get("limit"), 1000)}).limit
        after = _first(params.get("after"), None)
        start = int(parse_query("tables", [], {"after": after}).offset) if after else 0
        sort = str(_first(params.get("sort"), "createdAt"))
        with self.lock:
            version = "draft" if draft else "published"
            ids = [
                r["table_id"]
                for r in self.conn.execute(
                    "SELECT table_id FROM hubdb_versions WHERE version = ? ORDER BY table_id",
                    (version,),
                )
            ]
            tables = [self._table_json(i, version) for i in ids]
        key = sort.lstrip("-")
        if key not in ("name", "createdAt", "updatedAt", "label", "id"):
            raise bad_request(f"Tables cannot be sorted by {sort!r}")
        tables.sort(key=lambda t: (t.get(key) or "", int(t["id"])), reverse=sort.startswith("-"))
        page = tables[start : start + limit]
        response: dict[str, Any] = {"total": len(tables), "results": page}
        if start + limit < len(tables):
            response["paging"] = {"next": {"after": encode_after(start + limit)}}
        return response

    def update_draft_table(self, name_or_id: str | int, request: dict[str, Any]) -> dict[str, Any]:
        """``PATCH /tables/{t}/draft``: label, flags, meta tags; ``columns`` replaces the list.

        A column left out of ``columns`` is deleted (with its values in the draft
        rows); one that keeps its name keeps its id. The name cannot change.
        """
        with self.lock, transaction(self.conn):
            table_id = self._resolve(name_or_id, "draft")
            name = self._name(table_id)
            if request.get("name") not in (None, name):
                raise bad_request(
                    f"Table {name}: the name cannot change (asked {request['name']!r})", table=name
                )
            meta = self._meta(table_id, "draft")
            now = self._now()
            if request.get("label"):
                if self._label_taken(request["label"], table_id):
                    raise HubDBError(
                        409,
                        "OBJECT_ALREADY_EXISTS",
                        f"Another table already has the label {request['label']!r}",
                        {"table": [name]},
                    )
                meta["label"] = request["label"]
            for flag in TABLE_FLAGS:
                if flag in request:
                    meta[flag] = bool(request[flag])
            if "columns" in request:
                next_id = self.conn.execute(
                    "SELECT next_column_id FROM hubdb_tables WHERE id = ?", (table_id,)
                ).fetchone()[0]
                columns, next_id = build_columns(
                    name, request["columns"] or [], meta["columns"], next_id, now
                )
                self.conn.execute(
                    "UPDATE hubdb_tables SET next_column_id = ? WHERE id = ?", (next_id, table_id)
                )
                meta["columns"] = columns
                self._prune_rows(table_id, columns)
            if "dynamicMetaTags" in request:
                meta["dynamicMetaTags"] = self._meta_tags(
                    name, request["dynamicMetaTags"], meta["columns"]
                )
            self._write_meta(table_id, "draft", meta, now)
            return self._table_json(table_id, "draft")

    def publish(self, name_or_id: str | int) -> dict[str, Any]:
        """``POST /tables/{t}/draft/publish``: the draft's columns and rows go live."""
        with self.lock, transaction(self.conn):
            table_id = self._resolve(name_or_id, "draft")
            now = self._now()
            self._copy_version(table_id, "draft", "published", now)
            self.conn.execute(
                "UPDATE hubdb_rows SET published_at = ? WHERE table_id = ?", (now, table_id)
            )
            self.conn.execute(
                "UPDATE hubdb_tables SET published_at = ? WHERE id = ?", (now, table_id)
            )
            return self._table_json(table_id, "published")

    def reset_draft(self, name_or_id: str | int) -> dict[str, Any]:
        """``POST /tables/{t}/draft/reset``: throw away unpublished changes."""
        with self.lock, transaction(self.conn):
            table_id = self._resolve(name_or_id, "draft")
            if self._meta(table_id, "published", required=False) is None:
                name = self._name(table_id)
                raise bad_request(
                    f"Table {name} has never been published; nothing to reset to", table=name
                )
            self._copy_version(table_id, "published", "draft", None)
            return self._table_json(table_id, "draft")

    def unpublish(self, name_or_id: str | int) -> dict[str, Any]:
        """``POST /tables/{t}/unpublish``: take the table off the live site, keep the draft."""
        with self.lock, transaction(self.conn):
            table_id = self._resolve(name_or_id, "published")
            self.conn.execute(
                "DELETE FROM hubdb_rows WHERE table_id = ? AND version = 'published'", (table_id,)
            )
            self.conn.execute(
                "DELETE FROM hubdb_versions WHERE table_id = ? AND version = 'published'",
                (table_id,),
            )
            self.conn.execute(
                "UPDATE hubdb_tables SET published_at = NULL WHERE id = ?", (table_id,)
            )
            return self._table_json(table_id, "draft")

    def delete_table(self, name_or_id: str | int) -> None:
        """``DELETE /tables/{t}``: remove both versions and every row (no restore here)."""
        with self.lock, transaction(self.conn):
            table_id = self._resolve(name_or_id, "draft")
            self.conn.execute("DELETE FROM hubdb_tables WHERE id = ?", (table_id,))

    def rows(
        self, name_or_id: str | int, *, draft: bool = False, query: QueryInput = None
    ) -> dict[str, Any]:
        """``GET /tables/{t}/rows`` (or ``/rows/draft``) with HubDB's filters, sort and paging."""
        version = "draft" if draft else "published"
        with self.lock:
            table_id = self._resolve(name_or_id, version)
            name = self._name(table_id)
            columns = self._meta(table_id, version)["columns"]
            parsed = parse_query(name, columns, query)
            rows = self._cached_rows(table_id, version)
            answer = run_query(name, columns, rows, parsed)
        answer["results"] = page_copy(answer["results"])
        return answer

    # -- helpers shared with RowOps ------------------------------------------

    def _now(self) -> str:
        return iso_millis(self.clock.now())

    def _next_id(self, sequence: str) -> int:
        row = self.conn.execute(
            "SELECT value FROM hubdb_sequences WHERE name = ?", (sequence,)
        ).fetchone()
        value = row[0] if row else _FIRST_ID[sequence]
        self.conn.execute(
            "INSERT INTO hubdb_sequences (name, value) VALUES (?, ?)"
            " ON CONFLICT(name) DO UPDATE SET value = excluded.value",
            (sequence, value + 1),
        )
        return value

    def _resolve(self, name_or_id: str | int, version: str) -> int:
        key = str(name_or_id)
        column = "id" if key.isdigit() else "name"
        row = self.conn.execute(
            f"SELECT id FROM hubdb_tables WHERE {column} = ?", (key,)
        ).fetchone()
        if row is None:
            raise not_found(f"Table {key} does not exist", table=key)
        if self._meta(row[0], version, required=False) is None:
            raise not_found(
                f"Table {key} has no published version; publish its draft first", table=key
            )
        return row[0]

    def _name(self, table_id: int) -> str:
        return self.conn.execute(
            "SELECT name FROM hubdb_tables WHERE id = ?", (table_id,)
        ).fetchone()[0]

    def _meta(self, table_id: int, version: str, *, required: bool = True) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT meta FROM hubdb_versions WHERE table_id = ? AND version = ?",
            (table_id, version),
        ).fetchone()
        if row is None:
            if required:
                raise not_found(f"Table {table_id} has no {version} version", table=str(table_id))
            return None
        return json.loads(row[0])

    def _write_meta(self, table_id: int, version: str, meta: dict[str, Any], now: str) -> None:
        self.conn.execute(
            "INSERT INTO hubdb_versions (table_id, version, meta, updated_at) VALUES (?, ?, ?, ?)"
            " ON CONFLICT(table_id, version) DO UPDATE SET meta = excluded.meta,"
            " updated_at = excluded.updated_at",
            (table_id, version, json.dumps(meta), now),
        )

    def _touch(self, table_id: int, now: str) -> None:
        self.conn.execute(
            "UPDATE hubdb_versions SET updated_at = ? WHERE table_id = ? AND version = 'draft'",
            (now, table_id),
        )

    def _label_taken(self, label: str, except_id: int | None) -> bool:
        for row in self.conn.execute(
            "SELECT table_id, meta FROM hubdb_versions WHERE version = 'draft'"
        ):
            if row[0] != except_id and json.loads(row[1])["label"] == label:
                return True
        return False

    def _meta_tags(self, table: str, tags: Any, columns: list[dict[str, Any]]) -> dict[str, int]:
        if not tags:
            return {}
        ids = {int(c["id"]) for c in columns}
        result = {}
        for key, column_id in dict(tags).items():
            if int(column_id) not in ids:
                raise bad_request(
                    f"Table {table}: dynamicMetaTags.{key} points at missing column id {column_id}",
                    table=table,
                    column=str(column_id),
                )
            result[key] = int(column_id)
        return result

    def _copy_version(self, table_id: int, source: str, target: str, now: str | None) -> None:
        meta = self._meta(table_id, source)
        stamp = (
            now
            or self.conn.execute(
                "SELECT updated_at FROM hubdb_versions WHERE table_id = ? AND version = ?",
                (table_id, source),
            ).fetchone()[0]
        )
        self._write_meta(table_id, target, meta, stamp)
        self.conn.execute(
            "DELETE FROM hubdb_rows WHERE table_id = ? AND version = ?", (table_id, target)
        )
        self.conn.execute(
            "INSERT INTO hubdb_rows (table_id, version, row_id, path, name, child_table_id,"
            " display_index, vals, created_at, updated_at, published_at)"
            " SELECT table_id, ?, row_id, path, name, child_table_id, display_index, vals,"
            " created_at, updated_at, published_at FROM hubdb_rows"
            " WHERE table_id = ? AND version = ?",
            (target, table_id, source),
        )

    def _table_json(self, table_id: int, version: str) -> dict[str, Any]:
        base = self.conn.execute(
            "SELECT t.id, t.name, t.created_at, t.published_at, t.next_column_id,"
            " v.meta, v.updated_at"
            " FROM hubdb_tables t JOIN hubdb_versions v ON v.table_id = t.id"
            " WHERE t.id = ? AND v.version = ?",
            (table_id, version),
        ).fetchone()
        meta = json.loads(base["meta"])
        row_count = self.conn.execute(
            "SELECT COUNT(*) FROM hubdb_rows WHERE table_id = ? AND version = ?",
            (table_id, version),
        ).fetchone()[0]
        table = {
            "id": str(base["id"]),
            "name": base["name"],
            "label": meta["label"],
            "columns": meta["columns"],
            "rowCount": row_count,
            "columnCount": base["next_column_id"] - 1,
            "createdAt": base["created_at"],
            "updatedAt": base["updated_at"],
            "published": base["published_at"] is not None,
            "deleted": False,
            "isOrderedManually": False,
            "dynamicMetaTags": meta.get("dynamicMetaTags", {}),
        }
        table.update({flag: meta.get(flag, False) for flag in TABLE_FLAGS})
        if base["published_at"]:
            table["publishedAt"] = base["published_at"]
        return table


def _first(value: Any, default: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else default
    return default if value is None else value
