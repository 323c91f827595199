"""The Shopify Admin fake: documents validate, cost and throttling follow Shopify, HTTP works."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.fakes.shopify import API_VERSION, assert_valid, validation_errors
from tests.fakes.shopify.cost import requested_cost
from tests.fakes.shopify.fixtures import *  # noqa: F403 - pytest fixtures

DOCS = Path(__file__).parent / "fixtures" / "shopify"


def doc(name: str) -> str:
    return (DOCS / f"{name}.graphql").read_text()


@pytest.mark.parametrize("path", sorted(DOCS.glob("*.graphql")), ids=lambda p: p.stem)
def test_every_sample_document_validates_against_the_2026_04_schema(shopify_schema, path):
    assert_valid(path.read_text(), name=path.name)


def test_assert_valid_names_the_bad_field_and_its_place(shopify_schema):
    # when
    with pytest.raises(AssertionError) as failure:
        assert_valid("{ shop { name nosuchField } }", name="q.graphql")
    # then
    assert "q.graphql:1:15" in str(failure.value)
    assert "nosuchField" in str(failure.value)
    assert validation_errors("{ shop { name } }") == []


def test_requested_cost_multiplies_nested_connections(shopify_schema):
    # given: 2 + 10 × (product 1 + variants (2 + 5 × (variant 1 + inventoryItem 1)))
    import graphql

    document = graphql.parse(
        "query($n: Int) { products(first: $n) { pageInfo { hasNextPage }"
        " nodes { id title variants(first: 5) { edges { node { id sku inventoryItem { id } } } } }"
        " } }"
    )
    # when
    cost = requested_cost(shopify_schema, document, {"n": 10})
    # then
    assert cost == 2 + 10 * (1 + 2 + 5 * (1 + 1))


def test_mutations_cost_ten_plus_their_selection(shopify_fake):
    # given
    body = shopify_fake.execute(doc("webhook_create"), {"topic": "PRODUCTS_UPDATE",
                                                        "uri": "https://example.com/hooks"})
    # then: 10 + webhookSubscription 1 + userErrors 1
    assert body["extensions"]["cost"]["requestedQueryCost"] == 12


QUERIES = Path(__file__).parent.parent / "sync" / "shopify" / "queries"
MUTATIONS = [p for p in sorted(QUERIES.glob("*.graphql"))
             if re.search(r"^mutation\b", p.read_text(), re.MULTILINE)]


@pytest.mark.parametrize("path", MUTATIONS, ids=lambda p: p.stem)
def test_the_clients_mutation_estimate_agrees_with_the_fake(shopify_schema, path):
    # given one of hubshop's own mutation documents
    import graphql

    from sync.shopify.cost import estimate_cost

    document = graphql.parse(path.read_text())
    variables = {"first": 50}
    # then the pacer's estimate is what the fake (and Shopify's published rules) charge,
    # mutations included: 10 for the field plus its payload selection
    assert estimate_cost(document, variables) == requested_cost(shopify_schema, document,
                                                                variables)


def test_actual_cost_counts_what_came_back_and_refunds_the_rest(shopify_fake):
    # given: three products in the store, 50 asked for
    query = "{ products(first: 50) { nodes { id variants(first: 10) { nodes { id } } } } }"
    # when
    body = shopify_fake.execute(query)
    # then
    cost = body["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 50 * (1 + 2 + 10)
    assert cost["actualQueryCost"] == 2 + (1 + 2 + 3) + (1 + 2 + 1) + (1 + 2 + 1)
    status = cost["throttleStatus"]
    assert status == {"maximumAvailable": 2000.0, "currentlyAvailable": 2000 - 16,
                      "restoreRate": 100.0}
    assert shopify_fake.calls[-1].actual_cost == 16


def test_a_query_over_1000_points_fails_without_running(shopify_fake):
    # when
    body = shopify_fake.execute("{ products(first: 250) { nodes { variants(first: 250)"
                                " { nodes { id } } } } }")
    # then
    assert "data" not in body
    error = body["errors"][0]
    assert error["extensions"]["code"] == "MAX_COST_EXCEEDED"
    assert error["extensions"]["maxCost"] == 1000
    assert body["extensions"]["cost"]["actualQueryCost"] is None
    assert body["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 2000
    assert shopify_fake.calls[-1].outcome == "max_cost"


def test_throttled_when_the_bucket_is_empty_and_recovers_as_time_passes(shopify_fake,
                                                                        shopify_clock):
    # given
    shopify_fake.bucket.drain(to=5)
    query = "{ products(first: 5) { nodes { id } } }"  # costs 7
    # when
    throttled = shopify_fake.execute(query)
    # then
    error = throttled["errors"][0]
    assert error["message"] == "Throttled"
    assert error["extensions"]["code"] == "THROTTLED"
    assert throttled["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"] == 5
    # when: a tenth of a second restores 10 points on Standard
    shopify_clock.advance(0.1)
    recovered = shopify_fake.execute(query)
    # then
    assert "errors" not in recovered
    assert [c.outcome for c in shopify_fake.calls] == ["throttled", "ok"]


@pytest.mark.parametrize(("plan", "maximum", "rate"), [("advanced", 4000, 200),
                                                         ("plus", 20000, 1000),
                                                         ("enterprise", 40000, 2000)])
def test_plan_presets_set_bucket_and_restore_rate(shopify_fake, plan, maximum, rate):
    from tests.fakes.shopify import ShopifyFake

    fake = ShopifyFake(shopify_fake.shop, shopify_fake.clock, plan=plan)
    status = fake.execute(doc("shop"))["extensions"]["cost"]["throttleStatus"]
    assert (status["maximumAvailable"], status["restoreRate"]) == (maximum, rate)


def test_products_paginate_with_cursors_both_ways(shopify_fake):
    # when
    first = shopify_fake.execute(doc("products_page"), {"first": 2})["data"]["products"]
    second = shopify_fake.execute(
        doc("products_page"), {"first": 2, "after": first["pageInfo"]["endCursor"]}
    )["data"]["products"]
    # then
    assert [e["node"]["handle"] for e in first["edges"]] == ["fern-tee", "moss-mug"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert first["pageInfo"]["hasPreviousPage"] is False
    assert [e["node"]["handle"] for e in second["edges"]] == ["gift-card"]
    assert second["pageInfo"] | {"endCursor": None, "startCursor": None} == {
        "hasNextPage": False, "hasPreviousPage": True, "endCursor": None, "startCursor": None}
    # when: backwards from the end
    last = shopify_fake.execute("{ products(last: 1) { nodes { handle }"
                                " pageInfo { hasPreviousPage } } }")["data"]["products"]
    # then
    assert last == {"nodes": [{"handle": "gift-card"}], "pageInfo": {"hasPreviousPage": True}}


def test_products_honour_query_and_updated_at_sort(shopify_fake, shopify_clock):
    # given: the mug changes last
    shopify_clock.advance(60)
    mug = shopify_fake.shop.get_product("moss-mug")
    mug.title = "Moss Mug (large)"
    shopify_fake.shop.upsert_product(mug)
    # when
    by_update = shopify_fake.execute(
        "{ products(first: 5, sortKey: UPDATED_AT) { nodes { handle } } }")["data"]
    filtered = shopify_fake.execute(doc("products_count"), {"query": "tag:kitchen"})["data"]
    # then
    assert [n["handle"] for n in by_update["products"]["nodes"]][-1] == "moss-mug"
    assert filtered["productsCount"] == {"count": 1, "precision": "EXACT"}


def test_connections_need_first_or_last_and_at_most_250(shopify_fake):
    missing = shopify_fake.execute("{ locations { nodes { id } } }")
    too_many = shopify_fake.execute("{ locations(first: 251) { nodes { id } } }")
    assert "one of first or last" in missing["errors"][0]["message"]
    assert "first cannot exceed 250" in too_many["errors"][0]["message"]


def test_lookups_by_handle_sku_and_gid(shopify_fake):
    # when
    product = shopify_fake.execute(doc("product_by_handle"), {"handle": "fern-tee"})["data"]
    variants = shopify_fake.execute(doc("product_variants_by_sku"), {"query": "sku:TEE-M"})
    items = shopify_fake.execute(doc("inventory_items_by_sku"), {"query": "sku:MUG-1"})
    # then
    tee = product["productByIdentifier"]
    assert [v["sku"] for v in tee["variants"]["nodes"]] == ["TEE-S", "TEE-M", "TEE-L"]
    variant = variants["data"]["productVariants"]["nodes"][0]
    assert variant["product"]["handle"] == "fern-tee"
    item = items["data"]["inventoryItems"]["nodes"][0]
    levels = item["inventoryLevels"]["nodes"]
    assert item["variant"]["sku"] == "MUG-1"
    assert levels[0]["location"]["name"] == "Main Warehouse"
    assert {q["name"]: q["quantity"] for q in levels[0]["quantities"]} == {
        "available": 12, "committed": 0, "on_hand": 12, "unavailable": 0}
    # when
    ids = [tee["id"], variant["id"], item["id"], "gid://shopify/Product/1"]
    nodes = shopify_fake.execute(doc("nodes"), {"ids": ids})["data"]["nodes"]
    # then
    assert nodes[0]["handle"] == "fern-tee"
    assert nodes[1]["sku"] == "TEE-M"
    assert nodes[2]["tracked"] is True
    assert nodes[3] is None


def test_shop_payments_and_collections_answer(shopify_fake):
    shop = shopify_fake.execute(doc("shop"))["data"]["shop"]
    payments = shopify_fake.execute(doc("payments"))["data"]["shopifyPaymentsAccount"]
    collections = shopify_fake.execute(doc("collections"), {"first": 5})["data"]
    assert shop["currencyCode"] == "USD"
    assert payments["payoutSchedule"] == {"interval": "DAILY"}
    assert {p["status"] for p in payments["payouts"]["nodes"]} >= {"PAID", "IN_TRANSIT"}
    summer = collections["collections"]["nodes"][0]
    assert [p["handle"] for p in summer["products"]["nodes"]] == ["fern-tee"]


COLLECTION_TIMES = "{ collections(first: 5) { nodes { handle title updatedAt } } }"


def test_a_collection_reports_when_it_changed_not_when_it_was_read(
        shopify_fake, shopify_shop, shopify_clock):
    # given the seeded collection, read once
    before = shopify_fake.execute(COLLECTION_TIMES)["data"]["collections"]["nodes"][0]
    # when an hour passes without a change
    shopify_clock.advance(3600)
    again = shopify_fake.execute(COLLECTION_TIMES)["data"]["collections"]["nodes"][0]
    # then updatedAt stays put, so an incremental sync sees nothing new
    assert again["updatedAt"] == before["updatedAt"]
    # when the collection is renamed, it moves to that moment
    (summer,) = shopify_shop.list_collections()
    summer.title = "Summer Sale"
    shopify_shop.upsert_collection(summer)
    after = shopify_fake.execute(COLLECTION_TIMES)["data"]["collections"]["nodes"][0]
    assert after["title"] == "Summer Sale"
    assert after["updatedAt"] > before["updatedAt"]


def test_real_requests_post_reaches_the_fake_through_responses(shopify_fake):
    # when
    reply = requests.post(
        f"https://fernhill-demo.myshopify.com/admin/api/{API_VERSION}/graphql.json",
        json={"query": doc("locations"), "operationName": "Locations"},
        headers={"X-Shopify-Access-Token": shopify_fake.token},
        timeout=5,
    )
    # then
    assert reply.status_code == 200
    names = [n["name"] for n in reply.json()["data"]["locations"]["nodes"]]
    assert names == ["Main Warehouse", "Shop Floor"]
    assert "throttleStatus" in reply.json()["extensions"]["cost"]
    call = shopify_fake.calls[-1]
    assert (call.operation_name, call.root_fields) == ("Locations", ["locations"])


def test_a_wrong_token_gets_shopifys_401(shopify_fake):
    reply = requests.post(shopify_fake.graphql_url, json={"query": "{ shop { name } }"},
                          headers={"X-Shopify-Access-Token": "shpat_wrong"}, timeout=5)
    assert reply.status_code == 401
    assert reply.json() == {"errors": "[API] Invalid API key or access token (unrecognized"
                                      " login or wrong password)"}


def test_client_credentials_grant_issues_a_token_that_expires(shopify_fake, shopify_clock):
    # when
    grant = requests.post(
        f"{shopify_fake.base_url}/admin/oauth/access_token",
        data={"grant_type": "client_credentials", "client_id": shopify_fake.client_id,
              "client_secret": shopify_fake.client_secret},
        timeout=5,
    ).json()
    token = grant["access_token"]

    def ask() -> int:
        return requests.post(shopify_fake.graphql_url, json={"query": "{ shop { name } }"},
                             headers={"X-Shopify-Access-Token": token}, timeout=5).status_code

    # then
    assert grant["expires_in"] == 86399 and grant["scope"]
    assert ask() == 200
    shopify_clock.advance(86400)
    assert ask() == 401
    refused = requests.post(f"{shopify_fake.base_url}/admin/oauth/access_token",
                            data={"grant_type": "client_credentials", "client_id": "x",
                                  "client_secret": "y"}, timeout=5)
    assert refused.status_code == 401


def test_queued_faults_answer_the_next_calls_in_order(shopify_fake):
    # given
    shopify_fake.fail_next("http", status=429, retry_after=2)
    shopify_fake.fail_next("http", status=503)
    shopify_fake.fail_next("read_timeout")
    shopify_fake.fail_next("connection_error")
    shopify_fake.fail_next("graphql_error", code="INTERNAL_SERVER_ERROR")

    def post() -> requests.Response:
        return requests.post(shopify_fake.graphql_url, json={"query": "{ shop { name } }"},
                             headers={"X-Shopify-Access-Token": shopify_fake.token}, timeout=5)

    # when / then
    limited = post()
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    assert post().status_code == 503
    with pytest.raises(requests.exceptions.ReadTimeout):
        post()
    with pytest.raises(requests.exceptions.ConnectionError):
        post()
    errored = post().json()
    assert errored["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert post().json()["data"]["shop"]["name"]
    assert [c.outcome for c in shopify_fake.calls] == ["fault"] * 4 + ["fault", "ok"]


def test_deprecation_option_adds_shopifys_header(shopify_fake):
    shopify_fake.deprecation = "https://shopify.dev/api/usage/versioning#deprecation-practices"
    reply = requests.post(shopify_fake.graphql_url, json={"query": "{ shop { name } }"},
                          headers={"X-Shopify-Access-Token": shopify_fake.token}, timeout=5)
    assert reply.headers["X-Shopify-API-Deprecated-Reason"].startswith("https://shopify.dev")


def test_invalid_documents_are_refused_with_locations(shopify_fake):
    body = shopify_fake.execute("{ shop { nope } }")
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 10}]
    assert shopify_fake.calls[-1].outcome == "invalid"
