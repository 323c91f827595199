"""The demo's inventory step: reconcile the demo store with the demo warehouse feed."""

from __future__ import annotations

from sync.config import Settings
from sync.demo_run import DemoStep
from sync.inventory.embedded import open_ports
from sync.inventory.run import reconcile
from sync.local.db import connect
from sync.local.demo import demo_clock


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
    line = (
        f"reconciled with the warehouse feed: {counts['written']} written, "
        f"{counts['unchanged']} unchanged, {counts['skipped']} skipped "
        f"({', '.join(sorted({p.code for p in report.problems})) or 'none'}), "
        f"{counts['conflicts']} conflicts in {counts['api_calls']} API calls; "
        f"a second reconcile would write {again.written}"
    )
    return DemoStep("inventory", line, {**counts, "second_written": again.written})
