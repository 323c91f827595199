"""Every Shopify reader completes however the shop prices queries (issue 10).

Shopify says running a query is the only way to know its cost, and live shops
charge far from the published rules both ways. Each reader runs against a
fake priced four ways (the published rules, ``pageInfo`` charged, ×0.1,
×1.6), starting from an empty bucket so the first call is throttled: every
read completes, a MAX_COST_EXCEEDED is met by a smaller page (never raised),
a THROTTLED answer is never followed by another for the same request, and a
cheap shop (×0.1) is read in at most ceil(N / 250) pages or one bulk operation.
"""

from __future__ import annotations

import logging
import math

import pytest
import responses

from sync.config import Secret, ShopifySettings
from sync.model.shop import Image
from sync.shopify.catalog import MEDIA_PAGE, ShopifyCatalog
from sync.shopify.client import ShopifyClient
from sync.shopify.inventory import ShopifyInventory
from tests.catalog_world import fill_shop
from tests.fakes.shopify.fake import ShopifyFake
from tests.fakes.shopify.pricing import PRICINGS

PRODUCTS = 60
"""Four pages at the published rules (17 a page), one at ×0.1."""


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


@pytest.fixture(params=sorted(PRICINGS))
def priced(request, shopify_schema, shopify_shop, shopify_clock):
    """A fake charging ``request.param`` prices, its bucket empty, and a client for it."""
    fake = ShopifyFake(shopify_shop, shopify_clock, pricing=request.param)
    fake.bucket.drain(0)
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(fake.token), admin_url=fake.base_url)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake, ShopifyClient(settings, clock=shopify_clock)


def _assert_clean(fake: ShopifyFake) -> None:
    outcomes = [c.outcome for c in fake.calls]
    assert set(outcomes) <= {"ok", "throttled", "max_cost"}, outcomes
    for before, after in zip(fake.calls, fake.calls[1:], strict=False):
        repeated = before.outcome == after.outcome == "throttled"
        assert not repeated, f"{after.operation_name} THROTTLED twice in a row"
    for name in {c.operation_name for c in fake.calls}:
        refused = [c for c in fake.calls.named(name) if c.outcome == "max_cost"]
        assert len(refused) <= 2, f"{name} refused {len(refused)} times for its cost"


def _catalog(shop, client, **kw) -> tuple[ShopifyCatalog, list]:
    fill_shop(shop, PRODUCTS)
    catalog = ShopifyCatalog(client, **kw)
    return catalog, list(catalog.products())


def test_paged_catalog_read(priced, shopify_shop):
    fake, client = priced
    # when
    catalog, products = _catalog(shopify_shop, client, bulk_threshold=1000)
    # then
    assert len(products) == PRODUCTS + 3
    _assert_clean(fake)
    pages = [c for c in fake.calls.named("CatalogProducts") if c.outcome == "ok"]
    assert all(c.requested_cost <= 1000 for c in pages)
    if fake.pricing.name == "x0.1":
        assert len(pages) <= math.ceil((PRODUCTS + 3) / 250)


def test_bulk_catalog_read(priced, shopify_shop):
    fake, client = priced
    # when
    catalog, products = _catalog(shopify_shop, client, bulk_threshold=10)
    # then
    assert len(products) == PRODUCTS + 3 and catalog.used_bulk
    started = [c for c in fake.calls.named("BulkRunQuery") if c.outcome == "ok"]
    assert len(started) == 1 and len(fake.state.bulk_operations) == 1
    assert fake.calls.named("CatalogProducts") == []
    _assert_clean(fake)


def test_catalog_read_by_ids(priced, shopify_shop):
    fake, client = priced
    fill_shop(shopify_shop, PRODUCTS)
    ids = [p.id for p in shopify_shop.list_products()]
    # when
    products = list(ShopifyCatalog(client).products(ids=ids))
    # then
    assert sorted(p.id for p in products) == sorted(ids)
    _assert_clean(fake)


