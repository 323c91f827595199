"""Stateful property tests: random store traffic around engine reads and writes, then converge.

Warehouse movements (each stamped with the warehouse's time), orders,
cancellations (with and without restock), fulfilments, hand edits,
duplicated, reordered or dropped webhooks, webhooks for orders the store
never had or whose bodies disagree with it, and warehouse pushes delivered
late, twice or out of order land in any order, also between the engine's
read and its write. After a quiet final reconcile every SKU must show the
policy's figure from the *newest* warehouse record, no order may be lost,
every hand edit must be accounted for and no offset may appear that no hand
edit explains, and a second reconcile must write nothing.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from decimal import Decimal

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from sync.inventory import run
from sync.inventory.memory_state import MemoryState
from sync.inventory.policy import Policy
from sync.local.db import connect
from sync.local.inventory import LocalInventory
from sync.local.shop import LocalShop, ShopError
from sync.model.shop import Product, Variant, numeric_id
from sync.plumbing.clock import VirtualClock
from sync.warehouse.memory import MemoryWarehouse

settings.register_profile(
    "inventory-ci", deadline=None, derandomize=True, max_examples=1000,
    stateful_step_count=12, suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("inventory-debug", parent=settings.get_profile("inventory-ci"),
                          phases=[Phase.explicit, Phase.generate], report_multiple_bugs=True)
SKUS = ("A", "B")
CODES = {"MAIN": "Main Warehouse", "FLOOR": "Shop Floor"}
KEYS = [(sku, code) for sku in SKUS for code in CODES]


def _template() -> sqlite3.Connection:
    """One seeded shop, copied into each example (a copy costs far less than a build)."""
    conn = connect(":memory:")
    shop = LocalShop(conn, VirtualClock())
    for name in CODES.values():
        shop.add_location(name)
    shop.upsert_product(Product(handle="p", title="P", variants=[
        Variant(sku=sku, price=Decimal("1"), options={"Size": sku}, title=sku, position=i,
                inventory_quantity=4) for i, sku in enumerate(SKUS, start=1)]),
        stock_at="Main Warehouse")
    floor = shop.get_location("Shop Floor").id
    for level in shop.levels():
        shop.activate(level.inventory_item_id, floor, 2)
    return conn


TEMPLATE = _template()
actions = st.one_of(
    st.tuples(st.just("order"), st.sampled_from(KEYS), st.integers(1, 3)),
    st.tuples(st.just("edit"), st.sampled_from(KEYS), st.integers(0, 9)),
    st.tuples(st.just("fulfil"), st.integers(0, 7), st.booleans()),
    st.tuples(st.just("cancel"), st.integers(0, 7), st.booleans()),
    st.tuples(st.just("receive"), st.sampled_from(KEYS), st.integers(-3, 6)),
)


class BetweenReads:
    """Mixed into a store port: queued store traffic runs right after each read of levels."""

    between: list

    def read_levels(self, inventory_item_ids):
        levels = super().read_levels(inventory_item_ids)
        while self.between:
            self.act(self.between.pop(0))
        return levels


class Interleaved(BetweenReads, LocalInventory):
    """The local port, with store traffic landing between the engine's read and write."""


class TimedWarehouse(MemoryWarehouse):
    """The memory warehouse whose forwarded adjustments, like every movement, get a time of
    their own (a real warehouse books an adjustment when it receives it), and which never
    counts below zero (an adjustment larger than the shelf empties it)."""

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None:
        if any(a[4] == reference for a in self.adjustments):
            return
        self.clock.advance(1)
        self.adjustments.append((sku, location, delta, reason, reference))
        self.move(sku, location, max(delta, -self.stock[(sku, location)].on_hand))


