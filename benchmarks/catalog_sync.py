"""Catalog sync benchmark: calls and simulated seconds at the documented rate limits, real CPU.

Runs Shopify fake -> HubDB fake on one virtual clock (Shopify Standard plan:
2,000-point bucket, 100 points/s; HubSpot 190 requests per 10 s): 4,000
products read in pages and 10,000 through a bulk operation, 3 variants each,
for a first sync, a 1% change and no change; beside a one-row-per-call sync on
the same fakes. Then planning 10,000 products, timed on the CPU and measured
with tracemalloc. Run: ``.venv/bin/python benchmarks/catalog_sync.py [--section planning]``.

``--section crossover`` reads 17-500 products paged and through one bulk
operation at the published prices: where bulk wins sets ``[catalog]
bulk_threshold`` (measured with six media slots a product, 17 products a page:
68 products paged take 6 calls / 1.0 s against 4 calls / 2.5 s in bulk; 69
take 7 calls / 4.7 s paged). ``--section pricing``
reads 1,000 and 10,000 products under each pricing of the fake (published,
pageinfo, x0.1, x1.6); the table is in sync/catalog/README.md.
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
from sync.hubspot.client import shared_client  # noqa: E402
from sync.hubspot.hubdb import HubDBProductTable  # noqa: E402
from sync.jobs.catalog import sync_catalog  # noqa: E402
from sync.local.hubdb import LocalHubDB  # noqa: E402
from sync.local.product_table import LocalProductTable  # noqa: E402
from sync.model.shop import ShopFacts  # noqa: E402
from sync.plumbing.clock import VirtualClock  # noqa: E402
from tests.catalog_world import START, _template, make_product, world  # noqa: E402


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


def read(products: int, pricing: str, *, bulk: bool) -> tuple[int, float]:
    """Calls and simulated seconds to read ``products`` products, paged or by one bulk operation.

    Shopify fake on the Standard plan (2,000-point bucket, 100 points/s, full at
    the start), priced ``pricing``; simulated seconds count pacer and THROTTLED
    waits and the bulk operation's polling.
    """
    import responses

    from sync.config import Secret, ShopifySettings
    from sync.local.db import connect
    from sync.local.shop import LocalShop
    from sync.shopify.catalog import ShopifyCatalog
    from sync.shopify.client import ShopifyClient
    from tests.fakes.shopify.fake import ShopifyFake

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / "shop.sqlite3"
        path.write_bytes(_template(products, 3, _SCRATCH).read_bytes())
        clock = VirtualClock(START)
        fake = ShopifyFake(LocalShop(connect(path), clock), clock, pricing=pricing)
        settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                                   access_token=Secret(fake.token), admin_url=fake.base_url)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
            fake.install(mock)
            catalog = ShopifyCatalog(ShopifyClient(settings, clock=clock),
                                     bulk_threshold=0 if bulk else 10**9)
            started = clock.monotonic()
            count = sum(1 for _ in catalog.products())
            assert count == products, (count, products)
            return len(fake.calls), clock.monotonic() - started


_SCRATCH = Path(tempfile.mkdtemp(prefix="hubshop-bench-"))


def crossover() -> None:
    """Paged against bulk reads by catalog size at the published rules: where bulk wins."""
    print("products  paged calls  paged s  bulk calls  bulk s   (published rules, Standard plan)")
    for products in (17, 34, 51, 68, 69, 88, 100, 132, 200, 300, 500):
        paged = read(products, "published", bulk=False)
        bulk = read(products, "published", bulk=True)
        print(f"{products:>8} {paged[0]:>12} {paged[1]:>8.1f} {bulk[0]:>11} {bulk[1]:>7.1f}")


def pricings(sizes: tuple[int, ...] = (1000, 10_000)) -> None:
    """Full catalog reads under each pricing of the fake, paged and through one bulk operation."""
    from tests.fakes.shopify.pricing import PRICINGS

    print("products  pricing    paged calls  paged s   bulk calls  bulk s")
    for products in sizes:
        for name in PRICINGS:
            paged = read(products, name, bulk=False)
            bulk = read(products, name, bulk=True)
            print(f"{products:>8}  {name:<9} {paged[0]:>12} {paged[1]:>8.1f} {bulk[0]:>11}"
                  f" {bulk[1]:>7.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--section", choices=("all", "planning", "sync", "crossover", "pricing"), default="all",
        help="planning: the CPU/memory figures only (seconds); sync: the fakes (minutes);"
        " crossover: paged vs bulk reads by size; pricing: reads of 1,000 and 10,000 products"
        " under each pricing of the fake",
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
        scenario("4,000 paged", 4000, bulk_threshold=10**9)
        scenario("10,000 bulk", 10_000)
    if section in ("all", "crossover"):
        crossover()
    if section in ("all", "pricing"):
        pricings()


if __name__ == "__main__":
    main()
