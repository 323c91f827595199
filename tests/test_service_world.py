"""A moto-backed AWS world for the service tests: tables, queues, secrets, a local shop."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from sync import env_names as E
from sync.local.db import connect
from sync.local.inventory import LocalInventory
from sync.local.shop import LocalShop
from sync.plumbing.clock import VirtualClock
from sync.service.aws import AwsWiring
from sync.service.secrets import SecretReader, staged_provider
from tests.fakes.shopify.fixtures import seed_shop

EVENTS = Path(__file__).with_name("events")
REGION = "eu-west-1"
PUSH_KEY = "k" * 20 + "0123456789abcdefghij"  # 40 letters and digits
WEBHOOK_SECRET = "test-webhook-secret"  # the contracts README's test vector secret
WAREHOUSE_KEY = "wms-key-from-secrets-manager"
TOML = """
[inventory]
location_map = {{ "WH-MAIN" = "Main Warehouse" }}
quantity_ceiling = 1000

[warehouse]
kind = "csv"
feed = "{feed}"
fields = {{ sku = "sku", location = "location", on_hand = "on_hand", allocated = "allocated" }}
"""
FEED = "sku,location,on_hand,allocated\nTEE-S,WH-MAIN,9,0\nTEE-M,WH-MAIN,5,0\n" \
       "TEE-L,WH-MAIN,5,0\nMUG-1,WH-MAIN,3,1\n"


def event(name: str) -> dict[str, Any]:
    """A recorded event from tests/events/."""
    return json.loads((EVENTS / f"{name}.json").read_text(encoding="utf-8"))


class LocalShopWiring(AwsWiring):
    """The real AWS wiring, with Shopify played by a local shop (no Shopify fake needed)."""

    shop: LocalShop

    def _store(self, settings: Any) -> LocalInventory:
        return LocalInventory(self.shop)


@dataclass
class World:
    """Everything a service test touches."""

    wiring: LocalShopWiring
    shop: LocalShop
    clock: VirtualClock
    dynamodb: Any
    sqs: Any
    secrets: Any
    queue_url: str
    dlq_url: str
    root: Path

    def queued(self) -> list[dict[str, Any]]:
        """Every message on the events queue (read and deleted)."""
        found: list[dict[str, Any]] = []
        while True:
            answer = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = answer.get("Messages", [])
            if not messages:
                return found
            for message in messages:
                found.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url,
                                        ReceiptHandle=message["ReceiptHandle"])

    def deliver(self, topic: str, payload: dict[str, Any], webhook_id: str) -> dict[str, Any]:
        """Send a webhook through the HTTP handler as Shopify would (signed, API Gateway v2)."""
        from sync.service import http_handler
        from sync.service.signatures import sign

        request = event("apigw_webhook_inventory_levels_update")
        body = json.dumps(payload)
        request["body"] = body
        request["headers"].update({"x-shopify-topic": topic, "x-shopify-webhook-id": webhook_id,
                                   "x-shopify-hmac-sha256": sign(body.encode(), WEBHOOK_SECRET)})
        saved, http_handler.WIRING = http_handler.WIRING, self.wiring
        try:
            return http_handler.handler(request, LambdaContext())
        finally:
            http_handler.WIRING = saved

    def sqs_event(self) -> dict[str, Any]:
        """What Lambda's SQS poller would hand the consumer for the queued messages."""
        records = []
        for number, message in enumerate(self.queued()):
            records.append({
                "messageId": f"m-{number}", "receiptHandle": f"r-{number}",
                "body": json.dumps(message), "attributes": {"ApproximateReceiveCount": "1"},
                "messageAttributes": {}, "eventSource": "aws:sqs", "awsRegion": REGION,
                "eventSourceARN": f"arn:aws:sqs:{REGION}:123456789012:hubshop-events"})
        return {"Records": records}

    def level(self, sku: str) -> int:
        item = self.wiring._store(None).items_by_sku([sku])[sku].inventory_item_id
        return next(x.available for x in self.shop.levels() if x.inventory_item_id == item)


