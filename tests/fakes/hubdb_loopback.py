"""A loopback HTTP server with HubSpot's edge behaviour: routes, bearer auth, rate limit, faults.

HubDB's fake (``hubdb_server.py``) adds its routes here; other HubSpot APIs (the
CMS source-code API of the website issue) can add theirs with :meth:`route` in
their own module and share the same auth, rate limit and fault injection.
"""

from __future__ import annotations

import json
import math
import re
import socket
import struct
import threading
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from sync.local.hubdb_errors import HubDBError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

RATE_LIMIT = 190
RATE_WINDOW_S = 10.0
DAILY_LIMIT = 650_000


@dataclass
class Request:
    """What a route handler sees: path parameters, query pairs, parsed JSON, raw body."""

    method: str
    path: str
    params: dict[str, str]
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    json: Any = None


@dataclass
class Reply:
    """A handler's answer; ``body`` is JSON-encoded unless it is ``bytes``."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Call:
    """One request the fake received, for assertions: ``fake.calls[-1].status == 429``."""

    method: str
    path: str
    query: dict[str, list[str]]
    json: Any
    status: int


Handler = Callable[[Request], Reply]


def error_body(message: str, category: str, **extra: Any) -> dict[str, Any]:
    """HubSpot's error JSON (``status: "error"``, ``message``, ``correlationId``, ``category``)."""
    body = {
        "status": "error",
        "message": message,
        "correlationId": str(uuid.uuid4()),
        "category": category,
    }
    body.update(extra)
    return body


