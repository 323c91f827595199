"""The demo's inventory step: reconcile the demo store with the demo warehouse feed."""

from __future__ import annotations

import sqlite3

from sync.config import Settings
from sync.demo_step import DemoStep
from sync.inventory.embedded import open_ports
from sync.inventory.run import reconcile
from sync.local.db import connect
from sync.local.demo import demo_clock
from sync.local.shop import LocalShop
from sync.plumbing.clock import Clock
from sync.warehouse.memory import MemoryWarehouse


def last_sync_baseline(settings: Settings, conn: sqlite3.Connection, clock: Clock) -> None:
    """Reconcile the fresh demo store against a warehouse that agrees with it.

    That is the state right after the store's last sync: the ledger then holds
    agreed figures, so the order and hand edit played next are seen as what they
    are, and the demo feed's differences as the warehouse's news.
    """
    ports = open_ports(settings, conn, clock)
    codes = {name: code for code, name in ports.policy.location_map.items()}
    names = {loc.id: loc.name for loc in LocalShop(conn, clock).locations()}
    agreed = MemoryWarehouse(clock)
    for level in LocalShop(conn, clock).levels():
        code = codes.get(names.get(level.location_id, ""))
        if level.sku and code:
            agreed.set(level.sku, code, level.on_hand, level.committed + level.unavailable)
    reconcile(ports.store, agreed, ports.state, ports.policy, clock=clock)


def inventory_step(settings: Settings) -> DemoStep:
    """Reconcile once, then plan again to show a second reconcile would write nothing."""
    clock = demo_clock()
    conn = connect(settings.database)
    try:
        ports = open_ports(settings, conn, clock)
        report = reconcile(ports.store, ports.warehouse, ports.state, ports.policy, clock=clock)
        again = reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                          dry_run=True, clock=clock)
    finally:
        conn.close()
    counts = report.counts()
    edits = "; ".join(
        f"hand edit {h.sku} {h.delta:+d} kept ({h.policy})" for h in report.hand_edits
    )
    line = (
        f"reconciled with the warehouse feed: {counts['written']} written, "
        f"{counts['unchanged']} unchanged, {counts['skipped']} skipped "
        f"({', '.join(sorted({p.code for p in report.problems})) or 'none'}), "
        f"{counts['conflicts']} conflicts in {counts['api_calls']} API calls"
        + (f"; {edits}" if edits else "")
        + f"; a second reconcile would write {again.written}"
    )
    data = {**counts, "hand_edits": len(report.hand_edits), "second_written": again.written}
    return DemoStep("inventory", line, data)
