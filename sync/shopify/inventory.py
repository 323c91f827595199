"""Shopify's side of the inventory engine over the Admin GraphQL API (2026-04).

Writes use ``inventorySetQuantities`` with ``changeFromQuantity`` on every
quantity and ``@idempotent(key:)``; a batch Shopify finds too large is split
in halves. Per-quantity ``userErrors`` come back as
:class:`~sync.inventory.ports.ItemOutcome` so the engine re-reads stale items
and reports the rest, never retrying them blindly.

The order catch-up reads each changed order whole (every page of its
fulfillment orders and their lines, fulfilments and refunds) and reports, per
order line *and location*, the units still open there, shipped from there
and returned there (see :func:`order_line_states`), so a line split between
locations, or moved from one to another, counts at each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

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
from sync.model.shop import InventoryLevel, Location
from sync.shopify.client import ShopifyClient, ShopifyGraphQLError, load_document

SKUS_PER_QUERY = 50
ITEMS_PER_READ = 50
MAX_BATCH = 250
_CODES = {
    "CHANGE_FROM_QUANTITY_STALE": STALE,
    "ITEM_NOT_STOCKED_AT_LOCATION": NOT_STOCKED,
    "NON_MUTABLE_INVENTORY_ITEM": NON_MUTABLE,
}
CURSOR_SKEW = timedelta(minutes=5)
"""How far back a first order read's cursor starts: Shopify's clock and ours may differ."""
LIST_PAGE = 5  # fulfillments(first:) / refunds(first:) in inventory_order_lines
ORDERS_PER_READ = 5  # orders per nodes(ids:) read: each is priced like a catch-up page's order
# Page sizes of orders, SKU lookups and order parts are variables the client sizes from what
# Shopify charges (ShopifyClient.execute(page=...)); the nested sizes above stay fixed.
OPEN_STATUSES = {"OPEN", "IN_PROGRESS", "SCHEDULED", "ON_HOLD", "INCOMPLETE"}
RESTOCK_RELEASES = {"CANCEL", "LEGACY_RESTOCK"}
_TOO_LARGE = ("MAX_COST_EXCEEDED", "TOO_MANY_QUANTITIES", "MAX_INPUT_SIZE_EXCEEDED")


class ShopifyInventory:
    """:class:`sync.inventory.ports.InventoryStore` over :class:`ShopifyClient`."""

    def __init__(self, client: ShopifyClient, *, batch_size: int = 100) -> None:
        self.client = client
        self.batch_size = min(batch_size, MAX_BATCH)
        self._locations: list[Location] | None = None

    @property
    def calls(self) -> int:
        return self.client.stats.calls

    def locations(self) -> list[Location]:
        """Locations, read once per adapter (a warm Lambda keeps them)."""
        if self._locations is None:
            self._locations = [
                Location(name=node["name"], id=node["id"], active=node["isActive"])
                for node in self._pages("inventory_locations", {}, "locations")]
        return self._locations

    def items_by_sku(self, skus: Sequence[str]) -> dict[str, ItemInfo]:
        wanted = list(dict.fromkeys(s for s in skus if s))
        found: dict[str, ItemInfo] = {}
        for start in range(0, len(wanted), SKUS_PER_QUERY):
            chunk = wanted[start:start + SKUS_PER_QUERY]
            query = " OR ".join(f"sku:{_quote(sku)}" for sku in chunk)
            for node in self._pages("inventory_items_by_sku", {"query": query}, "inventoryItems",
                                    page="first"):
                sku = node.get("sku") or ""
                if sku in chunk and sku not in found:
                    product = ((node.get("variant") or {}).get("product") or {}).get("id")
                    found[sku] = ItemInfo(sku, node["id"], bool(node["tracked"]), product)
        return found

    def read_levels(self, inventory_item_ids: Sequence[str]) -> list[InventoryLevel]:
        levels: list[InventoryLevel] = []
        document = load_document("inventory_levels")
        for start in range(0, len(inventory_item_ids), ITEMS_PER_READ):
            chunk = list(inventory_item_ids[start:start + ITEMS_PER_READ])
            data = self.client.execute(document, {"ids": chunk})
            for item in data.get("nodes") or []:
                if not item:
                    continue
                for node in item["inventoryLevels"]["nodes"]:
                    amounts = {q["name"]: q["quantity"] for q in node["quantities"]}
                    levels.append(InventoryLevel(
                        inventory_item_id=item["id"], location_id=node["location"]["id"],
                        sku=item.get("sku") or "", available=amounts.get("available", 0),
                        committed=amounts.get("committed", 0),
                        unavailable=amounts.get("unavailable", 0),
                        updated_at=_time(node.get("updatedAt"))))
        return levels

    def set_available(self, changes: Sequence[QuantityChange], *, idempotency_key: str,
                      reason: str = "correction") -> WriteResult:
        if len(changes) > self.batch_size:
            return self._split(changes, idempotency_key, reason)
        variables = {
            "key": idempotency_key,
            "input": {
                "name": "available",
                "reason": reason,
                "referenceDocumentUri": f"gid://hubshop/InventorySync/{idempotency_key}",
                "quantities": [
                    {"inventoryItemId": c.inventory_item_id, "locationId": c.location_id,
                     "quantity": c.quantity, "changeFromQuantity": c.change_from}
                    for c in changes
                ],
            },
        }
        try:
            data = self.client.execute(load_document("inventory_set_quantities"), variables)
        except ShopifyGraphQLError as error:
            if len(changes) > 1 and any(_code(e) in _TOO_LARGE for e in error.errors):
                return self._split(changes, idempotency_key, reason)
            raise
        errors = (data.get("inventorySetQuantities") or {}).get("userErrors") or []
        if not errors:
            return WriteResult(True)
        if len(changes) > 1 and any(e.get("code") in _TOO_LARGE for e in errors):
            return self._split(changes, idempotency_key, reason)
        return WriteResult(False, [_outcome(e, len(changes)) for e in errors])

    def activate(self, inventory_item_id: str, location_id: str) -> None:
        key = f"hubshop-activate-{inventory_item_id.rsplit('/', 1)[-1]}-" \
              f"{location_id.rsplit('/', 1)[-1]}"
        self.client.mutate(load_document("inventory_activate"),
                           {"item": inventory_item_id, "location": location_id, "key": key},
                           root="inventoryActivate")

    def order_lines(self, since: str | None) -> OrderPage:
        """Order lines changed since the cursor; the first read takes the open orders.

        The first read's cursor is the time it started (less a margin for clock skew),
        never "none": otherwise an order placed and fulfilled before the next run,
        which is never open when we look, would go unseen and pass for a hand edit.
        Re-reading an order is harmless: line counts only ever grow.
        """
        query = f"updated_at:>='{since}'" if since else "status:open"
        lines: list[OrderLineState] = []
        started = self.client.clock.now() - CURSOR_SKEW
        cursor = since or started.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for order in self._pages("inventory_order_lines", {"query": query}, "orders",
                                 page="first"):
            cursor = max(cursor, order["updatedAt"]) if since else cursor
            lines += order_line_states(self._whole(order))
        return OrderPage(lines, cursor)

    def read_orders(self, order_ids: Sequence[str]) -> OrdersRead:
        """These orders read by id (``nodes``, consistent at once, unlike the search behind
        ``orders(query:)``), each whole; ids Shopify answers null for are ``missing``."""
        wanted = [x for x in dict.fromkeys(order_ids) if x.startswith("gid://shopify/Order/")]
        missing = [x for x in dict.fromkeys(order_ids) if x not in wanted]
        lines: list[OrderLineState] = []
        document = load_document("inventory_orders_by_id")
        for start in range(0, len(wanted), ORDERS_PER_READ):
            chunk = wanted[start:start + ORDERS_PER_READ]
            nodes = self.client.execute(document, {"ids": chunk}).get("nodes") or []
            found = {node["id"]: node for node in nodes if node and node.get("id")}
            for order_id in chunk:
                if order_id in found:
                    lines += order_line_states(self._whole(found[order_id]))
                else:
                    missing.append(order_id)
        return OrdersRead(lines, missing)

    def _whole(self, order: dict[str, Any]) -> dict[str, Any]:
        """The order with every page of its fulfillment orders, fulfilments and refunds."""
        orders_page = order["fulfillmentOrders"]
        fulfillment_orders = list(orders_page["nodes"])
        fulfillments, refunds = list(order["fulfillments"]), list(order["refunds"])
        more = orders_page["pageInfo"]["hasNextPage"] or len(fulfillments) >= LIST_PAGE \
            or len(refunds) >= LIST_PAGE
        after = orders_page["pageInfo"]["endCursor"]
        while more:
            data = self.client.execute(load_document("inventory_order_more"),
                                       {"id": order["id"], "after": after},
                                       page="listFirst")["order"]
            held = {f["id"] for f in fulfillments}
            fulfillments += [self._part(f["id"], "fulfillment") for f in data["fulfillments"]
                             if f["id"] not in held]
            held = {r["id"] for r in refunds}
            refunds += [self._part(r["id"], "refund") for r in data["refunds"]
                        if r["id"] not in held]
            page = data["fulfillmentOrders"]
            if orders_page["pageInfo"]["hasNextPage"]:
                fulfillment_orders += page["nodes"]
            orders_page, after = page, page["pageInfo"]["endCursor"]
            more = page["pageInfo"]["hasNextPage"]
        for node, kind, field in [*((f, "fulfillmentOrder", "lineItems")
                                    for f in fulfillment_orders),
                                  *((f, "fulfillment", "fulfillmentLineItems")
                                    for f in fulfillments),
                                  *((r, "refund", "refundLineItems") for r in refunds)]:
            node[field] = self._rest(node["id"], kind, field, node[field])
        return {**order, "fulfillmentOrders": fulfillment_orders, "fulfillments": fulfillments,
                "refunds": refunds}

    def _part(self, node_id: str, kind: str) -> dict[str, Any]:
        data = self.client.execute(load_document("inventory_order_parts"),
                                   {"id": node_id, "after": None, kind: True}, page="first")[kind]
        return {"id": node_id, **data}

    def _rest(self, node_id: str, kind: str, field: str, page: dict[str, Any]) -> dict[str, Any]:
        """A nested connection's first page followed to its end."""
        nodes = list(page["nodes"])
        while page["pageInfo"]["hasNextPage"]:
            data = self.client.execute(load_document("inventory_order_parts"), {
                "id": node_id, "after": page["pageInfo"]["endCursor"], kind: True},
                page="first")[kind]
            page = data[field]
            nodes += page["nodes"]
        return {"nodes": nodes, "pageInfo": {"hasNextPage": False, "endCursor": None}}

    # internals -------------------------------------------------------------------------

    def _split(self, changes: Sequence[QuantityChange], key: str, reason: str) -> WriteResult:
        middle = len(changes) // 2
        first = self.set_available(changes[:middle], idempotency_key=f"{key}-a", reason=reason)
        second = self.set_available(changes[middle:], idempotency_key=f"{key}-b", reason=reason)
        failures = list(first.failures) + [
            ItemOutcome(f.index + middle, f.code, f.message, f.actual) for f in second.failures]
        return WriteResult(first.applied and second.applied, failures,
                           first.calls + second.calls)

    def _pages(self, name: str, variables: dict[str, Any], root: str,
               page: str | None = None) -> list[dict[str, Any]]:
        """Every node of a connection; ``page`` names the variable the client sizes."""
        document, nodes, after = load_document(name), [], None
        while True:
            data = self.client.execute(document, {**variables, "after": after}, page=page)[root]
            nodes += data["nodes"]
            if not data["pageInfo"]["hasNextPage"]:
                return nodes
            after = data["pageInfo"]["endCursor"]


