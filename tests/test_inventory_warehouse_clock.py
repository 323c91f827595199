"""Warehouse records ordered by the warehouse's clock: an older figure never changes stock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sync.inventory import run
from sync.model.stock import StockRecord
from tests.test_inventory_engine import World

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _push(world: World, on_hand: int, at: datetime | None, sku: str = "TEE-S", **kwargs):
    record = StockRecord(sku, "MAIN", on_hand, updated_at=at)
    return run.apply_stock_records([record], world.store, world.state, world.policy,
                                   warehouse=world.warehouse, clock=world.clock, **kwargs)


def test_a_delayed_older_push_never_changes_stock_and_is_counted_stale():
    # given the newest figure (12 at 10:05) applied first
    world = World()
    world.reconcile()
    newest = _push(world, 12, T0 + timedelta(minutes=5))
    # when the older figure (3 at 10:01) arrives late
    late = _push(world, 3, T0 + timedelta(minutes=1))
    # then it is skipped and counted, and stock shows the newest figure
    assert newest.written == 1 and world.level("TEE-S").available == 12
    assert late.written == 0 and late.stale == 1 and late.counts()["stale"] == 1
    assert late.older[0].at == T0 + timedelta(minutes=1)
    assert world.state.get("TEE-S", "MAIN").warehouse_at == T0 + timedelta(minutes=5)


def test_a_duplicate_of_the_applied_record_is_not_stale_and_writes_nothing():
    # given
    world = World()
    world.reconcile()
    _push(world, 9, T0 + timedelta(minutes=5))
    # when the same record is delivered again
    again = _push(world, 9, T0 + timedelta(minutes=5))
    # then
    assert again.stale == 0 and again.written == 0 and world.level("TEE-S").available == 9


def test_a_snapshot_older_than_a_push_leaves_the_pushed_figure():
    # given a push newer than what the feed says for that SKU
    world = World()
    world.reconcile()
    _push(world, 11, world.clock.now() + timedelta(hours=1))
    world.warehouse.move("TEE-S", "MAIN", -4)  # the feed's own (older) figure moves
    # when a full reconcile reads the feed
    report = world.reconcile()
    # then the pushed figure stands; the feed's record is counted stale
    assert world.level("TEE-S").available == 11
    assert report.stale == 1 and [o.sku for o in report.older] == ["TEE-S"]


def test_records_without_a_time_take_their_receive_time():
    # given an untimed push received at 10:05
    world = World()
    world.reconcile()
    _push(world, 7, None, received_at=T0 + timedelta(minutes=5))
    # when an untimed push received earlier (10:01) is processed after it
    late = _push(world, 2, None, received_at=T0 + timedelta(minutes=1))
    # then the later receive wins; a later untimed push (now) applies
    assert late.stale == 1 and world.level("TEE-S").available == 7
    world.clock.advance(3600)
    assert _push(world, 4, None).written == 1 and world.level("TEE-S").available == 4


def test_the_json_of_a_run_carries_the_stale_count():
    # given
    world = World()
    world.reconcile()
    _push(world, 12, T0 + timedelta(minutes=5))
    # when
    data = _push(world, 3, T0).as_dict()
    # then
    assert data["stale"] == 1 and data["older"][0]["sku"] == "TEE-S"


def test_a_write_call_that_failed_does_not_hold_its_item_busy(monkeypatch):
    # given a write whose call fails (network) before Shopify applied it
    world = World()
    world.reconcile()
    world.warehouse.move("TEE-S", "MAIN", 4)
    real = world.store.set_available

    def fail(changes, **kwargs):
        raise ConnectionError("connection reset")

    monkeypatch.setattr(world.store, "set_available", fail)
    with pytest.raises(ConnectionError):
        world.reconcile()
    monkeypatch.setattr(world.store, "set_available", real)
    # when the next run comes at once
    report = world.reconcile()
    # then it writes the figure rather than waiting out the lease
    assert report.busy == [] and report.written == 1 and world.level("TEE-S").available == 9


def test_a_write_still_in_flight_elsewhere_makes_the_item_busy():
    # given another run's mark on TEE-S: a write of 1 sent, not landed, lease running
    world = World()
    world.reconcile()
    entry = world.state.get("TEE-S", "MAIN")
    world.state.put([entry.evolve(pending=1, version=entry.version + 1,
                                  pending_until=world.clock.now() + timedelta(minutes=5))])
    # when a newer figure arrives
    report = _push(world, 12, world.clock.now())
    # then it is left alone and reported busy (the consumer retries the message)
    assert report.written == 0 and [p.code for p in report.busy] == ["busy"]
    assert world.level("TEE-S").available == 5
