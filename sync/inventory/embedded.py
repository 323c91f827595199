"""Wiring for the CLI and the demo: the engine's ports built from Settings.

Not part of the engine (which never imports an adapter): the edges call
:func:`open_ports` to get a Shopify-side store, a warehouse and the state,
for the embedded default or for the real services, whichever is configured.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass

from sync.config import Settings
from sync.errors import ConfigError
from sync.inventory.ledger import SqliteState
from sync.inventory.policy import Policy
from sync.inventory.ports import InventoryStore, StateStore, Warehouse
from sync.paths import DEMO_DIR
from sync.plumbing.clock import Clock

DEMO_FEED = DEMO_DIR / "warehouse_stock.csv"


@dataclass
class Ports:
    """Everything one inventory command needs."""

    store: InventoryStore
    warehouse: Warehouse
    state: StateStore
    policy: Policy


def open_ports(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> Ports:
    """Adapters for ``settings``: LocalShop + demo feed when no Shopify credentials are set."""
    policy = Policy.from_settings(settings.inventory)
    if not policy.location_map and _demo_feed(settings):
        policy = dataclasses.replace(policy, location_map=demo_location_map())
    return Ports(_store(settings, conn, clock), open_warehouse(settings), SqliteState(conn),
                 policy)


def demo_location_map() -> dict[str, str]:
    """The demo's warehouse codes -> Shopify location names, from ``locations.json``."""
    places = json.loads((DEMO_DIR / "locations.json").read_text(encoding="utf-8"))
    return {place["warehouse_code"]: place["name"] for place in places}


def _demo_feed(settings: Settings) -> bool:
    return settings.warehouse.kind == "csv" and not settings.warehouse.feed


def open_warehouse(settings: Settings) -> Warehouse:
    """The warehouse adapter ``[warehouse] kind`` names (``csv`` defaults to the demo feed)."""
    from sync.warehouse.csv_drop import DEMO_FIELDS, CsvDropWarehouse
    from sync.warehouse.rest import RestWarehouse

    wh = settings.warehouse
    if wh.kind == "rest":
        if not wh.url:
            raise ConfigError("[warehouse] kind = \"rest\" needs WAREHOUSE_URL")
        return RestWarehouse(wh.url, api_key=wh.api_key.reveal() if wh.api_key else None,
                             fields=wh.fields, paths=wh.paths)
    return CsvDropWarehouse(wh.feed or DEMO_FEED, fields=wh.fields or DEMO_FIELDS)


def _store(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> InventoryStore:
    if settings.shopify.configured:
        from sync.shopify.client import ShopifyClient
        from sync.shopify.inventory import ShopifyInventory

        return ShopifyInventory(ShopifyClient(settings.shopify, clock=clock),
                                batch_size=settings.inventory.batch_size)
    from sync.inventory.local import LocalInventory
    from sync.local.demo import create_demo_store, demo_clock
    from sync.local.shop import LocalShop

    shop = LocalShop(conn, clock)
    if _demo_feed(settings) and not shop.count_products():
        from sync.inventory.demo_step import last_sync_baseline

        create_demo_store(
            conn,
            clock=demo_clock(),
            last_sync=lambda c, k: last_sync_baseline(settings, c, k),
        )
    return LocalInventory(shop)
