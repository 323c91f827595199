"""``hubshop catalog``: keep the HubDB products table in step with the shop."""

from __future__ import annotations

from datetime import UTC, datetime

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option

PLAN_LINES = 12


@click.group()
def catalog() -> None:
    """The products table the website filters and builds product pages from.

    \b
    Example:
      hubshop catalog sync --dry-run
    """


@catalog.command("sync")
@click.option(
    "--source",
    metavar="shopify|local|csv:PATH",
    help="Where products come from (default: shopify with credentials, else local).",
)
@click.option(
    "--target",
    type=click.Choice(["hubdb", "local"]),
    help="Where the table lives (default: hubdb with HubSpot credentials, else local).",
)
@click.option("--table", help="HubDB table name (default: [catalog] table, 'products').")
@click.option(
    "--products", metavar="ID,...", help="Only these product ids (an incremental refresh)."
)
@click.option(
    "--since",
    type=click.DateTime(["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%z"]),
    help="Only products updated at or after this time (UTC unless an offset is given); "
    "rows of products gone from the shop are then kept.",
)
@click.option(
    "--rebuild-text",
    is_flag=True,
    help="Sanitise every description anew (after a sanitiser change), not only changed ones.",
)
@click.option("--no-publish", is_flag=True,
              help="Write the draft only; publish later (catalog sync, or HubDB's editor).")
@dry_run_option
@json_option
@pass_app
def sync_command(
    app: AppContext,
    source: str | None,
    target: str | None,
    table: str | None,
    products: str | None,
    since: datetime | None,
    rebuild_text: bool,
    no_publish: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Sync products into the HubDB table: diffed, batched, safe to re-run.

    Only changed cells are written, at most 100 rows a call; the table is
    published once at the end, and only when something changed (or an earlier
    run died before publishing). Columns the table has that hubshop did not
    declare are never touched. Each publish keeps the rows it replaces, for
    `hubshop catalog rollback`.

    \b
    Example:
      hubshop catalog sync --dry-run
      hubshop catalog sync --source csv:products_export.csv --target local --json
      hubshop catalog sync --since 2026-12-01 --rebuild-text
    """
    from sync.jobs.catalog import sync_catalog
    from sync.jobs.catalog_history import catalog_target

    settings = app.settings()
    if not as_json:
        app.announce(settings)
    ids = [p.strip() for p in products.split(",") if p.strip()] if products else None
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    with catalog_target(settings, target, table, clock=app.clock) as writer:
        report = sync_catalog(
            settings,
            source=source,
            target=writer,
            table=table,
            products=ids,
            since=since,
            rebuild_text=rebuild_text,
            dry_run=dry_run,
            clock=app.clock,
            show_progress=False if as_json else None,
            publish=not no_publish,
        )
    if as_json:
        emit_json(report.as_dict())
        return
    _render(report)


def _render(report) -> None:
    plan, counts = report.plan, report.counts()
    verb = "Would change" if report.dry_run else "Changed"
    click.echo(
        f"{verb} table {plan.table} ({report.source} -> {report.target}): "
        f"{counts['created']} created, {counts['updated']} updated, {counts['deleted']} deleted, "
        f"{counts['unchanged']} unchanged, {counts['schema_changes']} schema changes"
    )
    if report.dry_run:
        for line in _plan_lines(plan):
            click.echo(f"  {line}")
        click.echo("  then publish" if plan.needs_publish else "  nothing to publish")
    elif report.published:
        click.echo("Published.")
    elif report.plan.needs_publish:
        click.echo("Written to the draft, not published (--no-publish); "
                   "`hubshop catalog sync` publishes it.")
    else:
        click.echo("Nothing to publish.")
    calls = counts["api_calls"]
    click.echo(f"API calls: Shopify {calls['shopify']}, HubSpot {calls['hubspot']}")


def _plan_lines(plan) -> list[str]:
    lines = [change.describe() for change in plan.schema]
    lines += [f"delete {d.handle} ({d.reason})" for d in plan.deletes]
    lines += [f"create {c.row.path}" for c in plan.creates]
    lines += [
        f"update {u.handle}: {', '.join(sorted(u.values) + (['path'] if u.path else []))}"
        for u in plan.updates
    ]
    if len(lines) > PLAN_LINES:
        return [*lines[:PLAN_LINES], f"… and {len(lines) - PLAN_LINES} more"]
    return lines
