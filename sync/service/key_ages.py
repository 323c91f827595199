"""How old the keys hubshop sends are, published nightly so an alarm can ask for a new one.

The warehouse's API key and the HubSpot private-app token are issued by
someone else; unless the warehouse can issue a fresh key itself (a REST
warehouse with ``[warehouse] paths.rotate_key``, rotated by the key-rotation
function), the only safeguard is to notice an old one. The nightly run reads
each secret's current version date (``ListSecretVersionIds``: no value is
read) and publishes ``KeyAgeDays`` per key; ``template.yaml`` alarms when one
is older than ``MaxKeyAgeDays``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sync import env_names as E

log = logging.getLogger(__name__)

# the key (metric dimension) -> the variable naming its secret on the schedule function
AGED_KEYS = {"warehouse": E.WAREHOUSE_SECRET, "hubspot": E.HUBSPOT_AGE_SECRET}
CURRENT = "AWSCURRENT"


def secret_age_days(client: Any, secret_id: str, now: datetime) -> float | None:
    """Days since the secret's AWSCURRENT version was created (None: no current version)."""
    token: str | None = None
    while True:
        page = client.list_secret_version_ids(SecretId=secret_id, MaxResults=100,
                                              **({"NextToken": token} if token else {}))
        for version in page.get("Versions", []):
            if CURRENT in version.get("VersionStages", []):
                return round((now - version["CreatedDate"]).total_seconds() / 86400, 2)
        token = page.get("NextToken")
        if not token:
            return None


def key_ages(environ: Mapping[str, str], client: Any, now: datetime) -> dict[str, float]:
    """Each configured key's age in days; a key that cannot be read is logged, not raised."""
    ages: dict[str, float] = {}
    for key, variable in AGED_KEYS.items():
        secret_id = environ.get(variable)
        if not secret_id:
            continue
        try:
            age = secret_age_days(client, secret_id, now)
        except Exception as exc:  # noqa: BLE001 - botocore's errors; the age is only a report
            log.warning("age of the %s key unavailable: %s", key, type(exc).__name__)
            continue
        if age is not None:
            ages[key] = age
    return ages


def publish(ages: Mapping[str, float], namespace: str) -> None:
    """One ``KeyAgeDays`` metric per key (dimensions ``service`` and ``key``)."""
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    for key, age in ages.items():
        with single_metric(name="KeyAgeDays", unit=MetricUnit.Count, value=age,
                           namespace=namespace,
                           default_dimensions={"service": "inventory", "key": key}):
            pass
