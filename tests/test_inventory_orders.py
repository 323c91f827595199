"""The order catch-up: per line and location, paginated whole, restock flags honoured."""

from __future__ import annotations

import pytest

from sync.config import Secret, ShopifySettings
from sync.inventory.events import apply_lines
from sync.local.db import connect
from sync.local.ledger import SqliteState
from sync.shopify.client import ShopifyClient
from sync.shopify.inventory import ShopifyInventory, order_line_states

A, B = "gid://shopify/Location/1", "gid://shopify/Location/2"
CODES = {A: "MAIN", B: "FLOOR"}
LINE = {"id": "gid://shopify/LineItem/9", "sku": "TEE-S"}


def _order(fulfillment_orders=(), fulfillments=(), refunds=()):
    return {"id": "gid://shopify/Order/1", "updatedAt": "2026-01-01T00:00:00Z",
            "fulfillmentOrders": [
                {"id": f"fo{i}", "status": status, "assignedLocation": {"location": {"id": at}},
                 "lineItems": {"nodes": [{"remainingQuantity": left, "lineItem": LINE}]}}
                for i, (at, status, left) in enumerate(fulfillment_orders)],
            "fulfillments": [
                {"id": f"f{i}", "status": "SUCCESS", "location": {"id": at},
                 "fulfillmentLineItems": {"nodes": [{"quantity": n, "lineItem": LINE}]}}
                for i, (at, n) in enumerate(fulfillments)],
            "refunds": [{"id": "r0", "refundLineItems": {"nodes": [
                {"quantity": n, "restockType": kind, "restocked": restocked,
                 "location": {"id": at}, "lineItem": LINE}
                for at, n, kind, restocked in refunds]}}] if refunds else []}


def _ledger(state):
    return {e.location: (e.placed, e.released, e.shipped, e.returned) for e in state.items()}


def test_a_line_split_between_two_locations_counts_at_each():
    # given 3 units from MAIN and 2 from FLOOR, then FLOOR ships its 2
    state = SqliteState(connect(":memory:"))
    # when
    apply_lines(order_line_states(_order([(A, "OPEN", 3), (B, "OPEN", 2)])), state, CODES)
    apply_lines(order_line_states(_order([(A, "OPEN", 3), (B, "CLOSED", 0)],
                                         fulfillments=[(B, 2)])), state, CODES)
    # then
    assert _ledger(state) == {"MAIN": (3, 0, 0, 0), "FLOOR": (2, 0, 2, 0)}


def test_a_line_moved_to_another_location_is_released_where_it_was():
    # given 4 units committed at MAIN, then the fulfillment order moves to FLOOR
    state = SqliteState(connect(":memory:"))
    apply_lines(order_line_states(_order([(A, "OPEN", 4)])), state, CODES)
    # when (seen twice: the catch-up may read the same order again)
    for _ in range(2):
        apply_lines(order_line_states(_order([(A, "CLOSED", 0), (B, "OPEN", 4)])), state, CODES)
    # then MAIN got its units back and FLOOR committed them
    assert _ledger(state) == {"MAIN": (4, 4, 0, 0), "FLOOR": (4, 0, 0, 0)}


@pytest.mark.parametrize("kind, restocked, expected", [
    ("CANCEL", True, (2, 2, 0, 0)),      # back to available
    ("CANCEL", False, (2, 0, 2, 0)),     # left stock
    ("NO_RESTOCK", False, (2, 0, 2, 0)),
])
def test_a_cancellation_restocks_only_if_shopify_says_so(kind, restocked, expected):
    # given
    state = SqliteState(connect(":memory:"))
    apply_lines(order_line_states(_order([(A, "OPEN", 2)])), state, CODES)
    # when
    apply_lines(order_line_states(_order([(A, "CLOSED", 0)],
                                         refunds=[(A, 2, kind, restocked)])), state, CODES)
    # then
    assert _ledger(state) == {"MAIN": expected}


def test_a_refund_of_shipped_units_without_restock_moves_nothing_and_a_return_comes_back():
    # given 2 units shipped from MAIN
    state = SqliteState(connect(":memory:"))
    shipped = dict(fulfillment_orders=[(A, "CLOSED", 0)], fulfillments=[(A, 2)])
    apply_lines(order_line_states(_order(**shipped)), state, CODES)
    # when one is refunded without restock and the other returned to stock
    apply_lines(order_line_states(_order(**shipped, refunds=[
        (A, 1, "NO_RESTOCK", False), (A, 1, "RETURN", True)])), state, CODES)
    # then
    assert _ledger(state) == {"MAIN": (2, 0, 2, 1)}


@pytest.fixture
def adapter(shopify_fake, shopify_clock):
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(shopify_fake.token),
                               admin_url=shopify_fake.base_url)
    return ShopifyInventory(ShopifyClient(settings, clock=shopify_clock))


def test_order_lines_read_every_page_from_shopify(adapter, shopify_fake, shopify_shop):
    # given six orders (more than a page) and one with more lines than a nested page holds
    big = shopify_shop.place_order([("MUG-1", 1)] * 12)
    for _ in range(4):
        shopify_shop.place_order([("TEE-S", 1)])
    cancelled = shopify_shop.place_order([("TEE-M", 2)])
    shopify_shop.cancel_order(cancelled.id, restock=False)
    shopify_shop.fulfill_order(big.id)
    # when
    page = adapter.order_lines("2000-01-01T00:00:00Z")
    # then every line, at its location, with its fate
    by_order = {}
    for line in page.lines:
        by_order.setdefault(line.order_id, []).append(line)
    assert len(by_order) == 6
    assert len(by_order[big.id]) == 12 and all(x.shipped == 1 and x.open == 0
                                               for x in by_order[big.id])
    assert [(x.sku, x.open, x.shipped) for x in by_order[cancelled.id]] == [("TEE-M", 0, 2)]
    assert page.cursor is not None
    assert {c.operation_name for c in shopify_fake.calls} >= {"InventoryOrderLines",
                                                               "InventoryOrderParts"}