class InventoryMachine(RuleBasedStateMachine):
    """The shop, the warehouse and the engine, with a model of what each hand edit was."""

    @initialize(mode=st.sampled_from(["offset", "overwrite", "forward"]),
                buffer=st.integers(0, 1))
    def setup(self, mode: str, buffer: int) -> None:
        self.clock = VirtualClock()
        conn = connect(":memory:", migrate=False)
        TEMPLATE.backup(conn)
        self.shop = LocalShop(conn, self.clock)
        self.store = self.make_store()
        self.store.between, self.store.act = [], self.act
        self.warehouse = TimedWarehouse(self.clock)
        self.state = MemoryState()
        self.policy = Policy(location_map=CODES, hand_edits=mode, buffer=buffer)
        self.location = {code: self.shop.get_location(name).id for code, name in CODES.items()}
        self.items = {sku: self.shop.get_variant(sku)[1].inventory_item_id for sku in SKUS}
        for sku, code in KEYS:
            self.warehouse.set(sku, code, self._level(sku, code).on_hand)
        self.edits = {key: 0 for key in KEYS}
        self.reported = {key: 0 for key in KEYS}
        self.to_ship: list[tuple[str, str, int]] = []
        self.sent = [self.warehouse.stock[key] for key in KEYS]  # every record, as sent
        self._reconcile()
        self.edits = {key: 0 for key in KEYS}  # the first run's buffer is not a hand edit

    # store and warehouse traffic ---------------------------------------------------------

    def act(self, action: tuple) -> None:
        kind = action[0]
        if kind == "order":
            (sku, code), qty = action[1], action[2]
            with contextlib.suppress(ShopError):  # not enough available: checkout refused
                self.shop.place_order([(sku, qty)], location_id=self.location[code])
        elif kind == "edit":
            (sku, code), value = action[1], action[2]
            level = self._level(sku, code)
            self.shop.hand_edit(level.inventory_item_id, level.location_id, available=value)
            self.edits[(sku, code)] += value - level.available
        elif kind in ("fulfil", "cancel"):
            open_orders = [o for o in self.shop.orders() if o.status == "open"]
            if not open_orders:
                return
            order = open_orders[action[1] % len(open_orders)]
            if kind == "fulfil":
                self.shop.fulfill_order(order.id)
            else:
                self.shop.cancel_order(order.id, restock=action[2])
            if kind == "fulfil" or not action[2]:  # units leave: the warehouse books them out
                for line in order.lines:
                    code = next(c for c, x in self.location.items() if x == line.location_id)
                    self.to_ship.append((line.sku, code, line.quantity))
        elif kind == "receive":
            (sku, code), delta = action[1], action[2]
            owed = sum(q for s, c, q in self.to_ship if (s, c) == (sku, code))
            if self.warehouse.stock[(sku, code)].on_hand + delta >= owed:
                self._move(sku, code, delta)  # never shrinks what is owed to shoppers

    @rule(action=actions)
    def store_traffic(self, action: tuple) -> None:
        self.act(action)

    @rule()
    def warehouse_ships(self) -> None:
        if self.to_ship:
            sku, code, qty = self.to_ship.pop(0)
            # an order sold before the warehouse's last count reached Shopify may find
            # fewer units than it needs: the warehouse ships what it has (an oversell the
            # engine could not have prevented) and never reports a negative figure
            self._move(sku, code, -min(qty, self.warehouse.stock[(sku, code)].on_hand))

    @rule(pick=st.integers(0, 50), same_id=st.booleans(), follow=st.booleans())
    def webhook_arrives(self, pick: int, same_id: bool, follow: bool) -> None:
        """Any queued webhook, any number of times, in any order (never: dropped)."""
        events = self.shop.events()
        if not events:
            return
        event = events[pick % len(events)]
        self._webhook(event.topic, event.payload, event.webhook_id if same_id else None,
                      follow)

    @rule(pick=st.integers(0, 50), exists=st.booleans(), claimed=st.integers(1, 4),
          topic=st.sampled_from(["fulfillments/create", "refunds/create", "orders/cancelled"]))
    def forged_webhook(self, pick: int, exists: bool, claimed: int, topic: str) -> None:
        """A signed body for an order the store never had, or one that disagrees with it."""
        orders = self.shop.orders()
        order = orders[pick % len(orders)] if exists and orders else None
        number = int(numeric_id(order.id)) if order else 5999999999000 + pick
        key = KEYS[pick % len(KEYS)]
        line = {"id": 9900 + pick, "sku": key[0], "quantity": claimed, "fulfillable_quantity": 0}
        if order is not None:
            real = order.lines[0]
            line.update(id=int(numeric_id(real.id)), sku=real.sku)
        location = int(numeric_id(self.location[key[1]]))
        payload = {"id": number, "order_id": number, "location_id": location,
                   "line_items": [line], "refund_line_items": [
                       {"quantity": claimed, "restock_type": "cancel", "location_id": location,
                        "line_item": line}]}
        self._webhook(topic, payload, f"forged-{pick}-{claimed}", True)

    @rule(pick=st.integers(0, 200), between=st.lists(actions, max_size=1))
    def warehouse_delivers_late(self, pick: int, between: list) -> None:
        """Any record the warehouse ever sent, again: late, duplicated or out of order."""
        self.clock.advance(1)  # time passes between the engine's runs
        self.store.between = list(between)
        record = self.sent[pick % len(self.sent)]
        report = run.apply_stock_records([record], self.store, self.state, self.policy,
                                         warehouse=self.warehouse, clock=self.clock)
        assert report.stale <= 1
        self._account(report)

    # the engine ------------------------------------------------------------------------

    @rule(between=st.lists(actions, max_size=2))
    def reconcile(self, between: list) -> None:
        self.clock.advance(1)  # time passes between the engine's runs
        self.store.between = list(between)
        self._reconcile()

    @rule(key=st.sampled_from(KEYS), between=st.lists(actions, max_size=2))
    def warehouse_pushes(self, key: tuple[str, str], between: list) -> None:
        self.clock.advance(1)  # time passes between the engine's runs
        self.store.between = list(between)
        record = self.warehouse.stock[key]
        report = run.apply_stock_records([record], self.store, self.state, self.policy,
                                         warehouse=self.warehouse, clock=self.clock)
        self._account(report)

    @invariant()
    def never_more_committed_than_ordered(self) -> None:
        lines = [line for o in self.shop.orders() if o.status == "open" for line in o.lines]
        for sku, code in KEYS:
            open_units = sum(line.quantity for line in lines
                             if line.sku == sku and line.location_id == self.location[code])
            assert self._level(sku, code).committed == open_units

    def teardown(self) -> None:
        if not hasattr(self, "shop"):
            return
        # a quiet moment: the warehouse has shipped everything, nothing else moves
        self.store.between = []
        while self.to_ship:
            self.warehouse_ships()
        self.clock.advance(1)
        self._reconcile()
        # then the warehouse's last records arrive again, newest first, so every older one
        # is late: none may change stock (an older figure never wins)
        for record in reversed(self.sent[-6:]):
            self._account(run.apply_stock_records([record], self.store, self.state,
                                                  self.policy, warehouse=self.warehouse,
                                                  clock=self.clock))
        self._converged()
        second = run.reconcile(self.store, self.warehouse, self.state, self.policy,
                               clock=self.clock)
        assert second.written == 0 and second.conflicts == 0, second.problems
        self.shop.conn.close()

    def _converged(self) -> None:
        """Every key at the policy's figure from the newest warehouse record; every hand edit
        reported once; no offset that no hand edit explains."""
        for sku, code in KEYS:
            level = self._level(sku, code)
            offset = self.edits[(sku, code)] if self.policy.hand_edits == "offset" else 0
            on_hand = self.warehouse.stock[(sku, code)].on_hand
            target = max(0, on_hand - level.committed - self.policy.buffer + offset)
            assert level.available == target, (sku, code, level, on_hand, self.edits)
            assert self.reported[(sku, code)] == self.edits[(sku, code)], (sku, code)
            entry = self.state.get(sku, code)
            assert entry.offset == offset, ("an offset no hand edit explains", entry, offset)
            if self.policy.hand_edits == "forward":
                forwarded = sum(a[2] for a in self.warehouse.adjustments if a[:2] == (sku, code))
                assert forwarded == self.edits[(sku, code)]

    # hooks a machine over another store port overrides ---------------------------------

    def make_store(self) -> BetweenReads:
        """The engine's Shopify port over ``self.shop``, interleaving ``self.act``."""
        return Interleaved(self.shop)

    # helpers ---------------------------------------------------------------------------

    def _move(self, sku: str, code: str, delta: int) -> None:
        """A warehouse movement one second after the last: each record has its own time."""
        self.clock.advance(1)
        self.sent.append(self.warehouse.move(sku, code, delta))

    def _webhook(self, topic: str, payload: dict, webhook_id: str | None, follow: bool) -> None:
        """Note a delivery; with ``follow``, the consumer's follow-up (re-read, reconcile)."""
        self.clock.advance(1)
        outcome = run.note_shopify_event(topic, payload, self.state, policy=self.policy,
                                         webhook_id=webhook_id, clock=self.clock)
        if follow and (outcome.skus or outcome.order_ids) and not outcome.duplicate:
            self._account(run.reconcile(self.store, self.warehouse, self.state, self.policy,
                                        skus=list(outcome.skus),
                                        order_ids=list(outcome.order_ids), clock=self.clock))

    def _reconcile(self) -> None:
        report = run.reconcile(self.store, self.warehouse, self.state, self.policy,
                               clock=self.clock)
        self._account(report)

    def _account(self, report) -> None:
        for edit in report.hand_edits:
            self.reported[(edit.sku, edit.location)] += edit.delta

    def _level(self, sku: str, code: str):
        return self.shop.level(self.items[sku], self.location[code])


TestInventoryProperties = InventoryMachine.TestCase
TestInventoryProperties.settings = settings.get_profile(
    os.environ.get("HUBSHOP_INVENTORY_PROFILE", "inventory-ci"))
