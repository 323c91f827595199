"""HubSpot's private-app token introspection on the loopback fake.

``POST /oauth/v2/private-apps/get/access-token-info`` with ``{"tokenKey": token}``
answers the token's portal (``hubId``) and ``scopes``, as HubSpot's private-app
docs describe; an unknown token gets HubSpot's 401 body.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.fakes.hubdb_loopback import Reply, Request, error_body

PATH = "/oauth/v2/private-apps/get/access-token-info"


def serve_token_info(fake: Any, *, scopes: Iterable[str] = ("hubdb", "content"),
                     hub_id: int | None = None) -> None:
    """Add the introspection route to a running ``HubDBFake`` (its tokens, its portal)."""
    granted = sorted(scopes)

    def handle(request: Request) -> Reply:
        token = (request.json or {}).get("tokenKey")
        if token not in fake.tokens:
            return Reply(401, error_body("The token is not valid", "INVALID_AUTHENTICATION"))
        return Reply(200, {"userId": 1, "hubId": hub_id or fake.portal_id, "appId": 777,
                           "scopes": granted})

    fake.route("POST", PATH, handle, auth=False)
