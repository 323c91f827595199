"""``hubshop serve`` under faults: a locked store, a killed worker, stalled connections.

Every push answered 202 must end applied or in the dead-letter table, never
lost; 300 connections that send nothing must not cost 300 threads.
"""

from __future__ import annotations

import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from sync.config import Settings, load_settings
from sync.demo.seed import seed_demo_store
from sync.jobs.inventory import open_ports
from sync.local.db import connect
from sync.local.queue import LocalQueue, queue_path
from sync.plumbing.clock import VirtualClock
from sync.service import local_server
from sync.service.local_server import LocalService
from sync.service.messages import StockMessage, encode

KEY = "faults-key"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo store made once; each test works on its own copy."""
    root = tmp_path_factory.mktemp("seeded")
    settings = load_settings(env={"HUBSHOP_HOME": str(root / "home")}, cwd=root)
    conn = connect(settings.database)
    seed_demo_store(settings, conn)
    conn.close()
    return settings.database


@pytest.fixture
def settings(seeded: Path, tmp_path: Path) -> Settings:
    settings = load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home")}, cwd=tmp_path)
    settings.database.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(seeded, settings.database)
    return settings


def _service(settings: Settings, **options: Any) -> LocalService:
    return LocalService(settings, push_key=KEY, webhook_secrets=["s"], clock=VirtualClock(),
                        schedule=False, port=0, **options)


def _lines(settings: Settings, count: int) -> list[tuple[str, str, int]]:
    conn = connect(settings.database)
    try:
        records = open_ports(settings, conn, VirtualClock()).warehouse.snapshot().records
    finally:
        conn.close()
    return [(r.sku, r.location, r.allocated) for r in sorted(records, key=lambda r: r.sku)[:count]]


def _push(service: LocalService, sku: str, location: str, allocated: int, on_hand: int
          ) -> requests.Response:
    return requests.post(f"{service.address}/warehouse/stock", headers={"X-Api-Key": KEY},
                         json=[{"sku": sku, "location_code": location, "qty_on_hand": on_hand,
                                "qty_allocated": allocated}], timeout=30)


def _available(settings: Settings, sku: str, location: str) -> int | None:
    conn = connect(settings.database)
    try:
        entry = open_ports(settings, conn, VirtualClock()).state.get(sku, location)
        return None if entry is None else entry.available
    finally:
        conn.close()


@pytest.fixture
def stopper() -> Iterator[list[LocalService]]:
    services: list[LocalService] = []
    yield services
    for service in services:
        service.stop()


def test_a_push_accepted_while_the_store_is_locked_is_dead_lettered_then_replayed(
    settings: Settings, stopper: list[LocalService]
) -> None:
    # given serve, and another process holding the store's write lock throughout
    [(sku, location, allocated)] = _lines(settings, 1)
    service = _service(settings, store_busy_timeout_ms=20).start()
    stopper.append(service)
    blocker = sqlite3.connect(settings.database, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    try:
        # when the warehouse pushes a figure
        response = _push(service, sku, location, allocated, allocated + 19)
        # then the answer is at once a 202 (the queue is its own file) ...
        assert response.status_code == 202, response.text
        assert service.drain(timeout=60)
        # ... and the message, failing five times on the locked store, waits as a dead letter
        health = requests.get(f"{service.address}/health", timeout=10).json()
        assert health["ok"] is False and health["dead_letters"] == 1, health
        assert health["oldest_dead_letter_s"] is not None
        assert service.report.dead_lettered == 1 and "locked" in service.report.last_error
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # when the lock is gone and the dead letters are replayed
    assert service.queue.redrive(service.clock.now()) == 1
    assert service.drain(timeout=60)
    # then the figure is applied: nothing accepted was lost
    assert _available(settings, sku, location) == 19
    assert requests.get(f"{service.address}/health", timeout=10).json()["ok"] is True


def test_a_briefly_locked_store_is_waited_out(settings: Settings,
                                              stopper: list[LocalService]) -> None:
    # given the store locked for a moment while a push arrives
    [(sku, location, allocated)] = _lines(settings, 1)
    service = _service(settings, store_busy_timeout_ms=50).start()
    stopper.append(service)
    blocker = sqlite3.connect(settings.database, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.4, lambda: blocker.execute("ROLLBACK"))
    releaser.start()
    # when it is pushed
    assert _push(service, sku, location, allocated, allocated + 7).status_code == 202
    releaser.join()
    assert service.drain(timeout=60)
    blocker.close()
    # then the worker retried (or simply waited) and applied it; nothing is dead
    assert _available(settings, sku, location) == 7
    assert service.queue.depths(service.clock.now()).dead == 0


class Killed(BaseException):
    """What ends a worker thread the way a crash would (not an Exception it catches)."""


def test_a_killed_worker_is_restarted_and_its_claimed_messages_processed(
    settings: Settings, stopper: list[LocalService], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a worker that dies on the first message it touches
    lines = _lines(settings, 3)
    real, deaths = local_server.process, []

    def dies_once(message: Any, runtime: Any) -> Any:
        if not deaths:
            deaths.append(message.id)
            raise Killed
        return real(message, runtime)

    monkeypatch.setattr(local_server, "process", dies_once)
    monkeypatch.setattr(threading, "excepthook", lambda args: None)  # the crash is the point
    service = _service(settings).start()
    stopper.append(service)
    # when three pushes are accepted
    answers = [_push(service, sku, loc, alloc, alloc + 5 + n).status_code
               for n, (sku, loc, alloc) in enumerate(lines)]
    deadline = time.monotonic() + 30
    while service.report.restarts == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert service.drain(timeout=60)
    # then the monitor started a new worker, which took the dead one's messages up again
    assert answers == [202, 202, 202] and deaths and service.report.restarts >= 1
    assert [_available(settings, sku, loc) for sku, loc, _ in lines] == [5, 6, 7]


def test_messages_a_stopped_process_left_are_processed_by_the_next(
    settings: Settings, stopper: list[LocalService]
) -> None:
    # given a queue holding an accepted message, claimed by a process that then died
    [(sku, location, allocated)] = _lines(settings, 1)
    from sync.model.stock import StockRecord

    record = StockRecord(sku, location, allocated + 11, allocated, where="body[0]")
    message = StockMessage("stock:left-over:0", [record])
    queue = LocalQueue(queue_path(settings.database))
    import json

    queue.put([(message.id, json.dumps(encode(message)))], VirtualClock().now())
    assert len(queue.claim(VirtualClock().now())) == 1
    queue.close()
    # when serve starts again
    service = _service(settings).start()
    stopper.append(service)
    assert service.drain(timeout=60)
    # then the message is applied
    assert _available(settings, sku, location) == 11


def test_three_hundred_stalled_connections_cost_a_bounded_number_of_threads(
    settings: Settings, stopper: list[LocalService]
) -> None:
    # given serve with a pool of 8 threads and a 0.5 s read timeout
    service = _service(settings, http={"pool_size": 8, "max_waiting": 64,
                                       "read_timeout": 0.5}).start()
    stopper.append(service)
    before = threading.active_count()
    host, port = service.server.server_address[:2]
    # when 300 clients connect and send nothing (or half a request line)
    stalled = []
    for n in range(300):
        conn = socket.create_connection((host, port), timeout=10)
        if n % 2:
            conn.sendall(b"POST /warehouse/st")
        stalled.append(conn)
    time.sleep(0.3)
    during = threading.active_count()
    # then the thread count stays bounded by the pool
    assert during - before <= 8, (before, during)
    # and once their read timeouts have passed, a real push is answered
    time.sleep(1.0)
    [(sku, location, allocated)] = _lines(settings, 1)
    started = time.monotonic()
    response = _push(service, sku, location, allocated, allocated + 3)
    assert response.status_code == 202 and time.monotonic() - started < 10
    for conn in stalled:
        conn.close()
    assert threading.active_count() - before <= 8


def test_status_reports_serves_dead_letters_with_their_age(settings: Settings) -> None:
    import json

    from click.testing import CliRunner

    from sync.cli import main
    from sync.local.queue import MAX_RECEIVES

    # given a message that failed its last receive an hour ago, and one still waiting
    clock = VirtualClock()
    queue = LocalQueue(queue_path(settings.database))
    queue.put([("stock:a:0", "{}"), ("stock:b:0", "{}")], clock.now())
    for _ in range(MAX_RECEIVES):
        [claimed, *_] = queue.claim(clock.now(), limit=1)
        queue.fail(claimed, "database is locked", clock.now(), retry_in=0)
    queue.close()
    # when status is asked (as JSON and for people)
    runner = CliRunner()
    as_json = runner.invoke(main, ["inventory", "status", "--json"], catch_exceptions=False)
    text = runner.invoke(main, ["inventory", "status"], catch_exceptions=False)
    # then both say one dead letter and one waiting message
    data = json.loads(as_json.stdout)
    assert data["dead_letters"]["depth"] == 1 and data["serve_queue"]["waiting"] == 1, data
    assert data["dead_letters"]["oldest_s"] is not None and data["dead_letters"]["oldest_s"] >= 0
    assert "dead letters 1" in text.stdout and "1 message(s) queued" in text.stdout


def test_seen_webhook_ids_are_pruned_after_three_days_not_before_48_hours(
    settings: Settings, stopper: list[LocalService]
) -> None:
    from datetime import timedelta

    from sync.local.ledger import SqliteState

    # given webhook ids remembered 4 days, 49 hours and 1 hour ago
    service = _service(settings)
    stopper.append(service)
    now = service.clock.now()
    conn = connect(settings.database)
    state = SqliteState(conn)
    for ident, age in (("old", timedelta(days=4)), ("retried", timedelta(hours=49)),
                       ("new", timedelta(hours=1))):
        state.remember(ident, now - age)
    # when serve prunes
    assert service.prune() == 1
    # then only the one past three days is gone: Shopify's 48 h of retries stay deduplicated
    assert [state.seen(i) for i in ("old", "retried", "new")] == [False, True, True]
    conn.close()


def test_status_shows_how_long_each_key_has_been_in_use(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from click.testing import CliRunner

    from sync.cli import main

    # given a push key and a warehouse key in the environment
    monkeypatch.setenv("HUBSHOP_PUSH_KEY", "push-key-one")
    monkeypatch.setenv("WAREHOUSE_API_KEY", "wms-key-one")
    runner = CliRunner()

    def ages() -> dict[str, Any]:
        out = runner.invoke(main, ["inventory", "status", "--json"], catch_exceptions=False)
        return json.loads(out.stdout)["keys"]

    # when status is asked, first now and again after a new push key
    first = ages()
    monkeypatch.setenv("HUBSHOP_PUSH_KEY", "push-key-two")
    second = ages()
    # then each held key has an age in whole days (none for HubSpot, not configured), none is
    # rotated locally, and no key appears
    assert {name: key["age_days"] for name, key in first.items()} == {
        "push_key": 0, "shopify": None, "shopify_webhook_secret": None,
        "warehouse_api_key": 0, "hubspot_token": None}
    assert first["push_key"]["rotation"] == "not rotated locally"
    assert first["push_key"]["next_rotation"] is None and not first["hubspot_token"]["set"]
    assert second["push_key"]["age_days"] == 0
    text = runner.invoke(main, ["inventory", "status"], catch_exceptions=False).stdout
    assert "Key ages" in text and "push-key" not in text and "wms-key" not in text
