"""Shopify webhooks name what to re-read (never counted from the body); lines count once."""

from __future__ import annotations

from sync.inventory import run
from sync.inventory.events import apply_lines, remember_locations
from sync.inventory.policy import Policy
from sync.inventory.ports import OrderLineState
from sync.local.db import connect
from sync.local.ledger import SqliteState
from sync.plumbing.clock import VirtualClock

POLICY = Policy(location_map={"MAIN": "Main Warehouse"})
CODES = {"61000000001": "MAIN", "gid://shopify/Location/61000000001": "MAIN"}


def _fulfilment(line_id: int, quantity: int, left: int = 0) -> dict:
    return {"id": 4000000000001, "order_id": 5000000000001, "location_id": 61000000001,
            "line_items": [{"id": line_id, "sku": "TEE-S", "quantity": quantity,
                            "fulfillable_quantity": left,
                            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}"}]}


def _state() -> SqliteState:
    state = SqliteState(connect(":memory:"))
    remember_locations(state, CODES)
    return state


def test_a_fulfilment_webhook_names_its_order_and_moves_nothing_itself():
    # given
    state, clock = _state(), VirtualClock()
    # when the same fulfilment arrives under two webhook ids, and once again replayed
    first = run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state,
                                   policy=POLICY, webhook_id="w1", clock=clock)
    run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state, policy=POLICY,
                           webhook_id="w2", clock=clock)
    replay = run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state,
                                    policy=POLICY, webhook_id="w1", clock=clock)
    # then the body is a hint: the order to re-read and the SKU, no ledger counts
    assert state.get("TEE-S", "MAIN") is None
    assert first.order_ids == ("gid://shopify/Order/5000000000001",)
    assert first.skus == ("TEE-S",) and first.lines == 0 and replay.duplicate


def test_a_late_partial_observation_never_lowers_what_was_seen():
    # given the full fulfilment read from Shopify first
    state = _state()
    line = dict(line_id="gid://shopify/LineItem/7", order_id="gid://shopify/Order/1",
                sku="TEE-S", location_id="61000000001", quantity=3)
    apply_lines([OrderLineState(**line, shipped=3)], state, CODES)
    # when an older, partial observation arrives late
    moved, _ = apply_lines([OrderLineState(**line, shipped=1)], state, CODES)
    # then
    assert moved == 0
    assert state.get("TEE-S", "MAIN").shipped == 3


def test_a_refund_webhook_names_its_order_and_the_refunded_skus():
    # given
    state, clock = _state(), VirtualClock()
    payload = {"order_id": 5000000000001, "refund_line_items": [{
        "quantity": 2, "restock_type": "cancel", "location_id": 61000000001,
        "line_item": {"id": 9, "sku": "TEE-S", "quantity": 2}}]}
    # when
    outcome = run.note_shopify_event("refunds/create", payload, state, policy=POLICY,
                                     clock=clock)
    # then
    assert state.get("TEE-S", "MAIN") is None
    assert outcome.order_ids == ("gid://shopify/Order/5000000000001",)
    assert outcome.skus == ("TEE-S",)


def test_order_webhooks_name_skus_and_product_webhooks_mark_products():
    # given
    state, clock = _state(), VirtualClock()
    order = {"id": 1, "email": "shopper@example.com",
             "line_items": [{"id": 3, "sku": "TEE-S", "quantity": 1}]}
    # when
    placed = run.note_shopify_event("orders/create", order, state, policy=POLICY, clock=clock)
    product = run.note_shopify_event("products/update", {"id": 7000000000001}, state,
                                     policy=POLICY, clock=clock)
    level = run.note_shopify_event("inventory_levels/update",
                                   {"inventory_item_id": 44000000000001, "available": 3},
                                   state, policy=POLICY, clock=clock)
    # then
    assert placed.skus == ("TEE-S",) and placed.order_ids == ("gid://shopify/Order/1",)
    assert "shopper@example.com" not in repr(placed)
    assert product.products == ("gid://shopify/Product/7000000000001",)
    assert state.take_products() == ["gid://shopify/Product/7000000000001"]
    assert level.inventory_item_ids == ("gid://shopify/InventoryItem/44000000000001",)
