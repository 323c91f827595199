"""Lambda handler for EventBridge Scheduler: the nightly full reconcile and the warehouse poll."""

from __future__ import annotations

from typing import Any

from sync.service.aws import AwsWiring
from sync.service.logging_setup import service_logger
from sync.service.scheduled import run_scheduled

logger = service_logger()
WIRING = AwsWiring()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Run what the schedule's input names (``{"kind": "reconcile"}`` or ``{"kind": "poll"}``)."""
    return run_scheduled(event, WIRING)
