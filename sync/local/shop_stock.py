"""Inventory levels and orders of the local shop, moving quantities the way Shopify does.

Every movement goes through :meth:`ShopStock._move`, which records one history
row per quantity that changed and queues ``inventory_levels/update`` when
``available`` did; see :mod:`sync.local.shop` for the full state table.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from sync.local import shop_payloads as payloads
from sync.local.db import transaction
from sync.local.shop_base import ShopBase
from sync.local.shop_types import (
    QUANTITY_LIMIT,
    REASONS,
    NotStocked,
    ShopError,
    StaleQuantity,
    UntrackedItem,
    make_gid,
    parse_number,
    webhook_time,
)
from sync.model.shop import InventoryLevel
from sync.model.time import from_iso, iso

_STATES = ("available", "committed", "unavailable")


class ShopStock(ShopBase):
    """Inventory levels (activate, set, adjust, hand edits) and orders (place, cancel, fulfil)."""

    # reading ---------------------------------------------------------------------------

    def level(self, inventory_item_id: str, location_id: str) -> InventoryLevel | None:
        """The quantities of one item at one location, or None where it is not stocked."""
        item = parse_number("InventoryItem", inventory_item_id)
        location = self._location_num(location_id)
        if item is None or location is None:
            return None
        return self._level(item, location)

    def levels(
        self,
        *,
        inventory_item_ids: Sequence[str] | None = None,
        location_id: str | None = None,
    ) -> list[InventoryLevel]:
        """Levels, ordered by item then location, optionally for some items or one location."""
        sql = (
            "SELECT l.*, v.sku FROM shop_levels l JOIN shop_variants v ON v.item_num = l.item_num"
            " WHERE 1"
        )
        params: list[object] = []
        if inventory_item_ids is not None:
            numbers = [parse_number("InventoryItem", i) for i in inventory_item_ids]
            sql += f" AND l.item_num IN ({','.join('?' * len(numbers))})" if numbers else " AND 0"
            params.extend(numbers)
        if location_id is not None:
            sql += " AND l.location_num = ?"
            params.append(self._location_num(location_id))
        sql += " ORDER BY l.item_num, l.location_num"
        return [_level(r) for r in self.conn.execute(sql, params)]

    # writing ---------------------------------------------------------------------------

    def activate(
        self, inventory_item_id: str, location_id: str, available: int = 0
    ) -> InventoryLevel:
        """Stock an item at a location (``inventoryActivate``); a second call changes nothing."""
        with transaction(self.conn):
            item, location = self._item_num(inventory_item_id), self._loc(location_id)
            existing = self._level(item, location)
            if existing is not None:
                return existing
            _check_bounds(available, "available")
            now = self._now()
            self.conn.execute(
                "INSERT INTO shop_levels (item_num, location_num, updated_at) VALUES (?, ?, ?)",
                (item, location, iso(now)),
            )
            self._move(item, location, {"available": available}, "correction", None, "app",
                       notify=False)
            self._emit("inventory_levels/connect",
                       payloads.inventory_level(item, location, available, now), now)
            return self._level(item, location)

    def set_tracked(self, inventory_item_id: str, tracked: bool) -> None:
        """Turn inventory tracking on or off (``inventoryItemUpdate(tracked:)``); levels stay."""
        with transaction(self.conn):
            item = self._item_num(inventory_item_id)
            row = self.conn.execute(
                "SELECT sku, tracked FROM shop_variants WHERE item_num = ?", (item,)
            ).fetchone()
            if bool(row["tracked"]) == tracked:
                return
            now = self._now()
            self.conn.execute(
                "UPDATE shop_variants SET tracked = ? WHERE item_num = ?", (int(tracked), item)
            )
            self._emit(
                "inventory_items/update",
                {"id": item, "sku": row["sku"], "tracked": tracked,
                 "updated_at": webhook_time(now),
                 "admin_graphql_api_id": make_gid("InventoryItem", item)},
                now,
            )

    def set_quantity(
        self,
        inventory_item_id: str,
        location_id: str,
        *,
        name: str,
        quantity: int,
        change_from: int | None,
        reason: str,
        reference: str | None = None,
        source: str = "app",
    ) -> InventoryLevel:
        """Set ``available`` or ``on_hand`` to ``quantity`` (``inventorySetQuantities``).

        ``change_from`` is compared with the current value of ``name``; a mismatch
        raises StaleQuantity and changes nothing. Setting ``on_hand`` moves
        ``available`` by the same delta (committed and unavailable stay).
        """
        if name not in ("available", "on_hand"):
            raise ShopError("INVALID_NAME", f"quantity name {name!r}: use 'available' or"
                            " 'on_hand'", ["input", "name"])
        _check_reason(reason)
        _check_bounds(quantity, name)
        with transaction(self.conn):
            item, location = self._tracked_item(inventory_item_id), self._loc(location_id)
            current = self._stocked(item, location, inventory_item_id, location_id)
            now_value = current.available if name == "available" else current.on_hand
            if change_from is not None and change_from != now_value:
                raise StaleQuantity(change_from, now_value,
                                    f"{current.sku or inventory_item_id} at {location_id} ({name})")
            return self._move(item, location, {"available": quantity - now_value},
                              reason, reference, source)

    def adjust_quantity(
        self,
        inventory_item_id: str,
        location_id: str,
        *,
        name: str,
        delta: int,
        reason: str,
        reference: str | None = None,
        source: str = "app",
    ) -> InventoryLevel:
        """Add ``delta`` to a quantity (``inventoryAdjustQuantities``).

        ``available`` and ``on_hand`` both move ``available`` (and so on_hand);
        ``unavailable`` moves ``unavailable`` and on_hand, leaving available alone.
        """
        if name not in ("available", "on_hand", "unavailable"):
            raise ShopError("INVALID_QUANTITY_NAME", f"quantity name {name!r}: use 'available',"
                            " 'on_hand' or 'unavailable'", ["input", "name"])
        _check_reason(reason)
        with transaction(self.conn):
            item, location = self._tracked_item(inventory_item_id), self._loc(location_id)
            current = self._stocked(item, location, inventory_item_id, location_id)
            state = "unavailable" if name == "unavailable" else "available"
            _check_bounds(getattr(current, state) + delta, name)
            return self._move(item, location, {state: delta}, reason, reference, source)

    def hand_edit(
        self, inventory_item_id: str, location_id: str, *, available: int
    ) -> InventoryLevel:
        """The store owner typing a new ``available`` in Shopify admin (reason ``correction``)."""
        return self.set_quantity(
            inventory_item_id, location_id, name="available", quantity=available,
            change_from=None, reason="correction", source="admin",
        )

    # internals -------------------------------------------------------------------------

    def _move(self, item: int, location: int, deltas: dict[str, int], reason: str,
              reference: str | None, source: str, *, notify: bool = True) -> InventoryLevel:
        """Apply quantity deltas to one level, record history, queue the webhook.

        ``notify=False`` skips ``inventory_levels/update`` (activation sends
        ``connect`` with the quantity instead).
        """
        row = self.conn.execute(
            "SELECT * FROM shop_levels WHERE item_num = ? AND location_num = ?", (item, location)
        ).fetchone()
        before = {state: row[state] for state in _STATES}
        after = {state: before[state] + deltas.get(state, 0) for state in _STATES}
        if after == before:
            return self._level(item, location)
        now = self._now()
        self.conn.execute(
            "UPDATE shop_levels SET available = ?, committed = ?, unavailable = ?, updated_at = ?"
            " WHERE item_num = ? AND location_num = ?",
            (after["available"], after["committed"], after["unavailable"], iso(now), item,
             location),
        )
        history = [(s, after[s] - before[s], after[s]) for s in _STATES if after[s] != before[s]]
        on_hand_before, on_hand_after = sum(before.values()), sum(after.values())
        if on_hand_after != on_hand_before:
            history.append(("on_hand", on_hand_after - on_hand_before, on_hand_after))
        self.conn.executemany(
            "INSERT INTO shop_changes (item_num, location_num, name, delta, quantity_after,"
            " reason, reference, source, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(item, location, n, d, q, reason, reference, source, iso(now))
             for n, d, q in history],
        )
        if notify and after["available"] != before["available"]:
            self._emit("inventory_levels/update",
                       payloads.inventory_level(item, location, after["available"], now), now)
        return self._level(item, location)

    def _level(self, item: int, location: int) -> InventoryLevel | None:
        row = self.conn.execute(
            "SELECT l.*, v.sku FROM shop_levels l JOIN shop_variants v ON v.item_num = l.item_num"
            " WHERE l.item_num = ? AND l.location_num = ?",
            (item, location),
        ).fetchone()
        return _level(row) if row else None

    def _item_num(self, inventory_item_id: str) -> int:
        number = parse_number("InventoryItem", inventory_item_id)
        if number is None or not self.conn.execute(
            "SELECT 1 FROM shop_variants WHERE item_num = ?", (number,)
        ).fetchone():
            raise ShopError("INVALID_INVENTORY_ITEM", f"inventory item {inventory_item_id!r}"
                            " does not exist", ["input", "quantities", "0", "inventoryItemId"])
        return number

    def _tracked_item(self, inventory_item_id: str) -> int:
        number = self._item_num(inventory_item_id)
        row = self.conn.execute(
            "SELECT sku, tracked FROM shop_variants WHERE item_num = ?", (number,)
        ).fetchone()
        if not row["tracked"]:
            raise UntrackedItem(f"{row['sku'] or inventory_item_id}")
        return number

    def _loc(self, location_id: str) -> int:
        number = self._location_num(location_id)
        if number is None:
            raise ShopError("INVALID_LOCATION", f"location {location_id!r} does not exist",
                            ["input", "quantities", "0", "locationId"])
        return number

    def _stocked(self, item: int, location: int, item_key: str, location_key: str
                 ) -> InventoryLevel:
        level = self._level(item, location)
        if level is None:
            raise NotStocked(f"{item_key} at {location_key}")
        return level

def _level(row: sqlite3.Row) -> InventoryLevel:
    return InventoryLevel(
        inventory_item_id=make_gid("InventoryItem", row["item_num"]),
        location_id=make_gid("Location", row["location_num"]),
        sku=row["sku"],
        available=row["available"],
        committed=row["committed"],
        unavailable=row["unavailable"],
        updated_at=from_iso(row["updated_at"]),
    )


def _check_reason(reason: str) -> None:
    if reason not in REASONS:
        raise ShopError("INVALID_REASON", f"reason {reason!r} is not one of Shopify's: "
                        + ", ".join(sorted(REASONS)), ["input", "reason"])


def _check_bounds(quantity: int, name: str) -> None:
    if quantity > QUANTITY_LIMIT:
        raise ShopError("INVALID_QUANTITY_TOO_HIGH", f"{name} {quantity} is above"
                        f" {QUANTITY_LIMIT:,}", ["input", "quantities", "0", "quantity"])
    if quantity < -QUANTITY_LIMIT:
        raise ShopError("INVALID_QUANTITY_TOO_LOW", f"{name} {quantity} is below"
                        f" {-QUANTITY_LIMIT:,}", ["input", "quantities", "0", "quantity"])
