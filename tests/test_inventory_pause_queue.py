"""Paused reconciles queue only drift, one change per SKU@location, on SQLite and DynamoDB."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from sync.inventory import run
from sync.inventory.ports import StateStore, StockRecord
from sync.local.db import connect
from sync.local.ledger import SqliteState
from sync.plumbing.clock import VirtualClock
from sync.service.dynamo_state import DynamoState
from tests.test_inventory_engine import World
from tests.test_service_world import aws_client, create_tables, moto_aws

T1 = datetime(2026, 11, 25, 9, tzinfo=UTC)
T2 = datetime(2026, 11, 25, 10, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "dynamodb"])
def store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[StateStore]:
    if request.param == "sqlite":
        yield SqliteState(connect(":memory:"))
        return
    for _ in moto_aws(monkeypatch):
        dynamodb = aws_client("dynamodb")
        create_tables(dynamodb)
        yield DynamoState("hubshop-state", client=dynamodb, clock=VirtualClock())


def test_one_queued_change_per_key_the_newest_warehouse_figure_wins(store: StateStore) -> None:
    # given a figure queued for TEE-S@MAIN
    store.enqueue([StockRecord("TEE-S", "MAIN", 4, updated_at=T2),
                   StockRecord("MUG-1", "MAIN", 2, updated_at=T1)])
    # when an older and then a newer-or-equal figure for the same key queue
    store.enqueue([StockRecord("TEE-S", "MAIN", 9, updated_at=T1)])
    store.enqueue([StockRecord("TEE-S", "MAIN", 5, updated_at=T2)])
    # then one change per key is held: the newest, the last among equal times
    held = {(r.sku, r.location): r.on_hand for r in store.pending()}
    assert held == {("TEE-S", "MAIN"): 5, ("MUG-1", "MAIN"): 2}


def test_clear_keeps_a_figure_that_replaced_one_read(store: StateStore) -> None:
    # given a queued figure read by a resume
    store.enqueue([StockRecord("TEE-S", "MAIN", 4, updated_at=T1)])
    taken = store.pending()
    # when a newer figure for that key queues before the resume clears
    store.enqueue([StockRecord("TEE-S", "MAIN", 6, updated_at=T2)])
    store.clear_pending()
    # then the newer figure stays for the next resume
    assert [r.on_hand for r in taken] == [4]
    assert [r.on_hand for r in store.pending()] == [6]


def test_paused_reconciles_queue_only_drift_once_and_resume_says_what_it_wrote() -> None:
    # given a paused store in step with the warehouse but for one delivery
    world = World()
    world.reconcile()
    run.pause(world.state)
    world.warehouse.move("TEE-S", "MAIN", 3)
    # when two paused reconciles run
    first = world.reconcile()
    second = world.reconcile()
    resumed = run.resume(world.store, world.warehouse, world.state, world.policy,
                         clock=world.clock)
    # then only the drifting key is queued, once, and resume writes it
    assert first.paused and first.queued == 1 and first.written == 0
    assert second.queued == 1
    assert resumed.queued == 1 and resumed.written == 1
    assert world.state.pending() == []


def test_a_paused_reconcile_with_no_drift_queues_nothing() -> None:
    # given a store in step with the warehouse
    world = World()
    world.reconcile()
    run.pause(world.state)
    # when
    report = world.reconcile()
    # then
    assert report.paused and report.queued == 0 and world.state.pending() == []
    assert report.unchanged > 0


def test_a_queued_key_follows_the_warehouse_back_into_step() -> None:
    # given a drift queued while paused
    world = World()
    world.reconcile()
    run.pause(world.state)
    world.warehouse.move("TEE-S", "MAIN", 3)
    world.reconcile()
    # when the warehouse goes back to Shopify's figure and another paused reconcile runs
    world.clock.advance(60)
    world.warehouse.move("TEE-S", "MAIN", -3)
    world.reconcile()
    resumed = run.resume(world.store, world.warehouse, world.state, world.policy,
                         clock=world.clock)
    # then resume applies the newest figure: nothing to write
    assert resumed.written == 0 and resumed.unchanged == 1
    assert world.level("TEE-S").available == 5


