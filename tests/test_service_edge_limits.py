"""The edge keeps its answers and logs small: capped rejection lists, clipped echoed values."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync.service import http_handler
from sync.service.echo import MAX_ECHO_CHARS, MAX_REJECTIONS
from tests.test_service_world import LambdaContext, World, event, make_world


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def call(world: World, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(http_handler, "WIRING", world.wiring)

    def invoke(request: dict[str, Any]) -> tuple[int, dict[str, Any], str]:
        response = http_handler.handler(request, LambdaContext())
        return response["statusCode"], json.loads(response["body"]), response["body"]

    return invoke


def test_a_push_of_many_bad_lines_gets_the_first_hundred_and_a_count(
    call: Any, world: World
) -> None:
    # given a 4 MB push of 40,000 lines, every one negative
    request = event("apigw_stock_push")
    request["body"] = json.dumps([{"sku": f"SKU-{n:06d}", "location": "WH-MAIN", "on_hand": -1}
                                  for n in range(40_000)])
    request["isBase64Encoded"] = False
    assert len(request["body"]) > 2_000_000
    # when it is pushed
    status, body, text = call(request)
    # then the answer names the first hundred and counts them all, in a few KB
    assert status == 422
    assert len(body["rejected"]) == MAX_REJECTIONS and body["rejected_count"] == 40_000
    assert body["rejected"][0]["where"] == "body[0]"
    assert len(text) < 30_000


def test_a_huge_sku_is_clipped_in_the_answer_and_the_logs(
    call: Any, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    # given a line whose SKU is 100 KB long (and whose figure is bad)
    huge = "X" * 100_000
    request = event("apigw_stock_push")
    request["body"] = json.dumps([{"sku": huge, "location": "WH-MAIN", "on_hand": -1}])
    request["isBase64Encoded"] = False
    # when it is pushed
    with caplog.at_level(logging.INFO, logger="sync"):
        status, body, text = call(request)
    # then neither the answer nor any log line carries it whole
    assert status == 422
    echoed = body["rejected"][0]["sku"]
    assert echoed.startswith("X" * MAX_ECHO_CHARS) and "100,000 chars" in echoed
    assert len(text) < 2_000
    assert all(huge not in r.getMessage() and huge not in json.dumps(r.__dict__, default=str)
               for r in caplog.records)


def test_an_unknown_topic_and_path_are_echoed_clipped(call: Any, world: World) -> None:
    request = event("apigw_webhook_inventory_levels_update")
    request["headers"]["x-shopify-topic"] = "t" * 5000
    status, body, _ = call(request)
    assert status == 200 and len(body["ignored"]) < 200
    request = event("apigw_stock_push")
    request["rawPath"] = "/" + "p" * 5000
    status, body, _ = call(request)
    assert status == 404 and len(body["error"]) < 200


def test_concurrent_requests_never_read_each_others_body() -> None:
    # given an edge called from 8 threads at once (serve's pool), each with its own signed body
    from concurrent.futures import ThreadPoolExecutor

    from sync.inventory.policy import Policy
    from sync.service.http_edge import Edge, handle_http
    from sync.service.local_http import api_gateway_event
    from sync.service.signatures import sign

    sent: list[Any] = []
    edge = Edge(check_key=lambda k: False, webhook_secrets=lambda: ["s3cret"],
                send=sent.extend, policy=Policy(), fields={})

    def deliver(n: int) -> int:
        body = json.dumps({"id": n, "admin_graphql_api_id": f"gid://shopify/Product/{n}",
                           "pad": "x" * (n % 50)}).encode()
        return handle_http(api_gateway_event("POST", "/webhooks/shopify", {
            "x-shopify-hmac-sha256": sign(body, "s3cret"), "x-shopify-topic": "products/update",
            "x-shopify-webhook-id": f"w-{n}"}, body), edge)["statusCode"]

    # when 2,000 deliveries race
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(deliver, range(2000)))
    # then every one verified against its own body, and each queued its own payload
    assert statuses == [200] * 2000
    assert sorted(m.payload["id"] for m in sent) == list(range(2000))
    assert all(m.webhook_id == f"w-{m.payload['id']}" for m in sent)
