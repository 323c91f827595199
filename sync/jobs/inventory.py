"""The inventory engine's ports built from Settings: store, warehouse, state, policy, clock.

The engine never imports an adapter; the CLI, ``hubshop serve``, the Lambda
wiring and the demo get their ports here. Each port is opened by a small
factory, and the warehouse by a registry keyed by ``[warehouse] kind``: a new
warehouse is one adapter file (with a ``from_settings`` function) plus one
line in :data:`WAREHOUSES`.

Opening ports never creates or seeds anything beyond the store's tables: the
demo store is an explicit step (:func:`sync.demo.seed.ensure_demo_store`).
"""

from __future__ import annotations

import dataclasses
import importlib
import json
import sqlite3
from collections.abc import Callable, Mapping

from sync import env_names as E
from sync.config import Settings, WarehouseSettings
from sync.errors import ConfigError
from sync.inventory.policy import Policy
from sync.inventory.ports import InventoryStore, Ports, StateStore, Warehouse
from sync.paths import DEMO_DIR
from sync.plumbing.clock import Clock

DEMO_FEED = DEMO_DIR / "warehouse_stock.csv"

WarehouseFactory = Callable[[WarehouseSettings], Warehouse]

# kind -> "module:function" (imported on first use, so a handler loads only its own adapter)
# or a factory itself (what a test or a plug-in registers)
WAREHOUSES: dict[str, str | WarehouseFactory] = {
    "csv": "sync.warehouse.csv_drop:from_settings",
    "rest": "sync.warehouse.rest:from_settings",
}


def register_warehouse(kind: str, factory: str | WarehouseFactory) -> None:
    """Add (or replace) the warehouse adapter ``[warehouse] kind = "<kind>"`` opens."""
    WAREHOUSES[kind] = factory


def open_warehouse(settings: Settings) -> Warehouse:
    """The warehouse adapter ``[warehouse] kind`` names (``csv`` without a feed: the demo feed).

    The demo feed stands in only for the embedded default: with real Shopify
    credentials, stock figures from a sample file would be written to a live
    store, so a missing feed or URL is an error instead.

    Raises:
        ConfigError: an unknown kind, an adapter missing its settings, or real
            Shopify credentials without ``WAREHOUSE_FEED``/``WAREHOUSE_URL``.
    """
    if _no_real_warehouse(settings):
        raise ConfigError(
            f"Shopify is configured ({settings.shopify.store}) but no warehouse is: set "
            f"{E.WAREHOUSE_FEED} (a CSV file, folder or s3://bucket/prefix; [warehouse] feed) "
            f"or {E.WAREHOUSE_URL} with [warehouse] kind = \"rest\"; the demo feed is only "
            "for the embedded default")
    wh = embedded_warehouse(settings)
    entry = WAREHOUSES.get(wh.kind)
    if entry is None:
        raise ConfigError(f"[warehouse] kind = {wh.kind!r}; choose "
                          + " or ".join(sorted(WAREHOUSES)))
    return _factory(entry)(wh)


def _factory(entry: str | WarehouseFactory) -> WarehouseFactory:
    if not isinstance(entry, str):
        return entry
    module, _, name = entry.partition(":")
    return getattr(importlib.import_module(module), name)


def embedded_warehouse(settings: Settings) -> WarehouseSettings:
    """``[warehouse]`` with the embedded default filled in: a ``csv`` kind without a feed
    reads the demo feed, in the demo feed's column names."""
    wh = settings.warehouse
    if not is_demo_feed(settings):
        return wh
    return dataclasses.replace(wh, feed=str(DEMO_FEED))


def is_demo_feed(settings: Settings) -> bool:
    """True when the warehouse is the embedded default's demo feed (csv, no feed set,
    and no real Shopify to write its figures to)."""
    return (settings.warehouse.kind == "csv" and not settings.warehouse.feed
            and not settings.shopify.configured)


def _no_real_warehouse(settings: Settings) -> bool:
    return (settings.shopify.configured and settings.warehouse.kind == "csv"
            and not settings.warehouse.feed)


def open_policy(settings: Settings, *, embedded: bool = True) -> Policy:
    """``[inventory]`` as the engine's Policy; the demo feed brings the demo location map.

    Args:
        embedded: fill in the embedded default (False in AWS, where the demo data
            is not packaged and a stack without a feed is a configuration error).
    """
    policy = Policy.from_settings(settings.inventory)
    if embedded and not policy.location_map and is_demo_feed(settings):
        policy = dataclasses.replace(policy, location_map=demo_location_map())
    return policy


def warehouse_fields(settings: Settings) -> dict[str, str]:
    """The field names pushed lines are read with: ``[warehouse] fields``, else the CSV
    adapter's default columns (the demo feed's) for a ``csv`` warehouse."""
    if settings.warehouse.fields or settings.warehouse.kind != "csv":
        return dict(settings.warehouse.fields)
    from sync.warehouse.csv_drop import DEMO_FIELDS

    return dict(DEMO_FIELDS)


def demo_location_map() -> dict[str, str]:
    """The demo's warehouse codes -> Shopify location names, from ``locations.json``."""
    places = json.loads((DEMO_DIR / "locations.json").read_text(encoding="utf-8"))
    return {place["warehouse_code"]: place["name"] for place in places}


def open_store(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> InventoryStore:
    """Shopify when its credentials are set, else the local shop in ``conn``."""
    if settings.shopify.configured:
        from sync.shopify.client import ShopifyClient
        from sync.shopify.inventory import ShopifyInventory

        return ShopifyInventory(ShopifyClient(settings.shopify, clock=clock),
                                batch_size=settings.inventory.batch_size)
    from sync.local.inventory import LocalInventory
    from sync.local.shop import LocalShop

    return LocalInventory(LocalShop(conn, clock))


def open_state(conn: sqlite3.Connection) -> StateStore:
    """The engine's state in the local store (DynamoDB's is opened by the AWS wiring)."""
    from sync.local.ledger import SqliteState

    return SqliteState(conn)


def open_ports(settings: Settings, conn: sqlite3.Connection, clock: Clock, *,
               fields: Mapping[str, str] | None = None) -> Ports:
    """Every port one inventory command needs, for the embedded default or the real services."""
    return Ports(store=open_store(settings, conn, clock), warehouse=open_warehouse(settings),
                 state=open_state(conn), policy=open_policy(settings), clock=clock,
                 fields=dict(fields if fields is not None else warehouse_fields(settings)))


def local_store_empty(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> bool:
    """True when the commands would run on an empty embedded store (no Shopify configured)."""
    if settings.shopify.configured:
        return False
    from sync.local.shop import LocalShop

    return not LocalShop(conn, clock).count_products()
