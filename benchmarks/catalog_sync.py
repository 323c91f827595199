"""Catalog sync benchmark: calls and simulated seconds at the documented rate limits, real CPU.

Runs Shopify fake -> HubDB fake on one virtual clock (Shopify Standard plan:
2,000-point bucket, 100 points/s; HubSpot 190 requests per 10 s): 4,000
products read in pages and 10,000 through a bulk operation, 3 variants each,
for a first sync, a 1% change and no change; beside a one-row-per-call sync on
the same fakes. Then planning 10,000 products, timed on the CPU and measured
with tracemalloc. Run: ``.venv/bin/python benchmarks/catalog_sync.py [--section planning]``.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sync.catalog.apply import apply_plan  # noqa: E402
from sync.catalog.plan import plan_sync  # noqa: E402
from sync.catalog.rows import ShopFacts  # noqa: E402
from sync.catalog.sync import sync_catalog  # noqa: E402
from sync.hubspot.client import shared_client  # noqa: E402
from sync.hubspot.hubdb import HubDBProductTable  # noqa: E402
from sync.local.hubdb import LocalHubDB  # noqa: E402
from sync.local.product_table import LocalProductTable  # noqa: E402
from sync.plumbing.clock import VirtualClock  # noqa: E402
from tests.catalog_world import START, make_product, world  # noqa: E402


def scenario(label: str, products: int, **catalog: object) -> None:
    with tempfile.TemporaryDirectory() as scratch, world(
        Path(scratch), products=products, **catalog
    ) as w:
        for step in ("first sync", "1% change", "no change"):
            if step == "1% change":
                for product in w.shop.list_products()[: products // 100]:
                    product.variants[0].price += Decimal("1.00")
                    w.shop.upsert_product(product)
            w.clock.advance(60)
            slept = w.clock.slept
            started = time.process_time()
            report = sync_catalog(w.settings, clock=w.clock)
            calls = report.counts()["api_calls"]
            print(
                f"{label:<22} {step:<11} shopify {calls['shopify']:>4} calls, hubspot"
                f" {calls['hubspot']:>4} calls, {w.clock.slept - slept:8.1f} s simulated,"
                f" {time.process_time() - started:5.1f} s CPU"
            )
        naive(label, w)


def naive(label: str, w) -> None:
    """The same first sync written one row per call, into a second table."""
    client = shared_client(w.settings.hubspot, clock=w.clock)
    table = HubDBProductTable(client, "products_naive")
    items = list(w.shop.list_products())
    shop = ShopFacts("fernhill-demo.myshopify.com", "EUR")
    plan = plan_sync(items, [], table="products_naive", table_json=None, shop=shop)
    before, slept = client.stats.calls, w.clock.slept
    apply_plan(plan, table, batch_size=1)
    print(
        f"{label:<22} one row/call hubspot {client.stats.calls - before:>5} calls,"
        f" {w.clock.slept - slept:8.1f} s simulated (first sync)"
    )


HOSTILE = (
    '<p style="color:red" onclick="steal()">Item {n} is <b>good</b>.</p>'
    '<a href="javascript:alert({n})" target="_blank">care</a> <a href="/pages/care">guide</a>'
    '<img src="https://cdn.example/{n}.jpg" onerror="alert(1)" width="600" alt="Item {n}">'
    "<style>body{{display:none}}</style><!-- note --><font>Cotton &amp; linen</font>"
)
"""A description that needs every part of the sanitiser: handlers, style, bad URLs, unknown tags."""


def planning(count: int, *, scripts: bool, resync: bool = False, hostile: bool = False) -> None:
    """Plan ``count`` products; ``scripts`` puts a <script> in every description.

    Descriptions of plain, allowed markup skip the HTML parse; one with a
    script needs the sanitiser, so both cases are shown; ``hostile`` gives
    every description :data:`HOSTILE` (handlers, style, script URLs, unknown
    tags). ``resync`` plans against the rows a first sync wrote (read back in
    HubDB's shapes), the everyday case where every row compares unchanged.
    """
    products = [make_product(n) for n in range(count)]
    for n, item in enumerate(products):
        item.id = f"gid://shopify/Product/{n + 1}"
        item.updated_at = START  # Shopify always answers with updatedAt
        if hostile:
            item.body_html = HOSTILE.format(n=n)
        elif not scripts:
            item.body_html = f"<p>Item {n} is <b>good</b>.</p><ul><li>Cotton</li></ul>"
    shop = ShopFacts("fernhill-demo.myshopify.com", "EUR")
    rows: list = []
    table_json = None
    if resync:
        table = LocalProductTable(LocalHubDB.in_memory(VirtualClock(START)), "products")
        apply_plan(plan_sync(products, [], table="products", table_json=None, shop=shop), table)
        rows, table_json = table.draft_rows(), table.draft_table()
    started = time.process_time()
    plan = plan_sync(products, rows, table="products", table_json=table_json, shop=shop)
    cpu = time.process_time() - started
    tracemalloc.start()  # measured apart: tracing slows the CPU figure several-fold
    plan_sync(products, rows, table="products", table_json=table_json, shop=shop)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    kind = "re-sync, " if resync else ""
    what = "hostile" if hostile else "a script in every" if scripts else "clean"
    print(
        f"planning {count} products ({kind}{what}"
        f" description): {len(plan.creates)} creates, {plan.unchanged} unchanged,"
        f" {cpu:.2f} s CPU, peak {peak / 2**20:.0f} MB (budget: 1 s, 200 MB)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--section", choices=("all", "planning", "sync"), default="all",
        help="planning: the CPU/memory figures only (seconds); sync: the fakes (minutes)",
    )
    section = parser.parse_args(argv).section
    logging.disable(logging.WARNING)
    sys.stdout.reconfigure(line_buffering=True)
    if section in ("all", "planning"):
        planning(10_000, scripts=False)
        planning(10_000, scripts=False, resync=True)
        planning(10_000, scripts=True)
        planning(10_000, scripts=True, resync=True)
        planning(10_000, scripts=True, hostile=True)
    if section in ("all", "sync"):
        scenario("4,000 paged", 4000)
        scenario("10,000 bulk", 10_000, bulk_threshold=5000)


if __name__ == "__main__":
    main()
