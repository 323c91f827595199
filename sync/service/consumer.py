"""The SQS consumer: each message processed once (Powertools idempotency), failures reported singly.

Powertools' ``BatchProcessor`` runs every record through
:func:`sync.service.work.process` and answers SQS with the ids of the records
that failed, so only those are retried (and, after ``maxReceiveCount``,
moved to the dead-letter queue). After the batch, one partial reconcile
covers every SKU the batch's webhooks named; if it fails the whole batch is
retried, which is safe: webhooks are deduplicated and stock records are
absolute figures.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sync.inventory.ports import Ports
from sync.service.messages import decode
from sync.service.work import follow_up, process

_processor: Any = None


def consume(event: Mapping[str, Any], context: Any, wiring: Any) -> dict[str, Any]:
    """Process an SQS batch; returns ``{"batchItemFailures": [...]}`` for SQS.

    Args:
        wiring: gives ``runtime()`` (fresh adapters) and ``idempotent(fn, context)``.
    """
    from aws_lambda_powertools.utilities.batch import process_partial_response

    runtime: Ports = wiring.runtime()
    process_once = wiring.idempotent(_process, context)
    results: list[dict[str, Any]] = []

    def record_handler(record: Any) -> None:
        message = with_receive_time(json.loads(record.body), record)
        results.append(process_once(message=message, runtime=runtime))

    response = process_partial_response(event=dict(event), record_handler=record_handler,
                                        processor=_batch_processor(), context=context)
    follow_up(results, runtime)
    return response


def with_receive_time(body: Any, record: Any) -> Any:
    """A stock message's body with ``received_at`` from SQS's ``SentTimestamp`` if it has none.

    The edge sends each push at once, so when it was sent is when it was received:
    records without a time of their own are ordered by it, however the queue
    reorders or redelivers them (a redelivery keeps its first ``SentTimestamp``).
    """
    if not isinstance(body, dict) or body.get("kind") != "stock" or body.get("received_at"):
        return body
    try:
        sent = record.attributes.sent_timestamp
    except (AttributeError, KeyError, TypeError):  # not an SQS record, or no such attribute
        sent = None
    if not sent:
        return body
    moment = datetime.fromtimestamp(int(sent) / 1000, tz=UTC)
    return {**body, "received_at": moment.isoformat()}


def _batch_processor() -> Any:
    """Powertools' SQS BatchProcessor, made on the first batch (kept for the container's life)."""
    global _processor
    if _processor is None:
        from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

        _processor = BatchProcessor(event_type=EventType.SQS)
    return _processor


def _process(*, message: dict[str, Any], runtime: Ports) -> dict[str, Any]:
    """One SQS body (the dict Powertools keys idempotency on), decoded once, then processed."""
    return process(decode(message), runtime)
