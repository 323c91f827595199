"""What the schedules run: the nightly full reconcile (with a drift metric) and the poll.

EventBridge Scheduler invokes the function with the schedule's ``Input``
(``{"kind": "reconcile"}`` at 00:00 store time, ``{"kind": "poll"}`` every
``poll_minutes``). The nightly run publishes ``Drift`` — how many
(SKU, location) pairs it had to correct — as a CloudWatch metric (embedded
metric format), which the template alarms on: drift that stays high means
events are being lost. Each run also reports the dead-letter queue's depth
(``dead_letters`` in the result, a ``DeadLetters`` metric and a ``status`` log
line), the figure ``hubshop inventory status`` shows locally. The nightly run
also publishes ``KeyAgeDays`` for the warehouse key and the HubSpot token
(:mod:`sync.service.key_ages`), which the template alarms on past ``MaxKeyAgeDays``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from sync.errors import InputError
from sync.inventory import run
from sync.inventory.report import RunReport
from sync.service.work import poll_report, summarize

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
    ports = wiring.runtime()
    report: RunReport = (
        run.reconcile(ports.store, ports.warehouse, ports.state, ports.policy, clock=ports.clock)
        if kind == "reconcile" else poll_report(ports))
    result = summarize(kind, report)
    letters = result["dead_letters"] = dead_letters(wiring)
    drift, problems = report.written + report.conflicts, len(report.problems)
    if metrics is None:
        from aws_lambda_powertools.metrics import Metrics

        metrics = Metrics(namespace=NAMESPACE, service="inventory")
    from aws_lambda_powertools.metrics import MetricUnit

    if kind == "reconcile":
        metrics.add_metric(name="Drift", unit=MetricUnit.Count, value=drift)
        metrics.add_metric(name="Problems", unit=MetricUnit.Count, value=problems)
    metrics.add_metric(name="Rejected", unit=MetricUnit.Count, value=len(report.rejected))
    if letters is not None:
        metrics.add_metric(name="DeadLetters", unit=MetricUnit.Count, value=letters)
    metrics.flush_metrics()
    if kind == "reconcile":
        result["key_age_days"] = ages = key_ages(wiring)
        if ages:
            from sync.service import key_ages as K

            K.publish(ages, NAMESPACE)
    log.info("status after %s: drift %d, problems %d, dead letters %s", kind, drift, problems,
             "n/a" if letters is None else letters,
             extra={"event": "status", "kind": kind, "drift": drift, "problems": problems,
                    "dead_letters": letters})
    return result


def key_ages(wiring: Any) -> dict[str, float]:
    """The warehouse key's and HubSpot token's ages in days, where the wiring can tell."""
    reader = getattr(wiring, "key_ages", None)
    try:
        return reader() if reader is not None else {}
    except Exception as exc:  # noqa: BLE001 - botocore's errors; the ages are only a report
        log.warning("key ages unavailable: %s", type(exc).__name__)
        return {}


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
