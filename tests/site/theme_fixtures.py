"""Shared fixtures for the theme tests: the demo catalogue in a local HubDB, a build, a preview.

Import the fixtures a test file needs by name (``from tests.site.theme_fixtures import …``).
The expected products come from :func:`demo_products_by_csv`, a reading of the
demo CSV with the ``csv`` module alone, independent of hubshop's CSV reader and
of the HubDB query engine the site uses.
"""

from __future__ import annotations

import csv
import functools
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from sync.config import load_settings
from sync.jobs.catalog import sync_catalog
from sync.local.db import connect
from sync.local.demo import create_demo_store, demo_clock
from sync.local.hubdb import LocalHubDB
from sync.paths import DEMO_DIR, asset_dir
from sync.site.build import BuildResult, SiteOptions, build_site
from sync.site.hubl import LocalHubDBSource
from sync.site.preview import PreviewSite, start_preview

THEME = asset_dir("theme")
MODULES = asset_dir("modules")
SHOP = "fernhill-demo.myshopify.com"


def demo_products_by_csv() -> dict[str, dict]:
    """handle -> {title, category, price_min, options ("Size: M"), sale} from the demo CSV."""
    products: dict[str, dict] = {}
    with open(DEMO_DIR / "products.csv", newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = row["Handle"]
            if row["Title"]:
                products[key] = {
                    "title": row["Title"],
                    "category": row["Product Category"].rsplit(">", 1)[-1].strip(),
                    "visible": row["Status"] == "active" and row["Published"] == "TRUE",
                    "prices": [],
                    "names": [row[f"Option{i} Name"] for i in (1, 2, 3)],
                    "options": set(),
                    "sale": False,
                }
            if row["Variant Price"]:
                product = products[key]
                product["prices"].append(float(row["Variant Price"]))
                compare = row["Variant Compare At Price"]
                product["sale"] |= bool(compare) and float(compare) > float(row["Variant Price"])
                for i, name in enumerate(product["names"], start=1):
                    if name and row[f"Option{i} Value"]:
                        product["options"].add(f"{name}: {row[f'Option{i} Value']}")
    return {
        key: {"title": p["title"], "category": p["category"], "price_min": min(p["prices"]),
              "options": p["options"], "sale": p["sale"]}
        for key, p in products.items()
        if p["visible"]
    }


def synced_hub(home: Path, source: str = "local") -> LocalHubDB:
    """The product table exactly as ``hubshop catalog sync`` writes it, in a store under ``home``.

    The local store is loaded from the demo, then the real catalog sync runs
    ``source`` (``local`` or ``csv:PATH``) into the local HubDB, so the site is
    tested against the one table contract the catalog defines.
    """
    settings = load_settings(flags={"home": str(home)}, env={}, cwd=home)
    conn = connect(settings.database)
    create_demo_store(conn)
    sync_catalog(settings, source=source, target="local", clock=demo_clock())
    return LocalHubDB(conn, demo_clock())


def demo_hub(home: Path) -> LocalHubDB:
    """The demo store's products, synced into the local HubDB by the catalog sync."""
    return synced_hub(home)


def site_options(hub: LocalHubDB, base_url: str = "http://localhost:8000") -> SiteOptions:
    return SiteOptions(hubdb=LocalHubDBSource(hub), modules_dirs=(MODULES,), base_url=base_url,
                       static_dirs={"/demo/images": DEMO_DIR / "images"})


@pytest.fixture(scope="session")
def product_hub(tmp_path_factory: pytest.TempPathFactory) -> LocalHubDB:
    return demo_hub(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="session")
def built_site(product_hub: LocalHubDB, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    out = tmp_path_factory.mktemp("site") / "out"
    return build_site(THEME, out, site_options(product_hub))


@pytest.fixture(scope="session")
def preview_url(product_hub: LocalHubDB) -> Iterator[str]:
    server, url = start_preview(PreviewSite(THEME, site_options(product_hub), live_reload=False))
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def static_url(built_site: BuildResult) -> Iterator[str]:
    """The static build behind a plain file server: no HubDB API, no query strings understood."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            return

    handler = functools.partial(Quiet, directory=str(built_site.out_dir))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
