"""The product importer: plans, guards, idempotence, productSet one by one or in one bulk run."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from sync.catalog.feed_check import check_feed
from sync.catalog.feed_csv import parse_csv_feed
from sync.catalog.feed_jsonl import parse_jsonl_feed
from sync.catalog.import_run import ImportRules, run_import
from sync.config import Secret, ShopifySettings
from sync.inventory.memory_state import MemoryState
from sync.local.catalog_source import LocalSource
from sync.local.db import connect
from sync.local.product_import import LocalProductWriter
from sync.local.shop import LocalShop
from sync.model.shop import ProductStatus
from sync.shopify.catalog import ShopifyCatalog
from sync.shopify.client import ShopifyClient
from sync.shopify.product_writer import ShopifyProductWriter
from tests.fakes.shopify.fixtures import *  # noqa: F403 - pytest fixtures
from tests.test_product_feeds import CATEGORIES, FIXTURES

pytestmark = pytest.mark.usefixtures("contracts")
RULES = ImportRules(categories=CATEGORIES)


def export_feed():
    path = FIXTURES / "shopify_export_legacy.csv"
    return check_feed(parse_csv_feed(path.read_text(), str(path)), CATEGORIES)


def jsonl_feed(products: list[dict], name: str = "feed.jsonl"):
    text = "\n".join(json.dumps(p) for p in products)
    return check_feed(parse_jsonl_feed(text, name), CATEGORIES)


def catalog(count: int, *, price: str = "10.00", start: int = 0) -> list[dict]:
    return [{"handle": f"item-{n:05d}", "title": f"Item {n}", "vendor": "Fernhill",
             "options": ["Size"],
             "variants": [{"sku": f"IT-{n:05d}-{s}", "price": price, "options": [s],
                           "quantity": 3} for s in ("S", "M")]}
            for n in range(start, start + count)]


@pytest.fixture
def empty_shop(shopify_clock):
    conn = connect(":memory:")
    shop = LocalShop(conn, shopify_clock)
    shop.add_location("Main Warehouse")
    yield shop
    conn.close()


@pytest.fixture
def shopify(shopify_schema, empty_shop, shopify_clock):
    """An empty shop behind the Shopify fake, and a function giving fresh reader/writer ports."""
    import responses

    from tests.fakes.shopify.fake import ShopifyFake

    fake = ShopifyFake(empty_shop, shopify_clock)
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(fake.token), admin_url=fake.base_url)

    def ports(bulk_threshold: int = 250):
        client = ShopifyClient(settings, clock=shopify_clock)
        return (ShopifyCatalog(client, bulk_threshold=5000),
                ShopifyProductWriter(client, bulk_threshold=bulk_threshold))

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake, ports


def local_ports(shop):
    return LocalSource(shop), LocalProductWriter(shop)


def mutations(fake) -> list[str]:
    return [c.root_fields[0] for c in fake.calls if c.operation_type == "mutation"]


def test_a_real_export_into_an_empty_shop_creates_one_product_per_handle_then_sends_nothing(
        shopify):
    # given
    fake, ports = shopify
    state = MemoryState()
    # when
    first = run_import(export_feed(), *ports(), state, RULES)
    sent = len(fake.calls)
    again = run_import(export_feed(), *ports(), state, RULES)
    # then
    assert first.counts()["created"] == 3 and first.failures == []
    handles = [p.handle for p in fake.shop.list_products()]
    assert sorted(handles) == ["gift-card", "linen-shirt", "oak-bowl"]
    shirt = fake.shop.get_product("linen-shirt")
    assert [v.options for v in shirt.variants][3] == {"Size": "M", "Colour": "Olive"}
    assert len(shirt.images) == 3
    assert "kitchen" in fake.shop.get_product("oak-bowl").collections
    assert again.counts() | {"api_calls": None} == {
        "created": 0, "updated": 0, "archived": 0, "unchanged": 3, "invalid": 0,
        "api_calls": None, "dry_run": False}
    assert [c.root_fields[0] for c in fake.calls[sent:] if c.operation_type == "mutation"] == []


def test_new_variants_get_their_initial_quantity_and_existing_stock_is_left_alone(empty_shop):
    # given
    state = MemoryState()
    feed = [{"handle": "tee", "title": "Tee", "options": ["Size"],
             "variants": [{"sku": "T-S", "price": "10", "options": ["S"], "quantity": 4}]}]
    run_import(jsonl_feed(feed), *local_ports(empty_shop), state, RULES)
    item = empty_shop.get_variant("T-S")[1].inventory_item_id
    empty_shop.set_quantity(item, "Main Warehouse", name="available", quantity=9,
                            change_from=None, reason="correction")
    # when a variant is added and the feed still says 4 for the old one
    feed[0]["variants"].append({"sku": "T-M", "price": "10", "options": ["M"], "quantity": 6})
    report = run_import(jsonl_feed(feed), *local_ports(empty_shop), state, RULES)
    # then
    assert report.updated == 1
    tee = empty_shop.get_product("tee")
    assert {v.sku: v.inventory_quantity for v in tee.variants} == {"T-S": 9, "T-M": 6}


def test_a_changed_price_updates_only_that_product_with_every_variant(shopify):
    # given
    fake, ports = shopify
    state = MemoryState()
    products = catalog(3)
    run_import(jsonl_feed(products), *ports(), state, RULES)
    fake.calls.clear()
    # when
    products[1]["variants"][0]["price"] = "12.00"
    report = run_import(jsonl_feed(products), *ports(), state, RULES)
    # then
    assert (report.updated, report.unchanged) == (1, 2)
    sets = [c for c in fake.calls if c.root_fields == ["productSet"]]
    assert len(sets) == 1
    sent = sets[0].variables["input"]
    assert [v["price"] for v in sent["variants"]] == ["12.00", "10.00"]
    assert all(v.get("id") for v in sent["variants"])
    assert "inventoryQuantities" not in json.dumps(sent)


def test_a_feed_with_errors_is_refused_whole_unless_skip_invalid(empty_shop):
    # given
    products = catalog(3)
    products[2]["variants"][0]["price"] = "free"
    state = MemoryState()
    # when
    refused = run_import(jsonl_feed(products), *local_ports(empty_shop), state, RULES)
    skipped = run_import(jsonl_feed(products), *local_ports(empty_shop), state, RULES,
                         skip_invalid=True)
    # then
    assert refused.refused and "--skip-invalid" in refused.refused
    assert refused.problems[0]["where"].startswith("feed.jsonl:3:")
    assert (skipped.created, skipped.invalid) == (2, 1)
    assert empty_shop.count_products() == 2


def test_a_shrunken_or_empty_feed_is_refused_unless_forced(empty_shop):
    # given
    state = MemoryState()
    rules = ImportRules(categories=CATEGORIES, archive_missing=True)
    run_import(jsonl_feed(catalog(10)), *local_ports(empty_shop), state, rules)
    # when
    small = run_import(jsonl_feed(catalog(7)), *local_ports(empty_shop), state, rules)
    empty = run_import(jsonl_feed([]), *local_ports(empty_shop), state, rules)
    ok = run_import(jsonl_feed(catalog(8)), *local_ports(empty_shop), state, rules)
    forced = run_import(jsonl_feed(catalog(5)), *local_ports(empty_shop), state, rules,
                        force=True)
    # then
    assert "3 fewer than the 10 last accepted" in small.refused
    assert "no products" in empty.refused
    assert small.created == small.archived == 0 and empty.archived == 0
    assert ok.archived == 2 and forced.archived == 3
    statuses = [p.status for p in empty_shop.list_products()]
    assert statuses.count(ProductStatus.ARCHIVED) == 5


def test_archiving_is_off_by_default(empty_shop):
    # given
    state = MemoryState()
    run_import(jsonl_feed(catalog(5)), *local_ports(empty_shop), state, RULES)
    # when
    report = run_import(jsonl_feed(catalog(4)), *local_ports(empty_shop), state, RULES)
    # then
    assert report.archived == 0 and report.unchanged == 4


def test_dry_run_plans_and_writes_nothing(empty_shop):
    # when
    report = run_import(jsonl_feed(catalog(4)), *local_ports(empty_shop), MemoryState(), RULES,
                        dry_run=True)
    # then
    assert report.created == 4 and report.dry_run
    assert empty_shop.count_products() == 0
    assert report.plan.describe()[0] == "create item-00000"


def test_user_errors_come_back_per_product_with_their_field(shopify):
    # given a product whose variant names an option value outside its options
    fake, ports = shopify
    feed = jsonl_feed(catalog(2))
    feed.products[1].variants[0].options = {"Size": "XXL"}
    # when
    report = run_import(feed, *ports(), MemoryState(), RULES)
    # then
    assert report.created == 1
    (failure,) = report.failures
    assert failure["handle"] == "item-00001" and failure["where"] == "feed.jsonl:2:1"
    assert failure["errors"][0]["field"] == "input.variants.0.optionValues"


def test_a_large_import_is_one_bulk_mutation_and_a_reimport_sends_nothing(shopify):
    # given
    fake, ports = shopify
    state = MemoryState()
    feed = catalog(300)
    # when
    first = run_import(jsonl_feed(feed), *ports(), state, RULES)
    roots = mutations(fake)
    fake.calls.clear()
    again = run_import(jsonl_feed(feed), *ports(), state, RULES)
    # then
    assert first.created == 300 and first.failures == []
    assert roots.count("bulkOperationRunMutation") == 1 and "productSet" not in roots
    assert fake.shop.count_products() == 300
    assert again.unchanged == 300 and mutations(fake) == []


def test_a_bulk_import_reports_per_line_failures_from_the_result_file(shopify):
    # given two products whose variants Shopify will refuse
    fake, ports = shopify
    feed = jsonl_feed(catalog(260))
    for product in feed.products[10:12]:
        product.variants[0].options = {"Size": "XXL"}
    # when
    report = run_import(feed, *ports(), MemoryState(), RULES)
    # then
    assert report.created == 258
    assert [f["handle"] for f in report.failures] == ["item-00010", "item-00011"]
    assert report.failures[0]["errors"][0]["field"] == "input.variants.0.optionValues"


def test_a_bulk_import_killed_while_shopify_runs_it_is_settled_by_the_next_run(shopify):
    # given a run that dies while polling its bulk operation (a Lambda timeout)
    fake, ports = shopify
    state = MemoryState()
    feed = catalog(300)
    reader, writer = ports()
    import sync.shopify.bulk_mutation as bulk_mutation

    original = bulk_mutation.wait_for_operation

    def die(*args, **kwargs):
        raise KeyboardInterrupt

    bulk_mutation.wait_for_operation = die
    try:
        with pytest.raises(KeyboardInterrupt):
            run_import(jsonl_feed(feed), reader, writer, state, RULES)
    finally:
        bulk_mutation.wait_for_operation = original
    fake.calls.clear()
    # when
    rerun = run_import(jsonl_feed(feed), *ports(), state, RULES)
    # then the next run read the operation's result file instead of sending it all again
    assert rerun.failures == [] and rerun.unchanged == 300
    assert "bulkOperation" in [c.root_fields[0] for c in fake.calls]
    assert mutations(fake) == []
    handles = [p.handle for p in fake.shop.list_products()]
    assert len(handles) == len(set(handles)) == 300
    assert state.flag("import.journal") is None


def test_a_killed_bulk_import_with_changed_content_converges_without_duplicates(shopify):
    # given a killed bulk run, then a feed that changed before the next night
    fake, ports = shopify
    state = MemoryState()
    feed = catalog(300)
    reader, writer = ports()
    import sync.shopify.bulk_mutation as bulk_mutation

    original = bulk_mutation.wait_for_operation
    bulk_mutation.wait_for_operation = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_import(jsonl_feed(feed), reader, writer, state, RULES)
    finally:
        bulk_mutation.wait_for_operation = original
    feed[0]["title"] = "Renamed"
    # when
    rerun = run_import(jsonl_feed(feed), *ports(), state, RULES)
    third = run_import(jsonl_feed(feed), *ports(), state, RULES)
    # then
    assert (rerun.updated, rerun.unchanged) == (1, 299)
    assert fake.shop.get_product("item-00000").title == "Renamed"
    assert fake.shop.count_products() == 300 and third.unchanged == 300


def test_a_killed_one_by_one_import_converges_on_rerun(shopify):
    # given a run killed at its 25th call to Shopify
    fake, ports = shopify
    state = MemoryState()
    feed = catalog(60)
    reader, writer = ports()
    calls = {"n": 0}
    original = writer.client.execute

    def counted(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 25:
            raise KeyboardInterrupt
        return original(*args, **kwargs)

    writer.client.execute = counted
    with pytest.raises(KeyboardInterrupt):
        run_import(jsonl_feed(feed), reader, writer, state, RULES)
    # when
    rerun = run_import(jsonl_feed(feed), *ports(), state, RULES)
    # then
    handles = [p.handle for p in fake.shop.list_products()]
    assert len(handles) == len(set(handles)) == 60 and rerun.failures == []
    assert rerun.unchanged > 0  # confirmed before the kill: not sent again
    assert rerun.created == 60 - rerun.unchanged


IMPORT_DOCUMENTS = sorted(p.stem for p in
                          __import__("sync.shopify.client", fromlist=["QUERIES_DIR"])
                          .QUERIES_DIR.glob("import_*.graphql"))


@pytest.mark.parametrize("name", IMPORT_DOCUMENTS)
def test_every_import_document_validates_against_the_2026_04_schema(name):
    from sync.shopify.client import load_document
    from tests.fakes.shopify.schema import assert_valid

    # then (bulk_* documents are checked by the catalog's test)
    assert_valid(load_document(name), name=f"{name}.graphql")


def test_a_deadline_ends_the_wait_and_the_next_run_settles_the_operation(shopify, shopify_clock):
    # given a writer that must stop waiting one virtual second from now (Lambda's time)
    from sync.shopify.bulk import StillRunning

    fake, ports = shopify
    state = MemoryState()
    reader, writer = ports()
    writer.deadline = shopify_clock.monotonic() + 1.0
    # when
    with pytest.raises(StillRunning, match="the next run takes its results"):
        run_import(jsonl_feed(catalog(300)), reader, writer, state, RULES)
    rerun = run_import(jsonl_feed(catalog(300)), *ports(), state, RULES)
    # then
    assert rerun.unchanged == 300 and fake.shop.count_products() == 300


def test_a_custom_id_identifier_keys_products_by_a_metafield(shopify, shopify_clock):
    # given
    fake, ports = shopify
    reader, _ = ports()
    writer = ShopifyProductWriter(reader.client, mode="custom_id", custom_id="erp.item_group")
    # when
    report = run_import(jsonl_feed(catalog(1)), reader, writer, MemoryState(),
                        ImportRules(identity="custom_id:erp.item_group"))
    # then
    (call,) = [c for c in fake.calls if c.root_fields == ["productSet"]]
    assert call.variables["identifier"] == {"customId": {
        "namespace": "erp", "key": "item_group", "value": "item-00000"}}
    assert call.variables["input"]["metafields"] == [{
        "namespace": "erp", "key": "item_group", "type": "single_line_text_field",
        "value": "item-00000"}]
    assert report.created == 1


def test_a_new_bulk_import_waits_for_one_still_running(shopify, shopify_clock, monkeypatch):
    # given a slow bulk mutation still running on Shopify's side, its journal lost
    fake, ports = shopify
    from sync.shopify.bulk import StillRunning
    from tests.fakes.shopify.resolvers import bulk_mutation

    monkeypatch.setattr(bulk_mutation, "ROWS_PER_SECOND", 1.0)

    state = MemoryState()
    reader, writer = ports()
    writer.deadline = shopify_clock.monotonic() + 1.0
    with pytest.raises(StillRunning):
        run_import(jsonl_feed(catalog(300)), reader, writer, MemoryState(), RULES)
    fake.calls.clear()
    # when
    report = run_import(jsonl_feed(catalog(300, price="11.00")), *ports(), state, RULES)
    # then the running operation was polled to its end before the new one was staged
    names = [c.operation_name for c in fake.calls]
    assert names.index("BulkCurrentMutation") < names.index("BulkOperationStatus") \
        < names.index("ImportStagedUpload")
    assert report.updated == 300 and report.failures == []
    assert fake.shop.get_product("item-00007").variants[0].price == Decimal("11.00")


def test_html_shopify_normalised_is_not_sent_again(empty_shop):
    # given a description the shop stored rewritten (as Shopify normalises HTML)
    state = MemoryState()
    products = catalog(1)
    products[0]["body_html"] = "<p>Waxed<br>cotton</p>"
    run_import(jsonl_feed(products), *local_ports(empty_shop), state, RULES)
    stored = empty_shop.get_product("item-00000")
    stored.body_html = "<p>Waxed<br />cotton</p>\\n"
    empty_shop.upsert_product(stored)
    # when
    report = run_import(jsonl_feed(products), *local_ports(empty_shop), state, RULES)
    # then
    assert report.unchanged == 1
