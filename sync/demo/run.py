"""``hubshop demo``: the whole system, end to end, on the embedded default.

Each capability adds one step here (catalog sync into the local HubDB table,
the site build, the inventory reconcile); the demo runs them in order on the
demo store and reports what each did, so a newcomer sees everything work
offline with one command.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sync.config import HubSpotSettings, Settings, ShopifySettings, WarehouseSettings
from sync.demo.catalog_step import catalog_step
from sync.demo.inventory_step import inventory_step
from sync.demo.nightly_step import nightly_step
from sync.demo.seed import seed_demo_store
from sync.demo.site_step import site_step
from sync.demo.step import DemoStep
from sync.local.db import connect
from sync.local.demo import DemoSummary, reset_store


@dataclass
class DemoReport:
    store: DemoSummary
    steps: list[DemoStep] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "store": self.store.as_dict(),
            "steps": {step.name: step.data for step in self.steps},
        }


Step = Callable[[Settings], DemoStep]
STEPS: list[Step] = []
NEXT_STEPS: list[str] = [
    "hubshop store load path/to/products.csv   # load your own Shopify product export",
]


def demo_settings(settings: Settings) -> Settings:
    """``settings`` with every live service and site-specific mapping taken out.

    The demo always runs on the embedded default, even in a project configured
    for a real store: it must never write to a live Shopify or HubSpot account.
    """
    return replace(
        settings,
        shopify=ShopifySettings(),
        hubspot=HubSpotSettings(),
        warehouse=WarehouseSettings(),
        inventory=replace(settings.inventory, location_map={}),
    )


def run_demo(settings: Settings, *, reset: bool = False) -> DemoReport:
    """Create (or reuse) the demo store under ``settings.home`` and run every demo step."""
    settings = demo_settings(settings)
    if reset:
        reset_store(settings.database)
    conn = connect(settings.database)
    try:
        summary = seed_demo_store(settings, conn)
    finally:
        conn.close()
    report = DemoReport(store=summary, next_steps=list(NEXT_STEPS))
    for step in STEPS:
        report.steps.append(step(settings))
    return report


def _register_steps() -> None:
    """Inventory first, so the catalog rows and the site show the reconciled stock."""
    STEPS.extend([inventory_step, catalog_step, site_step, nightly_step])
    NEXT_STEPS.extend(
        [
            "hubshop theme preview                     # browse the shop on localhost:8000",
            "hubshop inventory sync --dry-run          # what the warehouse would change now",
            "hubshop catalog sync --dry-run            # what a catalog sync would change now",
            "hubshop serve                             # the inventory service, without AWS",
            "hubshop products import FEED --dry-run    # what a product feed would change",
        ]
    )


_register_steps()
