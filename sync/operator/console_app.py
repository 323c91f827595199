"""The console's HTTP handler: session-token check, then the page or an action.

One :meth:`ConsoleApp.handle` serves three callers: WSGI (``hubshop console``,
any WSGI server), API Gateway HTTP API events (:func:`lambda_response`, for the
service's HTTP function) and tests. Every request must carry a valid session
token — ``?id_token=`` on the first load (Shopify appends it to an embedded
app's URL), ``Authorization: Bearer`` from App Bridge's fetch, or the form's
``id_token`` field on an action; anything else is a bare 401.

Form tokens and the session. The page's forms carry a token this app signs;
it expires when the token that loaded the page does, and never sooner than
:data:`~sync.operator.session_token.FORM_TOKEN_SECONDS`. So a page opened from
``hubshop console``'s 12-hour link keeps working for those 12 hours and no
longer (the form gives no more than the link already gave), and a page loaded
with a one-minute App Bridge token still takes an action ten minutes later.
Inside Shopify's admin the page does better: App Bridge mints a fresh id token
on request, and a small script puts ``await shopify.idToken()`` into the form
just before it is sent, so an action carries a token no older than a minute
however long the page sat open. Expired or forged tokens stay a bare 401.

Actions are POST-redirect-GET: the POST runs the action and answers 303 to the
page, whose address carries a fresh signed token with the outcome in signed
claims (``flash``/``flash_problem``: they cannot be forged, and are shown by
that page only). Reloading it shows the outcome again and runs nothing; a GET
on an action's address is sent to the page, never run.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode

from sync.errors import HubshopError
from sync.operator.console_page import ConsoleSource, ConsoleView, render_page
from sync.operator.session_token import (
    InvalidSessionToken,
    SessionKeys,
    issue_token,
    shop_of,
    verify_token,
)
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.redact import redact

log = logging.getLogger(__name__)

MAX_BODY = 64 * 1024
SHOPIFY_ADMIN = "https://admin.shopify.com"
FLASH_CHARS = 300
# the page's query parameters Shopify's admin passes that App Bridge reads again after an
# action's redirect (never hmac, session or the token itself)
KEPT_PARAMS = ("shop", "host", "embedded", "locale")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def status_line(self) -> str:
        return f"{self.status} {_REASONS.get(self.status, 'OK')}"


_REASONS = {200: "OK", 303: "See Other", 401: "Unauthorized", 404: "Not Found",
            405: "Method Not Allowed", 413: "Content Too Large"}


class ConsoleApp:
    """The embedded page and its two actions, behind session-token verification.

    Args:
        source: where figures come from and actions go (:class:`ConsoleSource`).
        keys: the app's client id and secret, and the shop tokens must name.
        embedded: served inside Shopify's admin (App Bridge script, admin framing).
        clock: what ``exp``/``nbf`` are checked against.
        base_path: where the app is mounted (``/console`` behind API Gateway), for form actions.
    """

    def __init__(self, source: ConsoleSource, keys: SessionKeys, *, embedded: bool = True,
                 clock: Clock = SYSTEM_CLOCK, base_path: str = "") -> None:
        self.base_path = "/" + base_path.strip("/") if base_path.strip("/") else ""
        self.source = source
        self.keys = keys
        self.embedded = embedded
        self.clock = clock
        self.actions: dict[str, Callable[[], str]] = {
            "/actions/reconcile": source.reconcile,
            "/actions/retry-dead-letters": source.retry_dead_letters,
        }

    def handle(self, method: str, path: str, query: str, headers: Mapping[str, str],
               body: bytes = b"") -> Response:
        """Answer one request; never raises, never says why a token was refused."""
        method = method.upper()
        path = "/" + path.strip("/")
        if len(body) > MAX_BODY:
            return Response(413, b"Content Too Large", {"Content-Type": "text/plain"})
        form = parse_qs(body.decode("utf-8", "replace")) if method == "POST" else {}
        token = (_bearer(headers) or _first(form.get("id_token"))
                 or _first(parse_qs(query).get("id_token")))
        try:
            claims = verify_token(token, self.keys, clock=self.clock)
        except InvalidSessionToken:
            return Response(401, b"Unauthorized", {"Content-Type": "text/plain",
                                                    "Cache-Control": "no-store"})
        shop = shop_of(claims)
        kept = _kept(query)
        if method == "GET" and path == "/":
            return self._page(shop, claims, kept)
        if path in self.actions:
            if method != "POST":
                return self._to_page(shop, claims, kept)  # a reload or a bookmark: run nothing
            problems: list[str] = []
            message = _attempt(self.actions[path], problems, "the action failed")
            return self._to_page(shop, claims, kept, message=message,
                                 problem=problems[0] if problems else None)
        return Response(404, b"Not Found", {"Content-Type": "text/plain"})

    def __call__(self, environ: dict[str, Any],
                 start_response: Callable[..., Any]) -> Iterable[bytes]:
        """WSGI: the same :meth:`handle`."""
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
                   if k.startswith("HTTP_")}
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, MAX_BODY + 1)) if length else b""
        response = self.handle(environ.get("REQUEST_METHOD", "GET"),
                               environ.get("PATH_INFO", "/"), environ.get("QUERY_STRING", ""),
                               headers, body)
        start_response(response.status_line, list(response.headers.items()))
        return [response.body]

    def _to_page(self, shop: str, claims: Mapping[str, Any], kept: dict[str, str], *,
                 message: str | None = None, problem: str | None = None) -> Response:
        """303 to the page; the outcome rides in the signed token of its address."""
        flash = {k: str(v)[:FLASH_CHARS] for k, v in (("flash", message),
                                                        ("flash_problem", problem)) if v}
        token = issue_token(self.keys, shop, clock=self.clock, expires_at=_expiry(claims),
                            extra=flash)
        location = f"{self.base_path}/?{urlencode({'id_token': token, **kept})}"
        return Response(303, b"", {"Location": location, "Cache-Control": "no-store",
                                   "Referrer-Policy": "no-referrer"})

    def _page(self, shop: str, claims: Mapping[str, Any], kept: dict[str, str]) -> Response:
        message = claims.get("flash") if isinstance(claims.get("flash"), str) else None
        problems: list[str] = []
        if isinstance(claims.get("flash_problem"), str):
            problems.append(claims["flash_problem"])
        inventory = _attempt(self.source.inventory_status, problems,
                             "inventory status is unavailable")
        payouts = _attempt(self.source.payouts, problems, "payouts are unavailable")
        view = ConsoleView(shop=shop, where=self.source.where, inventory=inventory,
                           payouts=payouts, message=message, problems=tuple(problems),
                           form_token=issue_token(self.keys, shop, clock=self.clock,
                                                  expires_at=_expiry(claims)),
                           client_id=self.keys.client_id, embedded=self.embedded,
                           base_path=self.base_path, form_query=urlencode(kept))
        ancestors = (f"https://{shop} {SHOPIFY_ADMIN}" if self.embedded else "'none'")
        return Response(200, render_page(view).encode("utf-8"), {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Security-Policy": f"frame-ancestors {ancestors}",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        })


def lambda_response(app: ConsoleApp, event: Mapping[str, Any], *,
                    prefix: str = "/console") -> dict[str, Any]:
    """An API Gateway HTTP API (v2) event answered by ``app``; ``prefix`` is the route's base."""
    http = (event.get("requestContext") or {}).get("http") or {}
    path = str(event.get("rawPath") or "/")
    if prefix and path.startswith(prefix):
        path = path[len(prefix):] or "/"
    raw = event.get("body") or ""
    body = base64.b64decode(raw) if event.get("isBase64Encoded") else str(raw).encode("utf-8")
    headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}
    response = app.handle(str(http.get("method") or "GET"), path,
                          str(event.get("rawQueryString") or ""), headers, body)
    location = response.headers.get("Location", "")
    if prefix and location.startswith("/") and not location.startswith(prefix.rstrip("/") + "/"):
        # an app mounted without base_path: its redirects still land under the route
        response.headers["Location"] = prefix.rstrip("/") + location
    return {"statusCode": response.status, "headers": response.headers,
            "body": response.body.decode("utf-8"), "isBase64Encoded": False}


def _attempt(fn: Callable[[], Any], problems: list[str], what: str) -> Any:
    try:
        return fn()
    except HubshopError as exc:
        problems.append(f"{what}: {redact(str(exc))}")
    except Exception as exc:  # noqa: BLE001 - the page shows what it can, never a traceback
        log.exception("console: %s", what)
        problems.append(f"{what} ({type(exc).__name__})")
    return None


def _expiry(claims: Mapping[str, Any]) -> float | None:
    """When the verified token that made this request expires (a form token lives as long)."""
    try:
        return float(claims["exp"])
    except (KeyError, TypeError, ValueError):
        return None


def _kept(query: str) -> dict[str, str]:
    """The admin's display parameters of this request, to carry to the next page."""
    values = parse_qs(query)
    return {k: values[k][0] for k in KEPT_PARAMS if values.get(k)}


def _bearer(headers: Mapping[str, str]) -> str | None:
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def _first(values: list[str] | None) -> str | None:
    return values[0] if values else None
