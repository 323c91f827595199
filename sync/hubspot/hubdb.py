"""The products table in HubDB through the official SDK: the production ``ProductTable``.

Calls go through the account's shared :class:`HubSpotClient` (one pacer for
everything that calls HubSpot). Responses are read raw (``_preload_content``
off) so the planner sees HubDB's JSON exactly as the API sends it; the row
filter the SDK cannot pass goes through the client's generic ``request``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from sync.catalog.table import key_filters
from sync.hubspot.client import HubSpotClient
from sync.hubspot.errors import HubSpotError, hubspot_error

BASE = "/cms/v3/hubdb/tables"
PAGE = 1000
FILTER_CHUNK = 100
TABLES = "cms.hubdb.tables_api"
ROWS = "cms.hubdb.rows_api"
BATCH = "cms.hubdb.rows_batch_api"


class HubDBProductTable:
    """One HubDB table, draft side, for the applier."""

    kind = "hubdb"

    def __init__(self, client: HubSpotClient, name: str) -> None:
        self.client = client
        self.name = name
        # Called just before each publish (catalog rollback keeps a snapshot there).
        self.before_publish: Callable[[], None] | None = None

    @property
    def calls(self) -> int:
        return self.client.stats.calls

    def draft_table(self) -> dict[str, Any] | None:
        try:
            return self._sdk("read table", TABLES, "get_draft_table_details_by_id", self.name)
        except _Missing:
            return None

    def draft_rows(self, *, keys: Sequence[str] | None = None) -> list[dict[str, Any]]:
        if keys is None:
            return self._pages(None)
        rows: dict[str, dict[str, Any]] = {}
        for query in key_filters(keys, FILTER_CHUNK):
            rows.update((str(row["id"]), row) for row in self._pages(query))
        return list(rows.values())

    def create_table(self, request: dict[str, Any]) -> dict[str, Any]:
        return self._sdk("create table", TABLES, "create_table", request)

    def update_table(self, request: dict[str, Any]) -> dict[str, Any]:
        return self._sdk("update table", TABLES, "update_draft_table", self.name, request)

    def create_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"inputs": inputs}
        return self._sdk("create rows", BATCH, "create_draft_table_rows", self.name, body)[
            "results"
        ]

    def update_rows(self, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        body = {"inputs": inputs}
        return self._sdk("update rows", BATCH, "update_draft_table_rows", self.name, body)[
            "results"
        ]

    def purge_rows(self, row_ids: list[str]) -> None:
        body = {"inputs": [str(i) for i in row_ids]}
        self._sdk("purge rows", BATCH, "purge_draft_table_rows", self.name, body)

    def publish(self) -> dict[str, Any]:
        if self.before_publish is not None:
            self.before_publish()
        return self._sdk("publish table", TABLES, "publish_draft_table", self.name)

    def published_rows(self) -> list[dict[str, Any]] | None:
        """The live rows (``GET /tables/{t}/rows``), or None when never published."""
        rows: list[dict[str, Any]] = []
        after = None
        while True:
            qs: dict[str, Any] = {"limit": PAGE, **({"after": after} if after else {})}
            try:
                page = self.client.request("GET", f"{BASE}/{self.name}/rows", qs=qs)
            except HubSpotError as exc:
                if exc.status == 404:
                    return None
                raise
            rows.extend((page or {}).get("results") or [])
            after = (((page or {}).get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return rows

    def _pages(self, where: dict[str, str] | None) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        after = None
        while True:
            if where is None:
                extra = {"after": after} if after else {}
                page = self._sdk(
                    "read rows", ROWS, "read_draft_table_rows", self.name, limit=PAGE, **extra
                )
            else:
                qs: dict[str, Any] = {"limit": PAGE, **where}
                if after:
                    qs["after"] = after
                page = self.client.request("GET", f"{BASE}/{self.name}/rows/draft", qs=qs)
            rows.extend(page.get("results") or [])
            after = ((page.get("paging") or {}).get("next") or {}).get("after")
            if not after:
                return rows

    def _sdk(self, what: str, api: str, method: str, *args: Any, **kwargs: Any) -> Any:
        fn = getattr(self.client.api(api), method)
        try:
            response = self.client.call(what, fn, *args, _preload_content=False, **kwargs)
        except Exception as exc:
            status = getattr(exc, "status", None)
            if type(exc).__name__.endswith("Exception") and isinstance(status, int):
                if status == 404 and method == "get_draft_table_details_by_id":
                    raise _Missing from None
                body = getattr(exc, "body", "") or ""
                text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
                raise hubspot_error(status, text, what=what, where=f"table {self.name}") from None
            raise
        data = response.data
        return json.loads(data) if data else {}


class _Missing(Exception):
    """The table does not exist (404 on its draft)."""
