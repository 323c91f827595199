"""The demo's catalog step: sync the demo store into the local HubDB ``products`` table."""

from __future__ import annotations

from sync.config import Settings
from sync.demo.step import DemoStep
from sync.jobs.catalog import sync_catalog
from sync.local.demo import demo_clock


def catalog_step(settings: Settings) -> DemoStep:
    """Run ``catalog sync`` local -> local and report its counts."""
    report = sync_catalog(settings, source="local", target="local", clock=demo_clock())
    counts = report.counts()
    line = (
        f"synced into HubDB table {report.plan.table} (local): {counts['created']} created, "
        f"{counts['updated']} updated, {counts['deleted']} deleted, "
        f"{counts['unchanged']} unchanged" + (", published" if report.published else "")
    )
    return DemoStep("catalog", line, {**counts, "published": report.published})
