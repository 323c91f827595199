"""Wiring for ``hubshop doctor``: which probes run for these settings, each with its fix.

The checks themselves are pure (``sync/operator/doctor_checks.py``); this module
opens the adapters they need, only for the services that are configured.
"""

from __future__ import annotations

from typing import Any

from sync import env_names as E
from sync.config import Settings
from sync.operator.doctor import FAIL, INFO, OK, Check, Probe
from sync.operator.doctor_checks import (
    feature_settings_checks,
    hubspot_credential_checks,
    not_configured,
    shopify_checks,
    stack_checks,
    table_checks,
    warehouse_checks,
)
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.retry import RetryPolicy

PROBE_BUDGET = 5.0
"""Seconds one doctor probe may spend waiting: a check, not a sync, so a service that does
not answer is named within seconds rather than retried for a minute."""


def probe_policy() -> RetryPolicy:
    """Two tries, short backoff: one blip forgiven, a dead DNS name or port not retried on."""
    return RetryPolicy(max_attempts=2, base=0.25, cap=1.0)

SHOPIFY_FIX = ("check SHOPIFY_STORE and SHOPIFY_ACCESS_TOKEN (or SHOPIFY_CLIENT_ID + "
               "SHOPIFY_CLIENT_SECRET), and that the app is installed on the store")
HUBSPOT_FIX = ("the token is wrong, expired or rotated: copy the private app's current token "
               "into HUBSPOT_ACCESS_TOKEN (or renew the personal access key)")
WAREHOUSE_FIX = ("check WAREHOUSE_URL and WAREHOUSE_API_KEY (a 401/403 means the key was "
                 "refused), or WAREHOUSE_FEED for a file feed")
AWS_FIX = ("check the stack name (--stack / HUBSHOP_STACK), the AWS region ([service] region, "
           "AWS_REGION or AWS_DEFAULT_REGION) and credentials, or deploy it: hubshop deploy")


def doctor_probes(settings: Settings, *, stack: str | None = None, aws_session: Any = None,
                  clock: Clock = SYSTEM_CLOCK) -> list[Probe]:
    """Every probe ``hubshop doctor`` runs for ``settings``, in the order printed.

    Real services are checked when configured; otherwise one info line names the
    settings they need. The embedded default (local store, demo feed) is always checked.
    """
    probes = [Probe("local", "store", lambda: _local_checks(settings, clock), _LOCAL_FIX),
              Probe("settings", "features", lambda: feature_settings_checks(settings))]
    probes += _shopify_probes(settings, clock)
    probes += _hubspot_probes(settings, clock)
    probes += _warehouse_probes(settings)
    probes.append(_aws_probe(stack, aws_session, settings.service.region))
    return probes


_LOCAL_FIX = "move or delete the store file and run `hubshop demo` to rebuild it"


def _fixed(check: Check) -> Probe:
    return Probe(check.area, check.name, lambda: [check])


def _local_checks(settings: Settings, clock: Clock) -> list[Check]:
    from sync.local.db import connect
    from sync.local.hubdb import LocalHubDB
    from sync.local.hubdb_errors import HubDBError
    from sync.local.shop import LocalShop

    conn = connect(settings.database)
    try:
        products = LocalShop(conn, clock).count_products()
        checks = [Check("local", "store", OK, f"{settings.database} opens; {products} product(s)"
                        + ("" if products else " (run `hubshop demo` for the demo shop)"))]
        if settings.hubspot.configured:
            return checks
        hubdb = LocalHubDB(conn, clock)
        table = settings.catalog.table
        try:
            hubdb.get_table(table)
            checks.append(Check("local", f"HubDB table {table}", OK, "present and published"))
        except HubDBError:
            checks.append(Check("local", f"HubDB table {table}", INFO,
                                "not published yet (hubshop demo or hubshop catalog sync)"))
        return checks
    finally:
        conn.close()


def _shopify_probes(settings: Settings, clock: Clock) -> list[Probe]:
    shopify = settings.shopify
    if shopify.configured:
        from sync.shopify.client import ShopifyClient
        from sync.shopify.scopes import granted_scopes

        def run() -> list[Check]:
            client = ShopifyClient(shopify, clock=clock, policy=probe_policy(),
                                   budget=PROBE_BUDGET)
            return shopify_checks(granted_scopes(client), str(shopify.store))

        return [Probe("shopify", "credentials", run, SHOPIFY_FIX)]
    if shopify.store or shopify.access_token or shopify.client_id or shopify.client_secret:
        missing = ", ".join(shopify.missing())
        return [_fixed(Check("shopify", "credentials", FAIL,
                             f"Shopify is partly configured: missing {missing}",
                             f"set {missing}, or unset the other Shopify settings to use the "
                             "embedded default"))]
    return [_fixed(not_configured("shopify", shopify.missing(),
                                  "using the local shop (embedded default)"))]


