"""``hubshop webhooks``: the Shopify webhook subscriptions the inventory service needs."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.options import dry_run_option, emit_json, json_option


@click.group("webhooks")
def webhooks() -> None:
    """Shopify webhook subscriptions for the inventory service.

    \b
    Example:
      hubshop webhooks subscribe --address https://abc.execute-api.eu-west-1.amazonaws.com/webhooks/shopify
    """


@webhooks.command("subscribe")
@click.option("--address", required=True,
              help="Where Shopify delivers: the stack's WebhookUrl output (or serve's URL).")
@dry_run_option
@json_option
@pass_app
def subscribe_command(app: AppContext, address: str, dry_run: bool, as_json: bool) -> None:
    """Subscribe the app to every topic the service handles; safe to run again.

    Topics: inventory_levels/update, orders/create, orders/cancelled,
    fulfillments/create, refunds/create, products/create, products/update,
    products/delete. Existing subscriptions are left alone.

    \b
    Example:
      hubshop webhooks subscribe --address https://example.com/webhooks/shopify --dry-run
    """
    from sync.inventory.events import WEBHOOK_TOPICS
    from sync.shopify.client import ShopifyClient
    from sync.shopify.webhooks import subscribe

    settings = app.settings()
    if not settings.shopify.configured:
        raise click.ClickException("webhooks live in Shopify: set " + ", ".join(
            settings.shopify.missing()) + " (the embedded default has no webhooks to subscribe)")
    client = ShopifyClient(settings.shopify, clock=app.clock)
    report = subscribe(client, address, WEBHOOK_TOPICS, dry_run=dry_run)
    if as_json:
        emit_json(report.as_dict())
        return
    verb = "Would create" if dry_run else "Created"
    click.echo(f"{verb} {len(report.created)} subscription(s) to {address}; "
               f"{len(report.existing)} already there.")
    for topic in report.created:
        click.echo(f"  + {topic}")
