"""``serve``'s HTTP listener: a bounded pool of threads, read timeouts, API Gateway v2 events out.

``http.server``'s ``ThreadingHTTPServer`` starts one thread per connection
and waits on an idle one forever: 300 stalled connections were 303 threads.
Here a fixed pool (:data:`POOL_SIZE`) answers, a connection that sends
nothing for :data:`READ_TIMEOUT_S` is closed, a body must arrive within
:data:`BODY_DEADLINE_S`, and when :data:`MAX_WAITING` connections already
wait for a thread a new one gets a 503 at once instead of a queue slot.

Each request becomes the event API Gateway (HTTP API, payload 2.0) would
hand the Lambda, and the answer is whatever the edge returns for it.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

from sync.service.settings import MAX_BODY_BYTES

log = logging.getLogger(__name__)

POOL_SIZE = 16  # threads answering connections
MAX_WAITING = 256  # connections waiting for a thread before new ones get a 503
READ_TIMEOUT_S = 5.0  # silence on a connection before it is closed
BODY_DEADLINE_S = 15.0  # the whole body must arrive within this
_BUSY_BODY = b'{"error": "server is busy; try again"}'
_BUSY = (b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n"
         b"Retry-After: 1\r\nConnection: close\r\nContent-Length: "
         + str(len(_BUSY_BODY)).encode() + b"\r\n\r\n" + _BUSY_BODY)

Respond = Callable[[dict[str, Any]], dict[str, Any]]


def error(status: int, message: str) -> dict[str, Any]:
    """An API Gateway v2 response with a JSON error body."""
    import json

    return {"statusCode": status, "headers": {"content-type": "application/json"},
            "body": json.dumps({"error": message})}


class BoundedHTTPServer(HTTPServer):
    """An HTTPServer whose connections are answered by a fixed pool of threads.

    Args:
        address: (host, port); port 0 picks a free one.
        respond: turns an API Gateway v2 event into a v2 response (the edge).
        pool_size / max_waiting / read_timeout: the bounds above (tests shrink them).
    """

    daemon_threads = True
    # the kernel's accept backlog: http.server's default of 5 drops SYNs under a burst, and
    # a dropped SYN costs the client a 1 s (then 2 s) retransmission
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], respond: Respond, *,
                 pool_size: int = POOL_SIZE, max_waiting: int = MAX_WAITING,
                 read_timeout: float = READ_TIMEOUT_S) -> None:
        self.respond = respond
        self.pool = ThreadPoolExecutor(max_workers=pool_size, thread_name_prefix="serve-http")
        self.max_waiting = max_waiting
        self._waiting = 0
        self._count = threading.Lock()
        super().__init__(address, _handler(read_timeout))

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._count:
            full = self._waiting >= self.max_waiting
            if not full:
                self._waiting += 1
        if full:  # answer without reading, and close: a flood must not grow a queue
            with contextlib.suppress(OSError):
                request.sendall(_BUSY)
            self.shutdown_request(request)
            return
        self.pool.submit(self._work, request, client_address)

    def _work(self, request: Any, client_address: Any) -> None:
        try:
            self.finish_request(request, client_address)
        except Exception:  # noqa: BLE001 - a broken connection must not kill the pool thread
            self.handle_error(request, client_address)
        finally:
            self.shutdown_request(request)
            with self._count:
                self._waiting -= 1

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("serve: connection from %s dropped", client_address)

    def server_close(self) -> None:
        super().server_close()
        self.pool.shutdown(wait=False, cancel_futures=True)


def _handler(read_timeout: float) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "hubshop-serve"
        timeout = read_timeout  # socket timeout: a silent client is dropped, not waited on

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            try:
                response = self._response(method)
            except TimeoutError:
                log.info("serve: %s %s: the body did not arrive in time", method, self.path)
                self.close_connection = True
                return  # nothing was accepted; the client may send again
            except Exception as exc:  # noqa: BLE001 - answer, never drop the connection
                log.error("serve: %s %s failed: %s", method, self.path, type(exc).__name__)
                response = error(500, f"internal error ({type(exc).__name__})")
            data = response["body"].encode("utf-8")
            self.send_response(response["statusCode"])
            for name, value in response["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            if response["statusCode"] in (400, 408, 413):
                self.send_header("Connection", "close")  # the unread body must not be parsed
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def _response(self, method: str) -> dict[str, Any]:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                return error(400, "Content-Length is not a number")
            if length < 0:
                return error(400, "Content-Length is negative")
            if length > MAX_BODY_BYTES:  # refused before reading, as API Gateway would
                return error(413, f"body over {MAX_BODY_BYTES:,} bytes; send it in parts")
            body = _read_body(self.rfile, length) if length else b""
            if body is None:
                return error(408, f"the body did not arrive within {BODY_DEADLINE_S:.0f} s")
            return self.server.respond(api_gateway_event(  # type: ignore[attr-defined]
                method, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                self.client_address[0]))

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("serve: " + format, *args)

    return Handler


def _read_body(stream: Any, length: int) -> bytes | None:
    """``length`` bytes, or None when they trickle in slower than :data:`BODY_DEADLINE_S`."""
    chunks: list[bytes] = []
    left, ends = length, time.monotonic() + BODY_DEADLINE_S
    while left:
        chunk = stream.read1(min(left, 65536)) if hasattr(stream, "read1") else stream.read(left)
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
        if left and time.monotonic() > ends:
            return None
    return b"".join(chunks)


def api_gateway_event(method: str, target: str, headers: Mapping[str, str], body: bytes,
                      source_ip: str = "127.0.0.1") -> dict[str, Any]:
    """What API Gateway (HTTP API, payload format 2.0) hands the Lambda for this request."""
    path, _, query = target.partition("?")
    now = datetime.now(UTC)
    request_id = uuid.uuid4().hex  # unique per request, like API Gateway's: it keys messages
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": dict(headers),
        "requestContext": {
            "accountId": "local", "apiId": "hubshop-serve", "domainName": "localhost",
            "http": {"method": method, "path": path, "protocol": "HTTP/1.1",
                     "sourceIp": source_ip, "userAgent": headers.get("user-agent", "")},
            "requestId": request_id, "routeKey": "$default", "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(now.timestamp() * 1000),
        },
        "body": base64.b64encode(body).decode("ascii"),
        "isBase64Encoded": True,
    }
