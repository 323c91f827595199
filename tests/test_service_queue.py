"""The SQS consumer: partial batch failures, Powertools idempotency, webhooks to reconcile."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.service import consumer, queue_handler, work
from sync.service.messages import ReconcileMessage
from tests.test_service_world import (
    LambdaContext,
    World,
    event,
    make_world,
)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def consume(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(queue_handler, "WIRING", world.wiring)
    return lambda batch: queue_handler.handler(batch, LambdaContext())


def test_a_bad_message_fails_alone_and_the_rest_are_processed(
    consume: Any, world: World
) -> None:
    # given a recorded batch: a stock record, a products/update webhook, and a message of
    # a kind this service never makes
    batch = event("sqs_events_batch")
    # when the consumer runs
    response = consume(batch)
    # then only the bad message is reported failed (SQS retries it, then dead-letters it)
    assert response == {"batchItemFailures": [
        {"itemIdentifier": "c80e8021-a70a-42c7-a470-796e1186f753"}]}
    # and the good ones took effect: stock written, product marked for the site function
    assert world.level("TEE-S") == 7
    state = world.wiring.runtime().state
    # (TEE-S's product, whose total moved, and the product of the products/update webhook)
    assert sorted(state.take_products()) == ["gid://shopify/Product/7000000000001",
                                             "gid://shopify/Product/7580000000001"]


def test_a_redelivered_message_is_not_processed_twice(
    consume: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a batch processed once
    batch = event("sqs_events_batch")
    consume(batch)
    calls: list[str] = []
    real = consumer.decode  # what runs for each message the idempotency table does not answer
    monkeypatch.setattr(consumer, "decode", lambda m: calls.append(m["id"]) or real(m))
    # when SQS delivers the same messages again (at-least-once)
    response = consume(batch)
    # then Powertools' idempotency answers the two that succeeded from its table
    assert calls == ["bogus:1"]
    assert len(response["batchItemFailures"]) == 1
    stored = world.dynamodb.scan(TableName="hubshop-idempotency")["Items"]
    assert len(stored) == 2


def test_orders_through_the_whole_pipe_are_never_lost(consume: Any, world: World) -> None:
    # given Shopify and the warehouse in step after a nightly reconcile
    runtime = world.wiring.runtime()
    work.process(ReconcileMessage("reconcile:test"), runtime)
    assert world.level("TEE-M") == 5
    # when a shopper orders two TEE-M and Shopify's webhook goes through HTTP, SQS, consumer
    world.shop.place_order([("TEE-M", 2)])
    for shop_event in world.shop.events(topic="orders/create"):
        assert world.deliver(shop_event.topic, shop_event.payload,
                             shop_event.webhook_id)["statusCode"] == 200
    response = consume(world.sqs_event())
    # then nothing failed, and the order's two units stay sold (available 3, not 5)
    assert response == {"batchItemFailures": []}
    assert world.level("TEE-M") == 3
    # and a further reconcile writes nothing
    again = work.process(ReconcileMessage("reconcile:again"), world.wiring.runtime())
    assert again["written"] == 0


def test_a_duplicated_webhook_is_noted_once(consume: Any, world: World) -> None:
    # given the same inventory_levels/update delivered twice with the same webhook id
    for _ in range(2):
        world.deliver("inventory_levels/update", {"inventory_item_id": 44000000000001,
                                                  "location_id": 61000000001, "available": 5},
                      "dup-1")
    batch = world.sqs_event()
    assert len(batch["Records"]) == 2
    # when both arrive in one batch
    response = consume(batch)
    # then both succeed, and the engine remembers the id once
    assert response == {"batchItemFailures": []}
    assert world.wiring.runtime().state.seen("dup-1")


def test_the_real_wiring_writes_through_shopifys_graphql_api(
    world: World, shopify_fake: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the production wiring (no local-shop stand-in): Shopify credentials from the
    # secret, and the Shopify fake answering the Admin GraphQL API
    from sync.service.aws import AwsWiring

    world.secrets.put_secret_value(SecretId="hubshop/shopify", SecretString=json.dumps(
        {"access_token": shopify_fake.token, "client_secret": "test-webhook-secret"}))
    environ = {**world.wiring.environ, "SHOPIFY_STORE": "fernhill-demo.myshopify.com",
               "SHOPIFY_ADMIN_URL": shopify_fake.base_url}
    wiring = AwsWiring(environ, secrets=world.wiring.secrets, dynamodb=world.dynamodb,
                       sqs=world.sqs, clock=world.clock)
    monkeypatch.setattr(queue_handler, "WIRING", wiring)
    # when the recorded batch is consumed
    response = queue_handler.handler(event("sqs_events_batch"), LambdaContext())
    # then the stock line was written with inventorySetQuantities, compare-and-swap and a key
    assert [f["itemIdentifier"] for f in response["batchItemFailures"]] == [
        "c80e8021-a70a-42c7-a470-796e1186f753"]
    [write] = [c for c in shopify_fake.calls if "inventorySetQuantities" in c.root_fields]
    assert write.variables["key"]
    assert all("changeFromQuantity" in q for q in write.variables["input"]["quantities"])
    item = next(v for p in shopify_fake.shop.list_products() for v in p.variants
                if v.sku == "TEE-S").inventory_item_id
    assert [x.available for x in shopify_fake.shop.levels() if x.inventory_item_id == item] == [7]


def test_a_stack_without_a_warehouse_says_what_to_set(world: World, tmp_path: Path) -> None:
    from sync.errors import ConfigError

    bare = tmp_path / "bare"
    bare.mkdir()
    world.wiring.environ["LAMBDA_TASK_ROOT"] = str(bare)
    with pytest.raises(ConfigError, match="WarehouseFeed"):
        world.wiring.runtime()


def test_a_figure_pushed_again_after_another_is_applied_again(
    consume: Any, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the HTTP function in front of the consumer (Powertools idempotency on, 24 h)
    from sync.service import http_handler

    monkeypatch.setattr(http_handler, "WIRING", world.wiring)
    levels = []
    # when the warehouse pushes TEE-S at 5, then 4, then 5 again, each consumed in turn
    for number, on_hand in enumerate((5, 4, 5)):
        request = event("apigw_stock_push")
        request["requestContext"]["requestId"] = f"push-{number}"
        request["body"] = json.dumps([{"sku": "TEE-S", "location": "WH-MAIN",
                                       "on_hand": on_hand, "allocated": 0}])
        assert http_handler.handler(request, LambdaContext())["statusCode"] == 202
        assert consume(world.sqs_event()) == {"batchItemFailures": []}
        levels.append(world.level("TEE-S"))
    # then Shopify follows every push and ends at 5 (a content-keyed id would stop at 4)
    assert levels == [5, 4, 5]


def test_an_unknown_sku_is_rejected_in_the_logs(
    consume: Any, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # given a pushed line for a SKU Shopify does not have
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=json.dumps({
        "kind": "stock", "id": "stock:r-1:0", "source": "push r-1", "records": [
            {"sku": "NOPE-1", "location": "WH-MAIN", "on_hand": 3, "allocated": 0,
             "where": "body[4]"}]}))
    # when the consumer applies it
    import logging

    with caplog.at_level(logging.INFO, logger="sync"):
        consume(world.sqs_event())
    # then one structured line names the line, the SKU and the reason
    [line] = [r for r in caplog.records if getattr(r, "event", None) == "rejected"]
    assert (line.where, line.sku, line.stage) == ("body[4]", "NOPE-1", "stock")
    assert "unknown SKU" in line.reason
