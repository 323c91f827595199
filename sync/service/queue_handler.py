"""Lambda handler for the events queue: process each message once, report partial failures."""

from __future__ import annotations

from typing import Any

from sync.service.aws import AwsWiring
from sync.service.consumer import consume
from sync.service.logging_setup import service_logger

logger = service_logger()
WIRING = AwsWiring()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Answer SQS with ``batchItemFailures`` so only failed messages are retried."""
    return consume(event, context, WIRING)
