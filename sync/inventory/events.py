"""Order traffic into the ledger: from webhooks and from the order catch-up, counted once.

Each order line keeps cumulative counts (ordered, released, shipped,
returned). An observation only ever raises them, and the rise is added to the
(SKU, location) ledger counters, so duplicated, reordered or replayed
observations change nothing and a dropped webhook is made good by the next
catch-up read of the same line.
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
    """Record one webhook; see :func:`sync.inventory.run.note_shopify_event`."""
    codes = json.loads(state.flag(LOCATIONS_FLAG) or "{}")
    if topic in PRODUCT_TOPICS:
        product = str(payload.get("admin_graphql_api_id") or gid("Product", payload.get("id")))
        state.mark_products([product])
        return EventOutcome(topic=topic, products=(product,))
    if topic == "inventory_levels/update":
        item = gid("InventoryItem", payload.get("inventory_item_id"))
        return EventOutcome(topic=topic, inventory_item_ids=(item,))
    if topic == "fulfillments/create":
        lines = [_fulfilled(line, payload) for line in _list(payload.get("line_items"))]
        moved, skus = apply_lines([x for x in lines if x], state, codes, clock.now())
        return EventOutcome(topic=topic, lines=moved, skus=tuple(sorted(skus)))
    if topic == "refunds/create":
        lines = [_refunded(item, payload) for item in _list(payload.get("refund_line_items"))]
        moved, skus = apply_lines([x for x in lines if x], state, codes, clock.now())
        return EventOutcome(topic=topic, lines=moved, skus=tuple(sorted(skus)))
    if topic in ORDER_TOPICS:
        skus = sorted({str(x.get("sku")) for x in _list(payload.get("line_items"))
                       if x.get("sku")})
        return EventOutcome(topic=topic, skus=tuple(skus),
                            ignored="order lines carry no location; the next reconcile's order"
                                    " catch-up counts them")
    return EventOutcome(topic=topic, ignored=f"topic {topic} does not concern stock")


def _list(value: object) -> list[Mapping[str, object]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _line_id(line: Mapping[str, object]) -> str:
    return str(line.get("admin_graphql_api_id") or gid("LineItem", line.get("id")))


def _order_id(payload: Mapping[str, object]) -> str:
    return gid("Order", payload.get("order_id"))


def _fulfilled(line: Mapping[str, object], payload: Mapping[str, object]) -> OrderLineState | None:
    """A fulfilment: shipped = ordered - still fulfillable (whole history, so idempotent)."""
    quantity, left = line.get("quantity"), line.get("fulfillable_quantity", 0)
    if not isinstance(quantity, int) or not isinstance(left, int):
        return None
    return OrderLineState(_line_id(line), _order_id(payload), str(line.get("sku") or ""),
                          str(payload.get("location_id") or "") or None, quantity,
                          shipped=quantity - left)


def _refunded(item: Mapping[str, object], payload: Mapping[str, object]) -> OrderLineState | None:
    """A whole-line refund with restock; partial refunds wait for the catch-up."""
    line = item.get("line_item")
    if not isinstance(line, Mapping):
        return None
    quantity, refunded = line.get("quantity"), item.get("quantity")
    if not isinstance(quantity, int) or refunded != quantity:
        return None
    kind = item.get("restock_type")
    base = dict(line_id=_line_id(line), order_id=_order_id(payload), sku=str(line.get("sku") or ""),
                location_id=str(item.get("location_id") or "") or None, quantity=quantity)
    if kind == "cancel":
        return OrderLineState(**base, released=quantity)
    if kind == "return":
        return OrderLineState(**base, shipped=quantity, returned=quantity)
    return None
