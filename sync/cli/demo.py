"""``hubshop demo``: the embedded default, end to end."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import emit_json, json_option
from sync.demo.run import DemoReport, run_demo


@click.command()
@click.option("--reset", is_flag=True, help="Throw away the local store and create it anew.")
@json_option
@pass_app
def demo(app: AppContext, reset: bool, as_json: bool) -> None:
    """Create the demo store locally and run every part of hubshop on it.

    Needs no credentials: the store, HubDB tables and warehouse feed are local
    stand-ins under HUBSHOP_HOME (default .hubshop/). Running it twice gives
    the same store; --reset starts from scratch.

    \b
    Example:
      hubshop demo --reset
    """
    settings = app.settings()
    click.echo(f"The demo runs on the embedded default in {settings.home}/, whatever "
               "credentials are set.", err=True)
    report = run_demo(settings, reset=reset)
    if as_json:
        emit_json(report.as_dict())
        return
    _render(report, str(settings.home))


def _render(report: DemoReport, home: str) -> None:
    s = report.store
    verb = "Created" if s.created else "Reusing"
    click.echo(f"{verb} the demo store in {home}/")
    click.echo(
        f"  {s.products} products ({s.active} active, {s.draft} draft, {s.archived} archived), "
        f"{s.variants} variants, {s.collections} collections"
    )
    click.echo(f"  {len(s.categories)} categories: " + ", ".join(
        f"{name} ({count})" for name, count in s.categories.items()
    ))
    click.echo(
        f"  {len(s.locations)} locations: {', '.join(s.locations)}; "
        f"{s.units_available} units available, {s.out_of_stock} products out of stock"
    )
    if s.order:
        click.echo(f"  store activity since the last sync: {s.order}; {s.hand_edit}")
    for step in report.steps:
        click.echo(f"{step.name}: {step.line}")
    click.echo("\nTry next:")
    for line in report.next_steps:
        click.echo(f"  {line}")
