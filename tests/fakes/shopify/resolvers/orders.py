"""Orders as the inventory catch-up reads them: fulfillment orders, fulfilments and refunds.

The local shop keeps each order line at one location and moves a whole order
at a time, so each order has one fulfillment order per location (OPEN, then
CLOSED), a SUCCESS fulfilment per location once fulfilled, and on
cancellation a refund whose lines say ``CANCEL`` restocked or ``NO_RESTOCK``.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ..connections import paginate
from ..registry import resolves
from ..state import timestamp
from .catalog import _num, _window

_SINCE = re.compile(r"updated_at:>='?([^' ]+)'?")


def _updated(order: Any) -> datetime:
    return max(t for t in (order.created_at, order.cancelled_at, order.fulfilled_at) if t)


def _locations(order: Any) -> list[str]:
    return sorted({line.location_id for line in order.lines if line.location_id}, key=_num)


def _child(order: Any, kind: str, index: int) -> str:
    return f"gid://shopify/{kind}/{_num(order.id) * 1000 + index + 1}"


def _line(line: Any) -> dict:
    return {"__typename": "LineItem", "id": line.id, "sku": line.sku,
            "quantity": line.quantity}


def _lines_at(order: Any, location: str) -> list[Any]:
    return [line for line in order.lines if line.location_id == location and line.id]


def _fulfillment_orders(order: Any) -> list[dict]:
    status = "OPEN" if order.status == "open" else "CLOSED"
    return [{"__typename": "FulfillmentOrder", "id": _child(order, "FulfillmentOrder", i),
             "status": status, "_lines": [
                 {"__typename": "FulfillmentOrderLineItem", "id": f"{line.id}-fo",
                  "totalQuantity": line.quantity, "lineItem": _line(line),
                  "remainingQuantity": line.quantity if status == "OPEN" else 0}
                 for line in _lines_at(order, location)],
             "assignedLocation": {"location": {"__typename": "Location", "id": location}}}
            for i, location in enumerate(_locations(order))]


def _fulfillments(order: Any) -> list[dict]:
    if order.status != "fulfilled":
        return []
    return [{"__typename": "Fulfillment", "id": _child(order, "Fulfillment", i),
             "status": "SUCCESS", "location": {"__typename": "Location", "id": location},
             "_lines": [{"__typename": "FulfillmentLineItem", "id": f"{line.id}-f",
                         "quantity": line.quantity, "lineItem": _line(line)}
                        for line in _lines_at(order, location)]}
            for i, location in enumerate(_locations(order))]


def _refunds(order: Any) -> list[dict]:
    if order.status != "cancelled":
        return []
    kind = "CANCEL" if order.restocked else "NO_RESTOCK"
    return [{"__typename": "Refund", "id": _child(order, "Refund", 0), "_lines": [
        {"__typename": "RefundLineItem", "id": f"{line.id}-r", "quantity": line.quantity,
         "restockType": kind, "restocked": bool(order.restocked), "lineItem": _line(line),
         "location": {"__typename": "Location", "id": line.location_id}}
        for line in order.lines if line.id and line.location_id]}]


def _view(order: Any) -> dict:
    return {"__typename": "Order", "id": order.id, "name": order.name,
            "updatedAt": timestamp(_updated(order)),
            "cancelledAt": timestamp(order.cancelled_at) if order.cancelled_at else None,
            "_order": order}


def _page(items: list[dict], args: dict) -> dict:
    return paginate(items, view=lambda x: x, key=lambda x: x["id"], **_window(args))


@resolves("QueryRoot", "orders")
def orders(_: Any, info: Any, **args: Any) -> dict:
    found = info.context.shop.orders()
    query = args.get("query") or ""
    since = _SINCE.search(query)
    if since:
        found = [o for o in found if timestamp(_updated(o)) >= since.group(1)]
    if "status:open" in query:
        found = [o for o in found if o.status == "open"]
    found = sorted(found, key=lambda o: (_updated(o), _num(o.id)))
    return paginate(found, view=_view, key=lambda o: o.id, bulk=info.context.bulk,
                    **_window(args))


@resolves("QueryRoot", "order")
def order(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    found = info.context.shop.get_order(id) if id.startswith("gid://shopify/Order/") else None
    return _view(found) if found else None


def _owner(info: Any, id: str, kind: str, build: Any) -> dict | None:  # noqa: A002
    for one in info.context.shop.orders():
        for part in build(one):
            if part["id"] == id and id.startswith(f"gid://shopify/{kind}/"):
                return part
    return None


@resolves("QueryRoot", "fulfillmentOrder")
def fulfillment_order(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    return _owner(info, id, "FulfillmentOrder", _fulfillment_orders)


@resolves("QueryRoot", "fulfillment")
def fulfillment(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    return _owner(info, id, "Fulfillment", _fulfillments)


@resolves("QueryRoot", "refund")
def refund(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    return _owner(info, id, "Refund", _refunds)


@resolves("Order", "fulfillmentOrders")
def order_fulfillment_orders(source: dict, info: Any, **args: Any) -> dict:
    return _page(_fulfillment_orders(source["_order"]), args)


@resolves("Order", "fulfillments")
def order_fulfillments(source: dict, info: Any, first: int | None = None, **_: Any) -> list:
    return _fulfillments(source["_order"])[:first]


@resolves("Order", "refunds")
def order_refunds(source: dict, info: Any, first: int | None = None, **_: Any) -> list:
    return _refunds(source["_order"])[:first]


@resolves("FulfillmentOrder", "lineItems")
def fulfillment_order_lines(source: dict, info: Any, **args: Any) -> dict:
    return _page(source["_lines"], args)


@resolves("Fulfillment", "fulfillmentLineItems")
def fulfillment_lines(source: dict, info: Any, **args: Any) -> dict:
    return _page(source["_lines"], args)


@resolves("Refund", "refundLineItems")
def refund_lines(source: dict, info: Any, **args: Any) -> dict:
    return _page(source["_lines"], args)


def order_view(order: Any) -> dict:
    """An order as ``order(id:)`` and ``nodes(ids:)`` answer it."""
    return _view(order)
