"""HubL's HubDB functions over a ``HubDBSource``, with HubSpot's per-page limits.

``hubdb_table_rows(table, "category__eq=bags&orderBy=-price_min&limit=12")``
takes HubDB's filter syntax; the source (the local store, or HubDB itself)
evaluates it and rejects unknown columns and operators, which become an error
naming template:line. HubSpot allows at most 10 ``hubdb_table_rows`` calls per
page and returns 1,000 rows unless ``limit`` says otherwise. A table that does
not exist (not synced yet, or another company's table id) answers like a
``null`` table, with no rows, so the page still renders its empty state; the
names are kept in ``missing_tables`` for the build to report.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Protocol
from urllib.parse import parse_qsl

from jinja2 import Undefined

from sync.errors import HubshopError
from sync.site.hubl.errors import HublProblem
from sync.site.hubl.page import current_page

MAX_ROWS_CALLS_PER_PAGE = 10
DEFAULT_ROW_LIMIT = 1000


class HubDBSource(Protocol):
    """Where HubL reads HubDB: tables and rows in HubDB v3's JSON shapes."""

    def table(self, table: str | int) -> dict[str, Any]:
        """The table (``{id, name, label, columns, rowCount, …}``); raises if unknown."""
        ...

    def rows(self, table: str | int, query: list[tuple[str, str]]) -> dict[str, Any]:
        """``{total, results: [{id, path, name, values}], paging}`` for a HubDB query."""
        ...

    def row(self, table: str | int, row_id: str | int) -> dict[str, Any] | None:
        """One row by id, or ``None``."""
        ...


class LocalHubDBSource:
    """A :class:`HubDBSource` over the embedded store (``sync.local.hubdb.LocalHubDB``).

    Args:
        store: a ``LocalHubDB`` or an open SQLite connection to build one on.
        draft: read draft rows (preview of unpublished changes) instead of published.
    """

    def __init__(self, store: Any, *, draft: bool = False) -> None:
        if isinstance(store, sqlite3.Connection):
            from sync.local.hubdb import LocalHubDB

            store = LocalHubDB(store)
        self.store = store
        self.draft = draft

    def table(self, table: str | int) -> dict[str, Any]:
        return self.store.get_table(table, draft=self.draft)

    def rows(self, table: str | int, query: list[tuple[str, str]]) -> dict[str, Any]:
        return self.store.rows(table, draft=self.draft, query=query)

    def version(self) -> Any:
        """Changes whenever the store is written (by anyone); ``None`` if it cannot tell."""
        stamp = getattr(self.store, "data_stamp", None)
        return stamp() if stamp is not None else None

    def row(self, table: str | int, row_id: str | int) -> dict[str, Any] | None:
        try:
            return self.store.get_row(table, row_id, draft=self.draft)
        except HubshopError as exc:
            if getattr(exc, "status", None) == 404:
                return None
            raise


def hubl_row(row: dict[str, Any]) -> dict[str, Any]:
    """A v3 row as HubL shows it: ``hs_id``, ``hs_path``, ``hs_name`` plus column values."""
    if "values" not in row:
        return dict(row)
    values = dict(row.get("values") or {})
    return {
        **values,
        "hs_id": _int_or_text(row.get("id")),
        "hs_path": row.get("path") or "",
        "hs_name": row.get("name") or "",
        "hs_created_at": row.get("createdAt"),
        "hs_updated_at": row.get("updatedAt"),
        "hs_child_table_id": row.get("childTableId") or 0,
        "hs_parent_row": row.get("parentRow"),
    }


def _int_or_text(value: Any) -> Any:
    try:
        return int(value)
    except (TypeError, ValueError):
        return value


def _no_table(table: Any) -> bool:
    """A ``null`` table id: HubSpot answers nothing (``testing_table_id = null`` themes)."""
    return table is None or isinstance(table, Undefined) or table == ""


def is_missing_table(exc: Exception) -> bool:
    """Whether the source's answer to ``table(t)`` means no such (published) table: a 404."""
    return getattr(exc, "status", None) == 404


