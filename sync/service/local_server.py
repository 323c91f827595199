"""``hubshop serve``: the service's handlers as a local HTTP server, without AWS.

The HTTP edge is the same function the Lambda runs (:func:`handle_http`),
fed API Gateway-shaped events; a worker thread plays SQS + the consumer
(:func:`sync.service.work.process`, then one partial reconcile per drained
batch); a schedule thread plays EventBridge Scheduler. State, shop and
warehouse are the embedded default's (or the real ones, when configured),
through :func:`sync.jobs.inventory.open_ports`; the demo store is not created
here (``hubshop serve`` seeds an empty embedded store first, explicitly).
"""

from __future__ import annotations

import base64
import hmac
import logging
import queue
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sync.config import Settings
from sync.inventory.ports import Ports
from sync.jobs.inventory import open_policy, open_ports, warehouse_fields
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.service.http_edge import Edge, answer, handle_http
from sync.service.messages import Message, PollMessage, ReconcileMessage
from sync.service.schedule import Schedule
from sync.service.settings import MAX_BODY_BYTES
from sync.service.work import follow_up, process

log = logging.getLogger(__name__)


@dataclass
class ServeReport:
    """What the worker has done so far (for ``/health``-style checks and tests)."""

    processed: int = 0
    failed: int = 0
    last_error: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)


class LocalService:
    """The inventory service on this machine.

    Args:
        settings: hubshop settings (the embedded default unless credentials are set).
        push_key: the key the warehouse must send in ``X-Api-Key``.
        webhook_secrets: Shopify signing secrets, current first (default: the
            configured webhook/client secret).
        clock: what runs and the schedule use.
        schedule: run the poll and nightly reconcile loop.
    """

    def __init__(self, settings: Settings, *, push_key: str,
                 webhook_secrets: Sequence[str] | None = None, clock: Clock = SYSTEM_CLOCK,
                 schedule: bool = True, host: str = "127.0.0.1", port: int = 8080) -> None:
        from sync.local.db import connect

        self.settings, self.clock = settings, clock
        self.push_key = push_key
        configured = settings.shopify.webhook_secret
        self.webhook_secrets = list(webhook_secrets if webhook_secrets is not None else
                                    ([configured.reveal()] if configured else []))
        self.policy, self.fields = open_policy(settings), warehouse_fields(settings)
        self.conn = connect(settings.database)
        self.messages: queue.Queue[Message | None] = queue.Queue()
        self.report = ServeReport()
        self.schedule = (Schedule(settings.inventory.timezone, settings.inventory.poll_minutes)
                         if schedule else None)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._threads: list[threading.Thread] = []

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def edge(self) -> Edge:
        return Edge(check_key=self.check_key, webhook_secrets=lambda: self.webhook_secrets,
                    send=self.send, policy=self.policy, fields=self.fields,
                    known_skus=self.known_skus)

    def known_skus(self, skus: list[str]) -> set[str]:
        """The SKUs the store has (so a push's unknown ones are answered at once)."""
        with self._lock:
            return set(self.runtime().store.items_by_sku(skus))

    def check_key(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.push_key.encode())

    def send(self, messages: list[Message]) -> None:
        for message in messages:
            self.messages.put(message)

    def runtime(self) -> Ports:
        """Fresh ports for one batch (the store's caches must not outlive it)."""
        return open_ports(self.settings, self.conn, self.clock, fields=self.fields)

    # threads ---------------------------------------------------------------------------

    def start(self) -> LocalService:
        """Serve HTTP, work the queue and (if asked) run the schedule, each in a thread."""
        targets = [self.server.serve_forever, self._work]
        if self.schedule is not None:
            targets.append(self._tick)
        for target in targets:
            thread = threading.Thread(target=target, daemon=True, name=f"serve-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self.messages.put(None)
        self.server.shutdown()
        self.server.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self.conn.close()

    def drain(self) -> None:
        """Wait until every queued message has been processed."""
        self.messages.join()

    def _work(self) -> None:
        while True:
            batch = [self.messages.get()]
            while not self.messages.empty():
                batch.append(self.messages.get_nowait())
            try:
                if any(m is None for m in batch):
                    return
                self._process(batch)  # type: ignore[arg-type]
            finally:
                for _ in batch:
                    self.messages.task_done()

    def _process(self, batch: list[Message]) -> None:
        with self._lock:
            try:
                runtime = self.runtime()
            except Exception as exc:  # noqa: BLE001 - the worker must outlive a bad set-up
                self.report.failed += len(batch)
                self.report.last_error = f"{type(exc).__name__}: {exc}"
                log.error("cannot open the stores: %s", self.report.last_error)
                return
            results = []
            for message in batch:
                try:
                    results.append(process(message, runtime))
                    self.report.processed += 1
                except Exception as exc:  # noqa: BLE001 - one bad message must not stop serve
                    self.report.failed += 1
                    self.report.last_error = f"{type(exc).__name__}: {exc}"
                    log.error("message %s failed: %s", message.id, self.report.last_error)
            try:
                follow = follow_up(results, runtime)
            except Exception as exc:  # noqa: BLE001
                self.report.last_error = f"{type(exc).__name__}: {exc}"
                log.error("partial reconcile failed: %s", self.report.last_error)
                follow = None
            self.report.results.extend(results + ([follow] if follow else []))

    def _tick(self) -> None:
        assert self.schedule is not None
        while not self._stop.is_set():
            for kind in self.schedule.due(self.clock.now()):
                log.info("schedule: %s", kind)
                ident = f"{kind}:{self.clock.now().isoformat()}"
                self.send([ReconcileMessage(ident) if kind == "reconcile" else PollMessage(ident)])
            self._stop.wait(1.0)


def _handler_for(service: LocalService) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "hubshop-serve"

        def do_GET(self) -> None:  # noqa: N802 - http.server's naming
            self._answer("GET")

        def do_POST(self) -> None:  # noqa: N802
            self._answer("POST")

        def _answer(self, method: str) -> None:
            try:
                response = self._response(method)
            except Exception as exc:  # noqa: BLE001 - answer, never drop the connection
                log.error("serve: %s %s failed: %s", method, self.path, type(exc).__name__)
                response = answer(500, {"error": f"internal error ({type(exc).__name__})"})
            data = response["body"].encode("utf-8")
            self.send_response(response["statusCode"])
            for name, value in response["headers"].items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            if response["statusCode"] in (400, 413):
                self.send_header("Connection", "close")  # the unread body must not be parsed
                self.close_connection = True
            self.end_headers()
            self.wfile.write(data)

        def _response(self, method: str) -> dict[str, Any]:
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                return answer(400, {"error": "Content-Length is not a number"})
            if length < 0:
                return answer(400, {"error": "Content-Length is negative"})
            if length > MAX_BODY_BYTES:  # refused before reading, as API Gateway would
                return answer(413, {"error": f"body over {MAX_BODY_BYTES:,} bytes; "
                                             "send it in parts"})
            body = self.rfile.read(length) if length else b""
            event = {  # what API Gateway (HTTP API, payload 2.0) would hand the Lambda
                "rawPath": self.path.split("?", 1)[0],
                "headers": {k.lower(): v for k, v in self.headers.items()},
                # unique per request, like API Gateway's: it keys the queued messages
                "requestContext": {"http": {"method": method}, "requestId": uuid.uuid4().hex},
                "body": base64.b64encode(body).decode("ascii"), "isBase64Encoded": True,
            }
            return handle_http(event, service.edge())

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            log.debug("serve: " + format, *args)

    return Handler
