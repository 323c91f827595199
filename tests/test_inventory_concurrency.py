"""Two consumers over one queue of reordered warehouse figures: the newest figure always wins.

Each consumer is a thread with its own ports (its own SQLite connection to the
shop and, for the ledger, its own SQLite connection or DynamoDB store on
moto), as two Lambda consumers or two ``serve`` workers would have. The queue
holds several figures per SKU, each with its warehouse time, shuffled; a
message whose keys were ``busy`` with the other consumer's write, or whose
ledger put lost a race (``StateConflict``), goes back on the queue, as SQS
would redeliver it. The thread switch interval is cut to microseconds so the
consumers interleave between read, decide and write.
"""

from __future__ import annotations

import queue
import random
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.inventory import run
from sync.inventory.policy import Policy
from sync.inventory.ports import StateConflict, StateStore
from sync.local.db import connect
from sync.local.inventory import LocalInventory
from sync.local.ledger import SqliteState
from sync.local.shop import LocalShop
from sync.model.stock import StockRecord
from sync.plumbing.clock import VirtualClock
from sync.service.dynamo_state import DynamoState
from sync.warehouse.memory import MemoryWarehouse
from tests.fakes.shopify.fixtures import seed_shop
from tests.test_service_world import aws_client, create_tables, moto_aws

MAP = {"MAIN": "Main Warehouse"}
SKUS = ("TEE-S", "TEE-M", "TEE-L", "MUG-1")
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
FIGURES = 12  # per SKU


def _messages(seed: int) -> tuple[list[StockRecord], dict[str, int]]:
    """FIGURES timed figures per SKU, shuffled (reordered, as two pollers of SQS see them),
    a fifth of them duplicated; and the newest figure of each SKU."""
    rng = random.Random(seed)
    records, newest = [], {}
    for sku in SKUS:
        for n in range(FIGURES):
            on_hand = rng.randint(0, 30)
            records.append(StockRecord(sku, "MAIN", on_hand, updated_at=T0 + timedelta(seconds=n),
                                       where=f"push[{sku}#{n}]"))
            newest[sku] = on_hand
    records += rng.sample(records, len(records) // 5)
    rng.shuffle(records)
    return records, newest


def _consume(pending: queue.Queue, store: LocalInventory, state: StateStore, policy: Policy,
             clock: VirtualClock, tally: dict[str, int], lock: threading.Lock) -> None:
    """One consumer: take a message, apply it, send it back when busy or conflicted."""
    while True:
        try:
            record = pending.get_nowait()
        except queue.Empty:
            return
        try:
            report = run.apply_stock_records([record], store, state, policy, clock=clock)
            retry = bool(report.busy)
        except StateConflict:
            report, retry = None, True
        with lock:
            if retry:
                tally["retried"] += 1
            else:
                tally["stale"] += report.stale
                tally["written"] += report.written
                tally["hand_edits"] += len(report.hand_edits)
        if retry:
            pending.put(record)


def _race(path: Path, make_state: Callable[[], StateStore], seed: int) -> dict[str, Any]:
    clock = VirtualClock(T0)
    policy = Policy(location_map=MAP)
    setup = connect(path)
    seed_shop(LocalShop(setup, clock))
    first = MemoryWarehouse(clock)
    for level in LocalShop(setup, clock).levels():
        if level.sku in SKUS:
            first.set(level.sku, "MAIN", level.on_hand)
    run.reconcile(LocalInventory(LocalShop(setup, clock)), first, make_state(), policy,
                  clock=clock)
    records, newest = _messages(seed)
    pending: queue.Queue = queue.Queue()
    for record in records:
        pending.put(record)
    tally = {"retried": 0, "stale": 0, "written": 0, "hand_edits": 0}
    lock = threading.Lock()
    clock.advance(3600)  # the figures are from 09:00-09:00:11, processed at 10:00
    consumers = [threading.Thread(target=_consume, args=(
        pending, LocalInventory(LocalShop(connect(path), clock)), make_state(), policy, clock,
        tally, lock)) for _ in range(2)]
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for thread in consumers:
            thread.start()
        for thread in consumers:
            thread.join(timeout=120)
    finally:
        sys.setswitchinterval(switch)
    assert not any(t.is_alive() for t in consumers), "a consumer never finished"
    shop = LocalShop(setup, clock)
    levels = {lv.sku: lv.available for lv in shop.levels()
              if lv.sku in SKUS and lv.location_id == shop.get_location(MAP["MAIN"]).id}
    return {"levels": levels, "newest": newest, **tally}


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_two_consumers_over_the_sqlite_ledger_end_on_the_newest_figure(tmp_path, seed):
    # given two consumer threads, each with its own connection to one store file
    path = tmp_path / "hubshop.sqlite3"
    # when they drain one queue of reordered, duplicated figures
    result = _race(path, lambda: SqliteState(connect(path)), seed)
    # then every SKU shows its newest figure; older ones were skipped, none read as an edit
    assert result["levels"] == result["newest"], result
    assert result["stale"] > 0 and result["hand_edits"] == 0, result


@pytest.fixture
def dynamodb(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for _ in moto_aws(monkeypatch):
        client = aws_client("dynamodb")
        create_tables(client)
        yield client


def test_two_consumers_over_the_dynamodb_ledger_end_on_the_newest_figure(tmp_path, dynamodb):
    # given two consumer threads, each with its own DynamoDB store (conditional writes)
    path = tmp_path / "hubshop.sqlite3"
    # when they drain one queue of reordered, duplicated figures
    result = _race(path, lambda: DynamoState("hubshop-state", client=dynamodb,
                                             clock=VirtualClock(T0)), seed=4)
    # then every SKU shows its newest figure
    assert result["levels"] == result["newest"], result
    assert result["stale"] > 0 and result["hand_edits"] == 0, result
