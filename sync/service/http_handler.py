"""Lambda handler for the HTTP API: warehouse push, Shopify webhooks, on-demand reconcile."""

from __future__ import annotations

from typing import Any

from sync.service.aws import AwsWiring
from sync.service.http_edge import handle_http
from sync.service.logging_setup import service_logger

logger = service_logger()
WIRING = AwsWiring()


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Check the caller (HMAC or API key), queue the work, answer at once."""
    return handle_http(event, WIRING.edge(), context)
