"""Shopify webhook bodies cut down to the fields the inventory engine reads, before queueing.

Order, fulfilment and refund deliveries carry names, e-mail and postal
addresses. The service needs none of them, so the HTTP edge keeps only ids,
SKUs, quantities and locations (an allow-list, so a new personal field in a
future API version is dropped too). What reaches SQS, the dead-letter queue,
DynamoDB and the logs is therefore free of personal data.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

_LINE = ("id", "admin_graphql_api_id", "variant_id", "sku", "quantity",
         "fulfillable_quantity", "fulfillment_status", "location_id")
_ORDER = ("id", "admin_graphql_api_id", "created_at", "updated_at", "cancelled_at",
          "fulfillment_status", "financial_status", "location_id")
_FULFILMENT = ("id", "admin_graphql_api_id", "order_id", "location_id", "status",
               "created_at", "updated_at")
_REFUND = ("id", "admin_graphql_api_id", "order_id", "created_at")
_REFUND_LINE = ("id", "quantity", "restock_type", "location_id", "line_item_id")
_LEVEL = ("inventory_item_id", "location_id", "available", "updated_at", "admin_graphql_api_id")
_PRODUCT = ("id", "admin_graphql_api_id", "handle", "status", "updated_at")
_VARIANT = ("id", "admin_graphql_api_id", "sku", "inventory_item_id", "inventory_quantity")


def minimise(topic: str, payload: Mapping[str, Any]) -> dict[str, Any]:
    """The engine's view of one delivery: an allow-list of fields per topic."""
    if topic.startswith("orders/"):
        return {**_pick(payload, _ORDER), "line_items": _lines(payload.get("line_items"))}
    if topic.startswith("fulfillments/"):
        return {**_pick(payload, _FULFILMENT), "line_items": _lines(payload.get("line_items"))}
    if topic.startswith("refunds/"):
        items = []
        for item in _maps(payload.get("refund_line_items")):
            kept = _pick(item, _REFUND_LINE)
            if isinstance(item.get("line_item"), Mapping):
                kept["line_item"] = _pick(item["line_item"], _LINE)
            items.append(kept)
        return {**_pick(payload, _REFUND), "refund_line_items": items}
    if topic.startswith("inventory_levels/"):
        return _pick(payload, _LEVEL)
    if topic.startswith("products/"):
        kept = _pick(payload, _PRODUCT)
        if "variants" in payload:
            kept["variants"] = [_pick(v, _VARIANT) for v in _maps(payload.get("variants"))]
        return kept
    return _pick(payload, ("id", "admin_graphql_api_id"))


def _pick(data: Mapping[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: data[name] for name in names if name in data}


def _maps(value: object) -> list[Mapping[str, Any]]:
    return [x for x in value if isinstance(x, Mapping)] if isinstance(value, list) else []


def _lines(value: object) -> list[dict[str, Any]]:
    return [_pick(line, _LINE) for line in _maps(value)]
