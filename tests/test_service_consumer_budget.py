"""The consumer's calls share the invocation's remaining time: out of it, messages go back."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import responses

from sync.jobs import inventory as jobs
from sync.service import queue_handler
from sync.service.messages import ReconcileMessage, encode
from sync.warehouse.rest import RestWarehouse
from tests.test_service_world import LambdaContext, World, make_world

WMS = "https://wms.example.com/api"


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


class ShortContext(LambdaContext):
    """An invocation with 25 s left: with the 10 s margin, a 15 s budget."""

    def get_remaining_time_in_millis(self) -> int:
        return 25_000


def _batch(*messages: ReconcileMessage) -> dict[str, Any]:
    return {"Records": [{
        "messageId": f"m-{n}", "receiptHandle": f"h-{n}", "body": json.dumps(encode(m)),
        "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
        "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:eu-west-1:123456789012:hubshop-events",
        "awsRegion": "eu-west-1"} for n, m in enumerate(messages)]}


@responses.activate
def test_a_slow_warehouse_returns_the_messages_to_the_queue_instead_of_a_timeout(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given a REST warehouse that keeps asking for 6 s more, and 25 s left in the invocation
    responses.get(f"{WMS}/stock", status=503, headers={"Retry-After": "6"})
    monkeypatch.setattr(jobs, "open_warehouse", lambda settings: RestWarehouse(
        WMS, fields={"sku": "sku", "location": "location", "on_hand": "on_hand"},
        clock=world.clock))
    monkeypatch.setattr(queue_handler, "WIRING", world.wiring)
    started = world.clock.monotonic()
    # when a batch of two reconciles is consumed
    response = queue_handler.handler(_batch(ReconcileMessage("reconcile:a"),
                                            ReconcileMessage("reconcile:b")), ShortContext())
    # then the handler returned in time (15 s budget, never slept past it) ...
    assert world.clock.monotonic() - started <= 15
    # ... and reported both messages failed, so SQS hands them back: each ran out of
    # budget rather than wait past it (calls at 0, 6 and 12 s, then the second message's
    # one call at 12 s; a wait to 18 s would pass 15 s)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-0"},
                                              {"itemIdentifier": "m-1"}]}
    assert len(responses.calls) == 4


def test_a_message_is_not_started_with_less_than_the_minimum_left(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given an invocation with 11 s left: 1 s of budget after the margin
    class AlmostOver(LambdaContext):
        def get_remaining_time_in_millis(self) -> int:
            return 11_000

    monkeypatch.setattr(queue_handler, "WIRING", world.wiring)
    # when a reconcile arrives
    response = queue_handler.handler(_batch(ReconcileMessage("reconcile:late")), AlmostOver())
    # then it goes back untouched (nothing run, no error)
    assert response == {"batchItemFailures": [{"itemIdentifier": "m-0"}]}
