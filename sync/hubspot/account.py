"""What a HubSpot credential can do: its portal and scopes, and whether a HubDB table is live.

Private app tokens are introspected at ``POST /oauth/v2/private-apps/get/access-token-info``
(HubSpot's private-app docs; body ``{"tokenKey": token}``, answer ``hubId``, ``scopes``).
A personal access key proves itself by being exchanged for a token; it has no such endpoint.
"""

from __future__ import annotations

from typing import Any

from sync.hubspot.client import HubSpotClient
from sync.hubspot.errors import HubSpotError

TOKEN_INFO_PATH = "/oauth/v2/private-apps/get/access-token-info"  # noqa: S105 - a path
TABLES_PATH = "/cms/v3/hubdb/tables"


class HubSpotAccount:
    """Read-only facts about one HubSpot account, for ``hubshop doctor`` and ``deploy``."""

    def __init__(self, client: HubSpotClient) -> None:
        self.client = client

    def token_info(self) -> dict[str, Any] | None:
        """``{"hub_id", "scopes"}`` of a private app token; None for a personal access key."""
        settings = self.client.settings
        if settings.access_token is None:
            self.client.tokens.get()  # the exchange itself proves the key
            return None
        body = self.client.request("POST", TOKEN_INFO_PATH,
                                   body={"tokenKey": settings.access_token.reveal()})
        body = body or {}
        return {"hub_id": body.get("hubId"), "scopes": sorted(body.get("scopes") or [])}

    def table_state(self, name: str) -> str:
        """``published``, ``draft`` (created, never published) or ``missing``."""
        try:
            self.client.request("GET", f"{TABLES_PATH}/{name}")
            return "published"
        except HubSpotError as exc:
            if exc.status != 404:
                raise
        try:
            self.client.request("GET", f"{TABLES_PATH}/{name}/draft")
            return "draft"
        except HubSpotError as exc:
            if exc.status != 404:
                raise
        return "missing"
