"""Webhook bodies are hints, Shopify is the truth: no stock is invented from a body alone."""

from __future__ import annotations

import logging

from sync.inventory import run
from sync.inventory.ports import Ports
from sync.model.shop import numeric_id
from sync.service.messages import WebhookMessage
from sync.service.work import follow_up, process
from tests.test_inventory_engine import World


def _fulfilment(world: World, order_id: int, line_id: int, quantity: int) -> dict:
    location = world.shop.get_location("Main Warehouse").id
    return {"id": 4100000000001, "order_id": order_id, "location_id": int(numeric_id(location)),
            "line_items": [{"id": line_id, "sku": "TEE-S", "quantity": quantity,
                            "fulfillable_quantity": 0,
                            "admin_graphql_api_id": f"gid://shopify/LineItem/{line_id}"}]}


def _ports(world: World) -> Ports:
    return Ports(world.store, world.warehouse, world.state, world.policy, world.clock)


def _webhook(world: World, topic: str, payload: dict, webhook_id: str) -> dict:
    """What the consumer does with one delivery: note it, then the batch's follow-up."""
    ports = _ports(world)
    result = process(WebhookMessage(f"webhook:{webhook_id}", topic, webhook_id, payload), ports)
    follow_up([result], ports)
    return result


def test_a_signed_fulfilment_for_an_order_shopify_never_had_invents_no_stock(caplog):
    # given the store in step with the warehouse (TEE-S: 5 available, 5 on hand)
    world = World()
    world.reconcile()
    # when a signed fulfilments/create arrives for an order the store never had
    with caplog.at_level(logging.INFO, logger="sync"):
        _webhook(world, "fulfillments/create", _fulfilment(world, 5999999999999, 77, 2), "w-1")
    world.reconcile()
    # then nothing moved: no units, no offset, no hand edit, and status agrees
    assert world.level("TEE-S").available == 5
    assert all(e.offset == 0 for e in world.state.items())
    status = run.status(world.state, world.store, world.warehouse, world.policy,
                        clock=world.clock)
    assert status.drift == [] and status.offsets == {}
    assert any("gid://shopify/Order/5999999999999" in r.getMessage()
               and "does not know" in r.getMessage() for r in caplog.records)


def test_a_fulfilment_body_that_disagrees_with_shopify_changes_nothing():
    # given an open order for 1 TEE-S (committed 1, available 4)
    world = World()
    world.reconcile()
    order = world.shop.place_order([("TEE-S", 1)])
    world.reconcile()
    # when a webhook claims 3 units of its line shipped, which Shopify does not show
    line = order.lines[0]
    payload = _fulfilment(world, int(numeric_id(order.id)), int(numeric_id(line.id)), 3)
    _webhook(world, "fulfillments/create", payload, "w-2")
    report = world.reconcile()
    # then Shopify's figures stand, and no hand edit or offset is invented
    assert world.level("TEE-S").available == 4 and world.level("TEE-S").committed == 1
    assert report.hand_edits == [] and all(e.offset == 0 for e in world.state.items())


def test_a_real_fulfilment_is_read_back_from_shopify_and_counted_once():
    # given an order, fulfilled in the store, its webhook delivered twice
    world = World()
    world.reconcile()
    order = world.shop.place_order([("TEE-S", 2)])
    world.shop.fulfill_order(order.id)
    event = world.shop.events(topic="fulfillments/create")[-1]
    # when
    _webhook(world, event.topic, event.payload, event.webhook_id)
    _webhook(world, event.topic, event.payload, event.webhook_id + "-again")
    world.warehouse.move("TEE-S", "MAIN", -2)  # the warehouse books the shipment out
    report = world.reconcile()
    again = world.reconcile()
    # then no hand edit: the shipment is order traffic, seen once
    assert report.hand_edits == [] and again.written == 0
    assert world.level("TEE-S").available == 3
