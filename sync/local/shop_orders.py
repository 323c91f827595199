"""Orders in the local shop: placing commits stock, cancelling releases it, fulfilling ships it.

Quantities move through :meth:`ShopStock._move`, so orders leave the same
history and webhooks as any other change; see :mod:`sync.local.shop`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync.local import shop_payloads as payloads
from sync.local.db import transaction
from sync.local.shop_stock import ShopStock
from sync.local.shop_types import (
    ID_BASES,
    NotStocked,
    Order,
    OrderLine,
    ShopError,
    make_gid,
    parse_number,
)
from sync.model.shop import InventoryPolicy
from sync.model.time import from_iso, iso


class ShopOrders(ShopStock):
    """Orders, moving quantities between ``available``, ``committed`` and ``on_hand``."""

    def place_order(
        self,
        lines: Sequence[tuple[str, int]],
        *,
        location_id: str | None = None,
        email: str = "customer@example.com",
    ) -> Order:
        """A shopper checks out: each line's units move from ``available`` to ``committed``.

        A line is ``(variant gid or SKU, quantity)``. Units are committed at
        ``location_id`` or, by default, the first location stocking the item. A
        DENY-policy tracked variant without enough ``available`` raises
        ShopError ``INSUFFICIENT_INVENTORY`` and nothing is placed; CONTINUE lets
        ``available`` go below zero, as Shopify does when overselling.
        """
        if not lines:
            raise ShopError("INVALID", "an order needs at least one line", ["lineItems"])
        with transaction(self.conn):
            now = self._now()
            number = self._next_number("Order")
            name = f"#{1001 + number - ID_BASES['Order']}"
            self.conn.execute(
                "INSERT INTO shop_orders (num, name, status, email, created_at, updated_at)"
                " VALUES (?, ?, 'open', ?, ?, ?)",
                (number, name, email, iso(now), iso(now)),
            )
            for index, (key, qty) in enumerate(lines):
                self._order_line(number, key, qty, location_id, index)
            order = self._order(number)
            self._emit("orders/create", payloads.order(order, updated_at=now), now)
            return order

    def cancel_order(self, order_id: str, *, restock: bool = True) -> Order:
        """Cancel an open order: committed units go back to ``available`` (or, without
        restock, leave ``on_hand`` altogether, as lost stock)."""
        with transaction(self.conn):
            order = self._open_order(order_id, "cancel")
            now = self._now()
            number = parse_number("Order", order.id)
            for line in order.lines:
                if line.location_id and self._line_tracked(line):
                    deltas = {"committed": -line.quantity}
                    if restock:
                        deltas["available"] = line.quantity
                    self._move(parse_number("InventoryItem", line.inventory_item_id),
                               parse_number("Location", line.location_id), deltas,
                               "order_cancelled", order.id, "cancel")
            self.conn.execute(
                "UPDATE shop_orders SET status = 'cancelled', cancelled_at = ?, updated_at = ?,"
                " restocked = ? WHERE num = ?",
                (iso(now), iso(now), int(restock), number),
            )
            order = self._order(number)
            self._emit("orders/cancelled", payloads.order(order, updated_at=now), now)
            return order

    def fulfill_order(self, order_id: str) -> Order:
        """Ship an open order: ``committed`` and ``on_hand`` drop together; available stays."""
        with transaction(self.conn):
            order = self._open_order(order_id, "fulfil")
            now = self._now()
            number = parse_number("Order", order.id)
            for line in order.lines:
                if line.location_id and self._line_tracked(line):
                    self._move(parse_number("InventoryItem", line.inventory_item_id),
                               parse_number("Location", line.location_id),
                               {"committed": -line.quantity}, "fulfillment", order.id,
                               "fulfillment")
            self.conn.execute(
                "UPDATE shop_orders SET status = 'fulfilled', fulfilled_at = ?, updated_at = ?"
                " WHERE num = ?",
                (iso(now), iso(now), number),
            )
            order = self._order(number)
            for location in sorted({line.location_id or "" for line in order.lines}):
                fulfilment = self._next_number("Fulfillment")
                self._emit("fulfillments/create", payloads.fulfillment(
                    order, fulfilment, parse_number("Location", location), now), now)
            self._emit("orders/fulfilled", payloads.order(order, updated_at=now), now)
            return order

    def orders(self) -> list[Order]:
        """Every order, oldest first."""
        rows = self.conn.execute("SELECT num FROM shop_orders ORDER BY num").fetchall()
        return [self._order(r["num"]) for r in rows]

    def get_order(self, order_id: str) -> Order | None:
        """One order by gid, numeric id or name (``#1001``)."""
        number = parse_number("Order", order_id)
        row = self.conn.execute(
            "SELECT num FROM shop_orders WHERE num = ? OR name = ?", (number, order_id)
        ).fetchone()
        return self._order(row["num"]) if row else None

    # internals -------------------------------------------------------------------------

    def _order_line(self, order: int, key: str, quantity: int, location_id: str | None,
                    index: int) -> None:
        """Store one order line and commit its units (tracked items only)."""
        where = ["lineItems", str(index)]
        if quantity <= 0:
            raise ShopError("INVALID", f"line {index + 1} ({key}): quantity must be positive",
                            [*where, "quantity"])
        variant = self._variant_row(key)
        if variant is None:
            raise ShopError("INVALID_VARIANT", f"line {index + 1}: no variant {key!r}",
                            [*where, "variantId"])
        item, tracked = variant["item_num"], bool(variant["tracked"])
        location = self._location_num(location_id) if location_id else self._first_stock(item)
        if location_id and location is None:
            raise ShopError("INVALID_LOCATION", f"location {location_id!r} does not exist",
                            ["locationId"])
        if tracked:
            level = self._level(item, location) if location is not None else None
            if level is None:
                raise NotStocked(f"{variant['sku'] or key} at {location_id or 'any location'}")
            if variant["policy"] == InventoryPolicy.DENY.value and level.available < quantity:
                raise ShopError("INSUFFICIENT_INVENTORY", f"line {index + 1} ({variant['sku']}):"
                                f" {quantity} ordered, {level.available} available",
                                [*where, "quantity"])
        title = self.conn.execute(
            "SELECT title FROM shop_products WHERE num = ?", (variant["product_num"],)
        ).fetchone()["title"]
        self.conn.execute(
            "INSERT INTO shop_order_lines (num, order_num, variant_num, product_num, item_num,"
            " sku, title, price, quantity, location_num, tracked)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (self._next_number("LineItem"), order, variant["num"], variant["product_num"], item,
             variant["sku"], title, variant["price"], quantity, location, int(tracked)),
        )
        if tracked:
            self._move(item, location, {"available": -quantity, "committed": quantity},
                       "order_placed", make_gid("Order", order), "order")

    def _first_stock(self, item: int) -> int | None:
        row = self.conn.execute(
            "SELECT location_num FROM shop_levels WHERE item_num = ? ORDER BY location_num"
            " LIMIT 1", (item,)
        ).fetchone()
        return row["location_num"] if row else None

    def _line_tracked(self, line: OrderLine) -> bool:
        row = self.conn.execute(
            "SELECT tracked FROM shop_order_lines WHERE num = ?",
            (parse_number("LineItem", line.id),),
        ).fetchone()
        return bool(row["tracked"])

    def _open_order(self, order_id: str, verb: str) -> Order:
        order = self.get_order(order_id)
        if order is None:
            raise ShopError("NOT_FOUND", f"order {order_id!r} does not exist", ["orderId"])
        if order.status != "open":
            raise ShopError("INVALID", f"order {order.name} is {order.status}; cannot {verb} it",
                            ["orderId"])
        return order

    def _order(self, number: int) -> Order:
        row = self.conn.execute("SELECT * FROM shop_orders WHERE num = ?", (number,)).fetchone()
        lines = [
            OrderLine(
                variant_id=make_gid("ProductVariant", r["variant_num"]),
                sku=r["sku"],
                quantity=r["quantity"],
                location_id=make_gid("Location", r["location_num"]) if r["location_num"] else None,
                id=make_gid("LineItem", r["num"]),
                inventory_item_id=make_gid("InventoryItem", r["item_num"]),
                title=r["title"],
                price=r["price"],
            )
            for r in self.conn.execute(
                "SELECT * FROM shop_order_lines WHERE order_num = ? ORDER BY num", (number,)
            )
        ]
        return Order(
            id=make_gid("Order", number), name=row["name"], lines=lines, status=row["status"],
            created_at=from_iso(row["created_at"]), email=row["email"],
            cancelled_at=from_iso(row["cancelled_at"]), fulfilled_at=from_iso(row["fulfilled_at"]),
            restocked=None if row["restocked"] is None else bool(row["restocked"]),
        )


