"""``run_sync``: read products, plan against the table's draft, apply, report.

The engine behind ``hubshop catalog sync``, the site-freshness function and
the demo step. It takes an open :class:`CatalogSource` and
:class:`ProductTable` (the composition layer, :mod:`sync.jobs.catalog`,
opens them from Settings) and runs fetch -> plan -> apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.catalog.apply import ApplyResult, ProductTable, apply_plan
from sync.catalog.plan import Plan, plan_sync
from sync.catalog.sources import CatalogSource
from sync.config import CatalogSettings
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.progress import progress


@dataclass
class SyncReport:
    """What one sync did (or, dry, would do)."""

    plan: Plan
    source: str
    target: str
    dry_run: bool
    published: bool = False
    applied: ApplyResult | None = None
    api_calls: dict[str, int] = field(default_factory=lambda: {"shopify": 0, "hubspot": 0})

    def counts(self) -> dict[str, Any]:
        """Integer counts plus ``api_calls``: what ``--json`` prints."""
        return {**self.plan.counts(), "api_calls": dict(self.api_calls)}

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts(),
            "table": self.plan.table,
            "source": self.source,
            "target": self.target,
            "dry_run": self.dry_run,
            "published": self.published,
            "would_publish": self.plan.needs_publish,
        }


def run_sync(
    reader: CatalogSource,
    writer: ProductTable,
    catalog: CatalogSettings,
    *,
    target: str,
    table: str | None = None,
    products: Sequence[str] | None = None,
    since: datetime | None = None,
    rebuild_text: bool = False,
    dry_run: bool = False,
    clock: Clock = SYSTEM_CLOCK,
    show_progress: bool | None = False,
    publish: bool = True,
) -> SyncReport:
    """Make the products table match the source, changing only what differs.

    Args:
        reader: where products come from.
        writer: the table they go to (its ``calls`` counts HubSpot API calls).
        catalog: ``[catalog]`` (table, delete, batch_size).
        target: the target's name for the report (``hubdb``, ``local``, ...).
        table: table name (default ``catalog.table``).
        products: product ids (or CSV handles) for an incremental run.
        since: only products updated at or after this time (no deletions of gone rows).
        rebuild_text: sanitise every description anew, even where the row's text is
            current (after a sanitiser change).
        dry_run: plan only; nothing is written or published.
        clock: what the progress bar's timing uses.
        show_progress: progress bar while writing (None: when logging allows).
        publish: False leaves the changes in the draft (``--no-publish``).

    Raises:
        InputError: a table that would exceed 10,000 rows.
        CatalogWriteError: HubDB refused a write (the published table is untouched).
    """
    name = table or catalog.table
    hubspot_before = _calls(writer)
    ids = list(products) if products else None
    table_json = writer.draft_table()
    rows = [] if table_json is None else writer.draft_rows(keys=ids)
    items = list(reader.products(ids=ids, since=since))
    delete = catalog.delete
    if since is not None and ids is None:
        delete = tuple(p for p in delete if p != "gone")
    plan = plan_sync(
        items,
        rows,
        table=name,
        table_json=table_json,
        shop=reader.shop_facts(),
        delete=delete,
        requested=ids,
        rebuild_text=rebuild_text,
    )
    report = SyncReport(plan=plan, source=reader.name, target=target, dry_run=dry_run)
    if not dry_run:
        total = len(plan.creates) + len(plan.updates) + len(plan.deletes)
        with progress(total, f"Syncing {name}", enabled=show_progress, clock=clock) as bar:
            report.applied = apply_plan(
                plan, writer, batch_size=catalog.batch_size, on_rows=bar.update,
                publish=publish,
            )
        report.published = report.applied.published
    report.api_calls = {"shopify": reader.calls, "hubspot": _calls(writer) - hubspot_before}
    return report


def _calls(writer: Any) -> int:
    return int(getattr(writer, "calls", 0))
