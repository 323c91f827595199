"""Lambda handler Secrets Manager calls to rotate the warehouse's push API key."""

from __future__ import annotations

from typing import Any

import boto3

from sync.service.logging_setup import service_logger
from sync.service.rotation import rotate_step

logger = service_logger("hubshop-key-rotation")
_client: Any = None


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, str]:
    """Run one rotation step: createSecret, setSecret, testSecret or finishSecret."""
    global _client
    if _client is None:
        _client = boto3.client("secretsmanager")
    return {"step": rotate_step(event, _client)}
