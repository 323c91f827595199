"""Lambda handler of the nightly job: import the product master, sync HubDB, hand stock over.

It ships in the site package (it needs the HubSpot SDK for the catalog sync,
which the inventory functions must not carry). The long part of a large
import is Shopify's own bulk operation, which runs on Shopify's side; the
function uploads, starts it and polls until its remaining time runs short.
If Shopify is still busy then, the run fails (the lock is released, the
journal kept) and Lambda's retry settles the operation from its result file
and goes on (README: "The nightly job in AWS").
"""

from __future__ import annotations

import json
import os
from typing import Any

from sync import env_names as E
from sync.service import settings as S
from sync.service.logging_setup import service_logger
from sync.site_refresh.handler import SECRETS, site_settings

logger = service_logger("hubshop-nightly")
RESERVE_S = 240.0
"""Seconds kept for the HubDB sync and the report after the import stops waiting."""
_clients: dict[str, Any] = {}


def _client(name: str) -> Any:
    if name not in _clients:
        import boto3

        _clients[name] = boto3.client(name)
    return _clients[name]


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    """One nightly cycle; a failed step raises, so the schedule retries and then dead-letters."""
    from sync.jobs.nightly import lambda_steps, run_nightly
    from sync.local.db import connect
    from sync.plumbing.clock import SYSTEM_CLOCK
    from sync.service.dynamo_state import DynamoState

    environ = dict(os.environ)
    if environ.get(E.WAREHOUSE_SECRET):
        environ.update(SECRETS.environment(environ[E.WAREHOUSE_SECRET],
                                           S.WAREHOUSE_SECRET_FIELDS))
    settings = site_settings(environ, SECRETS)
    state = DynamoState(environ[E.STATE_TABLE], client=_client("dynamodb"))
    feed = (event or {}).get("feed") or environ.get(E.NIGHTLY_FEED) or None

    def invoke_reconcile() -> str:
        function = environ[E.RECONCILE_FUNCTION]
        _client("lambda").invoke(FunctionName=function, InvocationType="Event",
                                 Payload=json.dumps({"kind": "reconcile"}).encode())
        return f"reconcile handed to {function}"

    remaining = context.get_remaining_time_in_millis() / 1000 if context else 900.0
    deadline = SYSTEM_CLOCK.monotonic() + remaining - RESERVE_S
    steps = lambda_steps(settings, clock=SYSTEM_CLOCK, state=state, feed=feed,
                         invoke_reconcile=invoke_reconcile, deadline=deadline)
    report = run_nightly(settings, conn=connect(":memory:"), clock=SYSTEM_CLOCK, state=state,
                         steps=steps)
    result = report.as_dict()
    if report.locked_out is None and not report.ok:
        raise RuntimeError(report.line())
    return result
