"""Call budgets of a catalog sync at 1,000 products, Shopify fake -> HubDB fake."""

from __future__ import annotations

import logging
import math
from decimal import Decimal

import pytest

from sync.catalog.apply import CatalogWriteError
from sync.jobs.catalog import sync_catalog
from tests.catalog_world import world

PRODUCTS = 1000

pytestmark = pytest.mark.usefixtures("contracts")


@pytest.fixture(autouse=True)
def _quiet_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


def test_first_sync_writes_batches_schema_and_one_publish(tmp_path) -> None:
    # given a shop of 1,000 products and no table yet
    with world(tmp_path, products=PRODUCTS) as w:
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        counts = report.counts()
        assert counts["created"] == PRODUCTS
        schema_calls = report.applied.schema_calls
        assert schema_calls == 2  # create the table with its options, then map meta tags
        writes = w.hubspot_writes()
        assert len(writes) == math.ceil(PRODUCTS / 100) + schema_calls + 1
        assert len(w.publishes()) == 1
        assert w.hubdb.hubdb.get_table("products")["rowCount"] == PRODUCTS


def test_shopify_reads_use_the_fewest_pages_the_cost_allows_never_throttled(tmp_path) -> None:
    # given a shop read in pages (bulk threshold above its size)
    with world(tmp_path, products=PRODUCTS, bulk_threshold=10 * PRODUCTS) as w:
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then: one refused first try at a whole-catalog page names the cost, then
        # pages of the exact size; nothing throttled
        from sync.shopify.catalog import ShopifyCatalog
        from sync.shopify.client import ShopifyClient

        page = ShopifyCatalog(ShopifyClient(w.settings.shopify, clock=w.clock)).page_size()
        pages = w.shopify.calls.named("CatalogProducts")
        served = [c for c in pages if c.outcome == "ok"]
        assert len(served) == math.ceil(PRODUCTS / page)
        assert [c.outcome for c in pages if c.outcome != "ok"] == ["max_cost"]
        assert all(c.requested_cost <= 1000 for c in served)
        assert [c for c in w.shopify.calls if c.outcome not in ("ok", "max_cost")] == []


def test_a_full_read_above_a_few_pages_is_one_bulk_operation(tmp_path) -> None:
    # given the default bulk threshold (the measured crossover) and 1,000 products
    with world(tmp_path, products=PRODUCTS) as w:
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then
        assert w.shopify.calls.named("CatalogProducts") == []
        assert len(w.shopify.calls.named("BulkRunQuery")) == 1
        assert len(w.shopify.calls) <= 8


def test_resync_with_one_percent_changed_writes_one_batch_and_publishes(tmp_path) -> None:
    # given a synced table
    with world(tmp_path, products=PRODUCTS) as w:
        sync_catalog(w.settings, clock=w.clock)
        w.clock.advance(60)
        for product in w.shop.list_products()[:10]:
            product.variants[0].price += Decimal("1.00")
            w.shop.upsert_product(product)
        before = len(w.hubdb.calls)
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["updated"] == 10
        writes = w.hubspot_writes(before)
        assert len(writes) <= math.ceil(10 / 100) + 1
        assert len(w.publishes(before)) == 1
        changed = [c.json for c in writes if c.path.endswith("/batch/update")][0]
        assert set(changed["inputs"][0]["values"]) <= {
            "price_min", "price_max", "updated_at", "variants"}


def test_unchanged_resync_writes_nothing_and_does_not_publish(tmp_path) -> None:
    # given
    with world(tmp_path, products=PRODUCTS) as w:
        sync_catalog(w.settings, clock=w.clock)
        w.clock.advance(60)
        before = len(w.hubdb.calls)
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["unchanged"] == PRODUCTS
        assert w.hubspot_writes(before) == []
        assert w.publishes(before) == []


def test_run_killed_after_half_its_batches_then_rerun_converges_with_one_publish(
    tmp_path,
) -> None:
    # given a run that dies after the table and half of its 10 batches are written
    with world(tmp_path, products=PRODUCTS) as w:
        w.hubdb.stop_after(1 + 2 + 5, mode="503")  # read table, create, meta tags, 5 batches
        with pytest.raises(CatalogWriteError) as failure:
            sync_catalog(w.settings, clock=w.clock)
        assert "table products" in str(failure.value)
        assert w.publishes() == []
        w.hubdb.resume()
        w.clock.advance(60)
        before = len(w.hubdb.calls)
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["created"] == PRODUCTS - 500
        assert len(w.publishes()) == 1
        assert len(w.publishes(before)) == 1
        published = w.hubdb.hubdb.get_table("products")
        assert published["rowCount"] == PRODUCTS
        again = sync_catalog(w.settings, clock=w.clock)
        assert again.counts()["unchanged"] == PRODUCTS and not again.published


def test_a_hubspot_4xx_names_the_table_and_rows_and_the_live_table_stays(tmp_path) -> None:
    # given a synced table and HubDB refusing the next batch
    with world(tmp_path, products=20) as w:
        sync_catalog(w.settings, clock=w.clock)
        for product in w.shop.list_products()[:3]:
            product.title += " II"
            w.shop.upsert_product(product)
        w.hubdb.fail_next(400, path_contains="batch/update")
        # when
        with pytest.raises(CatalogWriteError) as failure:
            sync_catalog(w.settings, clock=w.clock)
        # then
        message = str(failure.value)
        assert "table products" in message and "item-00000" in message and "400" in message
        live = w.hubdb.hubdb.rows("products", query={"handle__eq": "item-00000"})["results"]
        assert live[0]["name"] == "Item 0"
        assert sync_catalog(w.settings, clock=w.clock).counts()["updated"] == 3
