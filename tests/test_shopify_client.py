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
