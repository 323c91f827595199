"""Bulk queries start once: a lost answer is looked up in Shopify, never blindly re-sent."""

from __future__ import annotations

import logging

import graphql
import pytest

from sync.config import Secret, ShopifySettings
from sync.shopify.bulk import run_bulk_query, start_bulk_query
from sync.shopify.client import ShopifyClient, load_document

QUERY = "{ products { edges { node { id handle } } } }"


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


@pytest.fixture
def client(shopify_fake, shopify_clock) -> ShopifyClient:
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(shopify_fake.token),
                               admin_url=shopify_fake.base_url)
    return ShopifyClient(settings, clock=shopify_clock)


def _started(fake) -> list:
    return [c for c in fake.calls if "bulkOperationRunQuery" in c.root_fields
            and c.outcome in ("ok", "lost")]


def test_a_bulk_query_whose_answer_was_lost_is_adopted_not_resent(client, shopify_fake):
    # given Shopify starts the operation but the answer never arrives
    shopify_fake.fail_next("lost_response")
    # when
    url = run_bulk_query(client, QUERY)
    # then one operation exists, the client found it and read its file
    assert len(shopify_fake.state.bulk_operations) == 1
    assert len(_started(shopify_fake)) == 1
    assert shopify_fake.calls.touching("bulkOperations")
    assert url == next(iter(shopify_fake.state.bulk_operations.values()))["url"]


def test_a_bulk_query_that_never_arrived_is_sent_again_after_looking(client, shopify_fake):
    # given the first send times out before Shopify sees it
    shopify_fake.fail_next("read_timeout")
    # when
    operation = start_bulk_query(client, QUERY)
    # then Shopify was asked first, then it was sent once more: one operation
    roots = [c.root_fields[0] for c in shopify_fake.calls if c.root_fields]
    assert roots == ["bulkOperations", "bulkOperationRunQuery"]
    assert len(shopify_fake.state.bulk_operations) == 1
    assert operation["id"] in shopify_fake.state.bulk_operations


def test_an_operation_of_another_query_is_not_adopted(client, shopify_fake):
    # given another bulk query already running, and our answer lost
    other = start_bulk_query(client, "{ collections { edges { node { id } } } }")
    shopify_fake.fail_next("lost_response")
    # when
    ours = start_bulk_query(client, QUERY)
    # then
    assert ours["id"] != other["id"]
    assert len(shopify_fake.state.bulk_operations) == 2


def test_bulk_catalog_document_is_built_from_the_paged_fragments(shopify_schema):
    from tests.fakes.shopify.schema import assert_valid

    # given
    bulk = load_document("catalog_bulk_products")
    paged = load_document("catalog_products")
    # then both carry the one product and variant definition, and the bulk one is valid
    for fragment in ("fragment CatalogProductFields on Product", "fragment CatalogVariant"):
        assert fragment in bulk and fragment in paged
    assert "$" not in graphql.print_ast(graphql.parse(bulk))  # a bulk query takes no variables
    assert_valid(bulk, name="catalog_bulk_products.graphql")
