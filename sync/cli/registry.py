"""The root group's subcommands by name, imported only when a command runs.

Each line is ``name: ("module:attribute", "one-line help")``; ``hubshop
--help`` lists the help strings without importing a command module, so
``--version`` and ``--help`` stay fast. A new command is one module plus one
line here (a subcommand of an existing group: one line in :data:`SUBCOMMANDS`).
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "catalog": ("sync.cli.catalog:catalog",
                "The products table the website filters and builds product pages from."),
    "console": ("sync.cli.console:console", "Serve the operator console locally: inventory "
                "status, drift, dead letters, payouts."),
    "deploy": ("sync.cli.deploy:deploy",
               "Deploy everything, then say what is left: theme, table, stack, webhooks."),
    "doctor": ("sync.cli.doctor:doctor", "Check settings, credentials and scopes for every "
               "feature; exit 1 if any check fails."),
    "nightly": ("sync.cli.nightly:nightly",
                "Import the product master, then sync the HubDB table, then reconcile stock."),
    "payouts": ("sync.cli.payouts:payouts",
                "Show the Shopify Payments balance, the payout schedule and recent payouts."),
    "products": ("sync.cli.products:products_group", "The product master: import a feed into "
                 "Shopify without clicking through its CSV import."),
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

# commands a group gets from another module, attached when the group is loaded
SUBCOMMANDS: dict[str, list[str]] = {
    "catalog": ["sync.cli.rollback:catalog_rollback"],
    "inventory": ["sync.cli.dead_letters:dead_letters"],
    "theme": ["sync.cli.rollback:theme_rollback"],
}


def register_command(name: str, target: str, short_help: str) -> None:
    """Add (or replace) a subcommand of ``hubshop`` (``target``: ``"module:attribute"``)."""
    COMMANDS[name] = (target, short_help)
