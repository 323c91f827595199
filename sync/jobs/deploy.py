"""``hubshop deploy``: theme, products table, AWS stack and webhooks, each step reported."""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from sync import env_names as E
from sync.config import Settings
from sync.jobs.catalog_history import catalog_target
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


def run_deploy(settings: Settings, *, stack: str = "hubshop", dry_run: bool = False,
               theme_env: str = "published", clock: Clock = SYSTEM_CLOCK,
               run_command: Any = None, which: Any = None, aws_session: Any = None) -> Any:
    """Theme and modules, the products table, the AWS stack, then webhooks; never raises.

    Each step runs when its service is configured, otherwise it says what is
    left. ``run_command``/``which`` default to ``subprocess.run``/``shutil.which``.
    """
    import shutil
    import subprocess

    from sync.jobs.catalog import _LazyConnection, _run_log
    from sync.jobs.runs import recorded_run
    from sync.operator.deploy import DeployReport

    report = DeployReport(dry_run=dry_run, stack=stack)
    outputs = StackOutputs(stack, aws_session, region=settings.service.region)
    steps = (
        lambda: _theme_step(settings, dry_run, theme_env, clock),
        lambda: _table_step(settings, dry_run, clock),
        lambda: _stack_step(settings, stack, dry_run, run_command or subprocess.run,
                            which or shutil.which),
        lambda: _webhooks_step(settings, dry_run, clock, outputs),
    )
    with ExitStack() as stack_of_files, recorded_run(
            _run_log(_LazyConnection(settings, stack_of_files)), "deploy", clock,
            dry_run=dry_run) as run:
        for name, step in zip(("theme", "products table", "AWS stack", "webhooks"), steps,
                              strict=True):
            try:
                report.steps.append(step())
            except Exception as exc:  # noqa: BLE001 - a failed step is reported, the rest run
                from sync.errors import HubshopError
                from sync.operator.deploy import FAILED, Step
                from sync.plumbing.redact import redact

                text = (str(exc) if isinstance(exc, HubshopError)
                        else f"{type(exc).__name__}: {exc}")
                report.steps.append(Step(name, FAILED, redact(" ".join(text.split()))[:600]))
        if not dry_run and settings.shopify.store:  # a stack needs the store (ShopDomain)
            report.app_url = outputs.get("ConsoleUrl")
        statuses = [s.status for s in report.steps]
        run.counts = {status: statuses.count(status) for status in sorted(set(statuses))}
        run.extra = {"stack": stack, "steps": {s.name: s.status for s in report.steps},
                     **({} if report.ok else {"result": "failed"})}
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
    from sync.jobs.theme import upload_theme
    from sync.paths import asset_dir

    dest = "hubshop" if folder == asset_dir("theme").resolve() else folder.name
    report, _ = upload_theme(settings, folder, tuple(modules), environment=environment,
                             dest=dest, dry_run=dry_run, clock=clock)
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
    commands = sam_commands(stack, params, settings.service.region)
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


class StackOutputs:
    """The stack's outputs, read once (one ``DescribeStacks``) when a step first needs one,
    after ``sam deploy`` ran; an unreadable stack is remembered as such."""

    def __init__(self, stack: str, session: Any, *, region: str | None = None) -> None:
        self.stack, self.session, self.region = stack, session, region
        self._outputs: dict[str, str] | None = None
        self._error: Exception | None = None

    def read(self) -> dict[str, str]:
        """Every output. Raises the reader's ConfigError/RemoteError (no stack, no access)."""
        if self._error is not None:
            raise self._error
        if self._outputs is None:
            from sync.aws.stack import StackReader
            from sync.errors import HubshopError

            try:
                self._outputs = StackReader(self.stack, session=self.session,
                                            region=self.region).outputs()
            except HubshopError as exc:
                self._error = exc
                raise
        return self._outputs

    def get(self, name: str) -> str | None:
        """One output, or None when the stack or the output is not there."""
        from sync.errors import HubshopError

        try:
            return self.read().get(name)
        except HubshopError:
            return None


def _webhooks_step(settings: Settings, dry_run: bool, clock: Clock,
                   outputs: StackOutputs) -> Any:
    from sync.operator.deploy import DONE, LEFT, WOULD, Step

    later = ["hubshop webhooks subscribe --address <the stack's WebhookUrl output>"]
    if not settings.shopify.configured:
        return Step("webhooks", LEFT, "to subscribe, set " + ", ".join(settings.shopify.missing()),
                    later)
    from sync.errors import HubshopError

    try:
        address = outputs.read().get("WebhookUrl")
    except HubshopError as exc:
        return Step("webhooks", LEFT, f"the stack's WebhookUrl is not known yet ({exc})", later)
    if not address:
        return Step("webhooks", LEFT, f"stack {outputs.stack} has no WebhookUrl output", later)
    from sync.inventory.events import WEBHOOK_TOPICS
    from sync.shopify.client import ShopifyClient
    from sync.shopify.webhooks import subscribe

    report = subscribe(ShopifyClient(settings.shopify, clock=clock), address, WEBHOOK_TOPICS,
                       dry_run=dry_run)
    verb = "would create" if dry_run else "created"
    return Step("webhooks", WOULD if dry_run else DONE,
                f"{address}: {verb} {len(report.created)}, {len(report.existing)} already there",
                counts={"created": len(report.created), "existing": len(report.existing)})
