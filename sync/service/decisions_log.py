"""Structured log lines for what a run decided: rejected lines, hand edits, problems.

In Lambda, :func:`sync.service.logging_setup.service_logger` gives the
``sync`` loggers Powertools' JSON formatter, so every ``extra`` key below is a
field CloudWatch Logs Insights can filter on (``event``, ``sku``, ``location``…).
Only SKUs, location codes, counts and reasons are logged: warehouse lines and
stock figures carry no personal data, and order payloads never reach here.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from typing import Any

from sync.service.echo import MAX_REASON_CHARS, clip

log = logging.getLogger(__name__)

MAX_LINES = 100  # per kind and run; the rest are counted in one line


def log_rejections(rejections: Sequence[Any], *, stage: str) -> None:
    """One warning per rejected warehouse line (``stage``: ``edge`` or the run's kind)."""
    _each(rejections, stage, "rejected", lambda r: (
        "warehouse line %s (%s) rejected: %s",
        (clip(r.where), clip(r.sku), clip(r.reason, MAX_REASON_CHARS)),
        {"where": clip(r.where), "sku": clip(r.sku),
         "reason": clip(r.reason, MAX_REASON_CHARS)}), logging.WARNING)


def log_report(kind: str, report: Any) -> None:
    """Every rejection, hand edit (with before and after), problem, warehouse record skipped
    as older than the figure applied, and order a webhook named that changed nothing."""
    log_rejections(report.rejected, stage=kind)
    _each(getattr(report, "older", ()), kind, "stale", lambda o: (
        "warehouse record %s at %s (%s) skipped: older than the figure applied (%s)",
        (o.sku, o.location, _when(o.at), _when(o.newest)),
        {"sku": o.sku, "location": o.location, "at": _when(o.at), "newest": _when(o.newest),
         "where": o.where}), logging.INFO)
    _each([n for n in getattr(report, "orders", ()) if n.reason], kind, "order_ignored",
          lambda n: ("webhook for %s: %s", (n.order_id, n.reason),
                     {"order_id": n.order_id, "reason": n.reason}), logging.INFO)
    _each(report.hand_edits, kind, "hand_edit", lambda h: (
        "hand edit %s at %s: %+d, %s (available %d -> %d)",
        (clip(h.sku), clip(h.location), h.delta, h.policy, h.before, h.after),
        {"sku": clip(h.sku), "location": clip(h.location), "delta": h.delta, "policy": h.policy,
         "before": h.before, "after": h.after}),
        logging.WARNING if any(h.policy == "overwrite" for h in report.hand_edits)
        else logging.INFO)
    _each(report.problems, kind, "problem", lambda p: (
        "%s at %s not written (%s): %s",
        (clip(p.sku), clip(p.location), p.code, clip(p.message, MAX_REASON_CHARS)),
        {"sku": clip(p.sku), "location": clip(p.location), "code": p.code,
         "problem": clip(p.message, MAX_REASON_CHARS)}),
        logging.WARNING)


def _when(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def _each(items: Iterable[Any], stage: str, event: str, shape: Any, level: int) -> None:
    items = list(items)
    for item in items[:MAX_LINES]:
        text, args, fields = shape(item)
        log.log(level, text, *args, extra={"event": event, "stage": stage, **fields})
    if len(items) > MAX_LINES:
        log.log(level, "%d more %s lines not logged", len(items) - MAX_LINES, event,
                extra={"event": event, "stage": stage, "not_logged": len(items) - MAX_LINES})
