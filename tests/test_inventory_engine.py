"""The inventory engine over the local shop: orders, hand edits, stale writes, pauses, faults."""

from __future__ import annotations

import pytest

from sync.inventory import run
from sync.inventory.policy import Policy
from sync.local.db import connect
from sync.local.inventory import LocalInventory
from sync.local.ledger import SqliteState
from sync.local.shop import LocalShop
from sync.plumbing.clock import VirtualClock
from sync.warehouse.memory import MemoryWarehouse
from tests.fakes.shopify.fixtures import seed_shop

MAP = {"MAIN": "Main Warehouse", "FLOOR": "Shop Floor"}


class World:
    """A seeded local shop, its inventory port, a warehouse and the engine's state."""

    def __init__(self, **policy: object) -> None:
        self.clock = VirtualClock()
        self.shop = LocalShop(connect(":memory:"), self.clock)
        seed_shop(self.shop)
        self.store = LocalInventory(self.shop)
        self.warehouse = MemoryWarehouse(self.clock)
        self.state = SqliteState(connect(":memory:"))
        self.policy = Policy(location_map=MAP, **policy)
        for level in self.shop.levels():
            self.warehouse.set(level.sku, "MAIN", level.on_hand)

    def level(self, sku: str, location: str = "Main Warehouse"):
        loc = self.shop.get_location(location)
        return next(x for x in self.shop.levels() if x.sku == sku and x.location_id == loc.id)

    def reconcile(self, **kwargs: object):
        return run.reconcile(self.store, self.warehouse, self.state, self.policy,
                             clock=self.clock, **kwargs)


@pytest.fixture
def world() -> World:
    return World()


def test_first_reconcile_writes_the_warehouse_figure_and_a_second_writes_nothing(world):
    # given a delivery the store has not seen
    world.warehouse.move("TEE-S", "MAIN", 7)
    # when
    first = world.reconcile()
    second = world.reconcile()
    # then
    assert world.level("TEE-S").available == 12
    assert first.counts()["written"] == 1
    assert second.counts()["written"] == 0
    assert second.counts()["unchanged"] == first.counts()["unchanged"] + 1


def test_an_order_placed_after_the_warehouse_count_still_counts(world):
    # given
    world.reconcile()
    world.shop.place_order([("TEE-M", 2)])
    # when the warehouse (unaware of the order) reports the same on_hand
    report = world.reconcile()
    # then the two committed units are not offered again
    assert world.level("TEE-M").available == 3
    assert report.written == 0 and report.hand_edits == []


def test_an_order_between_read_and_write_costs_a_reread_not_the_order(world, monkeypatch):
    # given a change to write, and an order that lands right after the engine's read
    world.reconcile()
    world.warehouse.move("TEE-L", "MAIN", 10)
    real_read = world.store.read_levels
    landed = []

    def read_then_order(ids):
        levels = real_read(ids)
        if not landed:
            landed.append(world.shop.place_order([("TEE-L", 1)]))
        return levels

    monkeypatch.setattr(world.store, "read_levels", read_then_order)
    # when
    report = world.reconcile()
    # then the stale compare was re-read and re-planned: 15 on hand - 1 committed
    assert world.level("TEE-L").available == 14
    assert world.level("TEE-L").committed == 1
    assert report.written == 1 and report.conflicts == 0


@pytest.mark.parametrize(("policy", "expected", "offset"), [
    ("offset", 3, -2), ("overwrite", 5, 0), ("forward", 3, 0),
])
def test_a_hand_edit_is_kept_by_each_policy(policy, expected, offset):
    # given
    world = World(hand_edits=policy)
    world.reconcile()
    item = world.level("MUG-1")
    world.shop.hand_edit(item.inventory_item_id, item.location_id, available=10)
    world.warehouse.move("MUG-1", "MAIN", -7)  # 12 -> 5 on hand
    # when
    report = world.reconcile()
    # then
    assert [(h.delta, h.policy) for h in report.hand_edits] == [(-2, policy)]
    assert world.level("MUG-1").available == expected
    assert world.state.get("MUG-1", "MAIN").offset == offset
    if policy == "forward":
        assert world.warehouse.adjustments[0][:3] == ("MUG-1", "MAIN", -2)
    assert world.reconcile().written == 0


