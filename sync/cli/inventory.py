"""``hubshop inventory``: reconcile Shopify stock with the warehouse, status, pause and resume."""

from __future__ import annotations

from typing import Any

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option
from sync.inventory import run as inventory
from sync.inventory.ports import Ports, StateStore
from sync.inventory.report import RunReport
from sync.model.stock import Rejection


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


def _deployed(app: AppContext) -> StateStore | None:
    """The deployed service's state when a stack is set (its pause flag, ledger and runs)."""
    settings = app.settings()
    if not settings.service.stack:
        return None
    from sync.jobs.stack import open_service

    return open_service(settings, app.clock).state()


def _refuse_local_writes(app: AppContext, dry_run: bool) -> None:
    """With a deployed service, the CLI never keeps a second ledger beside the service's."""
    settings = app.settings()
    stack = settings.service.stack
    if stack and dry_run and not settings.shopify.configured:
        from sync.cli.errors import CliFailure

        raise CliFailure(f"a dry run against stack {stack} compares Shopify with the "
                         "service's ledger: Shopify's credentials are not set here",
                         kind="config", hint="set SHOPIFY_STORE and SHOPIFY_ACCESS_TOKEN (or "
                         "the client id and secret), or unset --stack/HUBSHOP_STACK")
    if stack and not dry_run:
        from sync.cli.errors import CliFailure

        raise CliFailure(
            f"the inventory service runs in stack {stack}: it reconciles on its own "
            "schedule and keeps the only ledger; a local run would keep a second one",
            kind="deployed",
            hint="POST /reconcile on the service (or wait for its schedule); use --dry-run "
                 "to see the drift, or unset --stack/HUBSHOP_STACK for a local store")


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
    _refuse_local_writes(app, dry_run)
    ports = _ports(app)
    state = _deployed(app) or ports.state
    report = inventory.reconcile(ports.store, ports.warehouse, state, ports.policy,
                                 dry_run=dry_run, clock=app.clock)
    unmapped = unmapped_locations(report)
    if as_json:
        emit_json(run_json(report))
    else:
        render_run(report)
    if unmapped:
        if not as_json:
            click.echo(unmapped, err=True)
        raise click.exceptions.Exit(1)


@inventory_group.command("status")
@json_option
@pass_app
def status_command(app: AppContext, as_json: bool) -> None:
    """Show drift, pending changes, store-side offsets, the pause switch and dead letters.

    \b
    Example:
      hubshop inventory status
    """
    from sync.jobs.status import inventory_status

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    if not settings.service.stack:
        app.embedded_store(settings)
    view = inventory_status(settings, app.connection, app.clock)
    if as_json:
        emit_json(view)
        return
    render_status(view)