class HubDBFunctions:
    """The ``hubdb_*`` HubL functions bound to one environment's source.

    Args:
        source: where rows come from; ``None`` makes any real table an error.
        missing_tables: collects the tables asked for that do not exist.
    """

    def __init__(self, source: HubDBSource | None,
                 missing_tables: set[str] | None = None) -> None:
        self.source = source
        self.missing_tables = missing_tables if missing_tables is not None else set()

    def _absent(self, table: Any) -> bool:
        """A ``null`` table id, or a table the source does not have (remembered)."""
        if _no_table(table):
            return True
        source = self._need()
        try:
            source.table(table)
        except HubshopError as exc:
            if not is_missing_table(exc):
                raise
            self.missing_tables.add(str(table))
            return True
        return False

    def _need(self) -> HubDBSource:
        if self.source is None:
            raise HublProblem("this page uses HubDB but the renderer has no HubDB source",
                              "pass hubdb=LocalHubDBSource(conn) to HublEnvironment")
        return self.source

    def _ask(self, what: str, call: Any) -> Any:
        try:
            return call()
        except HubshopError as exc:
            message = getattr(exc, "message", str(exc))
            raise HublProblem(f"{what}: {message}",
                              "use the table's real column names and HubDB operators "
                              "(eq, ne, lt, lte, gt, gte, contains, icontains, startswith, "
                              "in, not_in, is_null, not_null)") from exc

    def table_rows(self, table: str | int, query: str = "") -> list[dict[str, Any]]:
        """``hubdb_table_rows``: at most 10 calls per page, 1,000 rows by default."""
        page = current_page()
        page.hubdb_calls += 1
        if page.hubdb_calls > MAX_ROWS_CALLS_PER_PAGE:
            raise HublProblem(
                f"hubdb_table_rows called more than {MAX_ROWS_CALLS_PER_PAGE} times on one page "
                "(HubSpot's limit)", "fetch once into a variable and filter it with selectattr")
        if self._absent(table):
            return []
        pairs = parse_qsl(str(query or ""), keep_blank_values=True)
        if not any(key == "limit" for key, _ in pairs):
            pairs.append(("limit", str(DEFAULT_ROW_LIMIT)))
        source = self._need()
        answer = self._ask(f"hubdb_table_rows({table!r}, {query!r})",
                           lambda: source.rows(table, pairs))
        return [hubl_row(row) for row in answer.get("results", [])]

    def table_row(self, table: str | int, row_id: str | int) -> dict[str, Any] | None:
        """``hubdb_table_row``: one row or ``None`` (also for a ``null`` table or row id)."""
        if _no_table(row_id) or self._absent(table):
            return None
        source = self._need()
        row = self._ask(f"hubdb_table_row({table!r}, {row_id!r})",
                        lambda: source.row(table, row_id))
        return hubl_row(row) if row else None

    def table(self, table: str | int) -> dict[str, Any]:
        """``hubdb_table``: the table's metadata, with HubL's ``row_count`` and ``columns``."""
        if self._absent(table):
            return {"row_count": 0, "columns": []}
        source = self._need()
        info = self._ask(f"hubdb_table({table!r})", lambda: source.table(table))
        return {**info, "row_count": info.get("rowCount", 0),
                "created_at": info.get("createdAt"), "published_at": info.get("publishedAt"),
                "updated_at": info.get("updatedAt"), "columns": info.get("columns", [])}

    def table_column(self, table: str | int, column: str | int) -> dict[str, Any] | None:
        """``hubdb_table_column``: one column (by name or id) with its options.

        ``null`` for a table that is not there, like its rows; an unknown column
        of a real table is the template's mistake and an error.
        """
        if self._absent(table):
            return None
        for col in self.table(table)["columns"]:
            if str(col.get("name")) == str(column) or str(col.get("id")) == str(column):
                return {**col, "options": col.get("options", [])}
        raise HublProblem(f"hubdb_table_column: table {table!r} has no column {column!r}",
                          "use one of the table's column names")
