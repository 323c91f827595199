"""Options shared by many commands, as decorator factories so they read the same everywhere."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import click


def json_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--json``: print one JSON object on stdout for scripts, nothing else on stdout.

    A script reading the JSON wants no progress bars on stderr either: the flag
    turns them off for the command (the one place the CLI decides, with ``--quiet``).
    """
    return click.option(
        "--json", "as_json", is_flag=True, callback=_json_mode,
        help="Print one JSON object for scripts.",
    )(fn)


def _json_mode(ctx: click.Context, _param: click.Parameter, value: bool) -> bool:
    if value:
        from sync.plumbing.progress import set_display

        ctx.call_on_close(set_display(False))
    return value


def dry_run_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--dry-run``: plan and show, change nothing."""
    return click.option(
        "--dry-run", is_flag=True, help="Show what would change; change nothing."
    )(fn)


def emit_json(data: Any) -> None:
    """Write ``data`` as indented JSON (Decimals and dates as strings)."""
    click.echo(json.dumps(data, indent=2, sort_keys=True, default=str))


def finish(report: Any, as_json: bool, render: Callable[[Any], None] | None = None) -> None:
    """Print a job's report — one JSON object, or its text — and exit 1 when it failed.

    The commands whose report carries ``ok`` (doctor, deploy, nightly, products import)
    end the same way, so a script sees the same contract from each of them.
    """
    if as_json:
        emit_json(report.as_dict())
    elif render is not None:
        render(report)
    else:
        for line in report.lines():
            click.echo(line)
    if not report.ok:
        raise SystemExit(1)