class LoopbackServer:
    """ThreadingHTTPServer on ``127.0.0.1:0`` behaving like api.hubapi.com at the edge.

    Args:
        clock: the rate limit's clock; share a ``VirtualClock`` with the client
            so waiting out a 429 costs no real time.
        tokens: bearer tokens accepted (more are added by the token exchange).
    """

    def __init__(self, clock: Clock = SYSTEM_CLOCK, tokens: set[str] | None = None) -> None:
        self.clock = clock
        self.tokens: dict[str, float | None] = {t: None for t in (tokens or {"test-token"})}
        self.calls: list[Call] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler, bool]] = []
        self._lock = threading.Lock()
        self._window: deque[float] = deque()
        self._faults: list[tuple[int, int | None, str | None]] = []
        self._stop: tuple[int, str] | None = None
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.rate_limit = RATE_LIMIT

    # -- configuration ----------------------------------------------------------

    def route(self, method: str, pattern: str, handler: Handler, *, auth: bool = True) -> None:
        """Serve ``method pattern``; ``{name}`` matches one segment, ``{name:regex}`` a regex.

        Routes match in the order added, so add literal paths before parameterised ones.
        """
        regex = re.sub(
            r"\{(\w+)(?::([^}]+))?\}",
            lambda m: f"(?P<{m.group(1)}>{m.group(2) or '[^/]+'})",
            pattern,
        )
        self._routes.append((method.upper(), re.compile(f"^{regex}$"), handler, auth))

    def fail_next(
        self,
        status: int,
        times: int = 1,
        retry_after: int | None = None,
        path_contains: str | None = None,
    ) -> None:
        """Answer the next ``times`` requests (matching ``path_contains``) with ``status``.

        A 429 gets HubSpot's rate-limit body and headers; ``retry_after`` sets ``Retry-After``.
        """
        with self._lock:
            self._faults.extend([(status, retry_after, path_contains)] * times)

    def stop_after(self, n: int, mode: str = "reset") -> None:
        """Serve ``n`` more requests, then fail every later one, like a run killed midway.

        ``mode="reset"`` drops the connection (ECONNRESET); ``mode="503"`` answers 503.
        """
        if mode not in ("reset", "503"):
            raise ValueError("stop_after mode is 'reset' or '503'")
        with self._lock:
            self._stop = (n, mode)

    def resume(self) -> None:
        """Undo :meth:`stop_after` and pending :meth:`fail_next` faults."""
        with self._lock:
            self._stop = None
            self._faults.clear()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("the fake is not running; use it as a context manager")
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    # -- lifecycle ----------------------------------------------------------------

    def start(self) -> LoopbackServer:
        """Start serving in a daemon thread."""
        handler = type("Handler", (_Handler,), {"owner": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving and free the port."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- request pipeline ----------------------------------------------------------

    def handle(self, request: Request) -> Reply | None:
        """Run one request through stop/faults, auth, rate limit, then the route; None = reset."""
        with self._lock:
            if self._stop is not None:
                left, mode = self._stop
                if left <= 0:
                    if mode == "reset":
                        return None
                    return Reply(503, error_body("Service unavailable", "SERVICE_UNAVAILABLE"))
                self._stop = (left - 1, mode)
        match = self._match(request)
        if isinstance(match, Reply):
            return match
        handler, needs_auth = match
        fault = self._take_fault(request.path)
        if fault is not None:
            return fault
        if needs_auth and not self._public(request):
            denied = self._check_auth(request)
            if denied is not None:
                return denied
        if needs_auth:
            limited = self._count()
            if limited.status == 429:
                return limited
            headers = limited.headers
        else:
            headers = {}
        try:
            reply = handler(request)
        except HubDBError as error:
            reply = Reply(error.status, error.body())
        except Exception as error:  # a bug in a handler answers 500, as a server would
            reply = Reply(500, error_body(f"{type(error).__name__}: {error}", "INTERNAL_ERROR"))
        reply.headers = {**headers, **reply.headers}
        return reply

    def _public(self, request: Request) -> bool:
        """Hook: may this request go without a token (HubDB's ``portalId`` public reads)."""
        return False

    def _match(self, request: Request) -> tuple[Handler, bool] | Reply:
        allowed = []
        for method, regex, handler, auth in self._routes:
            found = regex.match(request.path)
            if found:
                if method == request.method:
                    request.params = {k: unquote(v) for k, v in found.groupdict().items()}
                    return handler, auth
                allowed.append(method)
        if allowed:
            return Reply(
                405,
                error_body(
                    f"{request.method} is not allowed on {request.path}", "VALIDATION_ERROR"
                ),
                {"Allow": ", ".join(allowed)},
            )
        return Reply(
            404, error_body(f"No API at {request.method} {request.path}", "OBJECT_NOT_FOUND")
        )

    def _take_fault(self, path: str) -> Reply | None:
        with self._lock:
            due = [i for i, f in enumerate(self._faults) if f[2] is None or f[2] in path]
            if not due:
                return None
            status, retry_after, _ = self._faults.pop(due[0])
        if status == 429:
            return self._rate_limited(1 if retry_after is None else retry_after)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        category = "INTERNAL_ERROR" if status >= 500 else "VALIDATION_ERROR"
        return Reply(status, error_body(f"Injected failure {status}", category), headers)

    def _check_auth(self, request: Request) -> Reply | None:
        header = request.headers.get("authorization", "")
        if not header.lower().startswith("bearer "):
            return Reply(
                401,
                error_body(
                    "Authentication credentials not found. This API supports OAuth 2.0"
                    " authentication and you can find more details at"
                    " https://developers.hubspot.com/docs/methods/auth/oauth-overview",
                    "INVALID_AUTHENTICATION",
                ),
            )
        token = header[7:].strip()
        with self._lock:
            if token not in self.tokens:
                return Reply(
                    401,
                    error_body(
                        "Authentication credentials are not valid for this API",
                        "INVALID_AUTHENTICATION",
                    ),
                )
            expires = self.tokens[token]
        if expires is not None and self.clock.now().timestamp() * 1000 >= expires:
            return Reply(
                401,
                error_body(
                    "The OAuth token used to make this call expired.", "EXPIRED_AUTHENTICATION"
                ),
            )
        return None

    def _count(self) -> Reply:
        """HubSpot's 190 requests per rolling 10 seconds, measured on the injected clock."""
        with self._lock:
            now = self.clock.monotonic()
            while self._window and self._window[0] <= now - RATE_WINDOW_S:
                self._window.popleft()
            if len(self._window) >= self.rate_limit:
                wait = self._window[0] + RATE_WINDOW_S - now
                return self._rate_limited(max(1, math.ceil(wait)))
            self._window.append(now)
            remaining = self.rate_limit - len(self._window)
        return Reply(200, None, self._limit_headers(remaining))

    def _limit_headers(self, remaining: int) -> dict[str, str]:
        return {
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(RATE_WINDOW_S * 1000)),
            "X-HubSpot-RateLimit-Max": str(self.rate_limit),
            "X-HubSpot-RateLimit-Remaining": str(remaining),
            "X-HubSpot-RateLimit-Daily": str(DAILY_LIMIT),
            "X-HubSpot-RateLimit-Daily-Remaining": str(DAILY_LIMIT - len(self.calls)),
        }

    def _rate_limited(self, retry_after: int) -> Reply:
        body = error_body(
            "You have reached your ten_secondly_rolling limit.",
            "RATE_LIMITS",
            errorType="RATE_LIMIT",
            policyName="TEN_SECONDLY_ROLLING",
            groupName="publicapi:private-app:hubshop",
        )
        headers = {"Retry-After": str(retry_after), **self._limit_headers(0)}
        return Reply(429, body, headers)

    def record(self, request: Request, status: int) -> None:
        query: dict[str, list[str]] = {}
        for key, value in request.query:
            query.setdefault(key, []).append(value)
        with self._lock:
            self.calls.append(Call(request.method, request.path, query, request.json, status))


class _Handler(BaseHTTPRequestHandler):
    owner: LoopbackServer
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # else each small response waits ~40 ms for a delayed ACK

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        """Quiet: tests assert on ``fake.calls`` instead of reading a log."""

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(
            method=self.command,
            path=parts.path,
            params={},
            query=parse_qsl(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        reply: Reply | None
        if body and "json" in (self.headers.get("Content-Type") or "json"):
            try:
                request.json = json.loads(body)
            except ValueError as exc:
                reply = Reply(400, error_body(f"Invalid input JSON: {exc}", "VALIDATION_ERROR"))
                self._send(request, reply)
                return
        reply = self.owner.handle(request)
        if reply is None:
            self.owner.record(request, 0)
            self.close_connection = True
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return
        self._send(request, reply)

    def _send(self, request: Request, reply: Reply) -> None:
        self.owner.record(request, reply.status)
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, bytes):
            payload = reply.body
        else:
            payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        headers = dict(reply.headers)
        if payload and not any(k.lower() == "content-type" for k in headers):
            headers["Content-Type"] = "application/json;charset=utf-8"
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve  # noqa: N815 - stdlib naming
