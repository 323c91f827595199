"""Shopify webhooks into the ledger: counted once, in any order, and products marked."""

from __future__ import annotations

from sync.inventory import run
from sync.inventory.events import remember_locations
from sync.inventory.policy import Policy
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


def test_a_fulfilment_counts_once_however_often_it_arrives():
    # given
    state, clock = _state(), VirtualClock()
    # when the same fulfilment arrives under two webhook ids, and once again replayed
    first = run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state,
                                   policy=POLICY, webhook_id="w1", clock=clock)
    run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state, policy=POLICY,
                           webhook_id="w2", clock=clock)
    replay = run.note_shopify_event("fulfillments/create", _fulfilment(1, 2), state,
                                    policy=POLICY, webhook_id="w1", clock=clock)
    # then
    entry = state.get("TEE-S", "MAIN")
    assert (entry.placed, entry.shipped) == (2, 2)
    assert first.lines == 1 and replay.duplicate


def test_a_late_partial_observation_never_lowers_what_was_seen():
    # given the full fulfilment noted first
    state, clock = _state(), VirtualClock()
    run.note_shopify_event("fulfillments/create", _fulfilment(7, 3), state, policy=POLICY,
                           clock=clock)
    # when an older, partial one arrives late
    outcome = run.note_shopify_event("fulfillments/create", _fulfilment(7, 3, left=2), state,
                                     policy=POLICY, clock=clock)
    # then
    assert outcome.lines == 0
    assert state.get("TEE-S", "MAIN").shipped == 3


def test_a_restocking_refund_releases_the_line():
    # given
    state, clock = _state(), VirtualClock()
    payload = {"order_id": 5000000000001, "refund_line_items": [{
        "quantity": 2, "restock_type": "cancel", "location_id": 61000000001,
        "line_item": {"id": 9, "sku": "TEE-S", "quantity": 2}}]}
    # when
    run.note_shopify_event("refunds/create", payload, state, policy=POLICY, clock=clock)
    # then
    entry = state.get("TEE-S", "MAIN")
    assert (entry.placed, entry.released) == (2, 2)


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
    assert placed.skus == ("TEE-S",) and "catch-up" in placed.ignored
    assert "shopper@example.com" not in repr(placed)
    assert product.products == ("gid://shopify/Product/7000000000001",)
    assert state.take_products() == ["gid://shopify/Product/7000000000001"]
    assert level.inventory_item_ids == ("gid://shopify/InventoryItem/44000000000001",)
