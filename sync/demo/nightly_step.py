"""The demo's nightly step: tonight's product master is the demo catalog with a few changes.

The feed is written into HUBSHOP_HOME from ``products.csv`` and
``nightly_changes.json`` (both in ``sync/local/demo``), then one whole nightly
cycle runs on the embedded default with ``[import] archive_missing`` on, so
the import creates, updates and archives a few products, the HubDB table
follows, and stock is reconciled. A second demo finds nothing to send.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sync.catalog.feed_csv import parse_csv_feed
from sync.catalog.feed_jsonl import product_line
from sync.config import Settings
from sync.demo.step import DemoStep
from sync.local.db import connect
from sync.local.demo import IMAGE_BASE, demo_epoch
from sync.paths import DEMO_DIR
from sync.plumbing.clock import VirtualClock

FEED_NAME = "demo_nightly_feed.jsonl"


def write_demo_feed(target: Path, data_dir: Path = DEMO_DIR) -> Path:
    """Write tonight's demo feed (JSON lines) to ``target``; returns it."""
    source = data_dir / "products.csv"
    changes = json.loads((data_dir / "nightly_changes.json").read_text(encoding="utf-8"))
    feed = parse_csv_feed(source.read_text(encoding="utf-8"), str(source))
    dropped = set(changes["drop"])
    lines = []
    for product in feed.products:
        if product.handle in dropped:
            continue
        line = product_line(_served(product))
        change = changes["change"].get(product.handle, {})
        if "price" in change:
            line["variants"] = [{**v, "price": str(Decimal(change["price"]))}
                                for v in line["variants"]]
        line.update({k: v for k, v in change.items() if k != "price"})
        lines.append(line)
    lines.extend(changes["add"])
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines),
                      encoding="utf-8")
    return target


def _served(product):  # type: ignore[no-untyped-def]
    """Image paths as the demo store keeps them (served by the local site under /demo/)."""
    images = [dataclasses.replace(i, src=IMAGE_BASE + i.src) for i in product.images]
    variants = [dataclasses.replace(v, image_src=IMAGE_BASE + v.image_src if v.image_src
                                    else None) for v in product.variants]
    return dataclasses.replace(product, images=images, variants=variants)


def tonight() -> VirtualClock:
    """The demo's first midnight: the nightly runs after the day's edits, not at their instant
    (a product it changes must look newer than the row synced during the day)."""
    midnight = demo_epoch().replace(hour=0, minute=0, second=0, microsecond=0)
    return VirtualClock(midnight + timedelta(days=1))


def nightly_step(settings: Settings) -> DemoStep:
    """One nightly cycle on the demo store with the demo feed."""
    from sync.jobs.nightly import run_nightly

    feed = write_demo_feed(settings.home / FEED_NAME)
    demo = dataclasses.replace(settings, imports=dataclasses.replace(
        settings.imports, feed=str(feed), archive_missing=True))
    conn = connect(settings.database)
    try:
        report = run_nightly(demo, conn=conn, clock=tonight())
    finally:
        conn.close()
    data = {step.name: {**step.counts, "ok": step.ok} for step in report.steps}
    verdict = "one cycle" if report.ok else "FAILED"
    return DemoStep("nightly", f"{verdict} with the demo feed: " + "; ".join(
        f"{s.name} {s.line or s.error or s.skipped}" for s in report.steps), data)
