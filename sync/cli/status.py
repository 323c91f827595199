"""``hubshop status``: every job's last run, drift, pending work and next run, in one view."""

from __future__ import annotations

from datetime import datetime

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import emit_json, json_option
from sync.model.time import when


@click.command("status")
@json_option
@pass_app
def status_command(app: AppContext, as_json: bool) -> None:
    """One view of production: catalog, inventory, nightly import and theme.

    For each job: the last run (when, result, counts, API calls), drift,
    pending work, dead letters, pause, each key's age with its last and
    next rotation, and the next scheduled run.
    With --stack (or HUBSHOP_STACK) the inventory part is the deployed
    service's; else the local store's.

    \b
    Example:
      hubshop status --json
    """
    from sync.jobs.status import shop_status

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    view = shop_status(settings, app.connection, app.clock)
    if as_json:
        emit_json(view)
        return
    from sync.jobs.key_ages import key_lines

    now = app.clock.now()
    for job in ("catalog", "inventory", "nightly", "theme"):
        click.echo(_line(job, view[job], now))
        for line in key_lines(view[job].get("keys") or {}):
            click.echo(f"           key {line}")


def _line(job: str, state: dict[str, object], now: datetime) -> str:
    """One job's line: times as people read them, never Python's ``None``."""
    last = state.get("last_run")
    if isinstance(last, dict):
        target = f" on {last['target']}" if last.get("target") else ""
        ran = (f"last run {last.get('kind')}{target} {when(last.get('end') or last.get('at'), now)}"
               f" {last.get('result', 'ok')}")
        counts = [f"{k.replace('_', ' ')} {v}" for k, v in (last.get("counts") or {}).items() if v]
        calls = [f"{k} {v}" for k, v in (last.get("api_calls") or {}).items()]
        if counts:
            ran += f" ({', '.join(counts)})"
        if calls:
            ran += f", API calls {', '.join(calls)}"
    else:
        ran = "never run"
    parts = [f"{job:<10} {ran}"]
    for key in ("drift", "pending", "dead_letters", "paused", "next_run"):
        value = state.get(key)
        if value is not None:
            shown = when(value, now) if key == "next_run" else _text(value)
            parts.append(f"{key.replace('_', ' ')} {shown}")
    alarms = state.get("alarms")
    if isinstance(alarms, list):
        firing = [a["name"] for a in alarms if a.get("state") == "ALARM"]
        parts.append(f"alarms {len(firing)} of {len(alarms)} firing"
                     + (f" ({', '.join(firing)})" if firing else ""))
    return "; ".join(parts)


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        for key in ("count", "depth"):  # drift's count, a queue's depth
            if key in value:
                if value[key] is None:
                    reason = value.get("error") or value.get("reason") or "not checked"
                    return f"unknown ({reason})"
                return str(value[key])
        return ", ".join(f"{k.replace('_', ' ')} {_text(v)}" for k, v in value.items())
    return "unknown" if value is None else str(value)
