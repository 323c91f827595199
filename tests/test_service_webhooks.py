"""``hubshop webhooks subscribe``: idempotent webhookSubscriptionCreate, on the Shopify fake."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner

from sync.cli.webhooks import webhooks
from sync.config import Secret, ShopifySettings
from sync.service.settings import WEBHOOK_TOPICS
from sync.shopify.client import QUERIES_DIR, ShopifyClient
from sync.shopify.webhooks import enum_topic, rest_topic, subscribe
from tests.fakes.shopify.schema import assert_valid

ADDRESS = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/webhooks/shopify"


@pytest.fixture
def client(shopify_fake: Any, shopify_clock: Any) -> ShopifyClient:
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(shopify_fake.token),
                               admin_url=shopify_fake.base_url)
    return ShopifyClient(settings, clock=shopify_clock)


def test_the_webhook_documents_are_valid_2026_04(shopify_schema: Any) -> None:
    for path in sorted(QUERIES_DIR.glob("webhook_*.graphql")):
        assert_valid(path.read_text(encoding="utf-8"), name=path.name)


def test_topics_map_to_the_graphql_enum_and_back() -> None:
    assert enum_topic("inventory_levels/update") == "INVENTORY_LEVELS_UPDATE"
    assert all(rest_topic(enum_topic(t)) == t for t in WEBHOOK_TOPICS)


def test_subscribing_twice_creates_each_subscription_once(
    client: ShopifyClient, shopify_fake: Any
) -> None:
    # given a shop with no subscriptions
    # when the service's topics are subscribed, twice
    first = subscribe(client, ADDRESS, WEBHOOK_TOPICS)
    second = subscribe(client, ADDRESS, WEBHOOK_TOPICS)
    # then the first run created all eight and the second none
    assert first.created == list(WEBHOOK_TOPICS) and first.existing == []
    assert second.created == [] and second.existing == list(WEBHOOK_TOPICS)
    stored = shopify_fake.state.webhooks.values()
    assert sorted(w["topic"] for w in stored) == sorted(enum_topic(t) for t in WEBHOOK_TOPICS)
    assert {w["uri"] for w in stored} == {ADDRESS}
    assert len(shopify_fake.calls.named("WebhookSubscriptionCreate")) == 8


def test_a_dry_run_creates_nothing(client: ShopifyClient, shopify_fake: Any) -> None:
    subscribe(client, ADDRESS, WEBHOOK_TOPICS[:3])
    report = subscribe(client, ADDRESS, WEBHOOK_TOPICS, dry_run=True)
    assert report.existing == list(WEBHOOK_TOPICS[:3])
    assert report.as_dict()["topics"]["would_create"] == list(WEBHOOK_TOPICS[3:])
    assert report.as_dict()["would_create"] == len(WEBHOOK_TOPICS) - 3
    assert len(shopify_fake.state.webhooks) == 3


def test_a_plain_http_address_is_refused_before_calling_shopify(client: ShopifyClient) -> None:
    from sync.errors import InputError

    with pytest.raises(InputError, match="--address"):
        subscribe(client, "http://example.com/hook", WEBHOOK_TOPICS)
    assert client.stats.calls == 0


def test_the_command_prints_json_and_needs_shopify(
    shopify_fake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sync.cli import main

    runner = CliRunner()
    # without credentials: a clear error
    result = runner.invoke(main, ["webhooks", "subscribe", "--address", ADDRESS])
    assert result.exit_code != 0 and "SHOPIFY_STORE" in result.output
    # with the fake's: one JSON object
    monkeypatch.setenv("SHOPIFY_STORE", "fernhill-demo.myshopify.com")
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", shopify_fake.token)
    monkeypatch.setenv("SHOPIFY_ADMIN_URL", shopify_fake.base_url)
    result = runner.invoke(main, ["webhooks", "subscribe", "--address", ADDRESS, "--json",
                                  "--dry-run"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["topics"]["would_create"] == list(WEBHOOK_TOPICS)
    assert data["would_create"] == len(WEBHOOK_TOPICS) and data["dry_run"] is True
    assert webhooks.commands["subscribe"].help
