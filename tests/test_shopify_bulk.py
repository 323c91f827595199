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


CHILDREN = {"ProductVariant": "variants", "MediaImage": "media"}


def _product(n: int) -> dict:
    return {"id": f"gid://shopify/Product/{n}", "handle": f"p{n}"}


def _child(kind: str, n: int, parent: int) -> dict:
    return {"id": f"gid://shopify/{kind}/{n}", "__parentId": f"gid://shopify/Product/{parent}"}


def _shape(roots: list[dict]) -> list[tuple]:
    return [(r["handle"], [v["id"].rsplit("/", 1)[1] for v in r["variants"]["nodes"]],
             [m["id"].rsplit("/", 1)[1] for m in r["media"]["nodes"]]) for r in roots]


@pytest.mark.parametrize("lines", [
    # grouped: children directly below their parent, connections interleaved
    [_product(1), _child("MediaImage", 11, 1), _child("ProductVariant", 12, 1),
     _child("MediaImage", 13, 1), _product(2), _child("ProductVariant", 21, 2)],
    # children before their parent
    [_child("MediaImage", 11, 1), _child("ProductVariant", 12, 1), _child("ProductVariant", 21, 2),
     _child("MediaImage", 13, 1), _product(1), _product(2)],
    # after their parent but not below it, and among another product's lines
    [_product(1), _product(2), _child("MediaImage", 11, 1), _child("ProductVariant", 21, 2),
     _child("ProductVariant", 12, 1), _child("MediaImage", 13, 1)],
    # some before, some after
    [_child("MediaImage", 11, 1), _product(2), _child("ProductVariant", 12, 1), _product(1),
     _child("ProductVariant", 21, 2), _child("MediaImage", 13, 1)],
], ids=["grouped", "children-first", "roots-first", "interleaved"])
def test_children_are_attached_to_their_parent_whatever_the_line_order(lines):
    from sync.shopify.bulk import nest

    # when
    roots = list(nest([dict(line) for line in lines], CHILDREN))
    # then each child is under its parent, in the order of its lines; roots in their order
    shape = {handle: (variants, media) for handle, variants, media in _shape(roots)}
    assert shape == {"p1": (["12"], ["11", "13"]), "p2": (["21"], [])}
    assert [r["handle"] for r in roots] == [line["handle"] for line in lines if "handle" in line]
    assert all("__parentId" not in m for r in roots for m in r["media"]["nodes"])


def test_children_of_types_not_asked_for_are_dropped():
    from sync.shopify.bulk import nest

    # given a video and a 3D model among a product's media
    lines = [_product(1), _child("Video", 9, 1), _child("MediaImage", 11, 1),
             _child("Model3d", 8, 1), {"__parentId": "gid://shopify/Product/1"}]
    # when
    roots = list(nest(lines, CHILDREN))
    # then
    assert _shape(roots) == [("p1", [], ["11"])]


def test_a_child_whose_parent_is_not_in_the_file_is_named():
    from sync.errors import RemoteError
    from sync.shopify.bulk import nest

    # given
    lines = [_product(1), _child("MediaImage", 11, 7)]
    # when
    with pytest.raises(RemoteError) as failure:
        list(nest(lines, CHILDREN))
    # then
    assert "gid://shopify/MediaImage/11" in str(failure.value)
    assert "gid://shopify/Product/7" in str(failure.value)