@inventory_group.command("pause")
@dry_run_option
@json_option
@pass_app
def pause_command(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Hold every stock write (e.g. during a stocktake); warehouse changes queue up.

    With --stack (or HUBSHOP_STACK) this pauses the deployed service: the flag
    its Lambda functions read.

    \b
    Example:
      hubshop inventory pause --dry-run
      hubshop --stack hubshop-prod inventory pause
    """
    state = _deployed(app) or _ports(app).state
    was_paused = inventory.is_paused(state)
    if not dry_run and not was_paused:
        inventory.pause(state)
    if as_json:
        emit_json({"paused": True, "was_paused": was_paused, "where": _where(app),
                   "dry_run": dry_run})
        return
    if was_paused:
        click.echo(f"Inventory writes are already paused ({_where(app)}); nothing to do.")
    elif dry_run:
        click.echo(f"Would pause inventory writes ({_where(app)}); nothing changed.")
    else:
        click.echo(f"Inventory writes paused ({_where(app)}); warehouse changes will queue "
                   "until `hubshop inventory resume`.")


def _where(app: AppContext) -> str:
    stack = app.settings().service.stack
    return f"stack {stack}" if stack else "local store"


@inventory_group.command("resume")
@dry_run_option
@json_option
@pass_app
def resume_command(app: AppContext, dry_run: bool, as_json: bool) -> None:
    """Lift the pause and apply what queued meanwhile.

    \b
    Example:
      hubshop inventory resume --dry-run
      hubshop inventory resume
    """
    settings = app.settings()
    deployed = _deployed(app)
    ports = None if deployed is not None else _ports(app)
    state = deployed if deployed is not None else ports.state  # type: ignore[union-attr]
    if not inventory.is_paused(state) or dry_run:
        _resume_answer(app, state, dry_run, as_json)
        return
    if deployed is not None:
        # the service applies what queued: its flag is lifted, its consumer gets the records
        from sync.jobs.stack import open_service

        queued = open_service(settings, app.clock).resume()
        if as_json:
            emit_json({"paused": False, "where": _where(app), "queued": queued,
                       "dry_run": False})
            return
        click.echo(f"Resumed ({_where(app)}); {queued} queued change(s) sent to the "
                   "service's consumer.")
        return
    assert ports is not None
    report = inventory.resume(ports.store, ports.warehouse, ports.state, ports.policy,
                              clock=app.clock)
    if as_json:
        emit_json({**run_json(report), "where": _where(app)})
        return
    click.echo(f"Resumed; {report.queued} queued change(s): {report.written} written, "
               f"{report.unchanged} already in step.")
    render_run(report)


def _resume_answer(app: AppContext, state: StateStore, dry_run: bool, as_json: bool) -> None:
    """Resume when nothing is paused, or a dry run: say so, change nothing."""
    paused = inventory.is_paused(state)
    queued = len(state.pending()) if paused else 0
    if as_json:
        emit_json({"paused": paused, "where": _where(app), "queued": queued,
                   "dry_run": dry_run})
    elif not paused:
        click.echo(f"Inventory writes ({_where(app)}) are not paused; nothing to resume.")
    else:
        click.echo(f"Would resume inventory writes ({_where(app)}) and apply {queued} queued "
                   "change(s); nothing changed.")


def render_run(report: RunReport) -> None:
    """The human summary of a run: counts, then what was written, skipped or refused."""
    if report.paused:
        click.echo(f"Inventory {report.paused_note()}; {report.unchanged} in step with the "
                   "warehouse. `hubshop inventory resume` applies the queue.")
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
    for rejection in [r for r in report.rejected if not _unmapped(r)][:50]:
        click.echo(f"  rejected {rejection.where} ({rejection.sku or '?'}): {rejection.reason}")


def _unmapped(rejection: Rejection) -> bool:
    return "location_map" in rejection.reason


def unmapped_locations(report: RunReport) -> str:
    """One summary line when records name locations ``[inventory] location_map`` lacks
    (a wrong map, not a bad row: the run exits non-zero), else ``""``."""
    bad = [r for r in report.rejected if _unmapped(r)]
    if not bad:
        return ""
    codes = sorted({r.reason.split("'")[1] for r in bad if r.reason.count("'") >= 2})
    shown = ", ".join(codes[:8]) + (" …" if len(codes) > 8 else "")
    return (f"{len(bad)} record(s) name location(s) not in [inventory] location_map "
            f"({shown}); fix the map in hubshop.toml")


def run_json(report: RunReport) -> dict[str, object]:
    """A run in the CLI contract: integer counts, ``api_calls`` per service, ``dry_run``."""
    counts = {k: v for k, v in report.counts().items() if k != "api_calls"}
    return {**counts, "api_calls": {"shopify": report.api_calls}, "dry_run": report.dry_run,
            "paused": report.paused, "queued": report.queued, "rejected": len(report.rejected)}


def render_status(view: dict[str, Any]) -> None:
    """The human form of :func:`sync.jobs.status.inventory_status`."""
    drift = view.get("drift")
    dead = view.get("dead_letters")
    click.echo(f"Inventory ({view.get('where')}): paused {'yes' if view['paused'] else 'no'};"
               f" pending changes {view['pending']};"
               f" drift {'unknown (needs Shopify)' if drift is None else drift['count']}"
               + ("" if drift is None else f"; unexplained {drift['unexplained']}")
               + f"; dead letters {'n/a locally' if dead is None else dead['depth']}")
    for item in (drift or {}).get("items", [])[:50]:
        click.echo(f"  drift {item['sku']} @ {item['location']}: Shopify {item['shopify']}, "
                   f"warehouse says {item['warehouse']}")
    for key, offset in sorted(view.get("offsets", {}).items()):
        click.echo(f"  offset {key}: {offset:+d}")
    for alarm in view.get("alarms") or []:
        click.echo(f"  alarm {alarm['name']}: {alarm['state']}")
    keys = view.get("keys") or {}
    if keys:
        from sync.jobs.key_ages import key_lines

        click.echo("  Key ages and rotation:")
        for line in key_lines(keys):
            click.echo(f"    {line}")
    queued = view.get("serve_queue")
    if queued and (queued["waiting"] or queued["dead_letters"]):
        click.echo(f"  hubshop serve: {queued['waiting']} message(s) queued (oldest "
                   f"{_age(queued['oldest_waiting_s'])}), {queued['dead_letters']} dead "
                   f"letter(s) (oldest {_age(queued['oldest_dead_letter_s'])})")
    click.echo(f"Last run: {describe_run(view.get('last_run'))}")


def _age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    return f"{seconds:.0f} s" if seconds < 3600 else f"{seconds / 3600:.1f} h"


def describe_run(run: dict[str, Any] | None) -> str:
    """One line for a recorded run: kind, end, result, counts, API calls."""
    if not run:
        return "never"
    counts = run.get("counts") or {k: run[k] for k in ("written", "unchanged", "conflicts",
                                                      "skipped") if k in run}
    calls = run.get("api_calls")
    calls_text = (", ".join(f"{k} {v}" for k, v in calls.items()) if isinstance(calls, dict)
                  else str(calls or 0))
    return (f"{run.get('kind', '?')} at {run.get('end') or run.get('at')}: "
            f"{run.get('result', 'ok')}; " + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f"; API calls {calls_text}")
