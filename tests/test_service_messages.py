"""Queue messages: typed at the edges, encoded once for SQS, decoded once by the consumer."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from sync.errors import InputError
from sync.model.stock import StockRecord
from sync.service.messages import (
    PollMessage,
    ReconcileMessage,
    StockMessage,
    WebhookMessage,
    decode,
    encode,
)


@pytest.mark.parametrize("message", [
    WebhookMessage("webhook:1", "orders/create", "1", {"id": 5, "line_items": []}),
    StockMessage("stock:r:0", [StockRecord("TEE-S", "MAIN", 7, 1,
                                           datetime(2026, 11, 1, 8, tzinfo=UTC), "body[0]")],
                 "push r"),
    ReconcileMessage("reconcile:r", ["TEE-S"]),
    ReconcileMessage("reconcile:night"),
    PollMessage("poll:1"),
])
def test_every_kind_survives_the_queue_unchanged(message) -> None:
    # when a message is encoded for SQS (as JSON text) and decoded by the consumer
    body = json.dumps(encode(message), sort_keys=True)
    # then it is the same message
    assert decode(json.loads(body)) == message


def test_a_message_this_service_never_makes_is_named() -> None:
    # when / then
    with pytest.raises(InputError, match="message bogus:1: unknown kind 'refund-everything'"):
        decode({"kind": "refund-everything", "id": "bogus:1"})
    with pytest.raises(InputError, match="message s:1: a stock record lacks"):
        decode({"kind": "stock", "id": "s:1", "records": [{"sku": "A"}]})
