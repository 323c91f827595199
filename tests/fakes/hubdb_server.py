"""HubDB v3 served on loopback over a ``LocalHubDB``, for the official SDK and our HTTP code.

Point the SDK at it with both settings, because hubspot-api-client 12.x reads two
different keys: the generated APIs (``client.cms.hubdb.*``) copy every config key
onto their ``Configuration`` and use ``host``; ``client.api_request({...})`` builds
its URL from ``base_url``::

    with HubDBFake(clock=clock) as fake:
        client = HubSpot(access_token=fake.token, host=fake.url, base_url=fake.url,
                         retry=Retry(total=0))          # or simply: fake.client()
        client.cms.hubdb.tables_api.create_table(...)
        client.api_request({"method": "GET", "path": "/cms/v3/hubdb/tables/x/rows",
                            "qs": {"category__eq": "shoes"}})

Setting ``client.config["host"]``/``["base_url"]`` after construction works too:
the SDK builds its API objects from ``config`` on every attribute access.

Mind ``retry``: without it the generated APIs use urllib3's default ``Retry(3)``,
which silently retries a 429 that carries ``Retry-After`` and sleeps in *real*
time (three 10-second waits per call), hiding the 429 from our own pacing and
from the virtual clock. ``Retry(total=0)`` hands every 429 to the caller as an
``ApiException`` (``.status == 429``, ``.headers["Retry-After"]``).
"""

from __future__ import annotations

import secrets
import sqlite3
from typing import Any

from sync.local.hubdb import LocalHubDB
from sync.local.hubdb_errors import HubDBError, bad_request
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from tests.fakes.hubdb_loopback import Call, LoopbackServer, Reply, Request, error_body

__all__ = ["Call", "HubDBFake", "Reply", "Request"]

BASE = "/cms/v3/hubdb/tables"
TOKEN_LIFETIME_MS = 30 * 60 * 1000
"""Tokens exchanged for a personal access key live about 30 minutes."""


