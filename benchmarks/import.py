"""Product import benchmark: whole-feed validation, one bulk mutation, re-import, per-call import.

A generated feed of 20,000 products (3 variants each, JSON lines and Shopify's
legacy CSV) is validated whole (real CPU seconds; peak memory by tracemalloc
and the process's max RSS). It is then imported into an empty shop behind the
Shopify fake on one virtual clock (Standard plan: 100 points/s): as one bulk
mutation, then again unchanged (nothing must be sent), beside the same import
made of one ``productSet`` call per product. The per-call import is measured on
``--per-call`` products (default 1,000) and scaled to the feed's size, since
its calls and throttle waits grow linearly. Run:
``.venv/bin/python benchmarks/import.py [--products 20000] [--per-call 1000]``.
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import responses  # noqa: E402

from sync.catalog.csv_write import write_product_csv  # noqa: E402
from sync.catalog.feed_check import check_feed  # noqa: E402
from sync.catalog.feed_csv import parse_csv_feed  # noqa: E402
from sync.catalog.feed_jsonl import parse_jsonl_feed  # noqa: E402
from sync.catalog.import_run import ImportRules, run_import  # noqa: E402
from sync.config import Secret, ShopifySettings  # noqa: E402
from sync.inventory.memory_state import MemoryState  # noqa: E402
from sync.local.db import connect  # noqa: E402
from sync.local.shop import LocalShop  # noqa: E402
from sync.plumbing.clock import VirtualClock  # noqa: E402
from sync.shopify.catalog import ShopifyCatalog  # noqa: E402
from sync.shopify.client import ShopifyClient  # noqa: E402
from sync.shopify.product_writer import ShopifyProductWriter  # noqa: E402
from tests.fakes.shopify.fake import ShopifyFake  # noqa: E402

SIZES = ("S", "M", "L")


def product(n: int) -> dict:
    return {"handle": f"field-jacket-{n:05d}", "title": f"Field Jacket {n}",
            "body_html": f"<p>Waxed cotton, style {n}.</p>", "vendor": "Fernhill",
            "product_type": "Jackets", "tags": ["outerwear", f"drop-{n % 12}"],
            "options": ["Size"],
            "variants": [{"sku": f"FJ-{n:05d}-{s}", "price": f"{120 + n % 40}.00",
                          "options": [s], "grams": 900, "quantity": 4} for s in SIZES],
            "images": [f"https://cdn.example.com/jackets/{n:05d}.jpg"]}


def write_feeds(folder: Path, count: int) -> tuple[Path, Path]:
    jsonl = folder / "feed.jsonl"
    jsonl.write_text("".join(json.dumps(product(n)) + "\n" for n in range(count)))
    csv_path = folder / "feed.csv"
    write_product_csv(parse_jsonl_feed(jsonl.read_text(), str(jsonl)).products, csv_path,
                      dialect="legacy")
    return jsonl, csv_path


def validate(path: Path):
    text = path.read_text(encoding="utf-8")
    reader = parse_jsonl_feed if path.suffix == ".jsonl" else parse_csv_feed
    return check_feed(reader(text, str(path)), {})


def validation(jsonl: Path, csv_path: Path) -> None:
    """Each feed validated in a fresh process, so its max RSS is validation's alone."""
    for path in (jsonl, csv_path):
        subprocess.run([sys.executable, __file__, "--validate-only", str(path)], check=True)


def validate_only(path: Path) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    feed = validate(path)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    del feed
    tracemalloc.start()
    feed = validate(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"validate {path.name:<11} {len(feed.products):>6} products, "
          f"{len(feed.problems)} problems: {seconds:5.2f} s ({cpu:5.2f} s CPU), "
          f"max RSS {rss:4.0f} MB, Python peak {peak / 2**20:5.1f} MB (tracemalloc)")


class Shop:
    """An empty shop behind the Shopify fake, on one virtual clock."""

    def __init__(self, folder: Path, name: str) -> None:
        self.clock = VirtualClock()
        self.conn = connect(folder / f"{name}.sqlite3")
        self.shop = LocalShop(self.conn, self.clock)
        self.shop.add_location("Main Warehouse")
        self.fake = ShopifyFake(self.shop, self.clock)
        self.settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                                        access_token=Secret(self.fake.token),
                                        admin_url=self.fake.base_url)
        self.state = MemoryState()

    def run(self, feed, *, bulk_threshold: int) -> tuple[object, int, float, float]:
        client = ShopifyClient(self.settings, clock=self.clock)
        slept, started = self.clock.slept, time.process_time()
        report = run_import(feed, ShopifyCatalog(client, bulk_threshold=5000),
                            ShopifyProductWriter(client, bulk_threshold=bulk_threshold),
                            self.state, ImportRules())
        return (report, client.stats.calls, self.clock.slept - slept,
                time.process_time() - started)


def line(label: str, report, calls: int, simulated: float, cpu: float, sent: int) -> None:
    print(f"{label:<28} created {report.created:>6}, unchanged {report.unchanged:>6}, "
          f"failed {len(report.failures)}: {calls:>6} GraphQL calls "
          f"({sent} product mutations), {simulated:9.1f} s simulated, {cpu:6.1f} s CPU "
          "(client and fake)")


def imports(jsonl: Path, count: int, per_call: int, folder: Path) -> None:
    feed = validate(jsonl)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        bulk = Shop(folder, "bulk")
        bulk.fake.install(mock)
        report, calls, simulated, cpu = bulk.run(feed, bulk_threshold=250)
        sent = sum(c.root_fields[:1] in (["productSet"], ["bulkOperationRunMutation"])
                   for c in bulk.fake.calls)
        line("bulk import (one operation)", report, calls, simulated, cpu, sent)
        before = len(bulk.fake.calls)
        report, calls, simulated, cpu = bulk.run(validate(jsonl), bulk_threshold=250)
        writes = [c for c in bulk.fake.calls[before:]
                  if c.root_fields[:1] in (["productSet"], ["bulkOperationRunMutation"])]
        line("unchanged re-import", report, calls, simulated, cpu, len(writes))
    small = validate(jsonl)
    small.products = small.products[:per_call]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        naive = Shop(folder, "naive")
        naive.fake.install(mock)
        report, calls, simulated, cpu = naive.run(small, bulk_threshold=10**9)
        sent = sum(c.root_fields == ["productSet"] for c in naive.fake.calls)
        line(f"per-call import ({per_call})", report, calls, simulated, cpu, sent)
        scale = count / per_call
        print(f"{'per-call, scaled to ' + str(count):<28} {'':>38}{calls * scale:>7.0f} GraphQL "
              f"calls ({sent * scale:.0f} product mutations), {simulated * scale:9.1f} s "
              f"simulated, {cpu * scale:6.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20_000)
    parser.add_argument("--per-call", type=int, default=1_000)
    parser.add_argument("--section", choices=("all", "validation", "import"), default="all")
    parser.add_argument("--validate-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.validate_only:
        validate_only(args.validate_only)
        return
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        jsonl, csv_path = write_feeds(folder, args.products)
        print(f"feed: {args.products} products, {args.products * len(SIZES)} variants "
              f"({jsonl.stat().st_size / 2**20:.1f} MB JSON lines, "
              f"{csv_path.stat().st_size / 2**20:.1f} MB CSV)")
        if args.section in ("all", "validation"):
            validation(jsonl, csv_path)
        if args.section in ("all", "import"):
            imports(jsonl, args.products, min(args.per_call, args.products), folder)


if __name__ == "__main__":
    main()
