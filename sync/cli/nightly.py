"""``hubshop nightly``: the midnight job (import, website table, stock) by hand or as a loop."""

from __future__ import annotations

import re

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, finish, json_option


def _time(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise click.BadParameter("give a time as HH:MM, e.g. 00:00")
    return value


@click.command("nightly")
@dry_run_option
@json_option
@click.option("--feed", metavar="FEED", help="The product feed (default: [import] feed).")
@click.option("--at", "at", metavar="HH:MM", callback=_time,
              help="Stay running and start a cycle every day at this time in "
                   "[inventory] timezone (a plain server without cron or AWS).")
@pass_app
def nightly(app: AppContext, dry_run: bool, as_json: bool, feed: str | None,
            at: str | None) -> None:
    """Import the product master, then sync the HubDB table, then reconcile stock.

    A failed import skips the steps that need it, and says so. The report is
    stored as a run record (hubshop inventory status shows it) and logged. A
    run that would overlap a running one does not start.

    \b
    Example:
      hubshop nightly --dry-run
      hubshop nightly --at 00:00
    """
    from sync.jobs.nightly import run_at, run_nightly

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    if at is not None:
        click.echo(f"Running every day at {at} ({settings.inventory.timezone}); Ctrl-C stops.",
                   err=True)
        run_at(settings, at, conn=app.connection(), clock=app.clock, dry_run=dry_run,
               on_report=lambda report: click.echo(report.line()))
        return
    report = run_nightly(settings, conn=app.connection(), clock=app.clock, dry_run=dry_run,
                         feed=feed)
    finish(report, as_json, render)


def render(report) -> None:
    """Each step on its line, then its failures by place."""
    if report.locked_out:
        click.echo(report.line())
        return
    for step in report.steps:
        text = step.line or step.skipped or ""
        if step.error:
            text = f"FAILED: {step.error}"
        click.echo(f"{step.name}: {text}")
        for failure in step.failures[:20]:
            for error in failure["errors"]:
                click.echo(f"  {failure['where'] or failure['handle']}: {error['message']}")
    calls = ", ".join(f"{k} {v}" for k, v in sorted(report.api_calls().items())) or "none"
    verdict = "ok" if report.ok else "FAILED"
    click.echo(f"nightly {verdict} in {report.seconds:.1f} s; API calls: {calls}")
