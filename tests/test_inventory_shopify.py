"""The Shopify inventory adapter against the GraphQL fake: guarded, idempotent, split, valid."""

from __future__ import annotations

import graphql
import pytest

from sync.config import Secret, ShopifySettings
from sync.inventory import run
from sync.inventory.policy import Policy
from sync.inventory.ports import STALE, QuantityChange
from sync.local.db import connect
from sync.local.ledger import SqliteState
from sync.shopify.client import ShopifyClient, load_document
from sync.shopify.documents import document_names
from sync.shopify.inventory import ShopifyInventory
from sync.warehouse.memory import MemoryWarehouse

MAP = {"MAIN": "Main Warehouse", "FLOOR": "Shop Floor"}


@pytest.fixture
def adapter(shopify_fake, shopify_shop, shopify_clock):
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(shopify_fake.token),
                               admin_url=shopify_fake.base_url)
    client = ShopifyClient(settings, clock=shopify_clock)
    return ShopifyInventory(client, batch_size=2)


def _warehouse(shop, clock, extra=0):
    warehouse = MemoryWarehouse(clock)
    for level in shop.levels():
        warehouse.set(level.sku, "MAIN", level.on_hand + extra)
    return warehouse


def test_every_inventory_document_is_valid_against_the_2026_04_schema(shopify_schema):
    # given
    documents = [name for name in document_names() if name.startswith("inventory_")]
    # when each is loaded as sent, with the order fields it spreads
    problems = {name: [e.message for e in graphql.validate(
        shopify_schema, graphql.parse(load_document(name)))] for name in documents}
    # then
    assert len(documents) == 9
    assert problems == {name: [] for name in documents}


def test_every_mutation_sent_has_change_from_and_an_idempotency_key(
        adapter, shopify_fake, shopify_shop, shopify_clock):
    # given more changes than one batch holds, and an order meanwhile
    state = SqliteState(connect(":memory:"))
    policy = Policy(location_map=MAP, batch_size=2)
    run.reconcile(adapter, _warehouse(shopify_shop, shopify_clock, 4), state, policy,
                  clock=shopify_clock)
    shopify_shop.place_order([("TEE-S", 1)])
    # when
    report = run.reconcile(adapter, _warehouse(shopify_shop, shopify_clock, 6), state, policy,
                           clock=shopify_clock)
    # then
    mutations = [c for c in shopify_fake.calls if c.is_mutation]
    assert mutations and all(c.outcome == "ok" for c in mutations)
    for call in mutations:
        assert call.root_fields == ["inventorySetQuantities"]
        assert call.variables["key"].startswith("hubshop-inv-")
        quantities = call.variables["input"]["quantities"]
        assert 1 <= len(quantities) <= 2
        assert all(isinstance(q["changeFromQuantity"], int) for q in quantities)
    assert len({c.variables["key"] for c in mutations}) == len(mutations)
    assert report.written == 4


def test_a_stale_compare_is_reported_per_item(adapter, shopify_shop):
    # given
    level = shopify_shop.levels()[0]
    change = QuantityChange(level.sku, "MAIN", level.inventory_item_id, level.location_id,
                            9, level.available + 1)
    # when
    result = adapter.set_available([change], idempotency_key="k-stale")
    # then
    assert not result.applied
    assert [(f.index, f.code) for f in result.failures] == [(0, STALE)]
    assert shopify_shop.level(level.inventory_item_id, level.location_id).available == \
        level.available


def test_a_batch_over_the_limit_is_split(adapter, shopify_fake, shopify_shop):
    # given three changes and a batch size of two
    changes = [QuantityChange(x.sku, "MAIN", x.inventory_item_id, x.location_id,
                              x.available + 1, x.available) for x in shopify_shop.levels()[:3]]
    # when
    result = adapter.set_available(changes, idempotency_key="k-split")
    # then
    assert result.applied and result.calls == 2
    assert len([c for c in shopify_fake.calls if c.is_mutation]) == 2


def test_items_by_sku_and_levels_read_back(adapter):
    # when
    items = adapter.items_by_sku(["TEE-S", "GIFT-25", "NOPE"])
    levels = adapter.read_levels([items["TEE-S"].inventory_item_id])
    # then
    assert sorted(items) == ["GIFT-25", "TEE-S"] and not items["GIFT-25"].tracked
    assert [(lv.sku, lv.available) for lv in levels] == [("TEE-S", 5)]


def test_orders_are_read_back_by_id_and_unknown_ones_named(adapter, shopify_shop):
    # given one real order, fulfilled
    order = shopify_shop.place_order([("TEE-S", 2)])
    shopify_shop.fulfill_order(order.id)
    # when the adapter reads it and an order the store never had
    read = adapter.read_orders([order.id, "gid://shopify/Order/5999999999999"])
    # then the real one's line comes back shipped, the other as missing
    assert read.missing == ["gid://shopify/Order/5999999999999"]
    assert [(x.order_id, x.sku, x.shipped) for x in read.lines] == [(order.id, "TEE-S", 2)]
