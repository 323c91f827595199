"""Wiring for ``hubshop products import``: the feed, the current catalog, the writer, the state.

FEED is a path, an ``s3://`` URL, or ``warehouse`` (the ``[warehouse]``
catalog: its REST path or CSV drop, through ``catalog_fields``). The target
is Shopify when it is configured, else the local store. Everything here is
choosing adapters; the import itself is :func:`sync.catalog.import_run.run_import`.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sync.catalog.csv_table import CsvTable
from sync.catalog.feed import Feed, FeedProblem
from sync.catalog.feed_check import check_feed
from sync.catalog.feed_csv import feed_from_table
from sync.catalog.feed_jsonl import parse_jsonl_feed
from sync.catalog.feed_records import feed_from_records
from sync.catalog.import_run import ImportReport, ImportRules, ProductWriter, run_import
from sync.catalog.sources import CatalogSource
from sync.config import Settings
from sync.errors import ConfigError, InputError, InputErrors
from sync.local.catalog_source import LocalSource
from sync.plumbing.clock import Clock

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
WAREHOUSE = "warehouse"


def import_products(
    settings: Settings,
    feed: str,
    *,
    conn: sqlite3.Connection,
    clock: Clock,
    state: Any = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    force: bool = False,
    s3: Any = None,
    deadline: float | None = None,
) -> ImportReport:
    """Read, validate and import ``feed`` into Shopify (when configured) or the local store.

    ``deadline`` (a ``clock.monotonic()`` reading) stops waiting for Shopify's
    bulk operation in time (Lambda); the next run settles it.
    """
    from sync.jobs.runs import recorded_run

    products = open_feed(feed, settings, s3=s3)
    current, writer = open_target(settings, conn, clock, deadline=deadline)
    state = state or open_state(conn)
    with recorded_run(state, "products_import", clock, dry_run=dry_run) as run:
        report = run_import(products, current, writer, state, rules(settings),
                            dry_run=dry_run, skip_invalid=skip_invalid, force=force)
        counts = report.counts()
        run.api_calls = counts.pop("api_calls")
        run.counts = {k: v for k, v in counts.items() if isinstance(v, int)
                      and not isinstance(v, bool)}
        run.extra = {"source": report.source, "target": report.target}
        if report.refused:
            run.extra.update(result="refused", error=report.refused[:500])
        elif report.failures:
            run.extra.update(result="failed", error=f"{len(report.failures)} product(s) failed")
    return report


def rules(settings: Settings) -> ImportRules:
    imports = settings.imports
    return ImportRules(categories=dict(imports.categories),
                       archive_missing=imports.archive_missing,
                       shrink_percent=imports.shrink_percent,
                       identity=imports.identifier if imports.identifier == "handle"
                       else f"custom_id:{imports.custom_id}",
                       complete_read=not settings.shopify.configured)


def open_state(conn: sqlite3.Connection) -> Any:
    """The embedded state store (where digests, the last feed size and run records live)."""
    from sync.local.ledger import SqliteState

    return SqliteState(conn)


def open_feed(spec: str, settings: Settings, *, s3: Any = None) -> Feed:
    """Read and validate a feed; problems are in the feed, never raised."""
    from sync.warehouse.catalog import csv_catalog_rows, read_text, rest_catalog_rows

    mapping = settings.warehouse.catalog_fields
    try:
        if spec == WAREHOUSE:
            location = settings.warehouse.paths.get("catalog")
            if not location:
                raise ConfigError('FEED "warehouse" needs [warehouse] paths.catalog (an API '
                                  "path for kind = rest, a CSV path or s3:// URL for kind = csv)")
            if not mapping:
                raise ConfigError('FEED "warehouse" needs [warehouse] catalog_fields')
            if settings.warehouse.kind == "rest":
                from sync.jobs.inventory import open_warehouse

                source, rows = rest_catalog_rows(open_warehouse(settings), location)
            else:
                source, rows = csv_catalog_rows(location, s3=s3)
            feed = feed_from_records(rows, mapping, source)
        else:
            if not spec.startswith("s3://") and not Path(spec).is_file():
                raise InputError(spec, "the feed file does not exist",
                                 "give a path, an s3://bucket/key URL, or warehouse")
            feed = parse_text(read_text(spec, s3=s3), spec, mapping)
    except InputErrors as errors:
        feed = Feed(spec, problems=[FeedProblem(e, None) for e in errors.errors])
    except InputError as error:
        feed = Feed(spec, problems=[FeedProblem(error, None)])
    return check_feed(feed, settings.imports.categories,
                      local_target=not settings.shopify.configured)


def parse_text(text: str, source: str, mapping: dict[str, str] | None = None) -> Feed:
    """A feed from text: JSON lines by suffix, else CSV (Shopify's columns or the warehouse's)."""
    if source.lower().endswith(JSONL_SUFFIXES):
        return parse_jsonl_feed(text, source)
    table = CsvTable.parse(text, source)
    if table.has("Handle") or table.has("URL handle") or not mapping:
        return feed_from_table(table)
    rows = [(r.line, dict(zip(table.header, r.cells, strict=False))) for r in table.records]
    return feed_from_records(rows, mapping, source)


def open_target(settings: Settings, conn: sqlite3.Connection, clock: Clock, *,
                deadline: float | None = None) -> tuple[CatalogSource, ProductWriter]:
    """Shopify's catalog reader and productSet writer, or the local store's."""
    imports = settings.imports
    if settings.shopify.configured:
        from sync.shopify.catalog import ShopifyCatalog
        from sync.shopify.client import ShopifyClient
        from sync.shopify.product_writer import ShopifyProductWriter

        client = ShopifyClient(settings.shopify, clock=clock)
        return (ShopifyCatalog(client, bulk_threshold=settings.catalog.bulk_threshold),
                ShopifyProductWriter(client, bulk_threshold=imports.bulk_threshold,
                                     mode=imports.identifier, custom_id=imports.custom_id,
                                     location=imports.location, deadline=deadline))
    from sync.local.product_import import LocalProductWriter
    from sync.local.shop import LocalShop

    shop = LocalShop(conn, clock)
    return LocalSource(shop), LocalProductWriter(shop, location=imports.location)
