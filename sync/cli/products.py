"""``hubshop products import``: the product master into Shopify (or the local store)."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, finish, json_option

PROBLEM_LINES = 50


@click.group("products")
def products_group() -> None:
    """The product master: import a feed into Shopify without clicking through its CSV import.

    \b
    Example:
      hubshop products import products_export.csv --dry-run
    """


@products_group.command("import")
@click.argument("feed", metavar="FEED")
@dry_run_option
@json_option
@click.option("--skip-invalid", is_flag=True,
              help="Import the valid products and report the rest (default: refuse the feed).")
@click.option("--force", is_flag=True,
              help="Import a feed far smaller than the last accepted one (or empty).")
@pass_app
def import_command(app: AppContext, feed: str, dry_run: bool, as_json: bool,
                   skip_invalid: bool, force: bool) -> None:
    """Import FEED: a product CSV (Shopify's, either dialect), JSON lines, s3://… or warehouse.

    The whole feed is validated first; any problem refuses it (each listed as
    file:line:column with the fix) unless --skip-invalid. A feed more than
    [import] shrink_percent smaller than the last accepted one is refused as a
    probable upstream fault unless --force. Products equal to the shop's are
    not sent. Goes to Shopify when it is configured, else to the local store.
    --json prints counts created, updated, archived, unchanged, invalid and
    api_calls ({"shopify": n}).

    \b
    Example:
      hubshop products import products_export.csv --dry-run
      hubshop products import s3://acme-feeds/products.jsonl --json
      hubshop products import warehouse --skip-invalid
    """
    from sync.jobs.products import import_products

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    report = import_products(settings, feed, conn=app.connection(), clock=app.clock,
                             dry_run=dry_run, skip_invalid=skip_invalid, force=force)
    finish(report, as_json, render)


def render(report) -> None:
    """The import as a person reads it: one line, the plan or the problems, the failures."""
    click.echo(f"{report.source} -> {report.target}: {report.line()}")
    for problem in report.problems[:PROBLEM_LINES]:
        fix = f" ({problem['fix']})" if problem["fix"] else ""
        click.echo(f"  {problem['where']}: {problem['problem']}{fix}")
    if len(report.problems) > PROBLEM_LINES:
        click.echo(f"  … and {len(report.problems) - PROBLEM_LINES} more problems")
    if report.dry_run and report.plan is not None:
        for line in report.plan.describe():
            click.echo(f"  {line}")
    for failure in report.failures[:PROBLEM_LINES]:
        for error in failure["errors"]:
            field = f"{error['field']}: " if error["field"] else ""
            click.echo(f"  {failure['where'] or failure['handle']}: {failure['handle']} "
                       f"{failure['action']} failed: {field}{error['message']}")
    click.echo(f"API calls: Shopify {report.api_calls.get('shopify', 0)}")
