"""A Shopify-like store in the shared SQLite file: catalog, locations, stock, orders, webhooks.

It is the embedded default behind ``hubshop demo`` and the ground the Shopify
Admin GraphQL fake stands on, so it behaves like Shopify where that matters to
a sync: gids with deterministic numbers, ``productSet`` upserts, quantity
states, compare-and-swap on quantities, history and a webhook outbox.

Quantity states per (inventory item, location), ``on_hand = available +
committed + unavailable``:

=======================  ===========  ===========  =============  ========  ==========
action                   available    committed    unavailable    on_hand   webhook
=======================  ===========  ===========  =============  ========  ==========
activate(n)              = n          0            0              = n       connect
set available = q        -> q                                     moves     update
set on_hand = q          +(q-on_hand)                             -> q      update
adjust available/on_hand +d                                       +d        update
adjust unavailable       .                         +d             +d        -
hand_edit(q)             -> q (reason correction, source admin)   moves     update
place_order(qty)         -qty         +qty                        .         orders/create, update
cancel_order(restock)    +qty         -qty                        .         orders/cancelled, update
cancel_order(no restock) .            -qty                        -qty      orders/cancelled
fulfill_order            .            -qty                        -qty      fulfillments/create,
                                                                            orders/fulfilled
=======================  ===========  ===========  =============  ========  ==========

Rules: ``change_from`` (when not None) must equal the current value of the
named quantity or :class:`StaleQuantity` is raised and nothing changes;
quantities of untracked items cannot be set (:class:`UntrackedItem`), and an
item must be activated at a location first (:class:`NotStocked`); reasons are
Shopify's (``correction``, ``received``, ``restock`` …). ``set_quantity`` only
goes negative when asked for a negative number; orders take ``available`` below
zero only for CONTINUE-policy variants, otherwise ``INSUFFICIENT_INVENTORY``.
Untracked variants can be ordered; nothing moves for them. Only open orders can
be cancelled or fulfilled. Each history row records one quantity that moved.

Catalog: ``upsert_product`` is ``productSet``: keyed by id, else handle; list
fields (variants, options, images, tags) replaced whole; variants matched to
stored ones by SKU, then by options, so variant and inventory-item ids survive
re-syncs. An upsert never touches quantities (``Variant.inventory_quantity`` is
read-only: the sum of ``available``), except that ``stock_at=location`` stocks
each *new* tracked variant there with its ``inventory_quantity``; a variant
dropped by an upsert loses its inventory item and levels.
``Product.collections`` replaces the product's manual collection memberships
when non-empty and is left alone when empty (smart collections follow tags).
``updated_at`` moves, and a webhook is queued, only when something changed.
Every write runs in one transaction.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from decimal import Decimal
from enum import Enum

from sync.errors import InputError
from sync.local.db import transaction
from sync.local.shop_bulk import ShopBulk
from sync.local.shop_types import (
    Event,
    InventoryChange,
    NotStocked,
    Order,
    OrderLine,
    ShopError,
    ShopInfo,
    StaleQuantity,
    UntrackedItem,
    make_gid,
    parse_number,
)
from sync.model.shop import Location
from sync.model.time import from_iso, iso

__all__ = [
    "Event",
    "InventoryChange",
    "LocalShop",
    "NotStocked",
    "Order",
    "OrderLine",
    "ShopError",
    "ShopInfo",
    "StaleQuantity",
    "UntrackedItem",
]

_INFO_FIELDS = {f.name for f in dataclasses.fields(ShopInfo)} - {"id"}


class LocalShop(ShopBulk):
    """The local store; see the module docstring for how quantities move."""

    # shop ------------------------------------------------------------------------------

    def info(self) -> ShopInfo:
        """The shop's name, domain, currency and timezone (defaults until set)."""
        stored = {r["key"]: r["value"] for r in self.conn.execute("SELECT * FROM shop_info")}
        return dataclasses.replace(ShopInfo(), **stored)

    def set_info(self, **fields: str) -> ShopInfo:
        """Change some of the shop's settings; an unknown field or a bad domain is refused."""
        for name, value in fields.items():
            if name not in _INFO_FIELDS:
                raise InputError(f"shop_info.{name}", "is not a shop setting",
                                 "use one of " + ", ".join(sorted(_INFO_FIELDS)))
            if name == "domain" and not str(value).endswith(".myshopify.com"):
                raise InputError("shop_info.domain", f"{value!r} is not a myshopify.com domain",
                                 "write it as brand.myshopify.com")
        with transaction(self.conn):
            self.conn.executemany(
                "INSERT INTO shop_info (key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [(k, str(v)) for k, v in fields.items()],
            )
        return self.info()

    # locations -------------------------------------------------------------------------

    def add_location(self, name: str) -> Location:
        """Add a location, or return the one already called ``name``."""
        if not name.strip():
            raise InputError("location", "a location needs a name")
        with transaction(self.conn):
            existing = self.get_location(name)
            if existing is not None:
                return existing
            number = self._next_number("Location")
            self.conn.execute("INSERT INTO shop_locations (num, name) VALUES (?, ?)",
                              (number, name))
            now = self._now()
            self._emit("locations/create", {
                "id": number, "name": name, "active": True,
                "admin_graphql_api_id": make_gid("Location", number),
                "created_at": iso(now)}, now)
            return self.get_location(name)

    def locations(self) -> list[Location]:
        """All locations, oldest first (the first is where new variants are stocked)."""
        return [self._location(r)
                for r in self.conn.execute("SELECT * FROM shop_locations ORDER BY num")]

    def get_location(self, key: str) -> Location | None:
        """A location by gid, numeric id or name."""
        number = self._location_num(key)
        if number is None:
            return None
        row = self.conn.execute("SELECT * FROM shop_locations WHERE num = ?", (number,)).fetchone()
        return self._location(row)

    # history ---------------------------------------------------------------------------

    def changes(self, *, since_id: int = 0, inventory_item_id: str | None = None
                ) -> list[InventoryChange]:
        """Inventory history after ``since_id``, oldest first."""
        sql, params = "SELECT * FROM shop_changes WHERE id > ?", [since_id]
        if inventory_item_id is not None:
            sql += " AND item_num = ?"
            params.append(parse_number("InventoryItem", inventory_item_id))
        return [
            InventoryChange(
                id=r["id"], inventory_item_id=make_gid("InventoryItem", r["item_num"]),
                location_id=make_gid("Location", r["location_num"]), name=r["name"],
                delta=r["delta"], quantity_after=r["quantity_after"], reason=r["reason"],
                reference=r["reference"], source=r["source"], at=from_iso(r["at"]),
            )
            for r in self.conn.execute(sql + " ORDER BY id", params)
        ]

    def events(self, *, since_id: int = 0, topic: str | None = None) -> list[Event]:
        """Queued webhooks after ``since_id``, oldest first, optionally of one topic."""
        sql, params = "SELECT * FROM shop_events WHERE id > ?", [since_id]
        if topic is not None:
            sql += " AND topic = ?"
            params.append(topic)
        return [
            Event(id=r["id"], topic=r["topic"], payload=json.loads(r["payload"]),
                  created_at=from_iso(r["created_at"]), webhook_id=r["webhook_id"])
            for r in self.conn.execute(sql + " ORDER BY id", params)
        ]

    def snapshot(self, *, times: bool = True) -> dict:
        """Everything in the store as plain JSON, without history-row ids.

        Two stores loaded from the same data compare equal. ``times=False``
        also drops every timestamp, for stores loaded at different moments.
        """
        data = {
            "shop": dataclasses.asdict(self.info()),
            "locations": [dataclasses.asdict(x) for x in self.locations()],
            "products": [dataclasses.asdict(p) for p in self.list_products()],
            "collections": [dataclasses.asdict(c) for c in self.list_collections()],
            "levels": [dataclasses.asdict(x) for x in self.levels()],
            "orders": [dataclasses.asdict(o) for o in self.orders()],
            "changes": [{k: v for k, v in dataclasses.asdict(c).items() if k != "id"}
                        for c in self.changes()],
            "events": [{"topic": e.topic, "payload": e.payload, "created_at": e.created_at}
                       for e in self.events()],
        }
        return _plain(data, times)


def _plain(value: object, times: bool) -> object:
    """JSON-able copy; without ``times``, keys holding timestamps are dropped."""
    if isinstance(value, dict):
        return {
            k: _plain(v, times)
            for k, v in value.items()
            if times or not (k == "at" or k.endswith("_at"))
        }
    if isinstance(value, list | tuple):
        return [_plain(v, times) for v in value]
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value

