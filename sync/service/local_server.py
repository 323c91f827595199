"""``hubshop serve``: the service's handlers as a local HTTP server, without AWS.

The HTTP edge is the same function the Lambda runs (:func:`handle_http`),
fed API Gateway HTTP API v2 events by a bounded listener
(:mod:`sync.service.local_http`). What SQS and its dead-letter queue do in
AWS, a SQLite queue does here (:class:`sync.local.queue.LocalQueue`): a push
or webhook is answered once its messages are committed there, so a 202 is
durable, and the answer never waits for the reconcile work. One worker
thread plays the consumer (:func:`sync.service.work.process`, then one
partial reconcile per batch); a busy store is retried with backoff, a
message that keeps failing ends in the dead-letter table (``/health`` and
``hubshop inventory status`` report it), and a worker that died is started
again by the monitor thread, which also plays EventBridge Scheduler.
"""

from __future__ import annotations

import hmac
import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.config import Settings
from sync.inventory.ports import Ports
from sync.jobs.inventory import open_policy, open_ports, open_store, warehouse_fields
from sync.local.queue import LocalQueue, queue_path
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.retry import Retry, RetryPolicy, retry
from sync.service.http_edge import Edge, NotAccepted, handle_http
from sync.service.local_http import BoundedHTTPServer
from sync.service.messages import Message, PollMessage, ReconcileMessage, decode, encode
from sync.service.schedule import Schedule
from sync.service.settings import WEBHOOK_ID_TTL_SECONDS
from sync.service.work import follow_up, process

log = logging.getLogger(__name__)

BATCH = 100  # messages the worker claims at once (one partial reconcile per batch)
STORE_BUSY_TIMEOUT_MS = 5_000  # the worker's wait for the store's lock, per statement
BUSY_POLICY = RetryPolicy(max_attempts=4, base=0.2, cap=2.0)  # then the message is handed back
IDLE_WAIT_S = 0.5  # the worker looks at the queue at least this often
PRUNE_EVERY_S = 3600  # seen webhook ids older than WEBHOOK_ID_TTL_SECONDS go this often


@dataclass
class ServeReport:
    """What the worker has done so far (for ``/health``-style checks and tests)."""

    processed: int = 0
    failed: int = 0
    dead_lettered: int = 0
    restarts: int = 0
    last_error: str = ""
    results: list[dict[str, Any]] = field(default_factory=list)


def busy(outcome: Any) -> Retry | None:
    """The retry classifier for the store: a locked or busy SQLite file is worth a wait."""
    if isinstance(outcome, sqlite3.OperationalError) and (
            "locked" in str(outcome) or "busy" in str(outcome)):
        return Retry(None, f"store busy: {outcome}")
    return None


