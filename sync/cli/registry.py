"""The root group's subcommands by name, imported only when a command runs.

Each line is ``name: ("module:attribute", "one-line help")``; ``hubshop
--help`` lists the help strings without importing a command module, so
``--version`` and ``--help`` stay fast. A new command is one module plus one
line here.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "catalog": ("sync.cli.catalog:catalog",
                "The products table the website filters and builds product pages from."),
    "demo": ("sync.cli.demo:demo",
             "Create the demo store locally and run every part of hubshop on it."),
    "inventory": ("sync.cli.inventory:inventory_group",
                  "Keep Shopify's stock equal to the warehouse's, without losing an order or "
                  "a hand edit."),
    "serve": ("sync.cli.serve:serve",
              "Run the inventory service locally: warehouse push, Shopify webhooks, schedules."),
    "status": ("sync.cli.status:status_command",
               "Every job's last run, drift, pending work and next run."),
    "store": ("sync.cli.store:store",
              "The local stand-in for a Shopify store (the embedded default)."),
    "theme": ("sync.cli.theme:theme",
              "The HubSpot website: brand tokens, checks, a local build and preview, upload."),
    "webhooks": ("sync.cli.webhooks:webhooks",
                 "Shopify webhook subscriptions for the inventory service."),
}


def register_command(name: str, target: str, short_help: str) -> None:
    """Add (or replace) a subcommand of ``hubshop`` (``target``: ``"module:attribute"``)."""
    COMMANDS[name] = (target, short_help)
