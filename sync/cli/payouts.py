"""``hubshop payouts``: Shopify Payments balance, payout schedule and recent payouts (read-only)."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import emit_json, json_option


@click.command("payouts")
@click.option("--limit", type=click.IntRange(1, 250), default=10, show_default=True,
              help="How many recent payouts to show.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the recent payouts as CSV.")
@json_option
@pass_app
def payouts(app: AppContext, limit: int, as_csv: bool, as_json: bool) -> None:
    """Show the Shopify Payments balance, the payout schedule and recent payouts.

    Shopify pays out on the schedule set in its admin; there is no API to start
    a withdrawal, so this command reads only and links to the payout settings.
    On the embedded default it shows demo figures. Needs the app scope
    read_shopify_payments_payouts.

    \b
    Example:
      hubshop payouts --json
      hubshop payouts --csv > payouts.csv
    """
    from sync.jobs.payouts import open_payouts

    if as_json and as_csv:
        raise click.UsageError("--json and --csv are two answers to one question: give one")
    settings = app.settings()
    summary = open_payouts(settings, clock=app.clock).read(limit)
    if as_json:
        emit_json(summary.as_dict())
    elif as_csv:
        click.echo(summary.to_csv(), nl=False)
    else:
        app.announce(settings)
        for line in summary.lines():
            click.echo(line)