class HubDBFake(LoopbackServer):
    """HubDB v3 REST paths exactly as the spec names them, over a local store.

    Args:
        conn: a store connection to serve (defaults to a fresh in-memory store).
        clock: shared with the client; the rate limit and timestamps use it.
        token: the bearer token accepted (``fake.token``).
        personal_access_keys: personal access key → portal id, for
            ``POST /localdevauth/v1/auth/refresh``.
        portal_id: the account id reported by the token exchange and accepted
            as ``portalId`` for public reads of tables with ``allowPublicApiAccess``.
    """

    def __init__(
        self,
        conn: sqlite3.Connection | None = None,
        *,
        clock: Clock = SYSTEM_CLOCK,
        token: str = "test-token",
        personal_access_keys: dict[str, int] | None = None,
        portal_id: int = 12345678,
    ) -> None:
        super().__init__(clock=clock, tokens={token})
        self.token = token
        self.portal_id = portal_id
        self.personal_access_keys = dict(personal_access_keys or {})
        self.hubdb = LocalHubDB(conn, clock) if conn is not None else LocalHubDB.in_memory(clock)
        self._add_hubdb_routes()
        self.route("POST", "/localdevauth/v1/auth/refresh", self._refresh, auth=False)

    def client(self, token: str | None = None) -> Any:
        """The official SDK client pointed here, with urllib3's hidden retries off."""
        from hubspot import HubSpot
        from urllib3.util.retry import Retry

        return HubSpot(
            access_token=token or self.token, host=self.url, base_url=self.url, retry=Retry(total=0)
        )

    def _add_hubdb_routes(self) -> None:
        db = self.hubdb
        t, row = "{table}", "{row:\\d+}"
        routes: list[tuple[str, str, Any]] = [
            ("GET", BASE, lambda r: Reply(200, db.list_tables(query=r.query))),
            ("POST", BASE, lambda r: Reply(201, db.create_table(_body(r)))),
            (
                "GET",
                f"{BASE}/draft",
                lambda r: Reply(200, db.list_tables(draft=True, query=r.query)),
            ),
            ("GET", f"{BASE}/{t}", lambda r: Reply(200, db.get_table(r.params["table"]))),
            ("DELETE", f"{BASE}/{t}", lambda r: _no_content(db.delete_table(r.params["table"]))),
            (
                "GET",
                f"{BASE}/{t}/draft",
                lambda r: Reply(200, db.get_table(r.params["table"], draft=True)),
            ),
            (
                "PATCH",
                f"{BASE}/{t}/draft",
                lambda r: Reply(200, db.update_draft_table(r.params["table"], _body(r))),
            ),
            (
                "POST",
                f"{BASE}/{t}/draft/publish",
                lambda r: Reply(200, db.publish(r.params["table"])),
            ),
            (
                "POST",
                f"{BASE}/{t}/draft/reset",
                lambda r: Reply(200, db.reset_draft(r.params["table"])),
            ),
            (
                "POST",
                f"{BASE}/{t}/unpublish",
                lambda r: Reply(200, db.unpublish(r.params["table"])),
            ),
            (
                "GET",
                f"{BASE}/{t}/rows",
                lambda r: Reply(200, db.rows(r.params["table"], query=r.query)),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows",
                lambda r: Reply(201, db.create_row(r.params["table"], _body(r))),
            ),
            (
                "GET",
                f"{BASE}/{t}/rows/draft",
                lambda r: Reply(200, db.rows(r.params["table"], draft=True, query=r.query)),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/draft/batch/create",
                lambda r: Reply(201, db.batch_create(r.params["table"], _body(r))),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/draft/batch/update",
                lambda r: _batch(db.batch_update(r.params["table"], _body(r))),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/draft/batch/replace",
                lambda r: _batch(db.batch_replace(r.params["table"], _body(r))),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/draft/batch/purge",
                lambda r: _no_content(db.batch_purge(r.params["table"], _body(r))),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/draft/batch/read",
                lambda r: _batch(db.batch_read(r.params["table"], _body(r), draft=True)),
            ),
            (
                "POST",
                f"{BASE}/{t}/rows/batch/read",
                lambda r: _batch(db.batch_read(r.params["table"], _body(r), draft=False)),
            ),
            (
                "GET",
                f"{BASE}/{t}/rows/{row}",
                lambda r: Reply(200, db.get_row(r.params["table"], r.params["row"])),
            ),
            (
                "GET",
                f"{BASE}/{t}/rows/{row}/draft",
                lambda r: Reply(200, db.get_row(r.params["table"], r.params["row"], draft=True)),
            ),
            (
                "PATCH",
                f"{BASE}/{t}/rows/{row}/draft",
                lambda r: Reply(200, db.update_row(r.params["table"], r.params["row"], _body(r))),
            ),
            (
                "PUT",
                f"{BASE}/{t}/rows/{row}/draft",
                lambda r: Reply(200, db.replace_row(r.params["table"], r.params["row"], _body(r))),
            ),
            (
                "DELETE",
                f"{BASE}/{t}/rows/{row}/draft",
                lambda r: _no_content(db.purge_row(r.params["table"], r.params["row"])),
            ),
        ]
        for method, pattern, handler in routes:
            self.route(method, pattern, handler)

    def _public(self, request: Request) -> bool:
        """Published GETs of a public table need only ``portalId``, like HubDB's CORS reads."""
        if request.method != "GET" or "authorization" in request.headers:
            return False
        portal = dict(request.query).get("portalId")
        table = request.params.get("table")
        if portal != str(self.portal_id) or table is None or request.path.endswith("/draft"):
            return False
        try:
            return bool(self.hubdb.get_table(table).get("allowPublicApiAccess"))
        except HubDBError:  # an unknown or unpublished table is simply not public
            return False

    def _refresh(self, request: Request) -> Reply:
        """``POST /localdevauth/v1/auth/refresh``: personal access key → short-lived token."""
        key = (request.json or {}).get("encodedOAuthRefreshToken")
        portal = self.personal_access_keys.get(key) if isinstance(key, str) else None
        asked = dict(request.query).get("portalId")
        if portal is None or (asked is not None and asked != str(portal)):
            return Reply(
                401,
                error_body(
                    "The personal access key is not valid for this account",
                    "INVALID_AUTHENTICATION",
                ),
            )
        token = f"pak-{secrets.token_hex(8)}"
        expires = int(self.clock.now().timestamp() * 1000) + TOKEN_LIFETIME_MS
        with self._lock:
            self.tokens[token] = expires
        return Reply(
            200,
            {
                "hubId": portal,
                "userId": 1,
                "oauthAccessToken": token,
                "expiresAtMillis": expires,
                "scopeGroups": ["content", "hubdb"],
                "encodedOAuthRefreshToken": key,
                "hubName": f"portal-{portal}",
            },
        )


def _body(request: Request) -> Any:
    if not isinstance(request.json, dict):
        raise bad_request(f"{request.method} {request.path} needs a JSON object body")
    return request.json


def _no_content(_: None) -> Reply:
    return Reply(204, None)


def _batch(response: dict[str, Any]) -> Reply:
    """HubSpot answers a batch with some failures with 207 Multi-Status."""
    return Reply(207 if response.get("errors") else 200, response)
