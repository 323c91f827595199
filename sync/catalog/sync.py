"""``sync_catalog``: read products, plan against the table's draft, apply, report.

The one library call behind ``hubshop catalog sync`` and the demo step: it
wires the chosen source and target, then runs fetch -> plan -> apply.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.catalog.apply import ApplyResult, ProductTable, apply_plan
from sync.catalog.plan import Plan, plan_sync
from sync.catalog.sources import CatalogSource, open_source
from sync.config import Settings
from sync.errors import ConfigError, InputError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.progress import progress

TARGET_CHOICES = ("hubdb", "local")


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


def sync_catalog(
    settings: Settings,
    *,
    source: str | CatalogSource | None = None,
    target: str | ProductTable | None = None,
    table: str | None = None,
    products: Sequence[str] | None = None,
    since: datetime | None = None,
    dry_run: bool = False,
    clock: Clock = SYSTEM_CLOCK,
    show_progress: bool | None = False,
    publish: bool = True,
) -> SyncReport:
    """Make the products table match the source, changing only what differs.

    Args:
        settings: credentials and ``[catalog]`` (table, delete, batch_size, bulk_threshold).
        source: ``shopify``/``local``/``csv:PATH``, a :class:`CatalogSource`, or None
            (Shopify when configured, else the local shop).
        target: ``hubdb``/``local``, a :class:`ProductTable`, or None (HubDB when
            configured, else the local HubDB).
        table: table name (default ``[catalog] table``).
        products: product ids (or CSV handles) for an incremental run.
        since: only products updated at or after this time (no deletions of gone rows).
        dry_run: plan only; nothing is written or published.
        clock: what pacers and timestamps use.
        show_progress: progress bar while writing (None: when logging allows).
        publish: False leaves the changes in the draft (``--no-publish``).

    Raises:
        ConfigError: an explicit ``hubdb``/``shopify`` without credentials.
        InputError: bad source/target, or a table that would exceed 10,000 rows.
        CatalogWriteError: HubDB refused a write (the published table is untouched).
    """
    name = table or settings.catalog.table
    with ExitStack() as stack:
        conn = _LazyConnection(settings, stack)
        reader = (
            source
            if source is not None and not isinstance(source, str)
            else open_source(source, settings, clock=clock, connection=conn.get)
        )
        writer, target_name, hubspot = _open_target(target, settings, name, clock, conn)
        hubspot_before = _calls(hubspot, writer)
        ids = list(products) if products else None
        table_json = writer.draft_table()
        rows = [] if table_json is None else writer.draft_rows(keys=ids)
        items = list(reader.products(ids=ids, since=since))
        requested = ids
        delete = settings.catalog.delete
        if since is not None and ids is None:
            delete = tuple(p for p in delete if p != "gone")
        plan = plan_sync(
            items,
            rows,
            table=name,
            table_json=table_json,
            shop=reader.shop_facts(),
            delete=delete,
            requested=requested,
        )
        report = SyncReport(plan=plan, source=reader.name, target=target_name, dry_run=dry_run)
        if not dry_run:
            total = len(plan.creates) + len(plan.updates) + len(plan.deletes)
            with progress(total, f"Syncing {name}", enabled=show_progress, clock=clock) as bar:
                report.applied = apply_plan(
                    plan, writer, batch_size=settings.catalog.batch_size, on_rows=bar.update,
                    publish=publish,
                )
            report.published = report.applied.published
        report.api_calls = {
            "shopify": reader.calls,
            "hubspot": _calls(hubspot, writer) - hubspot_before,
        }
        return report


def _open_target(
    target: str | ProductTable | None, settings: Settings, name: str, clock: Clock, conn: Any
) -> tuple[ProductTable, str, Any]:
    if target is not None and not isinstance(target, str):
        return target, getattr(target, "kind", type(target).__name__), None
    if target is None:
        target = "hubdb" if settings.hubspot.configured else "local"
    if target == "hubdb":
        if not settings.hubspot.configured:
            raise ConfigError(
                "--target hubdb needs HubSpot credentials: missing "
                + ", ".join(settings.hubspot.missing())
            )
        from sync.hubspot.client import shared_client
        from sync.hubspot.hubdb import HubDBProductTable

        client = shared_client(settings.hubspot, clock=clock)
        return HubDBProductTable(client, name), "hubdb", client
    if target == "local":
        from sync.local.hubdb import LocalHubDB
        from sync.local.product_table import LocalProductTable

        return LocalProductTable(LocalHubDB(conn.get(), clock), name), "local", None
    raise InputError("--target", f"{target!r} is not a target; choose hubdb or local")


def _calls(client: Any, writer: Any) -> int:
    if client is not None:
        return int(client.stats.calls)
    return int(getattr(writer, "calls", 0))


class _LazyConnection:
    """The local store, opened only when a local source or target needs it."""

    def __init__(self, settings: Settings, stack: ExitStack) -> None:
        self.settings = settings
        self.stack = stack
        self.conn: Any = None

    def get(self) -> Any:
        if self.conn is None:
            from sync.local.db import connect

            self.conn = connect(self.settings.database)
            self.stack.callback(self.conn.close)
        return self.conn
