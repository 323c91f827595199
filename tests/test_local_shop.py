"""The local Shopify-like store moves quantities, keeps ids and queues webhooks like Shopify."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync.local import db
from sync.local.shop import LocalShop, NotStocked, ShopError, StaleQuantity, UntrackedItem
from sync.model.shop import (
    Collection,
    InventoryPolicy,
    Option,
    Product,
    ProductStatus,
    Variant,
)
from sync.plumbing.clock import VirtualClock


def tee(*, sizes: tuple[str, ...] = ("S", "M"), qty: int = 5, **fields) -> Product:
    return Product(
        handle=fields.pop("handle", "tee"),
        title=fields.pop("title", "Tee"),
        tags=fields.pop("tags", ["shirts"]),
        options=[Option("Size", sizes)],
        variants=[
            Variant(sku=f"TEE-{s}", price=Decimal("19.9"), options={"Size": s},
                    title=s, inventory_quantity=qty)
            for s in sizes
        ],
        **fields,
    )


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def shop(clock: VirtualClock) -> LocalShop:
    store = LocalShop(db.connect(":memory:"), clock)
    store.add_location("Warehouse")
    store.add_location("Shop floor")
    return store


def item_of(shop: LocalShop, sku: str) -> str:
    return shop.get_variant(sku)[1].inventory_item_id


def loc(shop: LocalShop, name: str = "Warehouse") -> str:
    return shop.get_location(name).id


# ids ---------------------------------------------------------------------------------


def test_ids_are_shopify_gids_counted_from_per_type_bases(shop: LocalShop) -> None:
    # when
    product = shop.upsert_product(tee())
    # then
    assert product.id == "gid://shopify/Product/7000000000001"
    assert [v.id for v in product.variants] == [
        "gid://shopify/ProductVariant/42000000000001",
        "gid://shopify/ProductVariant/42000000000002",
    ]
    assert product.variants[0].inventory_item_id == "gid://shopify/InventoryItem/44000000000001"
    assert shop.locations()[0].id == "gid://shopify/Location/61000000001"


def test_ids_and_quantities_survive_reopening_the_file(tmp_path, clock: VirtualClock) -> None:
    # given
    path = tmp_path / "store.sqlite3"
    first = LocalShop(db.connect(path), clock)
    first.add_location("Warehouse")
    created = first.upsert_product(tee(), stock_at="Warehouse")
    first.conn.close()
    # when
    again = LocalShop(db.connect(path), clock)
    # then
    assert again.get_product("tee") == created
    assert again.get_product(created.id) == created
    assert again.get_product("7000000000001") == created


# catalog -----------------------------------------------------------------------------


def test_upsert_is_idempotent_and_bumps_updated_at_only_on_change(
    shop: LocalShop, clock: VirtualClock
) -> None:
    # given
    first = shop.upsert_product(tee())
    events = len(shop.events())
    clock.advance(60)
    # when
    same = shop.upsert_product(tee())
    # then
    assert same == first
    assert len(shop.events()) == events
    # when
    changed = shop.upsert_product(tee(title="Better tee"))
    # then
    assert changed.updated_at > first.updated_at
    assert shop.events()[-1].topic == "products/update"
    assert shop.events()[-1].payload["title"] == "Better tee"


def test_upsert_replaces_variants_whole_but_keeps_ids_for_the_same_sku(shop: LocalShop) -> None:
    # given
    first = shop.upsert_product(tee(sizes=("S", "M")), stock_at="Warehouse")
    by_sku = {v.sku: v for v in first.variants}
    shop.hand_edit(by_sku["TEE-M"].inventory_item_id, loc(shop), available=9)
    # when: S dropped, M kept (and moved first), L added
    second = shop.upsert_product(tee(sizes=("M", "L"), qty=2), stock_at="Warehouse")
    # then
    assert [v.sku for v in second.variants] == ["TEE-M", "TEE-L"]
    assert second.variants[0].id == by_sku["TEE-M"].id
    assert second.variants[0].inventory_item_id == by_sku["TEE-M"].inventory_item_id
    assert second.variants[0].inventory_quantity == 9  # stock untouched by the upsert
    assert second.variants[1].id == "gid://shopify/ProductVariant/42000000000003"
    assert second.variants[1].inventory_quantity == 2  # new variant stocked where asked
    assert shop.get_variant("TEE-S") is None
    assert shop.level(by_sku["TEE-S"].inventory_item_id, loc(shop)) is None


def test_variant_without_sku_is_matched_by_its_options(shop: LocalShop) -> None:
    # given
    product = tee()
    for variant in product.variants:
        variant.sku = ""
    first = shop.upsert_product(product)
    # when
    product.variants[0].price = Decimal("25")
    second = shop.upsert_product(product)
    # then
    assert [v.id for v in second.variants] == [v.id for v in first.variants]
    assert second.variants[0].price == Decimal("25.00")


def test_upsert_by_unknown_id_is_refused(shop: LocalShop) -> None:
    # when / then
    with pytest.raises(ShopError) as error:
        shop.upsert_product(tee(id="gid://shopify/Product/1"))
    assert error.value.code == "PRODUCT_DOES_NOT_EXIST"


def test_listing_pages_by_id_and_filters_with_search_syntax(
    shop: LocalShop, clock: VirtualClock
) -> None:
    # given
    for n in range(5):
        shop.upsert_product(tee(handle=f"tee-{n}", tags=[f"t{n}"],
                                status=ProductStatus.DRAFT if n == 4 else ProductStatus.ACTIVE))
        clock.advance(10)
    for variant in (p := shop.get_product("tee-1")).variants:
        variant.sku = variant.sku + "-1"
    shop.upsert_product(p)
    # when
    page1 = shop.list_products(limit=2)
    page2 = shop.list_products(after=page1[-1].id, limit=2)
    # then
    assert [p.handle for p in page1 + page2] == ["tee-0", "tee-1", "tee-2", "tee-3"]
    assert shop.count_products() == 5
    assert shop.count_products(status=ProductStatus.DRAFT) == 1
    assert [p.handle for p in shop.list_products(query="status:active tag:t2")] == ["tee-2"]
    assert [p.handle for p in shop.list_products(query="sku:TEE-M-1")] == ["tee-1"]
    assert [p.handle for p in shop.list_products(query="handle:tee-3")] == ["tee-3"]
    since = "updated_at:>'2026-01-01T00:00:25Z'"
    assert [p.handle for p in shop.list_products(query=since)] == ["tee-1", "tee-3", "tee-4"]
    with pytest.raises(ShopError) as error:
        shop.list_products(query="colour:red")
    assert error.value.code == "INVALID_QUERY"


def test_collections_smart_by_tag_and_manual_by_handle(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(handle="a", tags=["summer"]))
    shop.upsert_product(tee(handle="b", tags=[]))
    # when
    shop.upsert_collection(Collection(handle="summer", title="Summer", rule_tag="summer"))
    shop.upsert_collection(Collection(handle="picks", title="Picks", product_handles=["b", "a"]))
    # then
    assert {c.handle: c.product_handles for c in shop.list_collections()} == {
        "summer": ["a"], "picks": ["b", "a"]}
    assert shop.get_product("a").collections == ["picks", "summer"]
    assert shop.get_product("b").collections == ["picks"]


def test_delete_product_removes_its_stock_and_says_so(shop: LocalShop) -> None:
    # given
    product = shop.upsert_product(tee(), stock_at="Warehouse")
    # when
    deleted = shop.delete_product("tee")
    # then
    assert deleted and shop.get_product("tee") is None
    assert shop.levels() == []
    assert shop.events()[-1].topic == "products/delete"
    assert shop.events()[-1].payload == {"id": 7000000000001}
    assert not shop.delete_product(product.id)


# inventory ---------------------------------------------------------------------------


def test_set_available_with_change_from_is_compare_and_swap(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    item = item_of(shop, "TEE-S")
    # when
    level = shop.set_quantity(item, loc(shop), name="available", quantity=8, change_from=5,
                              reason="correction", reference="logistics://sync/1")
    # then
    assert (level.available, level.on_hand) == (8, 8)
    # when a stale writer comes along
    with pytest.raises(StaleQuantity) as error:
        shop.set_quantity(item, loc(shop), name="available", quantity=1, change_from=5,
                          reason="correction")
    # then nothing changed
    assert (error.value.code, error.value.expected, error.value.actual) == (
        "CHANGE_FROM_QUANTITY_STALE", 5, 8)
    assert shop.level(item, loc(shop)).available == 8


def test_set_on_hand_moves_available_by_the_same_delta(shop: LocalShop) -> None:
    # given five available, two committed by an order
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    item = item_of(shop, "TEE-S")
    shop.place_order([("TEE-S", 2)])
    # when
    level = shop.set_quantity(item, loc(shop), name="on_hand", quantity=10, change_from=5,
                              reason="received")
    # then
    assert (level.available, level.committed, level.on_hand) == (8, 2, 10)
    assert [(c.name, c.delta, c.quantity_after) for c in shop.changes()[-2:]] == [
        ("available", 5, 8), ("on_hand", 5, 10)]


def test_order_commits_cancel_restocks_fulfil_ships(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    item, where = item_of(shop, "TEE-S"), loc(shop)
    # when an order is placed
    order = shop.place_order([("TEE-S", 2)])
    # then
    level = shop.level(item, where)
    assert (level.available, level.committed, level.on_hand) == (3, 2, 5)
    assert order.name == "#1001" and order.status == "open"
    # when it is cancelled with restock
    shop.cancel_order(order.id)
    level = shop.level(item, where)
    assert (level.available, level.committed, level.on_hand) == (5, 0, 5)
    # when another is fulfilled
    second = shop.place_order([("TEE-S", 3)])
    shipped = shop.fulfill_order(second.id)
    level = shop.level(item, where)
    assert (level.available, level.committed, level.on_hand) == (2, 0, 2)
    assert shipped.status == "fulfilled" and shipped.name == "#1002"
    # and a finished order cannot be cancelled
    with pytest.raises(ShopError):
        shop.cancel_order(second.id)


def test_cancel_without_restock_takes_units_off_hand(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    order = shop.place_order([("TEE-S", 2)])
    # when
    shop.cancel_order(order.id, restock=False)
    # then
    level = shop.level(item_of(shop, "TEE-S"), loc(shop))
    assert (level.available, level.committed, level.on_hand) == (3, 0, 3)


def test_orders_cannot_oversell_deny_variants_but_continue_ones_can(shop: LocalShop) -> None:
    # given
    product = tee(qty=1)
    product.variants[1].inventory_policy = InventoryPolicy.CONTINUE
    shop.upsert_product(product, stock_at="Warehouse")
    # when / then
    with pytest.raises(ShopError) as error:
        shop.place_order([("TEE-S", 1), ("TEE-S", 1)])
    assert error.value.code == "INSUFFICIENT_INVENTORY"
    assert shop.orders() == [] and shop.level(item_of(shop, "TEE-S"), loc(shop)).available == 1
    shop.place_order([("TEE-M", 3)])
    assert shop.level(item_of(shop, "TEE-M"), loc(shop)).available == -2


def test_hand_edit_is_a_correction_by_the_admin(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    item = item_of(shop, "TEE-S")
    # when
    shop.hand_edit(item, loc(shop), available=4)
    # then
    change = [c for c in shop.changes(inventory_item_id=item) if c.name == "available"][-1]
    assert (change.name, change.delta, change.quantity_after, change.reason, change.source) == (
        "available", -1, 4, "correction", "admin")


def test_quantities_need_a_stocked_tracked_item_and_a_real_reason(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(), stock_at="Warehouse")
    item = item_of(shop, "TEE-S")
    # then
    with pytest.raises(NotStocked):
        shop.hand_edit(item, loc(shop, "Shop floor"), available=1)
    with pytest.raises(ShopError) as error:
        shop.set_quantity(item, loc(shop), name="available", quantity=1, change_from=None,
                          reason="because")
    assert error.value.code == "INVALID_REASON"
    shop.set_tracked(item, False)
    with pytest.raises(UntrackedItem):
        shop.hand_edit(item, loc(shop), available=1)
    # when activated at a second location, twice
    shop.set_tracked(item, True)
    first = shop.activate(item, loc(shop, "Shop floor"), available=3)
    again = shop.activate(item, loc(shop, "Shop floor"), available=7)
    assert first == again and first.available == 3
    assert shop.get_variant("TEE-S")[1].inventory_quantity == 8


def test_adjust_unavailable_moves_on_hand_not_available(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    item = item_of(shop, "TEE-S")
    updates = len(shop.events(topic="inventory_levels/update"))
    # when
    level = shop.adjust_quantity(item, loc(shop), name="unavailable", delta=2, reason="damaged")
    # then
    assert (level.available, level.unavailable, level.on_hand) == (5, 2, 7)
    assert len(shop.events(topic="inventory_levels/update")) == updates


# webhooks and snapshots --------------------------------------------------------------


def test_events_carry_shopify_shaped_payloads(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    # when
    order = shop.place_order([("TEE-S", 2)])
    # then
    update = shop.events(topic="inventory_levels/update")[-1]
    assert update.payload == {
        "inventory_item_id": 44000000000001,
        "location_id": 61000000001,
        "available": 3,
        "updated_at": "2026-01-01T00:00:00+00:00",
        "admin_graphql_api_id":
            "gid://shopify/InventoryLevel/61000000001?inventory_item_id=44000000000001",
    }
    created = shop.events(topic="orders/create")[-1].payload
    assert created["id"] == 5000000000001 and created["name"] == order.name
    assert created["line_items"][0]["variant_id"] == 42000000000001
    product = shop.events(topic="products/create")[-1].payload
    assert product["variants"][0]["price"] == "19.90"
    assert product["variants"][0]["option1"] == "S"
    assert len({e.webhook_id for e in shop.events()}) == len(shop.events())


def test_loading_the_same_products_twice_gives_the_same_store(clock: VirtualClock) -> None:
    # given
    def load() -> LocalShop:
        store = LocalShop(db.connect(":memory:"), VirtualClock())
        store.set_info(name="Acme", domain="acme.myshopify.com")
        store.add_location("Warehouse")
        for n in range(3):
            store.upsert_product(tee(handle=f"tee-{n}"))
        store.upsert_collection(Collection(handle="all", title="All", rule_tag="shirts"))
        return store

    # when
    first, second = load(), load()
    for n in range(3):  # and loading again into the first changes nothing
        first.upsert_product(tee(handle=f"tee-{n}"))
    # then
    assert first.snapshot() == second.snapshot()
    assert first.snapshot()["shop"]["domain"] == "acme.myshopify.com"


def test_snapshot_without_times_ignores_when_the_store_was_loaded() -> None:
    # given two stores loaded a day apart
    early, late = VirtualClock(), VirtualClock()
    late.advance(86400)
    stores = [LocalShop(db.connect(":memory:"), clock) for clock in (early, late)]
    for store in stores:
        store.add_location("Warehouse")
        store.upsert_product(tee(), stock_at="Warehouse")
    # then
    assert stores[0].snapshot() != stores[1].snapshot()
    assert stores[0].snapshot(times=False) == stores[1].snapshot(times=False)


def test_upserting_the_same_collection_again_changes_nothing(shop: LocalShop) -> None:
    # given
    first = shop.upsert_collection(Collection(handle="picks", title="Picks", product_handles=[]))
    events = len(shop.events())
    # when
    again = shop.upsert_collection(Collection(handle="picks", title="Picks", product_handles=[]))
    # then
    assert again == first and len(shop.events()) == events


def test_empty_id_lists_select_nothing(shop: LocalShop) -> None:
    # given
    shop.upsert_product(tee(), stock_at="Warehouse")
    # then
    assert shop.list_products(ids=[]) == [] and shop.levels(inventory_item_ids=[]) == []


def test_set_on_hand_compares_change_from_with_on_hand(shop: LocalShop) -> None:
    # given five available and two committed: on_hand is 5
    shop.upsert_product(tee(qty=5), stock_at="Warehouse")
    shop.place_order([("TEE-S", 2)])
    item = item_of(shop, "TEE-S")
    # when / then: the available figure (3) is stale for on_hand
    with pytest.raises(StaleQuantity) as error:
        shop.set_quantity(item, loc(shop), name="on_hand", quantity=6, change_from=3,
                          reason="correction")
    assert (error.value.expected, error.value.actual) == (3, 5)