class LocalService:
    """The inventory service on this machine.

    Args:
        settings: hubshop settings (the embedded default unless credentials are set).
        push_key: the key the warehouse must send in ``X-Api-Key``.
        webhook_secrets: Shopify signing secrets, current first (default: the
            configured webhook secret).
        clock: what runs, backoffs and the schedule use.
        schedule: run the poll and nightly reconcile loop.
        store_busy_timeout_ms: the worker's per-statement wait for the store's lock.
        http: bounds for the listener (``pool_size``, ``max_waiting``, ``read_timeout``).
    """

    def __init__(self, settings: Settings, *, push_key: str,
                 webhook_secrets: Sequence[str] | None = None, clock: Clock = SYSTEM_CLOCK,
                 schedule: bool = True, host: str = "127.0.0.1", port: int = 8080,
                 store_busy_timeout_ms: int = STORE_BUSY_TIMEOUT_MS,
                 http: dict[str, Any] | None = None) -> None:
        from sync.local.db import connect

        self.settings, self.clock = settings, clock
        self.push_key = push_key
        configured = settings.shopify.webhook_secret
        self.webhook_secrets = list(webhook_secrets if webhook_secrets is not None else
                                    ([configured.reveal()] if configured else []))
        self.policy, self.fields = open_policy(settings), warehouse_fields(settings)
        self.conn = connect(settings.database)
        self.conn.execute(f"PRAGMA busy_timeout = {int(store_busy_timeout_ms)}")
        self.queue = LocalQueue(queue_path(settings.database))
        self.report = ServeReport()
        self.schedule = (Schedule(settings.inventory.timezone, settings.inventory.poll_minutes)
                         if schedule else None)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._readers = threading.local()
        self._idle = threading.Condition()
        self._busy = False
        self.server = BoundedHTTPServer((host, port), self.respond, **(http or {}))
        self._threads: list[threading.Thread] = []
        self._worker: threading.Thread | None = None
        self._pruned_at: float | None = None

    @property
    def address(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    # the edge ----------------------------------------------------------------------------

    def respond(self, event: dict[str, Any]) -> dict[str, Any]:
        """Answer one API Gateway v2 event with the Lambda's edge."""
        return handle_http(event, self.edge())

    def edge(self) -> Edge:
        return Edge(check_key=self.check_key, webhook_secrets=lambda: self.webhook_secrets,
                    send=self.send, policy=self.policy, fields=self.fields,
                    known_skus=None if self.settings.shopify.configured else self.known_skus,
                    health=self.health)

    def known_skus(self, skus: list[str]) -> set[str]:
        """The local store's SKUs among ``skus``, read on this thread's own connection.

        WAL lets this read run while the worker writes, so a push never waits
        for the reconcile work (with Shopify configured the consumer judges SKUs).
        """
        return set(open_store(self.settings, self._reader(), self.clock).items_by_sku(skus))

    def _reader(self) -> sqlite3.Connection:
        """This thread's own connection to the store (WAL: reads never wait for the worker)."""
        conn = getattr(self._readers, "conn", None)
        if conn is None:
            from sync.local.db import connect

            conn = self._readers.conn = connect(self.settings.database, migrate=False)
        return conn

    def check_key(self, given: str | None) -> bool:
        return bool(given) and hmac.compare_digest(given.encode(), self.push_key.encode())

    def send(self, messages: list[Message]) -> None:
        """Commit the messages to the queue (one transaction); the answer follows the commit."""
        try:
            self.queue.put([(m.id, json.dumps(encode(m), sort_keys=True)) for m in messages],
                           self.clock.now())
        except sqlite3.OperationalError as exc:  # locked past its busy timeout: nothing taken
            raise NotAccepted(f"the local queue is busy ({exc})") from None
        self._wake.set()

    def health(self) -> dict[str, Any]:
        """``GET /health``: ok only while nothing waits in the dead-letter table."""
        depths = self.queue.depths(self.clock.now())
        worker = self._worker is not None and self._worker.is_alive()
        return {"ok": depths.dead == 0 and (worker or self._worker is None),
                "queue": depths.waiting, "oldest_queued_s": depths.oldest_waiting_s,
                "dead_letters": depths.dead, "oldest_dead_letter_s": depths.oldest_dead_s}

    def runtime(self) -> Ports:
        """Fresh ports for one batch (the store's caches must not outlive it)."""
        return open_ports(self.settings, self.conn, self.clock, fields=self.fields)

    # threads ---------------------------------------------------------------------------

    def start(self) -> LocalService:
        """Serve HTTP, work the queue and watch over both (and the schedule), each a thread."""
        self._start_worker()
        for target in (self.server.serve_forever, self._monitor):
            thread = threading.Thread(target=target, daemon=True, name=f"serve-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._threads:  # shutdown() would wait forever for a loop never started
            self.server.shutdown()
        self.server.server_close()
        for thread in [*self._threads, self._worker]:
            if thread is not None:
                thread.join(timeout=10)
        self.queue.close()
        self.conn.close()

    def drain(self, timeout: float = 60.0) -> bool:
        """Wait until the queue holds nothing ready (processed or dead-lettered); True if so."""
        import time

        ends = time.monotonic() + timeout
        while time.monotonic() < ends:
            self._wake.set()
            with self._idle:
                self._idle.wait(0.05)
                if not self._busy and self.queue.depths(self.clock.now()).waiting == 0:
                    return True
        return False

    def _start_worker(self) -> None:
        self._worker = threading.Thread(target=self._work, daemon=True, name="serve-worker")
        self._worker.start()

    def prune(self) -> int:
        """Forget webhook ids older than their TTL (Shopify redelivers for 48 h at most)."""
        from datetime import timedelta

        from sync.local.prune import prune_seen_webhooks

        before = self.clock.now() - timedelta(seconds=WEBHOOK_ID_TTL_SECONDS)
        conn = self._reader()
        gone = retry(lambda: prune_seen_webhooks(conn, before), classify=busy,
                     policy=BUSY_POLICY, clock=self.clock, what="prune webhook ids")
        if gone:
            log.info("pruned %d webhook id(s) older than %s", gone, before.isoformat())
        return gone

    def _monitor(self) -> None:
        """Restart a worker that died; prune old webhook ids; run the schedule."""
        while not self._stop.is_set():
            now = self.clock.monotonic()
            if self._pruned_at is None or now - self._pruned_at >= PRUNE_EVERY_S:
                self._pruned_at = now
                try:
                    self.prune()
                except Exception as exc:  # noqa: BLE001 - pruning waits for the next hour
                    log.warning("pruning webhook ids failed: %s", type(exc).__name__)
            if self._worker is not None and not self._worker.is_alive():
                self.report.restarts += 1
                log.error("serve: the worker stopped; starting it again")
                self._start_worker()
            if self.schedule is not None:
                for kind in self.schedule.due(self.clock.now()):
                    log.info("schedule: %s", kind)
                    ident = f"{kind}:{self.clock.now().isoformat()}"
                    self.send([ReconcileMessage(ident) if kind == "reconcile"
                               else PollMessage(ident)])
            self._stop.wait(0.2)

    def _work(self) -> None:
        # a worker that died mid-batch left its messages claimed: take them up again
        self.queue.release_all()
        while not self._stop.is_set():
            with self._idle:
                self._busy = True
            try:
                batch = self.queue.claim(self.clock.now(), BATCH)
                if batch:
                    self._process(batch)
            finally:
                with self._idle:
                    self._busy = False
                    self._idle.notify_all()
            if not batch:
                later = self.queue.next_ready_in(self.clock.now())
                if later:  # a handed-back message waits its backoff (on the service's clock)
                    self.clock.sleep(min(later, IDLE_WAIT_S))
                else:
                    self._wake.wait(IDLE_WAIT_S)
                    self._wake.clear()

    def _process(self, batch: list[Any]) -> None:
        runtime: Ports | None = None
        results: list[dict[str, Any]] = []
        done: list[int] = []
        for claimed in batch:
            try:
                message = decode(json.loads(claimed.body))
                if runtime is None:
                    runtime = self.runtime()
                result = retry(lambda m=message, r=runtime: process(m, r), classify=busy,
                               policy=BUSY_POLICY, clock=self.clock, what=f"message {claimed.id}")
            except Exception as exc:  # noqa: BLE001 - one bad message must not stop serve
                runtime = None  # fresh ports for the next message
                self._failed(claimed, exc)
                continue
            results.append(result)
            done.append(claimed.seq)
            self.report.processed += 1
        self.queue.ack(done)
        if runtime is not None:
            self._follow_up(results, runtime)
        self.report.results.extend(results)
        del self.report.results[:-1000]  # the last thousand, for tests and health checks

    def _failed(self, claimed: Any, exc: Exception) -> None:
        self.report.failed += 1
        self.report.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
        dead = self.queue.fail(claimed, self.report.last_error, self.clock.now(),
                               retry_in=BUSY_POLICY.backoff(claimed.receives))
        self.report.dead_lettered += dead
        log.error("message %s failed (receive %d)%s: %s", claimed.id, claimed.receives,
                  "; moved to the dead-letter table" if dead else "", self.report.last_error)

    def _follow_up(self, results: list[dict[str, Any]], runtime: Ports) -> None:
        """One partial reconcile for the batch's webhooks; when it fails, a durable message."""
        try:
            follow = retry(lambda: follow_up(results, runtime), classify=busy,
                           policy=BUSY_POLICY, clock=self.clock, what="partial reconcile")
        except Exception as exc:  # noqa: BLE001 - queued again rather than lost
            self.report.last_error = f"{type(exc).__name__}: {str(exc)[:300]}"
            skus = sorted({s for r in results if r.get("kind") == "webhook"
                           and not r.get("duplicate") for s in r.get("skus") or ()})
            log.error("partial reconcile failed (%s); queued again", self.report.last_error)
            self.send([ReconcileMessage(f"follow-up:{uuid.uuid4().hex}", skus or None)])
            return
        if follow:
            self.report.results.append(follow)
