"""The SQS consumer: each message processed once (Powertools idempotency), failures reported singly.

Powertools' ``BatchProcessor`` runs every record through
:func:`sync.service.work.process` and answers SQS with the ids of the records
that failed, so only those are retried (and, after ``maxReceiveCount``,
moved to the dead-letter queue). After the batch, one partial reconcile
covers every SKU the batch's webhooks named; if it fails the whole batch is
retried, which is safe: webhooks are deduplicated and stock records are
absolute figures.

Every call the batch makes (Shopify, the warehouse) shares one time budget:
the invocation's remaining time less :data:`~sync.service.settings.LAMBDA_MARGIN_SECONDS`
(:meth:`Deadline.for_lambda`). A call whose next wait would pass it ends with
``BudgetExceeded``; that message, and any not yet started, are reported as
failed, so SQS hands them back after the visibility timeout instead of the
function being killed mid-write at its timeout.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sync.inventory.ports import Ports
from sync.plumbing.deadline import BudgetExceeded, Deadline
from sync.service.messages import decode
from sync.service.settings import LAMBDA_MARGIN_SECONDS, MIN_START_SECONDS
from sync.service.work import follow_up, process

log = logging.getLogger(__name__)

_processor: Any = None


def consume(event: Mapping[str, Any], context: Any, wiring: Any) -> dict[str, Any]:
    """Process an SQS batch; returns ``{"batchItemFailures": [...]}`` for SQS.

    Args:
        wiring: gives ``runtime()`` (fresh adapters) and ``idempotent(fn, context)``.
    """
    from aws_lambda_powertools.utilities.batch import process_partial_response

    deadline = lambda_deadline(context, wiring.clock)
    runtime: Ports = wiring.runtime(budget=deadline)
    process_once = wiring.idempotent(_process, context)
    results: list[dict[str, Any]] = []

    def record_handler(record: Any) -> None:
        if deadline is not None and not deadline.allows(MIN_START_SECONDS):
            raise BudgetExceeded(f"message {record.message_id}", deadline.budget,
                                 deadline.elapsed(), MIN_START_SECONDS, "not started")
        message = with_receive_time(json.loads(record.body), record)
        results.append(process_once(message=message, runtime=runtime))

    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    try:
        response = process_partial_response(event=dict(event), record_handler=record_handler,
                                            processor=_batch_processor(), context=context)
    except BatchProcessingError as exc:  # every record failed: an error, unless out of time
        if not all(isinstance(info[1], BudgetExceeded) for info in exc.child_exceptions):
            raise
        log.warning("out of time budget for the whole batch; it goes back to the queue")
        return _all_failed(event)
    try:
        follow_up(results, runtime)
    except BudgetExceeded as exc:  # hand the whole batch back; its results are stored
        log.warning("partial reconcile out of time; the batch goes back to the queue: %s", exc)
        return _all_failed(event)
    return response


def _all_failed(event: Mapping[str, Any]) -> dict[str, Any]:
    return {"batchItemFailures": [{"itemIdentifier": r["messageId"]}
                                  for r in event.get("Records", [])]}


def lambda_deadline(context: Any, clock: Any) -> Deadline | None:
    """The invocation's remaining time less the margin (None outside Lambda)."""
    if context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return None
    return Deadline.for_lambda(context, margin=LAMBDA_MARGIN_SECONDS, clock=clock)


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