def order_line_states(order: dict[str, Any]) -> list[OrderLineState]:
    """Per (order line, location): units still open there, shipped and returned there.

    ``open`` counts the remaining units on fulfillment orders not closed or
    cancelled; ``shipped`` the units of successful fulfilments from there plus
    unfulfilled units cancelled or refunded *without* restock (they leave
    stock); ``returned`` the units restocked there after a return. Cancelled
    or moved units that were restocked need no count of their own: the
    ledger derives them from the drop in ``open`` (see
    :func:`sync.inventory.events.apply_lines`).
    """
    open_: dict[tuple[str, str | None], int] = {}
    shipped: dict[tuple[str, str | None], int] = defaultdict(int)
    returned: dict[tuple[str, str | None], int] = defaultdict(int)
    skus: dict[str, str] = {}
    for fulfillment_order in order["fulfillmentOrders"]:
        location = ((fulfillment_order.get("assignedLocation") or {}).get("location") or {})
        for node in fulfillment_order["lineItems"]["nodes"]:
            key = (node["lineItem"]["id"], location.get("id"))
            skus[key[0]] = node["lineItem"].get("sku") or skus.get(key[0], "")
            open_.setdefault(key, 0)
            if fulfillment_order["status"] in OPEN_STATUSES:
                open_[key] += node["remainingQuantity"]
    for fulfillment in order["fulfillments"]:
        location = (fulfillment.get("location") or {}).get("id")
        for node in fulfillment["fulfillmentLineItems"]["nodes"]:
            key = (node["lineItem"]["id"], location)
            skus[key[0]] = node["lineItem"].get("sku") or skus.get(key[0], "")
            if fulfillment["status"] == "SUCCESS":
                shipped[key] += node["quantity"] or 0
    shipped_from = dict(shipped)  # by fulfilments alone
    unrestocked: dict[tuple[str, str | None], int] = defaultdict(int)
    for refund in order["refunds"]:
        for node in refund["refundLineItems"]["nodes"]:
            line = node["lineItem"]["id"]
            places = {k[1] for k in open_ if k[0] == line}
            location = (node.get("location") or {}).get("id") or (
                next(iter(places)) if len(places) == 1 else None)
            key = (line, location)
            if node["restockType"] == "RETURN" and node["restocked"]:
                returned[key] += node["quantity"]
            elif not node["restocked"] and node["restockType"] in RESTOCK_RELEASES:
                shipped[key] += node["quantity"]  # cancelled unshipped, not put back
            elif not node["restocked"]:
                unrestocked[key] += node["quantity"]
    for key, units in unrestocked.items():
        # refunded without restock: units already shipped move nothing; the rest leave stock
        shipped[key] += max(0, units - shipped_from.get(key, 0))
    keys = sorted(set(open_) | set(shipped) | set(returned), key=lambda k: (k[0], k[1] or ""))
    at = _time(order.get("updatedAt"))
    return [OrderLineState(line, order["id"], skus.get(line, ""), location, 0,
                           shipped=shipped[(line, location)],
                           returned=returned[(line, location)],
                           open=open_.get((line, location), 0), at=at)
            for line, location in keys if location is not None]


def _outcome(error: dict[str, Any], size: int) -> ItemOutcome:
    field = [str(x) for x in error.get("field") or []]
    index = int(field[2]) if len(field) > 2 and field[2].isdigit() else -1
    code = _CODES.get(error.get("code") or "", INVALID)
    return ItemOutcome(index if index < size else -1, code, error.get("message", ""))


def _code(error: dict[str, Any]) -> str | None:
    return (error.get("extensions") or {}).get("code")


def _quote(sku: str) -> str:
    return '"' + sku.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None
