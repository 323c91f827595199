"""``hubshop inventory``: reconcile Shopify stock with the warehouse, status, pause and resume."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option
from sync.inventory import run as inventory
from sync.inventory.ports import Ports
from sync.inventory.report import RunReport, StatusReport

if TYPE_CHECKING:
    from sync.local.queue import QueueDepths


@click.group("inventory")
def inventory_group() -> None:
    """Keep Shopify's stock equal to the warehouse's, without losing an order or a hand edit.

    \b
    Example:
      hubshop inventory sync --dry-run
    """


def _ports(app: AppContext) -> Ports:
    from sync.jobs.inventory import open_ports

    settings = app.settings()
    app.announce(settings)
    app.embedded_store(settings)
    return open_ports(settings, app.connection(), app.clock)


@inventory_group.command("sync")
@dry_run_option
@json_option
@pass_app
def sync_command(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Reconcile every mapped SKU and location with the warehouse now.

    On the embedded default this is the local store and the demo warehouse
    feed. --json prints one object with integer counts written, unchanged,
    conflicts, skipped and api_calls.

    \b
    Example:
      hubshop inventory sync --json
    """
    ports = _ports(app)
    report = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                 dry_run=dry_run, clock=app.clock)
    if as_json:
        emit_json(report.counts())
        return
    render_run(report)


@inventory_group.command("status")
@json_option
@pass_app
def status_command(app: AppContext, as_json: bool) -> None:
    """Show drift, pending changes, store-side offsets, the pause switch and dead letters.

    \b
    Example:
      hubshop inventory status
    """
    ports = _ports(app)
    depths = _serve_queue(app)
    report = inventory.status(ports.state, ports.store, ports.warehouse, ports.policy,
                              dead_letters=depths.dead if depths else None, clock=app.clock)
    from sync.jobs.key_ages import key_ages

    ages = key_ages(app.settings(), ports.state, app.clock.now())
    extra = {"dead_letters_oldest_s": depths.oldest_dead_s if depths else None,
             "queued": depths.waiting if depths else None,
             "queued_oldest_s": depths.oldest_waiting_s if depths else None,
             "key_age_days": ages}
    if as_json:
        emit_json({**report.as_dict(), **extra})
        return
    render_status(report)
    held = [f"{name} {age:g} d" for name, age in ages.items() if age is not None]
    if held:
        click.echo("Key ages (since first seen): " + ", ".join(held))
    if depths and (depths.dead or depths.waiting):
        click.echo(f"hubshop serve: {depths.waiting} message(s) queued (oldest "
                   f"{_age(depths.oldest_waiting_s)}), {depths.dead} dead letter(s) (oldest "
                   f"{_age(depths.oldest_dead_s)})")


def _serve_queue(app: AppContext) -> QueueDepths | None:
    """``hubshop serve``'s queue and dead letters beside the store (None: serve never ran)."""
    from sync.local.queue import LocalQueue, queue_path

    path = queue_path(app.settings().database)
    if not path.exists():
        return None
    queue = LocalQueue(path)
    try:
        return queue.depths(app.clock.now())
    finally:
        queue.close()


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.0f} s" if seconds < 3600 else f"{seconds / 3600:.1f} h"


@inventory_group.command("pause")
@pass_app
def pause_command(app: AppContext) -> None:
    """Hold every stock write (e.g. during a stocktake); warehouse changes queue up.

    \b
    Example:
      hubshop inventory pause
    """
    inventory.pause(_ports(app).state)
    click.echo("Inventory writes paused; warehouse changes will queue until "
               "`hubshop inventory resume`.")


@inventory_group.command("resume")
@json_option
@pass_app
def resume_command(app: AppContext, as_json: bool) -> None:
    """Lift the pause and apply what queued meanwhile.

    \b
    Example:
      hubshop inventory resume
    """
    ports = _ports(app)
    report = inventory.resume(ports.store, ports.warehouse, ports.state, ports.policy,
                              clock=app.clock)
    if as_json:
        emit_json({**report.counts(), "queued": report.queued})
        return
    click.echo(f"Resumed; {report.queued} queued change(s) applied.")
    render_run(report)


def render_run(report: RunReport) -> None:
    """The human summary of a run: counts, then what was written, skipped or refused."""
    if report.paused:
        click.echo(f"Paused: nothing written; {report.queued} change(s) queued.")
        return
    verb = "would write" if report.dry_run else "wrote"
    click.echo(f"Inventory: {verb} {report.written}, unchanged {report.unchanged}, conflicts "
               f"{report.conflicts}, skipped {report.skipped}, {report.api_calls} API call(s).")
    for change in report.writes[:50]:
        click.echo(f"  {change.sku} @ {change.location}: {change.change_from} -> "
                   f"{change.quantity}")
    for edit in report.hand_edits:
        click.echo(f"  hand edit {edit.sku} @ {edit.location}: {edit.delta:+d} ({edit.policy};"
                   f" {edit.before} -> {edit.after})")
    for problem in report.problems:
        click.echo(f"  {problem.code}: {problem.sku} @ {problem.location}: {problem.message}")
    for rejection in report.rejected:
        click.echo(f"  rejected {rejection.where} ({rejection.sku or '?'}): {rejection.reason}")


def render_status(report: StatusReport) -> None:
    click.echo(f"Paused: {'yes' if report.paused else 'no'}; pending changes: {report.pending};"
               f" drift: {len(report.drift)}; unexplained: {report.unexplained};"
               f" dead letters: {'n/a' if report.dead_letters is None else report.dead_letters}")
    for drift in report.drift[:50]:
        click.echo(f"  drift {drift.sku} @ {drift.location}: Shopify {drift.shopify}, "
                   f"warehouse says {drift.target}")
    for key, offset in sorted(report.offsets.items()):
        click.echo(f"  offset {key}: {offset:+d}")
    if report.last_run:
        click.echo(f"Last run: {report.last_run}")
