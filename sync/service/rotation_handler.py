"""Lambda handler Secrets Manager calls to rotate the push API key (and, where the warehouse
can issue keys, the key hubshop sends to it)."""

from __future__ import annotations

import os
from typing import Any

import boto3

from sync import env_names as E
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
    if event.get("SecretId") and event.get("SecretId") == os.environ.get(E.WAREHOUSE_SECRET):
        from sync.service.warehouse_rotation import rotate_warehouse_step

        return {"step": rotate_warehouse_step(event, _client, _warehouse)}
    return {"step": rotate_step(event, _client)}


def _warehouse(api_key: str) -> Any:
    """The REST warehouse (URL and paths from the package's hubshop.toml) with ``api_key``."""
    from pathlib import Path

    from sync.config import load_settings
    from sync.warehouse.rest import RestWarehouse

    settings = load_settings(env=dict(os.environ),
                             cwd=Path(os.environ.get("LAMBDA_TASK_ROOT") or Path.cwd()))
    return RestWarehouse(settings.warehouse.url, api_key=api_key or None,
                         fields=settings.warehouse.fields, paths=settings.warehouse.paths)