@pytest.mark.parametrize("how", ["pages", "ids"])
def test_catalog_read_of_galleries_longer_than_a_page(priced, shopify_shop, how):
    fake, client = priced
    fill_shop(shopify_shop, PRODUCTS)
    count = MEDIA_PAGE + 4
    for product in shopify_shop.list_products()[:4]:
        product.images = [Image(src=f"https://cdn.example/{product.handle}-{i}.jpg", position=i)
                          for i in range(1, count + 1)]
        shopify_shop.upsert_product(product)
        fake.add_media(product.id, "Video", position=3)
    catalog = ShopifyCatalog(client, bulk_threshold=1000)
    # when
    if how == "ids":
        products = list(catalog.products(ids=[p.id for p in shopify_shop.list_products()]))
    else:
        products = list(catalog.products())
    # then every image of the four big galleries is read, one follow-up call each
    big = [p for p in products if len(p.images) == count]
    assert len(big) == 4 and len(products) == PRODUCTS + 3
    assert [i.src.rsplit("-", 1)[1] for i in big[0].images] == [
        f"{i}.jpg" for i in range(1, count + 1)]
    more = [c for c in fake.calls.named("CatalogProductMore") if c.outcome == "ok"]
    assert len(more) == 4
    _assert_clean(fake)


def test_inventory_items_by_sku_and_levels(priced, shopify_shop):
    fake, client = priced
    fill_shop(shopify_shop, PRODUCTS)
    adapter = ShopifyInventory(client)
    skus = sorted({level.sku for level in shopify_shop.levels()})
    # when
    items = adapter.items_by_sku(skus)
    levels = adapter.read_levels([i.inventory_item_id for i in items.values()])
    # then
    assert set(items) == set(skus)
    assert {level.sku for level in levels} == set(skus)
    _assert_clean(fake)


def test_order_lines(priced, shopify_shop):
    fake, client = priced
    big = shopify_shop.place_order([("MUG-1", 1)] * 12)
    for _ in range(4):
        shopify_shop.place_order([("TEE-S", 1), ("TEE-M", 1)])
    for _ in range(2):
        shopify_shop.place_order([("TEE-L", 2)])
    shopify_shop.fulfill_order(big.id)
    # when
    page = ShopifyInventory(client).order_lines("2000-01-01T00:00:00Z")
    # then
    assert len({line.order_id for line in page.lines}) == 7
    assert sum(line.shipped for line in page.lines) == 12
    _assert_clean(fake)


def test_a_cheap_shop_is_read_in_a_full_page_and_a_dear_one_never_fails(
        shopify_schema, shopify_shop, shopify_clock):
    # given the same 170 products priced at ×0.1 and at ×1.6 (58 points a product at the
    # published rules, six media slots included)
    fill_shop(shopify_shop, 167)
    pages = {}
    for name in ("x0.1", "x1.6"):
        fake = ShopifyFake(shopify_shop, shopify_clock, pricing=name)
        settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                                   access_token=Secret(fake.token), admin_url=fake.base_url)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake.install(mock)
            client = ShopifyClient(settings, clock=shopify_clock)
            # when
            products = list(ShopifyCatalog(client, bulk_threshold=1000).products())
        # then
        assert len(products) == 170
        _assert_clean(fake)
        pages[name] = [c for c in fake.calls.named("CatalogProducts") if c.outcome == "ok"]
    assert len(pages["x0.1"]) == 1  # 170 products at 5.8 points each: one page (172 fit)
    assert len(pages["x1.6"]) == math.ceil(170 / 10)  # 10 a page at 93 points a product


def test_the_fake_charges_each_pricing_as_declared(shopify_schema):
    import graphql

    from tests.fakes.shopify.cost import requested_cost

    # given a page with pageInfo at two levels and a list taking first
    document = graphql.parse("""query Q { products(first: 10) { pageInfo { hasNextPage }
        nodes { id variants(first: 5) { pageInfo { hasNextPage } nodes { id } } } }
        order(id: "gid://shopify/Order/1") { fulfillments(first: 3) { id
          fulfillmentLineItems(first: 2) { nodes { id } } } } }""")
    published = 2 + 10 * (1 + 2 + 5) + 1 + 2 + 3 * (1 + 2 + 2)
    # then
    charged = {name: p.scale(requested_cost(shopify_schema, document, page_info=p.page_info))
               for name, p in PRICINGS.items()}
    assert charged["published"] == published
    assert charged["pageinfo"] == published + 1 + 10  # each selected pageInfo is an object
    assert charged["x0.1"] == math.ceil(published * 0.1)
    assert charged["x1.6"] == math.ceil(published * 1.6)
