"""Order traffic into the ledger, counted once, only ever as Shopify reports it.

Each order line keeps cumulative counts (ordered, released, shipped,
returned). An observation only ever raises them, and the rise is added to the
(SKU, location) ledger counters, so duplicated, reordered or replayed
observations change nothing. Observations come from Shopify's own order
reads (the catch-up, and the re-read of the orders webhooks name): a webhook
body is a hint of what to read, never a count (:func:`note`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime

from sync.inventory.policy import Policy
from sync.inventory.ports import LedgerEntry, OrderLineState, StateStore
from sync.inventory.report import EventOutcome
from sync.model.shop import gid
from sync.plumbing.clock import Clock

LOCATIONS_FLAG = "locations"  # JSON {location gid or numeric id: warehouse code}
ORDER_TOPICS = ("orders/create", "orders/cancelled", "orders/updated", "orders/fulfilled",
                "orders/edited", "orders/paid")
ORDER_PART_TOPICS = ("fulfillments/create", "fulfillments/update", "refunds/create")
PRODUCT_TOPICS = ("products/create", "products/update", "products/delete")

# the topics the service subscribes to and acts on (orders move stock; products mark the site)
WEBHOOK_TOPICS = (
    "inventory_levels/update",
    "orders/create",
    "orders/cancelled",
    "fulfillments/create",
    "refunds/create",
    "products/create",
    "products/update",
    "products/delete",
)


def remember_locations(state: StateStore, codes: Mapping[str, str]) -> None:
    """Keep the Shopify location id -> warehouse code map for webhooks (which carry ids)."""
    if json.loads(state.flag(LOCATIONS_FLAG) or "{}") != dict(codes):
        state.set_flag(LOCATIONS_FLAG, json.dumps(dict(codes), sort_keys=True))


def apply_lines(
    lines: Iterable[OrderLineState], state: StateStore, codes: Mapping[str, str],
    now: datetime | None = None,
) -> tuple[int, set[str]]:
    """Add the rise of each line's counts to its (SKU, location) counters.

    Lines without a location, or at a location outside the map, are left for
    a later observation that has one. Returns (lines moved, SKUs touched).
    """
    moved, skus = 0, set()
    for line in lines:
        code = codes.get(str(line.location_id)) if line.location_id else None
        if code is None or not line.sku:
            continue
        key = f"{line.line_id}@{code}"
        old_text = state.line_state(key)
        old = tuple(int(x) for x in old_text.split(",")) if old_text else (0, 0, 0, 0)
        new = _counts(line, old)
        rise = tuple(max(0, n - o) for n, o in zip(new, old, strict=True))
        if not any(rise):
            continue
        found = state.get(line.sku, code)
        entry = found.evolve() if found else LedgerEntry(sku=line.sku, location=code)
        entry.placed += rise[0]
        entry.released += rise[1]
        entry.shipped += rise[2]
        entry.returned += rise[3]
        entry.source = "order"
        entry.updated_at = now or entry.updated_at
        state.put([entry])
        state.set_line_state(key,
                             ",".join(str(max(n, o)) for n, o in zip(new, old, strict=True)))
        moved += 1
        skus.add(line.sku)
    return moved, skus


def _counts(line: OrderLineState, old: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The line's cumulative (ordered, released, shipped, returned) at its location.

    From ``open`` (the catch-up): shipped and returned only grow; ordered minus
    released must equal open plus shipped, so a rise in open is more ordered
    and a fall (cancelled with restock, moved away) is more released.
    """
    if line.open is None:
        return line.quantity, line.released, line.shipped, line.returned
    placed, released = old[0], old[1]
    shipped, returned = max(old[2], line.shipped), max(old[3], line.returned)
    held = line.open + shipped
    if placed - released <= held:
        return released + held, released, shipped, returned
    return placed, placed - held, shipped, returned


def note(topic: str, payload: Mapping[str, object], state: StateStore, policy: Policy,
         clock: Clock) -> EventOutcome:
    """Record one webhook; see :func:`sync.inventory.run.note_shopify_event`.

    Order, fulfilment, refund and cancellation bodies are hints, never facts:
    they name the order to re-read from Shopify (``order_ids``) and the SKUs to
    reconcile, and move nothing in the ledger themselves. A signed body for an
    order Shopify does not have, or claiming what Shopify's order does not show,
    therefore changes nothing (the re-read says why).
    """
    if topic in PRODUCT_TOPICS:
        product = str(payload.get("admin_graphql_api_id") or gid("Product", payload.get("id")))
        state.mark_products([product])
        return EventOutcome(topic=topic, products=(product,))
    if topic == "inventory_levels/update":
        item = gid("InventoryItem", payload.get("inventory_item_id"))
        return EventOutcome(topic=topic, inventory_item_ids=(item,))
    if topic in ORDER_TOPICS or topic in ORDER_PART_TOPICS:
        order = _order_of(topic, payload)
        lines = _list(payload.get("line_items")) + [
            x["line_item"] for x in _list(payload.get("refund_line_items"))
            if isinstance(x.get("line_item"), Mapping)]
        skus = sorted({str(x.get("sku")) for x in lines if x.get("sku")})
        if order is None:
            return EventOutcome(topic=topic, skus=tuple(skus),
                                ignored="names no order; the next order catch-up reads Shopify")
        return EventOutcome(topic=topic, skus=tuple(skus), order_ids=(order,))
    return EventOutcome(topic=topic, ignored=f"topic {topic} does not concern stock")


def _order_of(topic: str, payload: Mapping[str, object]) -> str | None:
    """The order gid a delivery is about (None when the body names none)."""
    if topic in ORDER_TOPICS:
        named = payload.get("admin_graphql_api_id")
        if isinstance(named, str) and named.startswith("gid://shopify/Order/"):
            return named
        value = payload.get("id")
    else:
        value = payload.get("order_id")
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        return None
    return gid("Order", value)


def _list(value: object) -> list[Mapping[str, object]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []
