"""``hubshop store``: the embedded Shopify-like store."""

from __future__ import annotations

from pathlib import Path

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option


@click.group()
def store() -> None:
    """The local stand-in for a Shopify store (the embedded default).

    \b
    Example:
      hubshop store load products_export.csv
    """


@store.command("load")
@click.argument("csv_path", metavar="CSV", type=click.Path(exists=True, dir_okay=False))
@click.option("--location", help="Location for 'Variant Inventory Qty' (default: the first).")
@click.option("--no-quantities", is_flag=True, help="Load products only; leave stock as it is.")
@dry_run_option
@json_option
@pass_app
def load(
    app: AppContext,
    csv_path: str,
    location: str | None,
    no_quantities: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    """Load a Shopify product CSV (either header dialect) into the local store.

    Products are upserted by handle, variants replaced whole, as Shopify's
    import does. The whole file is checked first: a bad row stops the load
    before anything is written, naming file:line:column.

    \b
    Example:
      hubshop store load products_export_1.csv --dry-run
    """
    from sync.local.load import load_product_csv
    from sync.local.shop import LocalShop

    shop = LocalShop(app.connection(), app.clock)
    report = load_product_csv(
        shop,
        Path(csv_path),
        location=location,
        quantities=not no_quantities,
        dry_run=dry_run,
    )
    counts = report.counts()
    if as_json:
        emit_json({**counts, "dry_run": dry_run})
        return
    prefix = "Would load" if dry_run else "Loaded"
    click.echo(
        f"{prefix} {csv_path}: {counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['quantities_set']} stock figures set"
    )
