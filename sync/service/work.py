"""What the consumer does with one queue message, and the partial reconcile after a batch.

Messages are typed (:mod:`sync.service.messages`, made by the HTTP edge and
``serve``'s schedule, decoded once where they enter the consumer): ``webhook``,
``stock``, ``reconcile`` and ``poll``. Each calls
one function of :mod:`sync.inventory.run`; the result is a small dict of
counts and ids (what Powertools' idempotency stores, so no personal data).
Webhooks only *note* order traffic; the SKUs they name are reconciled once
per batch, so a burst of orders costs one partial reconcile, not one each.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from sync.inventory import run
from sync.inventory.ports import Ports, StateConflict
from sync.inventory.report import RunReport
from sync.service.decisions_log import log_report
from sync.service.messages import Message, ReconcileMessage, StockMessage, WebhookMessage

log = logging.getLogger(__name__)

POLLED_FLAG = "warehouse_polled_at"


def process(message: Message, runtime: Ports) -> dict[str, Any]:
    """Do what one message asks; returns counts and the SKUs a reconcile should look at."""
    if isinstance(message, WebhookMessage):
        outcome = run.note_shopify_event(
            message.topic, message.payload, runtime.state, policy=runtime.policy,
            webhook_id=message.webhook_id or None, clock=runtime.clock)
        log.info("webhook %s noted", outcome.topic, extra={
            "topic": outcome.topic, "duplicate": outcome.duplicate, "lines": outcome.lines})
        return {"kind": message.kind, "topic": outcome.topic, "duplicate": outcome.duplicate,
                "lines": outcome.lines, "products": list(outcome.products),
                "skus": list(outcome.skus), "inventory_item_ids": list(outcome.inventory_item_ids),
                "order_ids": list(outcome.order_ids)}
    if isinstance(message, StockMessage):
        report = run.apply_stock_records(message.records, runtime.store, runtime.state,
                                         runtime.policy, warehouse=runtime.warehouse,
                                         source=message.source, clock=runtime.clock,
                                         received_at=message.received_at)
        summary = summarize(message.kind, report)
        retry_busy(message.id, report)
        return summary
    if isinstance(message, ReconcileMessage):
        report = run.reconcile(runtime.store, runtime.warehouse, runtime.state, runtime.policy,
                               skus=message.skus, clock=runtime.clock)
        return summarize(message.kind, report)
    return poll(runtime)


def retry_busy(message_id: str, report: RunReport) -> None:
    """Fail the message when another run's write kept some of its figures out.

    Those figures may be the newest the warehouse sent: dropping them would let
    the other run's (possibly older) figure stand. Failing sends the message
    back to the queue; its redelivery applies what is still newest and skips
    the rest as stale.

    Raises:
        StateConflict: some keys were ``busy``.
    """
    busy = report.busy
    if busy:
        names = ", ".join(f"{p.sku}@{p.location}" for p in busy[:5])
        raise StateConflict(f"message {message_id}: {len(busy)} item(s) busy with another"
                            f" run's write ({names}{' …' if len(busy) > 5 else ''}); retried")


def poll(runtime: Ports) -> dict[str, Any]:
    """Apply what the warehouse changed since the last poll (for warehouses that cannot push)."""
    return summarize("poll", poll_report(runtime))


def poll_report(runtime: Ports) -> RunReport:
    """The poll as the engine reports it (what the schedule publishes metrics from)."""
    started = runtime.clock.now()
    since_text = runtime.state.flag(POLLED_FLAG)
    since = datetime.fromisoformat(since_text) if since_text else None
    records = runtime.warehouse.changes(since)
    report = run.apply_stock_records(records, runtime.store, runtime.state, runtime.policy,
                                     warehouse=runtime.warehouse, source="poll",
                                     clock=runtime.clock)
    if not report.paused:
        runtime.state.set_flag(POLLED_FLAG, started.isoformat())
    return report


def follow_up(results: Iterable[Mapping[str, Any]], runtime: Ports) -> dict[str, Any] | None:
    """One partial reconcile of every SKU and item the batch's webhooks named (None: nothing).

    The orders they named are re-read from Shopify first (one read for the batch):
    their bodies are hints, never counted on their own.
    """
    skus: set[str] = set()
    items: set[str] = set()
    orders: set[str] = set()
    for result in results:
        if result.get("kind") == "webhook" and not result.get("duplicate"):
            skus.update(result.get("skus") or ())
            items.update(result.get("inventory_item_ids") or ())
            orders.update(result.get("order_ids") or ())
    if not skus and not items and not orders:
        return None
    report = run.reconcile(runtime.store, runtime.warehouse, runtime.state, runtime.policy,
                           skus=sorted(skus), inventory_item_ids=sorted(items) or None,
                           order_ids=sorted(orders) or None, clock=runtime.clock)
    return summarize("reconcile", report)


def summarize(kind: str, report: RunReport) -> dict[str, Any]:
    data: dict[str, Any] = {"kind": kind, **report.counts(), "paused": report.paused,
                            "queued": report.queued,
                            "rejected": [asdict(r) for r in report.rejected][:100],
                            "problems": len(report.problems)}
    log.info("%s: %s", kind, report.counts(), extra={
        "kind": kind, **report.counts(), "rejected_count": len(report.rejected),
        "hand_edits": len(report.hand_edits), "problems": len(report.problems)})
    log_report(kind, report)
    return data
