"""The HTTP Lambda handler on recorded API Gateway events, with moto's SQS and Secrets Manager."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.service import http_handler
from sync.service.signatures import sign
from tests.test_service_world import (
    PUSH_KEY,
    WEBHOOK_SECRET,
    LambdaContext,
    World,
    event,
    make_world,
)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(http_handler, "WIRING", world.wiring)

    def invoke(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        response = http_handler.handler(request, LambdaContext())
        return response["statusCode"], json.loads(response["body"])

    return invoke


def test_a_signed_order_webhook_is_queued_without_personal_data(call: Any, world: World) -> None:
    # given a recorded orders/create delivery signed with the app's secret
    request = event("apigw_webhook_orders_create")
    # when the handler receives it
    status, body = call(request)
    # then it answers 200 and one message waits on the queue, with no personal data
    assert status == 200 and body == {"queued": "orders/create"}
    [message] = world.queued()
    assert message["kind"] == "webhook" and message["topic"] == "orders/create"
    assert message["webhook_id"] == "b54557e4-bdd9-4b37-8a5f-bf7d70bcd043"
    text = json.dumps(message)
    for personal in ("jon@example.com", "Snow", "Castle Black", "7946", "203.0.113.7",
                     "Happy birthday"):
        assert personal not in text
    assert message["payload"]["line_items"][0] == {
        "id": 866550311766439020, "admin_graphql_api_id": "gid://shopify/LineItem/866550311766439020",
        "variant_id": 808950810, "sku": "TEE-M", "quantity": 2, "fulfillable_quantity": 2,
        "fulfillment_status": None}


def test_a_bad_signature_gets_401_and_nothing_is_read_or_queued(call: Any, world: World) -> None:
    # given a delivery whose body is not even JSON, signed with the wrong secret
    request = event("apigw_webhook_orders_create")
    request["body"] = "{not json"
    request["headers"]["x-shopify-hmac-sha256"] = sign(b"{not json", "wrong-secret")
    # when / then: 401 (not 400: the body was never parsed), and the queue is empty
    status, body = call(request)
    assert status == 401 and "signature" in body["error"]
    assert world.queued() == []


def test_deliveries_signed_with_the_previous_secret_pass_after_a_rotation(
    call: Any, world: World
) -> None:
    # given the app's secret rotated in Secrets Manager (the old one is now AWSPREVIOUS)
    world.secrets.put_secret_value(SecretId="hubshop/shopify-webhook",
                                   SecretString=json.dumps({"webhook_secret": "rotated-secret"}))
    # when Shopify still signs with the old secret, and then with the new one
    old_status, _ = call(event("apigw_webhook_inventory_levels_update"))
    request = event("apigw_webhook_inventory_levels_update")
    request["headers"]["x-shopify-hmac-sha256"] = sign(request["body"].encode(), "rotated-secret")
    new_status, _ = call(request)
    # then both are accepted
    assert (old_status, new_status) == (200, 200)
    assert len(world.queued()) == 2


def test_a_base64_encoded_product_webhook_is_verified_on_the_raw_bytes(
    call: Any, world: World
) -> None:
    request = event("apigw_webhook_products_update")
    assert request["isBase64Encoded"]
    status, _ = call(request)
    assert status == 200
    [message] = world.queued()
    assert message["payload"]["admin_graphql_api_id"] == "gid://shopify/Product/7580000000001"


def test_an_unsubscribed_topic_is_acknowledged_and_ignored(call: Any, world: World) -> None:
    request = event("apigw_webhook_inventory_levels_update")
    request["headers"]["x-shopify-topic"] = "customers/create"
    status, body = call(request)
    assert status == 200 and body == {"ignored": "customers/create"}
    assert world.queued() == []


def test_a_stock_push_is_checked_line_by_line_and_the_good_lines_queued(
    call: Any, world: World
) -> None:
    # given a push with two good lines and five bad ones (negative, non-integer, unmapped
    # location, over the ceiling; the unknown SKU is only found by the consumer)
    status, body = call(event("apigw_stock_push"))
    # then 202, each bad line named with its reason, the good ones on the queue
    assert status == 202
    reasons = {(r["where"], r["sku"]): r["reason"] for r in body["rejected"]}
    assert "negative" in reasons[("body[2]", "TEE-M")]
    assert "whole number" in reasons[("body[3]", "TEE-L")]
    assert "location_map" in reasons[("body[5]", "TEE-L")]
    assert "ceiling" in reasons[("body[6]", "TEE-S")]
    assert body["accepted"] == 3  # TEE-S (the first one), MUG-1 and the unknown NOPE-1
    [message] = world.queued()
    assert message["kind"] == "stock"
    assert [(r["sku"], r["where"]) for r in message["records"]] == [
        ("TEE-S", "body[0]"), ("MUG-1", "body[1]"), ("NOPE-1", "body[4]")]


def test_a_push_with_a_wrong_or_missing_key_gets_401(call: Any, world: World) -> None:
    request = event("apigw_stock_push")
    request["headers"]["x-api-key"] = "not-the-key"
    assert call(request)[0] == 401
    del request["headers"]["x-api-key"]
    assert call(request)[0] == 401
    assert world.queued() == []


def test_the_previous_and_pending_keys_work_during_a_key_rotation(
    call: Any, world: World
) -> None:
    # given a new key made CURRENT (the old one becomes PREVIOUS) and a third one PENDING
    world.secrets.put_secret_value(SecretId="hubshop/push-key", SecretString="N" * 40)
    world.secrets.put_secret_value(SecretId="hubshop/push-key", SecretString="P" * 40,
                                   VersionStages=["AWSPENDING"])
    # when the warehouse calls with each of them
    for key in (PUSH_KEY, "N" * 40, "P" * 40):
        request = event("apigw_stock_push")
        request["headers"]["x-api-key"] = key
        # then every one is accepted
        assert call(request)[0] == 202


def test_malformed_bodies_are_refused_with_the_place(call: Any) -> None:
    request = event("apigw_stock_push")
    request["body"] = '{"records": [\n  {"sku": "TEE-S",}\n]}'
    status, body = call(request)
    assert status == 400 and "line 2 column" in body["error"]
    request["body"] = '{"records": "TEE-S"}'
    assert call(request)[0] == 400


def test_a_push_where_every_line_is_bad_gets_422(call: Any, world: World) -> None:
    request = event("apigw_stock_push")
    request["body"] = json.dumps([{"sku": "TEE-S", "location": "WH-MAIN", "on_hand": -1}])
    status, body = call(request)
    assert status == 422 and body["accepted"] == 0 and len(body["rejected"]) == 1
    assert world.queued() == []


def test_on_demand_reconcile_and_health(call: Any, world: World) -> None:
    request = event("apigw_stock_push")
    request["rawPath"] = "/reconcile"
    request["body"] = base64.b64encode(b'{"skus": ["TEE-S"]}').decode()
    request["isBase64Encoded"] = True
    assert call(request) == (202, {"queued": "reconcile", "skus": ["TEE-S"]})
    assert world.queued()[0]["kind"] == "reconcile"
    request["rawPath"], request["requestContext"]["http"]["method"] = "/health", "GET"
    assert call(request) == (200, {"ok": True})
    request["rawPath"] = "/nowhere"
    assert call(request)[0] == 404


def _push(call: Any, request_id: str, on_hand: int) -> tuple[int, dict[str, Any]]:
    request = event("apigw_stock_push")
    request["requestContext"]["requestId"] = request_id
    request["body"] = json.dumps([{"sku": "TEE-S", "location": "WH-MAIN", "on_hand": on_hand}])
    return call(request)


def test_pushes_of_the_same_figures_get_distinct_message_ids(call: Any, world: World) -> None:
    # given two pushes with the same content, as API Gateway hands them (distinct request ids)
    _push(call, "req-1", 5)
    _push(call, "req-2", 5)
    # then their messages are keyed by request and chunk, not by content
    assert [m["id"] for m in world.queued()] == ["stock:req-1:0", "stock:req-2:0"]


def test_a_quantity_string_of_thousands_of_digits_is_named_not_an_error(
    call: Any, world: World
) -> None:
    # given a line whose quantity is a string too long for int() (over 4,300 digits)
    request = event("apigw_stock_push")
    request["body"] = json.dumps([{"sku": "TEE-S", "location": "WH-MAIN", "on_hand": "9" * 5000},
                                  {"sku": "MUG-1", "location": "WH-MAIN", "on_hand": 3}])
    # when / then: refused with the line named (a 400, or that line rejected and the rest
    # accepted, where the record parser judges such lines itself)
    status, answer = call(request)
    text = json.dumps(answer)
    assert status in (400, 202) and "body[0]" in text and "digits" in text, answer
    assert all(r["sku"] == "MUG-1" for m in world.queued() for r in m["records"])


@pytest.mark.parametrize(("body", "reason"), [
    ('[{"sku": "TEE-S", "location": "WH-MAIN", "on_hand": ' + "9" * 5000 + "}]",
     "Exceeds the limit (4300 digits)"),
    ("[" * 100_000 + "]" * 100_000, "nested more than"),
    ('{"records": [{"sku": "TEE-S", "x": ' + "[" * 40 + "]" * 40 + "}]}", "nested more than"),
])
def test_bodies_pythons_json_reader_chokes_on_get_400_with_a_reason(
    call: Any, world: World, body: str, reason: str
) -> None:
    # given a push with an absurdly long number, or nesting no payload needs
    request = event("apigw_stock_push")
    request["body"] = body
    # when / then: 400 saying why, and nothing queued
    status, answer = call(request)
    assert status == 400 and reason in answer["error"], answer
    assert world.queued() == []


def test_a_webhook_nested_absurdly_deep_gets_400(call: Any, world: World) -> None:
    request = event("apigw_webhook_inventory_levels_update")
    request["body"] = "[" * 50_000 + "]" * 50_000
    request["headers"]["x-shopify-hmac-sha256"] = sign(request["body"].encode(), WEBHOOK_SECRET)
    status, answer = call(request)
    assert status == 400 and "nested" in answer["error"]
    assert world.queued() == []


def test_lines_rejected_at_the_edge_are_logged_one_by_one(
    call: Any, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    with caplog.at_level(logging.INFO, logger="sync"):
        call(event("apigw_stock_push"))
    lines = [r for r in caplog.records if getattr(r, "event", None) == "rejected"]
    assert {(r.where, r.stage) for r in lines} >= {("body[2]", "edge"), ("body[6]", "edge")}
