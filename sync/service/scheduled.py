"""What the schedules run: the nightly full reconcile (with a drift metric) and the poll.

EventBridge Scheduler invokes the function with the schedule's ``Input``
(``{"kind": "reconcile"}`` at 00:00 store time, ``{"kind": "poll"}`` every
``poll_minutes``). The nightly run publishes ``Drift`` — how many
(SKU, location) pairs it had to correct — as a CloudWatch metric (embedded
metric format), which the template alarms on: drift that stays high means
events are being lost. Each run also reports the dead-letter queue's depth
(``dead_letters`` in the result, a ``DeadLetters`` metric and a ``status`` log
line), the figure ``hubshop inventory status`` shows locally.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sync.errors import InputError
from sync.service.work import process

log = logging.getLogger(__name__)

NAMESPACE = "Hubshop"
SCHEDULED_KINDS = ("reconcile", "poll")


def run_scheduled(event: Mapping[str, Any], wiring: Any, *, metrics: Any = None
                  ) -> dict[str, Any]:
    """Run the scheduled job ``event["kind"]`` and publish its metrics."""
    kind = event.get("kind")
    if kind not in SCHEDULED_KINDS:
        raise InputError("schedule input", f"kind {kind!r}",
                         'use {"kind": "reconcile"} or {"kind": "poll"}')
    runtime = wiring.runtime()
    result = process({"kind": kind, "skus": None}, runtime)
    result["dead_letters"] = dead_letters(wiring)
    if metrics is None:
        from aws_lambda_powertools.metrics import Metrics

        metrics = Metrics(namespace=NAMESPACE, service="inventory")
    from aws_lambda_powertools.metrics import MetricUnit

    if kind == "reconcile":
        metrics.add_metric(name="Drift", unit=MetricUnit.Count,
                           value=result["written"] + result["conflicts"])
        metrics.add_metric(name="Problems", unit=MetricUnit.Count, value=result["problems"])
    metrics.add_metric(name="Rejected", unit=MetricUnit.Count, value=len(result["rejected"]))
    if result["dead_letters"] is not None:
        metrics.add_metric(name="DeadLetters", unit=MetricUnit.Count,
                           value=result["dead_letters"])
    metrics.flush_metrics()
    log.info("status after %s: drift %d, problems %d, dead letters %s", kind,
             result["written"] + result["conflicts"], result["problems"],
             "n/a" if result["dead_letters"] is None else result["dead_letters"],
             extra={"event": "status", "kind": kind,
                    "drift": result["written"] + result["conflicts"],
                    "problems": result["problems"], "dead_letters": result["dead_letters"]})
    return result


def dead_letters(wiring: Any) -> int | None:
    """The dead-letter queue's depth, or None when unknown (not configured, or unreadable).

    An unreadable count is logged, not raised: the reconcile it reports on succeeded.
    """
    try:
        return wiring.dead_letters()
    except Exception as exc:  # noqa: BLE001 - botocore's errors; the count is only a report
        log.warning("dead-letter count unavailable: %s", type(exc).__name__,
                    extra={"event": "status", "error": type(exc).__name__})
        return None
