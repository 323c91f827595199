"""The Shopify transport: cost estimates, pacing from throttleStatus, retries, clear errors."""

from __future__ import annotations

import json
import logging

import pytest
import responses

from sync.config import Secret, ShopifySettings
from sync.errors import ConfigError
from sync.plumbing.clock import VirtualClock
from sync.shopify.client import ShopifyClient, ShopifyUserErrors
from sync.shopify.cost import estimate_cost, largest_page

URL = "https://brand.myshopify.com/admin/api/2026-04/graphql.json"
SETTINGS = ShopifySettings(store="brand.myshopify.com", access_token=Secret("shpat_secret"))
QUERY = "query Shop { shop { name } }"


def _answer(data=None, errors=None, available=1990.0, requested=1):
    body = {
        "extensions": {
            "cost": {
                "requestedQueryCost": requested,
                "actualQueryCost": requested,
                "throttleStatus": {
                    "maximumAvailable": 2000.0,
                    "currentlyAvailable": available,
                    "restoreRate": 100.0,
                },
            }
        }
    }
    if data is not None:
        body["data"] = data
    if errors is not None:
        body["errors"] = errors
    return body


def test_cost_follows_shopify_rules() -> None:
    doc = """query P($first: Int!) { products(first: $first) { nodes { id title
        variants(first: 10) { nodes { id sku } } } pageInfo { hasNextPage endCursor } } }"""
    # a product node costs 1 plus its variants connection: 2 + 10 variant nodes of 1 each
    assert estimate_cost(doc, {"first": 5}) == 2 + 5 * (1 + (2 + 10 * 1))
    assert estimate_cost("mutation { a: shop { name } }") == 10
    # a mutation field costs 10, plus its payload selection under the same rules
    assert estimate_cost("mutation { productSet(input: {}) { product { id } userErrors"
                         " { field } } }") == 10 + 1 + 1
    assert 1 <= largest_page(doc) <= 250


@responses.activate
def test_execute_sends_token_and_returns_data() -> None:
    responses.add(responses.POST, URL, json=_answer({"shop": {"name": "Fernhill"}}))
    client = ShopifyClient(SETTINGS, clock=VirtualClock())
    assert client.execute(QUERY) == {"shop": {"name": "Fernhill"}}
    sent = responses.calls[0].request
    assert sent.headers["X-Shopify-Access-Token"] == "shpat_secret"
    assert json.loads(sent.body)["query"] == QUERY
    assert client.stats.calls == 1 and client.stats.by_operation == {"Shop": 1}


