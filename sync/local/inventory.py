"""The embedded default's InventoryStore: the engine's Shopify port over ``LocalShop``.

It behaves as ``inventorySetQuantities`` does in 2026-04: a batch applies
whole or not at all, every quantity is compared with ``changeFromQuantity``,
and a repeated idempotency key with the same batch replays the first answer.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime

from sync.inventory.ports import (
    INVALID,
    NON_MUTABLE,
    NOT_STOCKED,
    STALE,
    ItemInfo,
    ItemOutcome,
    OrderLineState,
    OrderPage,
    OrdersRead,
    QuantityChange,
    WriteResult,
)
from sync.local.db import transaction
from sync.local.shop import LocalShop
from sync.local.shop_types import Order, ShopError, make_gid, parse_number
from sync.model.shop import InventoryLevel, Location
from sync.model.time import iso


class LocalInventory:
    """:class:`sync.inventory.ports.InventoryStore` over a :class:`LocalShop`."""

    def __init__(self, shop: LocalShop) -> None:
        self.shop = shop
        self.calls = 0
        self._replies: dict[str, tuple[str, WriteResult]] = {}
        self._locations: list[Location] | None = None

    def locations(self) -> list[Location]:
        """Locations, read once per adapter (they change rarely; a new one needs a restart)."""
        if self._locations is None:
            self.calls += 1
            self._locations = self.shop.locations()
        return self._locations

    def items_by_sku(self, skus: Sequence[str]) -> dict[str, ItemInfo]:
        self.calls += 1
        found: dict[str, ItemInfo] = {}
        wanted = list(dict.fromkeys(skus))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start:start + 500]
            rows = self.shop.conn.execute(
                "SELECT sku, item_num, tracked, product_num FROM shop_variants"
                f" WHERE sku IN ({','.join('?' * len(chunk))}) ORDER BY num", chunk)
            for row in rows:
                found.setdefault(row["sku"], ItemInfo(
                    row["sku"], make_gid("InventoryItem", row["item_num"]), bool(row["tracked"]),
                    make_gid("Product", row["product_num"])))
        return found

    def read_levels(self, inventory_item_ids: Sequence[str]) -> list[InventoryLevel]:
        self.calls += 1
        levels: list[InventoryLevel] = []
        for start in range(0, len(inventory_item_ids), 500):
            levels += self.shop.levels(inventory_item_ids=inventory_item_ids[start:start + 500])
        return levels

    def set_available(self, changes: Sequence[QuantityChange], *, idempotency_key: str,
                      reason: str = "correction") -> WriteResult:
        self.calls += 1
        fingerprint = json.dumps([(c.inventory_item_id, c.location_id, c.quantity,
                                   c.change_from) for c in changes])
        if idempotency_key in self._replies:
            remembered, result = self._replies[idempotency_key]
            if remembered == fingerprint:
                return result
            return WriteResult(False, [ItemOutcome(0, INVALID, "IDEMPOTENCY_KEY_PARAMETER_"
                                                   "MISMATCH: key reused for another batch")])
        failures = [f for i, c in enumerate(changes) if (f := self._check(i, c)) is not None]
        result = WriteResult(not failures, failures)
        if not failures:
            with transaction(self.shop.conn):
                for change in changes:
                    self.shop.set_quantity(
                        change.inventory_item_id, change.location_id, name="available",
                        quantity=change.quantity, change_from=change.change_from,
                        reason=reason, reference=f"hubshop://inventory/{idempotency_key}")
        self._replies[idempotency_key] = (fingerprint, result)
        return result

    def activate(self, inventory_item_id: str, location_id: str) -> None:
        self.calls += 1
        self.shop.activate(inventory_item_id, location_id)

    def order_lines(self, since: str | None) -> OrderPage:
        self.calls += 1
        lines: list[OrderLineState] = []
        cursor = since
        for order in self.shop.orders():
            latest = iso(_changed(order))
            if since is not None and latest < since:
                continue
            cursor = max(cursor or latest, latest)
            lines += self._lines(order)
        return OrderPage(lines, cursor)

    def read_orders(self, order_ids: Sequence[str]) -> OrdersRead:
        self.calls += 1
        lines: list[OrderLineState] = []
        missing: list[str] = []
        for order_id in dict.fromkeys(order_ids):
            try:
                order = self.shop.get_order(order_id)
            except ShopError:  # not an order gid at all
                order = None
            if order is None:
                missing.append(order_id)
            else:
                lines += self._lines(order)
        return OrdersRead(lines, missing)

    def _lines(self, order: Order) -> list[OrderLineState]:
        """An order's tracked lines as cumulative counts (the order's status decides them)."""
        found: list[OrderLineState] = []
        for line in order.lines:
            if line.id is None or not self._tracked(line.inventory_item_id):
                continue
            q = line.quantity
            released = q if order.status == "cancelled" and order.restocked else 0
            shipped = q if order.status == "fulfilled" or (
                order.status == "cancelled" and not order.restocked) else 0
            found.append(OrderLineState(line.id, order.id, line.sku, line.location_id, q,
                                        released=released, shipped=shipped,
                                        at=_changed(order)))
        return found

    def _tracked(self, inventory_item_id: str | None) -> bool | None:
        """Whether an item's inventory is tracked; None when there is no such item."""
        row = self.shop.conn.execute(
            "SELECT tracked FROM shop_variants WHERE item_num = ?",
            (parse_number("InventoryItem", inventory_item_id),)).fetchone()
        return None if row is None else bool(row["tracked"])

    def _check(self, index: int, change: QuantityChange) -> ItemOutcome | None:
        tracked = self._tracked(change.inventory_item_id)
        if tracked is None:
            return ItemOutcome(index, INVALID, f"{change.sku}: no such inventory item")
        if not tracked:
            return ItemOutcome(index, NON_MUTABLE, f"{change.sku}: inventory is not tracked")
        try:
            level = self.shop.level(change.inventory_item_id, change.location_id)
        except ShopError as error:
            return ItemOutcome(index, INVALID, error.message)
        if level is None:
            return ItemOutcome(index, NOT_STOCKED, f"{change.sku}: not stocked at"
                               f" {change.location}")
        if level.available != change.change_from:
            return ItemOutcome(index, STALE, f"{change.sku} at {change.location}: expected"
                               f" {change.change_from}, now {level.available}", level.available)
        return None


def _changed(order: Order) -> datetime:
    """When an order last changed (placed, cancelled or fulfilled)."""
    return max(t for t in (order.created_at, order.cancelled_at, order.fulfilled_at) if t)
