"""Shopify catalog reads: documents valid for 2026-04, bulk operation, incremental reads."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sync.jobs.catalog import sync_catalog
from sync.shopify.client import load_document
from sync.shopify.documents import document_names
from tests.catalog_world import world

pytestmark = pytest.mark.usefixtures("contracts")

DOCUMENTS = [name for name in document_names() if name.startswith(("catalog_", "bulk_"))]


@pytest.fixture(autouse=True)
def _quiet_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_document_validates_against_the_2026_04_schema(name: str) -> None:
    from tests.fakes.shopify.schema import assert_valid

    # given the document as it is sent, fragments included
    document = load_document(name)
    # then
    assert_valid(document, name=f"{name}.graphql")


def test_documents_take_every_per_call_value_as_a_variable() -> None:
    import graphql

    for name in DOCUMENTS:
        document = graphql.parse(load_document(name))
        for node in _arguments(document):
            assert not isinstance(node.value, graphql.IntValueNode | graphql.StringValueNode), (
                f"{name}: argument {node.name.value} is a literal"
            )


def test_above_the_threshold_products_come_from_one_bulk_operation(tmp_path: Path) -> None:
    # given more products than the bulk threshold
    with world(tmp_path, products=30, bulk_threshold=20) as w:
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["created"] == 30
        assert w.shopify.calls.named("CatalogProducts") == []
        assert len(w.shopify.calls.named("BulkRunQuery")) == 1
        row = w.hubdb.hubdb.rows("products", draft=True, query={"handle__eq": "item-00004"})
        values = row["results"][0]["values"]
        assert [o["name"] for o in values["option_values"]] == ["Size: L", "Size: M", "Size: S"]
        assert values["category"]["name"] == "Candles"


def test_paged_and_bulk_reads_give_the_same_rows(tmp_path: Path) -> None:
    # given the same shop read both ways
    with world(tmp_path / "paged", products=30) as paged:
        sync_catalog(paged.settings, clock=paged.clock)
        rows_paged = paged.hubdb.hubdb.rows("products", draft=True)["results"]
    with world(tmp_path / "bulk", products=30, bulk_threshold=5) as bulk:
        sync_catalog(bulk.settings, clock=bulk.clock)
        rows_bulk = bulk.hubdb.hubdb.rows("products", draft=True)["results"]
    # then
    assert [r["values"] for r in rows_paged] == [r["values"] for r in rows_bulk]


def test_incremental_sync_by_ids_reads_and_writes_only_those(tmp_path: Path) -> None:
    # given a synced table and one product changed
    with world(tmp_path, products=50) as w:
        sync_catalog(w.settings, clock=w.clock)
        product = w.shop.list_products()[7]
        product.title = "Renamed"
        w.shop.upsert_product(product)
        pages_before = len(w.shopify.calls.named("CatalogProducts"))
        # when
        report = sync_catalog(w.settings, clock=w.clock, products=[product.id])
        # then
        assert report.counts() | {"api_calls": None} == {
            "created": 0, "updated": 1, "deleted": 0, "unchanged": 0, "schema_changes": 0,
            "api_calls": None,
        }
        assert len(w.shopify.calls.named("CatalogProductsById")) == 1
        assert len(w.shopify.calls.named("CatalogProducts")) == pages_before


def test_a_gid_a_numeric_id_and_a_handle_address_the_same_row(tmp_path: Path) -> None:
    # given a synced table
    with world(tmp_path, products=12) as w:
        sync_catalog(w.settings, clock=w.clock)
        product = w.shop.list_products()[4]
        number = product.id.rsplit("/", 1)[-1]
        # when the product is refreshed by each of its three names
        reports = [sync_catalog(w.settings, clock=w.clock, products=[key])
                   for key in (product.id, number, product.handle)]
        # then each finds the one row: nothing created, nothing deleted
        for report in reports:
            counts = report.counts()
            assert (counts["created"], counts["deleted"], counts["unchanged"]) == (0, 0, 1)
        assert len(w.shopify.calls.named("CatalogProductByHandle")) == 1


def test_a_product_deleted_in_shopify_is_deleted_from_the_table(tmp_path: Path) -> None:
    # given
    with world(tmp_path, products=12) as w:
        sync_catalog(w.settings, clock=w.clock)
        gone = w.shop.list_products()[3]
        w.shop.delete_product(gone.id)
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["deleted"] == 1
        assert report.plan.deletes[0].reason == "gone"
        assert w.hubdb.hubdb.get_table("products")["rowCount"] == 11


def _arguments(document):
    import graphql

    found = []

    class Visitor(graphql.Visitor):
        def enter_argument(self, node, *_):
            found.append(node)

    graphql.visit(document, Visitor())
    return found


def test_hubdb_adapter_reads_rows_by_handle_for_keys_that_are_not_gids(tmp_path) -> None:
    # given a table synced over HTTP
    from sync.hubspot.client import shared_client
    from sync.hubspot.hubdb import HubDBProductTable

    with world(tmp_path, products=3) as w:
        sync_catalog(w.settings, clock=w.clock)
        table = HubDBProductTable(shared_client(w.settings.hubspot, clock=w.clock), "products")
        gid = table.draft_rows()[0]["values"]["shopify_id"]
        # when
        rows = table.draft_rows(keys=[gid, "item-00002"])
        # then
        assert len(rows) == 2 and "item-00002" in {r["path"] for r in rows}
        queries = [c.query for c in w.hubdb.calls if c.path.endswith("/rows/draft")][-2:]
        assert {k for q in queries for k in q if k.endswith("__in")} == {
            "shopify_id__in", "handle__in",
        }