@responses.activate
def test_throttled_waits_for_points_then_succeeds_without_real_sleep() -> None:
    clock = VirtualClock()
    throttled = _answer(errors=[{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                        available=0.0, requested=0)
    responses.add(responses.POST, URL, json=throttled)
    responses.add(responses.POST, URL, json=_answer({"shop": {"name": "ok"}}))
    client = ShopifyClient(SETTINGS, clock=clock)
    assert client.execute(QUERY) == {"shop": {"name": "ok"}}
    assert client.stats.throttled == 1 and client.stats.calls == 2
    assert clock.slept > 0


@responses.activate
def test_429_and_5xx_are_retried_with_retry_after() -> None:
    clock = VirtualClock()
    responses.add(responses.POST, URL, status=429, headers={"Retry-After": "2"})
    responses.add(responses.POST, URL, status=502)
    responses.add(responses.POST, URL, json=_answer({"shop": {"name": "ok"}}))
    client = ShopifyClient(SETTINGS, clock=clock)
    assert client.execute(QUERY)["shop"]["name"] == "ok"
    assert clock.slept >= 2


@responses.activate
def test_access_denied_names_the_scope_and_hides_the_token() -> None:
    denied = _answer(errors=[{
        "message": "Access denied for products field. "
        "Required access: `read_products` access scope.",
        "extensions": {"code": "ACCESS_DENIED"},
    }])
    responses.add(responses.POST, URL, json=denied)
    with pytest.raises(ConfigError, match="read_products") as caught:
        ShopifyClient(SETTINGS, clock=VirtualClock()).execute(QUERY)
    assert "shpat_secret" not in str(caught.value)


@responses.activate
def test_user_errors_are_shown_whole() -> None:
    payload = {"productSet": {"product": None, "userErrors": [
        {"field": ["input", "title"], "message": "Title can't be blank", "code": "BLANK"},
        {"field": ["input", "variants", "0", "price"], "message": "Price is invalid", "code": None},
    ]}}
    responses.add(responses.POST, URL, json=_answer(payload))
    client = ShopifyClient(SETTINGS, clock=VirtualClock())
    with pytest.raises(ShopifyUserErrors) as caught:
        client.mutate("mutation M { productSet { userErrors { field } } }", root="productSet")
    text = str(caught.value)
    assert "input.title: Title can't be blank [BLANK]" in text
    assert "input.variants.0.price: Price is invalid" in text


@responses.activate
def test_deprecation_header_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    for _ in range(2):
        responses.add(responses.POST, URL, json=_answer({"shop": {"name": "x"}}),
                      headers={"X-Shopify-API-Deprecated-Reason": "https://shopify.dev/changelog"})
    client = ShopifyClient(SETTINGS, clock=VirtualClock())
    with caplog.at_level(logging.WARNING):
        client.execute(QUERY)
        client.execute(QUERY)
    assert sum("deprecated" in r.getMessage() for r in caplog.records) == 1


def test_unconfigured_client_names_missing_settings() -> None:
    with pytest.raises(ConfigError, match="SHOPIFY_STORE"):
        ShopifyClient(ShopifySettings())


PAGE = """query P($first: Int!) { products(first: $first) { nodes { id
    variants(first: 10) { nodes { id } } } pageInfo { hasNextPage } } }"""


def test_a_list_taking_first_is_priced_with_its_nested_connections() -> None:
    # given Order.fulfillments, a plain list, holding a connection
    doc = """query O { order(id: "gid://shopify/Order/1") { fulfillments(first: 5) { id
        fulfillmentLineItems(first: 10) { nodes { quantity lineItem { id } } } } } }"""
    # then each of the 5 fulfilments costs 1 plus its line items: 2 + 10 × (1 + 1)
    assert estimate_cost(doc) == 1 + 2 + 5 * (1 + 2 + 10 * 2)


@responses.activate
def test_max_cost_exceeded_shrinks_the_page_by_the_reported_ratio_and_retries() -> None:
    # given a shop pricing the page at twice the published rules
    client = ShopifyClient(SETTINGS, clock=VirtualClock())
    estimate = estimate_cost(PAGE, {"first": 80})
    refused = _answer(errors=[{"message": f"Query cost is {2 * estimate}, which exceeds the"
                               " single query max cost limit (1000).",
                               "extensions": {"code": "MAX_COST_EXCEEDED",
                                              "cost": 2 * estimate, "maxCost": 1000}}],
                      requested=2 * estimate)
    responses.add(responses.POST, URL, json=refused)
    responses.add(responses.POST, URL, json=_answer({"products": {"nodes": []}}, requested=990))
    # when
    data = client.execute(PAGE, {"first": 80}, page="first")
    # then the page was shrunk to fit 1,000 points at the reported price, and learned
    assert data == {"products": {"nodes": []}}
    sent = json.loads(responses.calls[1].request.body)["variables"]["first"]
    assert 2 * estimate_cost(PAGE, {"first": sent}) <= 1000 < 2 * estimate_cost(
        PAGE, {"first": sent + 1})
    assert client.stats.shrunk == 1
    assert client.page_size(PAGE) < largest_page(PAGE)


@responses.activate
def test_pages_are_sized_from_what_shopify_reported() -> None:
    # given a shop charging a tenth of the published rules
    client = ShopifyClient(SETTINGS, clock=VirtualClock())
    first = client.page_size(PAGE)
    responses.add(responses.POST, URL, json=_answer(
        {"products": {"nodes": []}}, requested=estimate_cost(PAGE, {"first": first}) // 10))
    # when
    client.execute(PAGE, page="first")
    # then the next page is as large as Shopify allows (250), and the ratio is reported
    assert client.page_size(PAGE) == 250
    assert client.calibration.summary() == {"P": pytest.approx(0.1, abs=0.01)}


@responses.activate
def test_max_cost_without_a_page_to_shrink_is_a_typed_error_with_the_cost() -> None:
    from sync.shopify.client import QueryCostExceeded

    responses.add(responses.POST, URL, json=_answer(errors=[{
        "message": "Query cost is 1204, which exceeds the single query max cost limit (1000).",
        "extensions": {"code": "MAX_COST_EXCEEDED"}}]))
    with pytest.raises(QueryCostExceeded) as refused:
        ShopifyClient(SETTINGS, clock=VirtualClock()).execute(QUERY)
    assert refused.value.cost == 1204 and refused.value.limit == 1000


@responses.activate
def test_throttled_waits_for_the_cost_shopify_reported_not_the_estimate() -> None:
    # given a query we estimate at 1 point that Shopify charges 600 for
    clock = VirtualClock()
    throttled = _answer(errors=[{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
                        available=100.0, requested=600)
    responses.add(responses.POST, URL, json=throttled)
    responses.add(responses.POST, URL, json=_answer({"shop": {"name": "ok"}}, requested=600))
    client = ShopifyClient(SETTINGS, clock=clock)
    # when
    client.execute(QUERY)
    # then it waited for 500 points at 100/s, once
    assert client.stats.throttled == 1 and 5.0 <= clock.slept <= 5.1