def test_forward_without_an_adjusting_warehouse_falls_back_to_offset():
    # given
    world = World(hand_edits="forward")
    world.warehouse.can_adjust = False
    world.reconcile()
    item = world.level("TEE-S")
    world.shop.hand_edit(item.inventory_item_id, item.location_id, available=4)
    # when
    report = world.reconcile()
    # then
    assert report.hand_edits[0].policy == "offset"
    assert world.level("TEE-S").available == 4


def test_buffers_hold_units_back_and_never_go_below_zero():
    # given
    world = World(buffer=2, buffers={"MUG-1": 20})
    # when
    world.reconcile()
    # then
    assert world.level("TEE-S").available == 3
    assert world.level("MUG-1").available == 0


def test_unmapped_unknown_unstocked_and_untracked_are_reported_not_written(world):
    # given
    world.warehouse.set("TEE-S", "ELSEWHERE", 3)
    world.warehouse.set("NOPE-1", "MAIN", 3)
    world.warehouse.set("TEE-S", "FLOOR", 3)
    world.warehouse.set("GIFT-25", "MAIN", 3)
    # when
    report = world.reconcile()
    again = world.reconcile()
    # then
    codes = sorted(p.code for p in report.problems)
    assert codes == ["not_stocked", "unknown_sku", "untracked"]
    assert any(r.sku == "TEE-S" and "location_map" in r.reason for r in report.rejected)
    assert report.written == 0
    assert again.problems == report.problems and again.written == 0  # reported, not retried


def test_activate_unstocked_stocks_the_item_at_the_mapped_location():
    # given
    world = World(activate_unstocked=True)
    world.warehouse.set("TEE-S", "FLOOR", 3)
    # when
    world.reconcile()
    # then
    assert world.level("TEE-S", "Shop Floor").available == 3


def test_pause_queues_and_resume_applies_the_latest(world):
    # given
    world.reconcile()
    run.pause(world.state)
    world.warehouse.move("TEE-S", "MAIN", 1)
    paused = world.reconcile()
    world.warehouse.move("TEE-S", "MAIN", 1)
    world.reconcile()
    # when
    resumed = run.resume(world.store, world.warehouse, world.state, world.policy,
                         clock=world.clock)
    # then
    assert paused.paused and paused.written == 0
    assert world.level("TEE-S").available == 7
    assert resumed.written == 1 and not run.is_paused(world.state)
    assert world.state.pending() == []


def test_a_dry_run_changes_nothing(world):
    # given
    world.warehouse.move("TEE-S", "MAIN", 3)
    # when
    report = world.reconcile(dry_run=True)
    # then
    assert report.written == 1 and world.level("TEE-S").available == 5
    assert world.state.items() == []


def test_a_run_killed_after_its_write_converges_without_a_false_hand_edit(world, monkeypatch):
    # given a write that lands but whose run dies before recording it
    world.reconcile()
    world.warehouse.move("TEE-S", "MAIN", 4)
    real = world.store.set_available

    def write_then_die(changes, **kwargs):
        real(changes, **kwargs)
        raise KeyboardInterrupt

    monkeypatch.setattr(world.store, "set_available", write_then_die)
    with pytest.raises(KeyboardInterrupt):
        world.reconcile()
    monkeypatch.setattr(world.store, "set_available", real)
    # when
    report = world.reconcile()
    # then
    assert world.level("TEE-S").available == 9
    assert report.hand_edits == [] and report.written == 0


def test_warehouse_records_are_checked_line_by_line(world):
    # given
    body = [
        {"sku": "TEE-S", "location": "MAIN", "on_hand": 8},
        {"sku": "TEE-M", "location": "MAIN", "on_hand": -1},
        {"sku": "TEE-L", "location": "MAIN", "on_hand": "2.5"},
        {"sku": "MUG-1", "location": "MAIN", "on_hand": 10**9},
        {"sku": "NOPE", "location": "MAIN", "on_hand": 1},
        {"sku": "TEE-M", "location": "FLOOR", "on_hand": 1},
        {"sku": "TEE-M", "location": "FLOOR", "on_hand": 2},
        "not an object",
    ]
    # when
    report = run.apply_stock_records(body, world.store, world.state, world.policy,
                                     clock=world.clock)
    # then
    reasons = {r.where: r.reason for r in report.rejected}
    assert world.level("TEE-S").available == 8 and report.written == 1
    assert "negative" in reasons["body[1]"]
    assert "whole number" in reasons["body[2]"]
    assert "ceiling" in reasons["body[3]"]
    assert "unknown SKU" in reasons["body[4]"]
    assert "duplicate" in reasons["body[5]"] and "duplicate" in reasons["body[6]"]
    assert "malformed" in reasons["body[7]"]


