"""Lambda handler for the private app's embedded page: ``GET /console`` and its two actions."""

from __future__ import annotations

from typing import Any

from sync.service.aws import AwsWiring
from sync.service.console_source import DeployedConsole
from sync.service.logging_setup import service_logger

logger = service_logger()
WIRING = AwsWiring()
CONSOLE = DeployedConsole(WIRING)


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Verify the App Bridge session token, then serve the page or run the action."""
    return CONSOLE.respond(event, context)