def create_tables(client: Any) -> tuple[str, str]:
    """The state table and Powertools' idempotency table, as template.yaml declares them."""
    client.create_table(
        TableName="hubshop-state", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}])
    client.create_table(
        TableName="hubshop-idempotency", BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
    return "hubshop-state", "hubshop-idempotency"


def moto_aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Fake credentials and every AWS call answered by moto (use with ``yield from``)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_SESSION_TOKEN", "testing"), ("AWS_DEFAULT_REGION", REGION)):
        monkeypatch.setenv(name, value)
    with mock_aws():
        yield


def make_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    """Tables, the events queue with its DLQ, the two secrets, a seeded shop and a CSV feed.

    A test file's ``world`` fixture is ``yield from make_world(tmp_path, monkeypatch)``.
    """
    for _ in moto_aws(monkeypatch):
        yield from _world(tmp_path)


_CLIENTS: dict[str, Any] = {}


def aws_client(service: str) -> Any:
    """A boto3 client made once per test session (a client takes ~50 ms to make).

    moto intercepts every client while a mock is active and resets its state
    when the mock stops, so one client serves every test's fresh world.
    """
    if service not in _CLIENTS:
        _CLIENTS[service] = boto3.client(service, region_name=REGION)
    return _CLIENTS[service]


def _world(tmp_path: Path) -> Iterator[World]:
    clock = VirtualClock()
    dynamodb, sqs, secrets = aws_client("dynamodb"), aws_client("sqs"), aws_client("secretsmanager")
    state_table, idempotency_table = create_tables(dynamodb)
    dlq_url = sqs.create_queue(QueueName="hubshop-events-dlq")["QueueUrl"]
    queue_url = sqs.create_queue(QueueName="hubshop-events")["QueueUrl"]
    push = secrets.create_secret(Name="hubshop/push-key", SecretString=PUSH_KEY)["ARN"]
    shopify = secrets.create_secret(
        Name="hubshop/shopify",
        SecretString=json.dumps({"client_secret": WEBHOOK_SECRET, "client_id": "app"}))["ARN"]
    webhook = secrets.create_secret(  # only what verifies signatures: the HTTP edge's secret
        Name="hubshop/shopify-webhook",
        SecretString=json.dumps({"webhook_secret": WEBHOOK_SECRET}))["ARN"]
    warehouse = secrets.create_secret(Name="hubshop/warehouse",
                                      SecretString=json.dumps({"api_key": WAREHOUSE_KEY}))["ARN"]
    feed = tmp_path / "feed.csv"
    feed.write_text(FEED, encoding="utf-8")
    (tmp_path / "hubshop.toml").write_text(TOML.format(feed=feed), encoding="utf-8")
    environ = {
        E.STATE_TABLE: state_table, E.IDEMPOTENCY_TABLE: idempotency_table,
        E.EVENTS_QUEUE_URL: queue_url, E.DEAD_LETTER_QUEUE_URL: dlq_url,
        E.PUSH_KEY_SECRET: push, E.SHOPIFY_SECRET: shopify, E.WAREHOUSE_SECRET: warehouse,
        E.WEBHOOK_SECRET: webhook,
        "LAMBDA_TASK_ROOT": str(tmp_path), "HUBSHOP_HOME": str(tmp_path / "home"),
        "AWS_DEFAULT_REGION": REGION,
    }
    reader = SecretReader(staged_provider(boto3_client=secrets), max_age=0)
    wiring = LocalShopWiring(environ, secrets=reader, dynamodb=dynamodb, sqs=sqs, clock=clock)
    conn = connect(":memory:")
    shop = LocalShop(conn, clock)
    seed_shop(shop)
    wiring.shop = shop
    yield World(wiring, shop, clock, dynamodb, sqs, secrets, queue_url, dlq_url, tmp_path)
    conn.close()


class LambdaContext:
    """What Powertools reads from a Lambda context object."""

    function_name = "hubshop-test"
    memory_limit_in_mb = 512
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:hubshop-test"
    aws_request_id = "11111111-2222-3333-4444-555555555555"

    def get_remaining_time_in_millis(self) -> int:
        return 60_000
