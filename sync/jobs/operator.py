"""Wiring for the operator's views: payouts, doctor checks, the console's data and deploy steps.

Engines and views in ``sync/operator`` know only Protocols; this module picks the
adapter from ``Settings`` (Shopify when configured, else the embedded default).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sync import env_names as E
from sync.config import Settings
from sync.errors import ConfigError
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
from sync.operator.payouts import PayoutsSource
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


def open_payouts(settings: Settings, *, source: str | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> PayoutsSource:
    """Shopify Payments when Shopify is configured (or ``source="shopify"``), else the demo.

    Raises:
        ConfigError: ``source="shopify"`` without Shopify credentials (names what is missing).
    """
    kind = source or ("shopify" if settings.shopify.configured else "local")
    if kind == "shopify":
        if not settings.shopify.configured:
            raise ConfigError("payouts from Shopify need " + ", ".join(settings.shopify.missing()))
        from sync.shopify.client import ShopifyClient
        from sync.shopify.payouts import ShopifyPayouts

        return ShopifyPayouts(ShopifyClient(settings.shopify, clock=clock))
    if kind == "local":
        from sync.local.payouts import LocalPayouts

        return LocalPayouts()
    raise ConfigError(f"unknown payouts source {kind!r}; choose shopify or local")


# --------------------------------------------------------------------------- doctor

SHOPIFY_FIX = ("check SHOPIFY_STORE and SHOPIFY_ACCESS_TOKEN (or SHOPIFY_CLIENT_ID + "
               "SHOPIFY_CLIENT_SECRET), and that the app is installed on the store")
HUBSPOT_FIX = ("the token is wrong, expired or rotated: copy the private app's current token "
               "into HUBSPOT_ACCESS_TOKEN (or renew the personal access key)")
WAREHOUSE_FIX = ("check WAREHOUSE_URL and WAREHOUSE_API_KEY (a 401/403 means the key was "
                 "refused), or WAREHOUSE_FEED for a file feed")
AWS_FIX = ("check the stack name (--stack / HUBSHOP_STACK), the AWS region (AWS_REGION) and "
           "credentials, or deploy it: hubshop deploy")


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
    probes.append(_aws_probe(stack, aws_session))
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
            client = ShopifyClient(shopify, clock=clock)
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

        def opened() -> HubSpotAccount:
            if not account:
                account.append(HubSpotAccount(HubSpotClient(hubspot, clock=clock)))
            return account[0]

        expected = settings.site.portal_id or hubspot.account_id
        table = settings.catalog.table
        return [
            Probe("hubspot", "credentials",
                  lambda: hubspot_credential_checks(opened(), expected), HUBSPOT_FIX),
            Probe("hubspot", f"HubDB table {table}", lambda: _table_probe(opened(), table),
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
    where = wh.url if wh.kind == "rest" else (wh.feed or "the demo feed")
    def count() -> int:
        return len(open_warehouse(settings).snapshot().records)

    probes = [Probe("warehouse", "reachable", lambda: warehouse_checks(count, str(where)),
                    WAREHOUSE_FIX)]
    if wh.kind == "csv" and not wh.feed:
        probes.insert(0, _fixed(not_configured(
            "warehouse", [f"{E.WAREHOUSE_URL} + {E.WAREHOUSE_API_KEY} (or {E.WAREHOUSE_FEED})"],
            "using the demo stock feed")))
    return probes


def _aws_probe(stack: str | None, session: Any) -> Probe:
    if not stack:
        return _fixed(Check("aws", "stack", INFO, "no stack named: give --stack NAME (or set "
                            f"{E.HUBSHOP_STACK}) to check the deployed service"))

    def run() -> list[Check]:
        from sync.aws.stack import read_stack

        return stack_checks(read_stack(stack, session=session))

    return Probe("aws", "stack", run, AWS_FIX)


# --------------------------------------------------------------------------- console


class LocalConsoleSource:
    """:class:`~sync.operator.console_page.ConsoleSource` over the CLI's own store and ports.

    Reads what ``hubshop inventory status`` reads (the local ledger; Shopify when
    configured). The embedded default has no dead-letter queue, and says so.
    """

    def __init__(self, settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.settings = settings
        self.clock = clock
        self.where = ("embedded default (local store)" if settings.embedded
                      else settings.mode_line().removeprefix("Talking to ").rstrip("."))

    def inventory_status(self) -> dict[str, Any]:
        from sync.inventory import run as inventory

        with self._ports() as ports:
            return inventory.status(ports.state, ports.store, ports.warehouse, ports.policy,
                                    clock=self.clock).as_dict()

    def payouts(self) -> Any:
        return open_payouts(self.settings, clock=self.clock).read(5)

    def reconcile(self) -> str:
        from sync.inventory import run as inventory

        with self._ports() as ports:
            report = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                         clock=self.clock)
        if report.paused:
            return f"Writes are paused: nothing written, {report.queued} change(s) queued."
        return (f"Reconciled with the warehouse: {report.written} written, {report.unchanged} "
                f"unchanged, {report.conflicts} conflicts, {report.skipped} skipped.")

    def retry_dead_letters(self) -> str:
        return ("The embedded default keeps no dead-letter queue, so there is nothing to retry; "
                "a deployed service retries its queue's dead letters here.")

    def _ports(self) -> Any:
        from contextlib import contextmanager

        from sync.jobs.inventory import open_ports
        from sync.local.db import connect

        @contextmanager
        def opened() -> Any:
            conn = connect(self.settings.database)
            try:
                yield open_ports(self.settings, conn, self.clock)
            finally:
                conn.close()

        return opened()


def local_console(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> tuple[Any, Any, str]:
    """The console app over the embedded default, its keys and the shop its tokens name.

    Locally there is no Shopify admin to mint session tokens, so the keys are
    made here: a random secret for this run, used exactly like the app's.
    """
    import secrets

    from sync.operator.console_app import ConsoleApp
    from sync.operator.session_token import SessionKeys

    shop = settings.shopify.store or "fernhill-demo.myshopify.com"
    keys = SessionKeys(client_id="hubshop-local-console", secret=secrets.token_urlsafe(32),
                       shop=shop)
    app = ConsoleApp(LocalConsoleSource(settings, clock=clock), keys, embedded=False, clock=clock)
    return app, keys, shop


# --------------------------------------------------------------------------- catalog history


@contextmanager
def catalog_target(settings: Settings, target: str | None, table: str | None, *,
                   clock: Clock = SYSTEM_CLOCK) -> Iterator[Any]:
    """The products table (HubDB when configured, else local), keeping a snapshot at publish.

    Just before each publish, the rows about to be replaced are saved under
    hubshop's home, so ``catalog rollback`` can put them back.
    """
    from sync.jobs.catalog import _LazyConnection, open_target
    from sync.local.catalog_snapshots import SnapshotFile

    name = table or settings.catalog.table
    with ExitStack() as stack:
        writer, kind = open_target(target, settings, name, clock=clock,
                                   connection=_LazyConnection(settings, stack))
        snapshots = SnapshotFile(_snapshot_path(settings, kind, name))

        def keep_snapshot() -> None:
            rows = writer.published_rows()
            if rows is not None:
                snapshots.save(name, rows, clock.now().isoformat())

        writer.before_publish = keep_snapshot
        writer.snapshots = snapshots
        yield writer


def rollback_catalog(settings: Settings, *, target: str | None = None, table: str | None = None,
                     dry_run: bool = False, clock: Clock = SYSTEM_CLOCK) -> Any:
    """Restore the rows of the table's previous published version and publish them.

    Raises:
        InputError: no snapshot is kept for this table yet (names the file).
    """
    from sync.catalog.rollback import apply_rollback, plan_rollback

    with catalog_target(settings, target, table, clock=clock) as writer:
        before = writer.calls
        snapshot = writer.snapshots.load()
        plan = plan_rollback(snapshot, writer.draft_rows())
        plan.dry_run = dry_run
        if not dry_run:
            apply_rollback(plan, writer)
        plan.api_calls = {"hubspot": writer.calls - before}
        return plan


def _snapshot_path(settings: Settings, kind: str, table: str) -> Any:
    from sync.local.catalog_snapshots import snapshot_path

    account = "local"
    if kind == "hubdb":
        account = settings.hubspot.account_id or settings.hubspot.account_name or "hubdb"
    return snapshot_path(settings.home, account, table)


# --------------------------------------------------------------------------- deploy


def run_deploy(settings: Settings, *, stack: str = "hubshop", dry_run: bool = False,
               theme_env: str = "published", clock: Clock = SYSTEM_CLOCK,
               run_command: Any = None, which: Any = None, aws_session: Any = None) -> Any:
    """Theme and modules, the products table, the AWS stack, then webhooks; never raises.

    Each step runs when its service is configured, otherwise it says what is
    left. ``run_command``/``which`` default to ``subprocess.run``/``shutil.which``.
    """
    import shutil
    import subprocess

    from sync.operator.deploy import DeployReport

    report = DeployReport(dry_run=dry_run, stack=stack)
    steps = (
        lambda: _theme_step(settings, dry_run, theme_env, clock),
        lambda: _table_step(settings, dry_run, clock),
        lambda: _stack_step(settings, stack, dry_run, run_command or subprocess.run,
                            which or shutil.which),
        lambda: _webhooks_step(settings, stack, dry_run, clock, aws_session),
    )
    for name, step in zip(("theme", "products table", "AWS stack", "webhooks"), steps,
                          strict=True):
        try:
            report.steps.append(step())
        except Exception as exc:  # noqa: BLE001 - a failed step is reported, the rest still run
            from sync.errors import HubshopError
            from sync.operator.deploy import FAILED, Step
            from sync.plumbing.redact import redact

            text = str(exc) if isinstance(exc, HubshopError) else f"{type(exc).__name__}: {exc}"
            report.steps.append(Step(name, FAILED, redact(" ".join(text.split()))[:600]))
    return report


def _theme_step(settings: Settings, dry_run: bool, environment: str, clock: Clock) -> Any:
    from sync.operator.deploy import DONE, LEFT, WOULD, Step
    from sync.site.embedded import theme_folders

    folder, modules = theme_folders(settings, None)
    if not settings.hubspot.configured:
        from sync.errors import InputErrors
        from sync.site.validate import validate_theme

        problems = validate_theme(folder, list(modules))
        if problems:
            raise InputErrors(problems)
        return Step("theme", LEFT, "validated locally; to upload, set "
                    + ", ".join(settings.hubspot.missing()),
                    [f"hubshop theme upload --env {environment}"])
    from sync.hubspot.client import shared_client
    from sync.hubspot.source_code import SourceCode
    from sync.paths import asset_dir
    from sync.site.rollback import upload_keeping_history
    from sync.site.upload import Manifest, manifest_path

    dest = "hubshop" if folder == asset_dir("theme").resolve() else folder.name
    account = settings.hubspot.account_id or settings.hubspot.account_name or "default"
    report = upload_keeping_history(
        folder, SourceCode(shared_client(settings.hubspot, clock=clock), environment),
        dest=dest, manifest=Manifest(manifest_path(settings.home, account, environment)),
        modules_dirs=modules, dry_run=dry_run)
    plan = report.plan
    verb = "would upload" if dry_run else "uploaded"
    return Step("theme", WOULD if dry_run else DONE,
                f"validated; {verb} {len(plan.upload)} file(s) to {environment}:{dest}/, "
                f"{len(plan.unchanged)} unchanged",
                counts={"uploaded": len(plan.upload), "unchanged": len(plan.unchanged)})


def _table_step(settings: Settings, dry_run: bool, clock: Clock) -> Any:
    from sync.jobs.catalog import sync_catalog
    from sync.operator.deploy import DONE, WOULD, Step

    with catalog_target(settings, None, None, clock=clock) as writer:
        report = sync_catalog(settings, target=writer, dry_run=dry_run, clock=clock)
    counts = {k: v for k, v in report.counts().items() if isinstance(v, int)}
    where = f"HubDB table {report.plan.table} ({report.target})"
    if dry_run:
        publish = "then publish" if report.plan.needs_publish else "already published"
        return Step("products table", WOULD, f"{where}: {counts['created']} to create, "
                    f"{counts['updated']} to update, {counts['deleted']} to delete; {publish}",
                    counts=counts)
    state = "published" if report.published else "already published, nothing changed"
    return Step("products table", DONE, f"{where}: {counts['created']} created, "
                f"{counts['updated']} updated, {counts['deleted']} deleted; {state}",
                counts=counts)


def _stack_step(settings: Settings, stack: str, dry_run: bool, run_command: Any,
                which: Any) -> Any:
    from sync.operator.deploy import DONE, FAILED, LEFT, WOULD, Step, sam_commands, sam_parameters
    from sync.operator.deploy import shell as shell_line
    from sync.paths import REPO_DIR

    params = sam_parameters(settings)
    commands = sam_commands(stack, params)
    printed = [shell_line(c) for c in commands]
    if "ShopDomain" not in params:
        return Step("AWS stack", LEFT, f"the stack needs the store's domain: set "
                    f"{E.SHOPIFY_STORE}, then run", printed)
    if dry_run:
        return Step("AWS stack", WOULD, f"would build and deploy stack {stack}", printed)
    if which("sam") is None:
        return Step("AWS stack", LEFT, "the AWS SAM CLI is not installed here; run these "
                    "where it is (pip install aws-sam-cli)", printed)
    for command in commands:
        result = run_command(command, cwd=str(REPO_DIR), check=False)
        if result.returncode != 0:
            return Step("AWS stack", FAILED, f"`{shell_line(command)}` exited with "
                        f"{result.returncode}; its output is above", printed)
    return Step("AWS stack", DONE, f"built and deployed stack {stack}; put the apps' "
                "credentials in its secrets (sync/service/README.md, 'Deploying to AWS')")


def _webhooks_step(settings: Settings, stack: str, dry_run: bool, clock: Clock,
                   session: Any) -> Any:
    from sync.operator.deploy import DONE, LEFT, WOULD, Step

    later = ["hubshop webhooks subscribe --address <the stack's WebhookUrl output>"]
    if not settings.shopify.configured:
        return Step("webhooks", LEFT, "to subscribe, set " + ", ".join(settings.shopify.missing()),
                    later)
    from sync.aws.stack import read_stack
    from sync.errors import HubshopError

    try:
        address = read_stack(stack, session=session).outputs.get("WebhookUrl")
    except HubshopError as exc:
        return Step("webhooks", LEFT, f"the stack's WebhookUrl is not known yet ({exc})", later)
    if not address:
        return Step("webhooks", LEFT, f"stack {stack} has no WebhookUrl output", later)
    from sync.inventory.events import WEBHOOK_TOPICS
    from sync.shopify.client import ShopifyClient
    from sync.shopify.webhooks import subscribe

    report = subscribe(ShopifyClient(settings.shopify, clock=clock), address, WEBHOOK_TOPICS,
                       dry_run=dry_run)
    verb = "would create" if dry_run else "created"
    return Step("webhooks", WOULD if dry_run else DONE,
                f"{address}: {verb} {len(report.created)}, {len(report.existing)} already there",
                counts={"created": len(report.created), "existing": len(report.existing)})
