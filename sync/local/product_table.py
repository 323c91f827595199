"""The products table on the local HubDB: the embedded default's ``ProductTable``.

It makes the same calls, in the same shapes, that the HubSpot adapter sends
over HTTP, and counts them the same way, so call budgets can be read off a
local run too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sync.catalog.table import key_filters
from sync.local.hubdb import HubDBError, LocalHubDB

PAGE = 1000
FILTER_CHUNK = 100


class LocalProductTable:
    """One table of a :class:`LocalHubDB`; ``calls`` counts what HubDB would be charged."""

    kind = "local"

    def __init__(self, hubdb: LocalHubDB, name: str) -> None:
        self.hubdb = hubdb
        self.name = name
        self.calls = 0
        # Called just before each publish (catalog rollback keeps a snapshot there).
        self.before_publish: Callable[[], None] | None = None

    def draft_table(self) -> dict[str, Any] | None:
        self.calls += 1
        try:
            return self.hubdb.get_table(self.name, draft=True)
        except HubDBError as exc:
            if exc.status == 404:
                return None
            raise

    def draft_rows(self, *, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
        if keys is None:
            return self._pages({})
        rows: dict[str, dict[str, Any]] = {}
        for query in key_filters(keys, FILTER_CHUNK):
            rows.update((str(row["id"]), row) for row in self._pages(query))
        return list(rows.values())

    def create_table(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        return self.hubdb.create_table(request)

    def update_table(self, request: dict[str, Any]) -> dict[str, Any]:
        self.calls += 1
        return self.hubdb.update_draft_table(self.name, request)

    def create_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls += 1
        return self.hubdb.batch_create(self.name, {"inputs": inputs})["results"]

    def update_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        self.calls += 1
        return self.hubdb.batch_update(self.name, {"inputs": inputs})["results"]

    def purge_rows(self, row_ids: list[str]) -> None:
        self.calls += 1
        self.hubdb.batch_purge(self.name, {"inputs": list(row_ids)})

    def publish(self) -> dict[str, Any]:
        if self.before_publish is not None:
            self.before_publish()
        self.calls += 1
        return self.hubdb.publish(self.name)

    def published_rows(self) -> list[dict[str, Any]] | None:
        """The live rows, or None when the table was never published."""
        try:
            return self._pages({}, draft=False)
        except HubDBError as exc:
            if exc.status == 404:
                return None
            raise

    def _pages(self, query: dict[str, Any], *, draft: bool = True) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        after = None
        while True:
            self.calls += 1
            page_query = {**query, "limit": PAGE, **({"after": after} if after else {})}
            page = self.hubdb.rows(self.name, draft=draft, query=page_query)
            rows.extend(page.get("results") or [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return rows
