"""The queue's messages, typed: built at the edges, encoded for SQS, decoded once by the consumer.

Four kinds travel between the HTTP edge (or ``serve``'s schedule) and the
consumer: ``webhook``, ``stock``, ``reconcile`` and ``poll``. :func:`encode`
makes the JSON body SQS carries (stock records in the model's one JSON form)
and :func:`decode` turns a body back into a message, naming the message when
it is not one this service makes (it then goes to the dead-letter queue).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.errors import InputError
from sync.model.stock import StockRecord, record_from_json, record_json
from sync.model.time import from_iso


@dataclass(frozen=True)
class WebhookMessage:
    """A Shopify delivery, already cut down to the fields the engine reads."""

    id: str
    topic: str
    webhook_id: str
    payload: Mapping[str, Any] = field(default_factory=dict)
    kind: str = "webhook"


@dataclass(frozen=True)
class StockMessage:
    """Warehouse figures checked at the edge (at most ``RECORDS_PER_MESSAGE``).

    ``received_at``: when the push reached the service; records without a time
    of their own take it (the consumer falls back to SQS's ``SentTimestamp``,
    then to the time it processes the message).
    """

    id: str
    records: list[StockRecord]
    source: str = "push"
    kind: str = "stock"
    received_at: datetime | None = None


@dataclass(frozen=True)
class ReconcileMessage:
    """Reconcile everything (``skus`` None) or just these SKUs."""

    id: str
    skus: list[str] | None = None
    kind: str = "reconcile"


@dataclass(frozen=True)
class PollMessage:
    """Ask the warehouse what changed since the last poll."""

    id: str
    kind: str = "poll"


Message = WebhookMessage | StockMessage | ReconcileMessage | PollMessage
KINDS = ("webhook", "stock", "reconcile", "poll")


def encode(message: Message) -> dict[str, Any]:
    """The JSON object SQS carries for ``message``."""
    if isinstance(message, WebhookMessage):
        return {"kind": message.kind, "id": message.id, "topic": message.topic,
                "webhook_id": message.webhook_id, "payload": dict(message.payload)}
    if isinstance(message, StockMessage):
        data = {"kind": message.kind, "id": message.id, "source": message.source,
                "records": [record_json(r) for r in message.records]}
        if message.received_at is not None:
            data["received_at"] = message.received_at.isoformat()
        return data
    if isinstance(message, ReconcileMessage):
        return {"kind": message.kind, "id": message.id, "skus": message.skus}
    return {"kind": message.kind, "id": message.id}


def decode(data: Any) -> Message:
    """The message a queue body holds.

    Raises:
        InputError: not an object, an unknown kind, or a field of the wrong shape
            (named with the message's id).
    """
    if not isinstance(data, Mapping):
        raise InputError("queue message", "is not a JSON object")
    where = f"message {data.get('id', '?')}"
    kind = data.get("kind")
    ident = str(data.get("id") or "")
    try:
        if kind == "webhook":
            payload = data.get("payload") or {}
            if not isinstance(payload, Mapping):
                raise ValueError("payload is not an object")
            return WebhookMessage(ident, str(data.get("topic") or ""),
                                  str(data.get("webhook_id") or ""), payload)
        if kind == "stock":
            rows = data.get("records") or []
            if not isinstance(rows, list):
                raise ValueError("records is not a list")
            return StockMessage(ident, [record_from_json(r) for r in rows],
                                str(data.get("source") or "push"),
                                received_at=from_iso(data.get("received_at")))
        if kind == "reconcile":
            skus = data.get("skus")
            if skus is not None and not (isinstance(skus, list)
                                         and all(isinstance(s, str) for s in skus)):
                raise ValueError("skus is not a list of SKU strings")
            return ReconcileMessage(ident, list(skus) if skus is not None else None)
        if kind == "poll":
            return PollMessage(ident)
    except ValueError as exc:
        raise InputError(where, str(exc)) from None
    raise InputError(where, f"unknown kind {kind!r}", f"one of {', '.join(KINDS)}")
