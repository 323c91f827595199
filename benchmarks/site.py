"""Site benchmark: Lighthouse 12.2.3, CSS+JS weight, render, build and store-load times at scale.

Run ``python benchmarks/site.py`` after ``npm ci`` (Lighthouse and the Buy Button
SDK come from node_modules; Chromium from ``CHROME_PATH`` or ``chromium``).
Everything is offline: the SDK is served from the built site itself, so the
only difference between our product page and the comparison page is *how* the
SDK is loaded (lazily into a reserved slot, or eagerly as Shopify's default
embed code does). Storefront API calls cannot reach Shopify here and fail the
same way on both pages. Lighthouse runs each page as a phone (its default) and
as a desktop (``--preset=desktop``). The scale figures build the demo's products
repeated to 1,000 and 10,000 rows (``--skip-scale`` leaves them out).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sync.catalog.csv_write import write_product_csv  # noqa: E402
from sync.catalog.product_csv import read_product_csv  # noqa: E402
from sync.config import load_settings  # noqa: E402
from sync.jobs.catalog import sync_catalog  # noqa: E402
from sync.local.db import connect  # noqa: E402
from sync.local.demo import create_demo_store, demo_clock  # noqa: E402
from sync.local.hubdb import LocalHubDB  # noqa: E402
from sync.local.load import load_product_csv  # noqa: E402
from sync.local.shop import LocalShop  # noqa: E402
from sync.paths import DEMO_DIR, asset_dir  # noqa: E402
from sync.site.build import SiteOptions, build_site, make_environment  # noqa: E402
from sync.site.hubdb_snapshot import SnapshotSource  # noqa: E402
from sync.site.hubl import LocalHubDBSource, RequestContext  # noqa: E402

LIGHTHOUSE = REPO / "node_modules" / ".bin" / "lighthouse"
SDK_FILE = REPO / "node_modules" / "@shopify" / "buy-button-js" / "dist" / "buybutton.min.js"
SDK_URL = "https://sdks.shopifycdn.com/buy-button/latest/buy-button-storefront.min.js"
LOCAL_SDK = "/vendor/buy-button-storefront.min.js"
CHROME_FLAGS = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
                "--disable-component-update --disable-sync --no-first-run")
SHOP = "fernhill-demo.myshopify.com"
PRODUCT = "willow-overshirt"
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 95, "seo": 100}

EAGER_EMBED = """<div id="product-component-eager"></div>
<script type="text/javascript">
(function () {
  var scriptURL = '%(sdk)s';
  if (window.ShopifyBuy) { if (window.ShopifyBuy.UI) { ShopifyBuyInit(); } else { loadScript(); } }
  else { loadScript(); }
  function loadScript() {
    var script = document.createElement('script');
    script.async = true;
    script.src = scriptURL;
    document.head.appendChild(script);
    script.onload = ShopifyBuyInit;
  }
  function ShopifyBuyInit() {
    var client = ShopifyBuy.buildClient({domain: '%(shop)s', storefrontAccessToken: '%(token)s'});
    var ready = ShopifyBuy.UI.onReady ? ShopifyBuy.UI.onReady(client)
      : Promise.resolve(ShopifyBuy.UI.init(client));
    ready.then(function (ui) {
      ui.createComponent('product', {id: '%(id)s',
        node: document.getElementById('product-component-eager'),
        moneyFormat: '\u20ac{{amount}}', options: {}});
    });
  }
})();
</script>"""


def demo_hub(home: Path, count: int | None = None) -> tuple[LocalHubDB, int]:
    """The product table as the catalog sync writes it, from the demo store under ``home``.

    With ``count``, the store's visible products are repeated with new handles
    up to ``count`` and synced from a product CSV (``csv:PATH``) instead: the
    same sync, the same table contract, just more rows.
    """
    settings = load_settings(flags={"home": str(home)}, env={}, cwd=home)
    conn = connect(settings.database)
    create_demo_store(conn)
    source = "local"
    if count is not None:
        products = [p for p in LocalShop(conn, demo_clock()).list_products()
                    if p.status.value == "ACTIVE" and p.published]
        many, copy = [], 0
        while len(many) < count:
            copy += 1
            many += [replace(p, id=None, handle=f"{p.handle}-{copy}", title=f"{p.title} {copy}")
                     for p in products]
        source = "csv:" + str(write_product_csv(many[:count], home / "many.csv"))
    sync_catalog(settings, source=source, target="local", clock=demo_clock())
    hub = LocalHubDB(conn, demo_clock())
    return hub, int(hub.get_table(settings.catalog.table)["rowCount"])


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    handler = partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        return


def prepare_site(out: Path, base_url: str) -> dict[str, str]:
    """Build the demo site, vendor the SDK, add the eager-embed comparison page."""
    hub, _ = demo_hub(out.parent / "store")
    options = SiteOptions(hubdb=LocalHubDBSource(hub), modules_dirs=(asset_dir("modules"),),
                          base_url=base_url, static_dirs={"/demo/images": DEMO_DIR / "images"})
    result = build_site(asset_dir("theme"), out, options)
    if result.failed:
        raise SystemExit(f"build failed: {result.failed}")
    (out / "vendor").mkdir()
    shutil.copyfile(SDK_FILE, out / LOCAL_SDK.lstrip("/"))
    main_js = out / "js" / "main.js"
    main_js.write_text(main_js.read_text().replace(SDK_URL, LOCAL_SDK))
    page = (out / "products" / PRODUCT / "index.html").read_text()
    start = page.index('<div class="buy-button')
    end = page.index("</div>", page.index("data-shopify-fallback", start)) + len("</div>")
    embed = page[start:end]
    shopify_id = embed.split('data-shopify-id="')[1].split('"')[0]
    token = embed.split('data-token="')[1].split('"')[0]
    # Shopify's embed code carries the numeric product id; the table holds its global id
    eager = EAGER_EMBED % {"sdk": LOCAL_SDK, "shop": SHOP, "token": token,
                           "id": shopify_id.rsplit("/", 1)[-1]}
    eager_dir = out / "products" / f"{PRODUCT}-eager-embed"
    eager_dir.mkdir()
    (eager_dir / "index.html").write_text(page[:start] + eager + page[end:])
    return {"home": "/", "listing": "/products/", "listing, Boots": "/products/?category=Boots",
            "product": f"/products/{PRODUCT}/", "about": "/about/", "contact": "/contact/",
            "product, Shopify eager embed": f"/products/{PRODUCT}-eager-embed/"}


def lighthouse(url: str, chrome: str, desktop: bool = False) -> dict[str, float]:
    """One Lighthouse run, as a phone (Lighthouse's default) or a desktop; 0-100 scores."""
    env = {**os.environ, "CHROME_PATH": chrome}
    preset = ["--preset=desktop"] if desktop else []
    with tempfile.NamedTemporaryFile(suffix=".json") as report:
        subprocess.run([str(LIGHTHOUSE), url, "--output=json", f"--output-path={report.name}",
                        "--quiet", f"--chrome-flags={CHROME_FLAGS}", *preset,
                        "--only-categories=performance,accessibility,best-practices,seo"],
                       check=True, env=env, timeout=180)
        data = json.loads(Path(report.name).read_text())
    return {key: round((cat["score"] or 0) * 100) for key, cat in data["categories"].items()}


def weight(out: Path) -> dict[str, int]:
    """Gzipped bytes of our CSS and JS (theme + modules) and of the SDK the eager embed loads."""
    ours = [p for p in out.rglob("*") if p.suffix in (".css", ".js") and "vendor" not in p.parts
            and not p.name.startswith("_") and "components" not in p.parts
            and "elements" not in p.parts and "objects" not in p.parts]
    return {"ours_gzip": sum(len(gzip.compress(p.read_bytes(), 9)) for p in ours),
            "ours_files": len(ours),
            "sdk_gzip": len(gzip.compress(SDK_FILE.read_bytes(), 9)),
            "sdk_raw": SDK_FILE.stat().st_size}


def listing_render_ms(hub: LocalHubDB, runs: int = 7) -> dict[str, float]:
    """Render time of the listing's first page, and of every card as pages of 100 (≤ 1,000)."""
    hub_rows = hub.rows("products", query=[("limit", "1")])["total"]
    options = SiteOptions(hubdb=SnapshotSource(LocalHubDBSource(hub)),
                          modules_dirs=(asset_dir("modules"),))
    env = make_environment(asset_dir("theme"), options)
    page_times, all_times = [], []
    for _ in range(runs):
        started = time.perf_counter()
        env.render_template("templates/product.html",
                            request=RequestContext.from_url("http://localhost/products/"))
        page_times.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        for page in range(1, 11):
            env.render_module("../modules/product-grid", {"per_page": 100, "show_filters": True},
                              request=RequestContext.from_url(
                                  f"http://localhost/products/?page={page}"))
        all_times.append((time.perf_counter() - started) * 1000)
    return {"rows": hub_rows, "page_ms": statistics.median(page_times[1:]),
            "all_1000_cards_ms": statistics.median(all_times[1:])}


def build_seconds(hub: LocalHubDB, out: Path) -> tuple[float, int]:
    """A full static build over the hub's rows: seconds and pages written."""
    options = SiteOptions(hubdb=LocalHubDBSource(hub), modules_dirs=(asset_dir("modules"),),
                          static_dirs={"/demo/images": DEMO_DIR / "images"})
    result = build_site(asset_dir("theme"), out, options)
    if result.failed:
        raise SystemExit(f"build failed: {result.failed[:3]}")
    return result.seconds, len(result.rendered)


def store_load(home: Path, count: int) -> list[dict[str, float]]:
    """``hubshop store load`` of a ``count``-product CSV: into an empty store, then again
    with 10 % and then 100 % of the products changed (title, first price, first quantity).

    Returns time and SQLite statements a product (every row of an ``executemany``
    counts, as sqlite3 traces each) for each of the three loads.
    """
    csv_path = home / "many.csv"
    if not csv_path.exists():
        demo_hub(home / "source", count=count)
        csv_path = home / "source" / "many.csv"
    conn = connect(home / "load.sqlite3")
    statements = [0]
    conn.set_trace_callback(lambda _: statements.__setitem__(0, statements[0] + 1))
    shop = LocalShop(conn, demo_clock())
    products = read_product_csv(csv_path)
    figures = []
    for label, share, path in (("first load", 0, csv_path),
                               ("re-load, 10 % changed", 10, home / "changed-10.csv"),
                               ("re-load, 100 % changed", 100, home / "changed-100.csv")):
        if share:
            for product in products[::100 // share]:
                product.title += " (new season)"
                product.variants[0].price += 1
                product.variants[0].inventory_quantity += 1
            write_product_csv(products, path)
            shop.clock.sleep(3600)
        statements[0] = 0
        started = time.perf_counter()
        report = load_product_csv(shop, path)
        seconds = time.perf_counter() - started
        loaded = len(report.created) + len(report.updated) + len(report.unchanged)
        figures.append({"label": label, "products": loaded, "seconds": seconds,
                        "created": len(report.created), "updated": len(report.updated),
                        "statements_per_product": statements[0] / max(loaded, 1)})
    return figures


def print_load(load: dict) -> None:
    print(f"{load['products']:>6} products: store load, {load['label']}: "
          f"{load['seconds']:.1f} s, {load['statements_per_product']:.1f} "
          f"SQLite statements a product ({load['created']} created, "
          f"{load['updated']} updated)", flush=True)


def scale(sizes: tuple[int, ...]) -> None:
    """Listing render and static build at each size; ``store load`` at the largest."""
    for count in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            hub, rows = demo_hub(Path(tmp) / "store", count=count)
            timing = listing_render_ms(hub, runs=5)
            seconds, pages = build_seconds(hub, Path(tmp) / "site")
            print(f"{rows:>6} rows: listing page {timing['page_ms']:.1f} ms (target < 100 ms), "
                  f"1,000 cards as 10 pages of 100 {timing['all_1000_cards_ms']:.1f} ms; "
                  f"static build {pages} pages in {seconds:.1f} s "
                  f"({seconds / pages * 1000:.1f} ms a page)")
            if count == max(sizes):
                for load in store_load(Path(tmp) / "store", count):
                    print_load(load)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-lighthouse", action="store_true")
    parser.add_argument("--skip-scale", action="store_true",
                        help="leave out the 1,000 and 10,000 product figures")
    parser.add_argument("--only-store-load", type=int, metavar="COUNT",
                        help="print only the store load figures at COUNT products")
    parser.add_argument("--runs", type=int, default=3,
                        help="Lighthouse runs per page; the median score is printed")
    args = parser.parse_args()
    if args.only_store_load:
        with tempfile.TemporaryDirectory() as tmp:
            for load in store_load(Path(tmp), args.only_store_load):
                print_load(load)
        return 0
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or ""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "site"
        urls = prepare_site(out, "http://127.0.0.1")
        server, base = serve(out)
        try:
            print(f"Lighthouse 12.2.3, median of {args.runs} run(s); targets {TARGETS}")
            print("page                              form     perf  a11y  best  seo")
            if not args.skip_lighthouse and LIGHTHOUSE.exists() and chrome:
                for label, path in urls.items():
                    for form in ("mobile", "desktop"):
                        runs = [lighthouse(base + path, chrome, form == "desktop")
                                for _ in range(args.runs)]
                        scores = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
                        print(f"{label:<33} {form:<8} {scores['performance']:>4.0f} "
                              f"{scores['accessibility']:>5.0f} {scores['best-practices']:>5.0f} "
                              f"{scores['seo']:>4.0f}", flush=True)
            else:
                print("(Lighthouse skipped: needs npm ci and chromium)")
            sizes = weight(out)
        finally:
            server.shutdown()
            server.server_close()
    print(f"our CSS+JS: {sizes['ours_gzip'] / 1024:.1f} KB gzipped in {sizes['ours_files']} files"
          f" (target < 50 KB); Buy Button SDK: {sizes['sdk_raw'] / 1024:.0f} KB raw, "
          f"{sizes['sdk_gzip'] / 1024:.0f} KB gzipped, loaded near the viewport once the page "
          "is idle, or on use")
    if not args.skip_scale:
        scale((1000, 10_000))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
