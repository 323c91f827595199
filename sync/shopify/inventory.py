"""Shopify's side of the inventory engine over the Admin GraphQL API (2026-04).

Writes use ``inventorySetQuantities`` with ``changeFromQuantity`` on every
quantity and ``@idempotent(key:)``; a batch Shopify finds too large is split
in halves. Per-quantity ``userErrors`` come back as
:class:`~sync.inventory.ports.ItemOutcome` so the engine re-reads stale items
and reports the rest, never retrying them blindly.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sync.catalog.model import InventoryLevel, Location
from sync.inventory.ports import (
    INVALID,
    NON_MUTABLE,
    NOT_STOCKED,
    STALE,
    ItemInfo,
    ItemOutcome,
    OrderLineState,
    OrderPage,
    QuantityChange,
    WriteResult,
)
from sync.shopify.client import ShopifyClient, ShopifyGraphQLError, load_document

SKUS_PER_QUERY = 50
ITEMS_PER_READ = 50
MAX_BATCH = 250
_CODES = {
    "CHANGE_FROM_QUANTITY_STALE": STALE,
    "ITEM_NOT_STOCKED_AT_LOCATION": NOT_STOCKED,
    "NON_MUTABLE_INVENTORY_ITEM": NON_MUTABLE,
}
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
            for node in self._pages("inventory_items_by_sku", {"query": query}, "inventoryItems"):
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
        query = f"updated_at:>='{since}'" if since else "status:open"
        lines: list[OrderLineState] = []
        cursor = since
        for order in self._pages("inventory_order_lines", {"query": query}, "orders"):
            cursor = max(cursor or order["updatedAt"], order["updatedAt"])
            for fulfilment in order["fulfillmentOrders"]["nodes"]:
                location = ((fulfilment.get("assignedLocation") or {}).get("location") or {})
                for node in fulfilment["lineItems"]["nodes"]:
                    line = node["lineItem"]
                    q, current = line["quantity"], line["currentQuantity"]
                    lines.append(OrderLineState(
                        line["id"], order["id"], line.get("sku") or "", location.get("id"), q,
                        released=q - current, shipped=current - line["unfulfilledQuantity"],
                        at=_time(order["updatedAt"])))
        return OrderPage(lines, cursor)

    # internals -------------------------------------------------------------------------

    def _split(self, changes: Sequence[QuantityChange], key: str, reason: str) -> WriteResult:
        middle = len(changes) // 2
        first = self.set_available(changes[:middle], idempotency_key=f"{key}-a", reason=reason)
        second = self.set_available(changes[middle:], idempotency_key=f"{key}-b", reason=reason)
        failures = list(first.failures) + [
            ItemOutcome(f.index + middle, f.code, f.message, f.actual) for f in second.failures]
        return WriteResult(first.applied and second.applied, failures,
                           first.calls + second.calls)

    def _pages(self, name: str, variables: dict[str, Any], root: str) -> list[dict[str, Any]]:
        document, nodes, after = load_document(name), [], None
        while True:
            data = self.client.execute(document, {**variables, "after": after})[root]
            nodes += data["nodes"]
            if not data["pageInfo"]["hasNextPage"]:
                return nodes
            after = data["pageInfo"]["endCursor"]


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