def _hubspot_probes(settings: Settings, clock: Clock) -> list[Probe]:
    hubspot = settings.hubspot
    if hubspot.configured:
        from sync.hubspot.account import HubSpotAccount
        from sync.hubspot.client import HubSpotClient

        account: list[HubSpotAccount] = []
        silent: list[Exception] = []  # set when the token check found HubSpot unreachable

        def opened() -> HubSpotAccount:
            if not account:
                account.append(HubSpotAccount(HubSpotClient(
                    hubspot, clock=clock, policy=probe_policy(), budget=PROBE_BUDGET)))
            return account[0]

        def credentials() -> list[Check]:
            from sync.errors import HubshopError
            from sync.operator.doctor import is_unreachable

            try:
                return hubspot_credential_checks(opened(), expected)
            except HubshopError as exc:
                if is_unreachable(exc):
                    silent.append(exc)
                raise

        def table_probe() -> list[Check]:
            if silent:  # the same host, just found unreachable: do not wait on it again
                return [Check("hubspot", f"HubDB table {table}", INFO,
                              "not checked: HubSpot did not answer the check above")]
            return _table_probe(opened(), table)

        expected = settings.site.portal_id or hubspot.account_id
        table = settings.catalog.table
        return [
            Probe("hubspot", "credentials", credentials, HUBSPOT_FIX),
            Probe("hubspot", f"HubDB table {table}", table_probe,
                  "hubshop deploy (creates and publishes the table)"),
        ]
    if hubspot.account_id:
        return [_fixed(Check("hubspot", "credentials", FAIL,
                             f"HUBSPOT_ACCOUNT_ID is set but {', '.join(hubspot.missing())} is not",
                             "set HUBSPOT_ACCESS_TOKEN (a private app token with the hubdb and "
                             "content scopes), or unset HUBSPOT_ACCOUNT_ID"))]
    return [_fixed(not_configured("hubspot", hubspot.missing(),
                                  "using the local HubDB (embedded default)"))]


def _table_probe(account: Any, table: str) -> list[Check]:
    """The table's state; a refused token or a missing hubdb scope named as such."""
    from sync.hubspot.errors import HubSpotError

    name = f"HubDB table {table}"
    try:
        return table_checks(account.table_state(table), table)
    except HubSpotError as exc:
        if exc.status == 401:
            return [Check("hubspot", name, FAIL, "HubSpot refused the token (HTTP 401)",
                          HUBSPOT_FIX)]
        if exc.status == 403:
            return [Check("hubspot", name, FAIL, "the token may not read HubDB (HTTP 403)",
                          "add the hubdb scope to the private app (Settings > Integrations > "
                          "Private Apps > Scopes) and use its token")]
        raise


def _warehouse_probes(settings: Settings) -> list[Probe]:
    from sync.jobs.inventory import open_warehouse

    wh = settings.warehouse
    if wh.kind == "rest" and not wh.url:
        return [_fixed(Check("warehouse", "settings", FAIL,
                             '[warehouse] kind = "rest" but WAREHOUSE_URL is not set',
                             "set WAREHOUSE_URL and WAREHOUSE_API_KEY"))]
    if wh.kind == "csv" and wh.url:
        return [_fixed(Check("warehouse", "settings", FAIL,
                             f'{E.WAREHOUSE_URL} is set but [warehouse] kind = "csv", so it is '
                             "ignored and the file feed is read instead",
                             'set [warehouse] kind = "rest" in hubshop.toml to use the REST '
                             f"warehouse (or unset {E.WAREHOUSE_URL} to keep the file feed)"))]
    where = wh.url if wh.kind == "rest" else (wh.feed or "the demo feed")
    def count() -> int:
        warehouse: Any = open_warehouse(settings)
        if hasattr(warehouse, "policy"):  # a REST warehouse: ask once, briefly
            warehouse.policy, warehouse.budget = probe_policy(), PROBE_BUDGET
        return len(warehouse.snapshot().records)

    probes = [Probe("warehouse", "reachable", lambda: warehouse_checks(count, str(where)),
                    WAREHOUSE_FIX)]
    if wh.kind == "csv" and not wh.feed:
        probes.insert(0, _fixed(not_configured(
            "warehouse", [f"{E.WAREHOUSE_URL} + {E.WAREHOUSE_API_KEY} (or {E.WAREHOUSE_FEED})"],
            "using the demo stock feed")))
    return probes


def _aws_probe(stack: str | None, session: Any, region: str | None) -> Probe:
    if not stack:
        return _fixed(Check("aws", "stack", INFO, "no stack named: give --stack NAME (or set "
                            f"{E.HUBSHOP_STACK}) to check the deployed service"))

    def run() -> list[Check]:
        from sync.aws.stack import read_stack

        return stack_checks(read_stack(stack, session=session, region=region))

    return Probe("aws", "stack", run, AWS_FIX)
