"""Seeding the demo store: an explicit step of ``hubshop demo`` (and of the embedded default's
commands on an empty store), never a side effect of opening ports."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from sync.config import Settings
from sync.jobs.inventory import is_demo_feed, local_store_empty, open_ports
from sync.local.demo import DemoSummary, create_demo_store, demo_clock
from sync.local.shop import LocalShop
from sync.plumbing.clock import Clock, VirtualClock
from sync.warehouse.memory import MemoryWarehouse

BASELINE_AT = datetime(2000, 1, 1, tzinfo=UTC)
"""The warehouse time of the demo store's last sync: before anything the demo feed reports."""


def seed_demo_store(settings: Settings, conn: sqlite3.Connection) -> DemoSummary:
    """Create (or reuse) the demo store in ``conn``, ledger at its last sync."""
    return create_demo_store(conn, clock=demo_clock(),
                             last_sync=lambda c, k: last_sync_baseline(settings, c, k))


def ensure_demo_store(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> bool:
    """Seed the demo store when the embedded default would otherwise run on nothing.

    Only for the embedded default's demo feed (no Shopify, no warehouse feed) and
    an empty local shop; returns True when it seeded. The CLI calls this for the
    commands the README runs right after install; opening ports never does.
    """
    if not is_demo_feed(settings) or not local_store_empty(settings, conn, clock):
        return False
    seed_demo_store(settings, conn)
    return True


def last_sync_baseline(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> None:
    """Reconcile the fresh demo store against a warehouse that agrees with it.

    That is the state right after the store's last sync: the ledger then holds
    agreed figures, so the order and hand edit played next are seen as what they
    are, and the demo feed's differences as the warehouse's news.
    """
    from sync.inventory.run import reconcile

    ports = open_ports(settings, conn, clock)
    codes = {name: code for code, name in ports.policy.location_map.items()}
    shop = LocalShop(conn, clock)
    names = {loc.id: loc.name for loc in shop.locations()}
    # the agreed figures predate every movement in the demo feed (the ledger orders
    # warehouse records by their time, and the feed's must read as news)
    agreed = MemoryWarehouse(VirtualClock(BASELINE_AT))
    for level in shop.levels():
        code = codes.get(names.get(level.location_id, ""))
        if level.sku and code:
            agreed.set(level.sku, code, level.on_hand, level.committed + level.unavailable)
    reconcile(ports.store, agreed, ports.state, ports.policy, clock=clock)
