"""The demo's inventory step: reconcile the demo store with the demo warehouse feed."""

from __future__ import annotations

from sync.config import Settings
from sync.demo.step import DemoStep
from sync.inventory.run import reconcile
from sync.jobs.inventory import open_ports
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
    edits = "; ".join(
        f"hand edit {h.sku} {h.delta:+d} kept ({h.policy})" for h in report.hand_edits
    )
    if report.paused:
        line = (f"{report.paused_note()} ({counts['unchanged']} in step with the warehouse);"
                " `hubshop inventory resume` applies the queue")
        return DemoStep("inventory", line, {**counts, "api_calls": {"shopify": counts["api_calls"]},
                                            "paused": True, "queued": report.queued})
    line = (
        f"reconciled with the warehouse feed: {counts['written']} written, "
        f"{counts['unchanged']} unchanged, {counts['skipped']} skipped "
        f"({', '.join(sorted({p.code for p in report.problems})) or 'none'}), "
        f"{counts['conflicts']} conflicts in {counts['api_calls']} API calls"
        + (f"; {edits}" if edits else "")
        + f"; a second reconcile would write {again.written}"
    )
    data = {**counts, "api_calls": {"shopify": counts["api_calls"]},
            "hand_edits": len(report.hand_edits), "second_written": again.written}
    return DemoStep("inventory", line, data)
