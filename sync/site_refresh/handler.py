"""Lambda handler of the site-freshness function (its own package, with the HubSpot SDK)."""

from __future__ import annotations

import os
from typing import Any

from sync import env_names as E
from sync.service.aws import settings_from_secrets
from sync.service.logging_setup import service_logger
from sync.service.secrets import SecretReader
from sync.site_refresh.refresh import refresh_products

logger = service_logger("hubshop-site-refresh")
SECRETS = SecretReader()
_dynamodb: Any = None


def site_settings(environ: dict[str, str], secrets: SecretReader) -> Any:
    """Settings from the packaged hubshop.toml plus Shopify and HubSpot secrets."""
    return settings_from_secrets(environ, secrets, (E.SHOPIFY_SECRET, E.HUBSPOT_SECRET))


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """Every few minutes: re-sync the HubDB rows of the products marked since the last run."""
    global _dynamodb
    import boto3

    from sync.service.dynamo_state import DynamoState

    if _dynamodb is None:
        _dynamodb = boto3.client("dynamodb")
    environ = dict(os.environ)
    marks = DynamoState(environ[E.STATE_TABLE], client=_dynamodb)
    return refresh_products(marks, site_settings(environ, SECRETS))
