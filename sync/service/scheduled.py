"""What the schedules run: the nightly full reconcile (with a drift metric) and the poll.

EventBridge Scheduler invokes the function with the schedule's ``Input``
(``{"kind": "reconcile"}`` at 00:00 store time, ``{"kind": "poll"}`` every
``poll_minutes``). The nightly run publishes ``Drift`` — how many
(SKU, location) pairs it had to correct — as a CloudWatch metric (embedded
metric format), which the template alarms on: drift that stays high means
events are being lost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.errors import InputError
from sync.service.work import process

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
    if metrics is None:
        from aws_lambda_powertools.metrics import Metrics

        metrics = Metrics(namespace=NAMESPACE, service="inventory")
    from aws_lambda_powertools.metrics import MetricUnit

    if kind == "reconcile":
        metrics.add_metric(name="Drift", unit=MetricUnit.Count,
                           value=result["written"] + result["conflicts"])
        metrics.add_metric(name="Problems", unit=MetricUnit.Count, value=result["problems"])
    metrics.add_metric(name="Rejected", unit=MetricUnit.Count, value=len(result["rejected"]))
    metrics.flush_metrics()
    return result