def test_a_warehouse_event_is_one_read_and_one_write(world):
    # given
    world.reconcile()
    calls = world.store.calls
    # when
    report = run.apply_stock_records([{"sku": "TEE-S", "location": "MAIN", "on_hand": 9}],
                                     world.store, world.state, world.policy, clock=world.clock)
    # then: the ledger knows the item and the adapter its locations
    assert report.written == 1
    assert world.store.calls - calls == 2 == report.api_calls


def test_status_shows_drift_offsets_and_pause(world):
    # given
    world.reconcile()
    item = world.level("TEE-S")
    world.shop.hand_edit(item.inventory_item_id, item.location_id, available=2)
    world.reconcile()
    world.warehouse.move("TEE-M", "MAIN", 5)
    run.pause(world.state)
    # when
    status = run.status(world.state, world.store, world.warehouse, world.policy,
                        clock=world.clock)
    # then
    assert status.paused
    assert [(d.sku, d.shopify, d.target) for d in status.drift] == [("TEE-M", 5, 10)]
    assert status.offsets == {"TEE-S@MAIN": -3}


def _product_of(world: World, sku: str) -> str:
    return world.store.items_by_sku([sku])[sku].product_id


def test_a_reconcile_that_sells_out_a_variant_marks_its_product_for_the_site(world):
    # given an agreed baseline, nothing marked yet
    world.reconcile()
    world.state.take_products()
    product = _product_of(world, "TEE-S")
    # when the warehouse sells the variant's last units
    world.warehouse.set("TEE-S", "MAIN", 0)
    report = world.reconcile()
    # then the write marks its product, once, in the report and the state store
    assert world.level("TEE-S").available == 0
    assert report.products == [product]
    assert world.state.take_products() == [product]
    assert world.reconcile().products == [] and world.state.take_products() == []


def test_a_warehouse_event_marks_the_product_from_the_ledger_and_a_dry_run_marks_nothing(world):
    # given the ledger knows the item (and its product) from a first reconcile
    world.reconcile()
    world.state.take_products()
    product = _product_of(world, "TEE-M")
    body = [{"sku": "TEE-M", "location": "MAIN", "on_hand": 1}]
    # when
    dry = run.apply_stock_records(body, world.store, world.state, world.policy,
                                  dry_run=True, clock=world.clock)
    marked_by_dry_run = world.state.take_products()
    real = run.apply_stock_records(body, world.store, world.state, world.policy,
                                   clock=world.clock)
    # then
    assert dry.products == [product] and marked_by_dry_run == []
    assert real.products == [product] and world.state.take_products() == [product]


def test_an_order_seen_by_the_reconcile_marks_the_product(world):
    # given
    world.reconcile()
    world.state.take_products()
    world.shop.place_order([("TEE-L", 1)])
    # when the reconcile reads the order's effect (nothing to write)
    report = world.reconcile()
    # then the site still learns the total moved
    assert report.written == 0
    assert report.products == [_product_of(world, "TEE-L")]


def test_the_state_alone_tells_pause_pending_offsets_and_the_last_run():
    # given a paused state with an offset, an unconfirmed write, a queued record and a run
    from sync.inventory.memory_state import MemoryState
    from sync.inventory.ports import LedgerEntry, StockRecord

    state = MemoryState()
    state.put([LedgerEntry("TEE-S", "main", offset=2), LedgerEntry("TEE-M", "main", pending=4)])
    state.enqueue([StockRecord("TEE-L", "main", 7)])
    state.record_run({"kind": "reconcile", "result": "ok"})
    run.pause(state)
    # when the warehouse and Shopify are out of reach (the state is all there is)
    report = run.state_status(state, clock=VirtualClock())
    # then
    assert report.paused is True and report.pending == 2
    assert report.offsets == {"TEE-S@main": 2}
    assert report.last_run == {"kind": "reconcile", "result": "ok"}
    assert report.drift == [] and report.unexplained == 0  # not computed: no warehouse read
