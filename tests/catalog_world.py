"""A shop and a HubDB for catalog tests: ShopifyFake over a LocalShop, HubDBFake on loopback.

Both run on one ``VirtualClock`` shared with hubshop's clients, so pacing and
rate limits cost no real time and every call is logged for budget assertions.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import responses

from sync.config import Settings, load_settings
from sync.local.db import connect
from sync.local.shop import LocalShop
from sync.model.shop import Image, Option, Product, ProductStatus, Variant
from sync.plumbing.clock import VirtualClock

CATEGORIES = ("Apparel & Accessories > Clothing > Shirts", "Home & Garden > Decor > Candles", None)
SIZES = ("S", "M", "L")


def make_product(n: int, *, variants: int = 3) -> Product:
    """A product with ``variants`` sized variants, options, tags, an image and a category."""
    return Product(
        handle=f"item-{n:05d}",
        title=f"Item {n}",
        body_html=f"<p>Item {n} is <b>good</b>.</p><script>alert({n})</script>",
        vendor=f"Vendor {n % 4}",
        product_type=("Shirts", "Candles", "Hats")[n % 3],
        category=CATEGORIES[n % 3],
        tags=[f"tag-{n % 7}", "all"],
        options=[Option("Size", SIZES[:variants])],
        variants=[
            Variant(
                sku=f"SKU-{n:05d}-{i}",
                price=Decimal("10.00") + n % 50 + i,
                compare_at_price=Decimal("99.00") if n % 10 == 0 else None,
                options={"Size": SIZES[i % 3]},
                title=SIZES[i % 3],
                inventory_quantity=(n + i) % 5,
                position=i + 1,
            )
            for i in range(variants)
        ],
        images=[Image(src=f"https://cdn.example/item-{n}.jpg", alt=f"Item {n}")],
        status=ProductStatus.ACTIVE,
    )


def fill_shop(shop: LocalShop, count: int, *, variants: int = 3) -> list[Product]:
    if not shop.locations():
        shop.add_location("Warehouse")
    return [shop.upsert_product(make_product(n, variants=variants)) for n in range(count)]


START = datetime(2026, 3, 1, tzinfo=UTC)


_TEMPLATES: dict[tuple[int, int], Path] = {}


def _template(products: int, variants: int, scratch: Path) -> Path:
    """A shop database built once per process and copied per test (filling it is slow).

    It lives in the first caller's ``tmp_path`` (``scratch``), so pytest's
    temporary-directory cleanup removes it; nothing is left in /tmp.
    """
    key = (products, variants)
    if key in _TEMPLATES and _TEMPLATES[key].exists():
        return _TEMPLATES[key]
    path = scratch / f".template-{products}-{variants}.sqlite3"
    conn = connect(path)
    shop = LocalShop(conn, VirtualClock(START))
    shop.set_info(domain="fernhill-demo.myshopify.com", currency="EUR")
    fill_shop(shop, products, variants=variants)
    conn.close()
    _TEMPLATES[key] = path
    return path


@dataclass
class World:
    """Everything a catalog test drives: store, fakes, settings and the clock."""

    clock: VirtualClock
    shop: LocalShop
    shopify: Any
    hubdb: Any
    settings: Settings
    mock: responses.RequestsMock

    def hubspot_writes(self, since: int = 0) -> list[Any]:
        return [c for c in self.hubdb.calls[since:] if c.method != "GET"]

    def publishes(self, since: int = 0) -> list[Any]:
        return [c for c in self.hubdb.calls[since:] if c.path.endswith("/draft/publish")]


@contextlib.contextmanager
def world(
    tmp_path: Path, *, products: int = 0, variants: int = 3, **catalog: Any
) -> Iterator[World]:
    """Start both fakes over a fresh shop holding ``products`` products."""
    from tests.fakes.hubdb_server import HubDBFake
    from tests.fakes.shopify.fake import ShopifyFake

    clock = VirtualClock(START)
    tmp_path.mkdir(parents=True, exist_ok=True)
    shutil.copy(_template(products, variants, tmp_path), tmp_path / "shop.sqlite3")
    shop = LocalShop(connect(tmp_path / "shop.sqlite3"), clock)
    shopify = ShopifyFake(shop, clock)
    with HubDBFake(clock=clock) as hubdb, responses.RequestsMock(
        assert_all_requests_are_fired=False
    ) as mock:
        mock.add_passthru(hubdb.url)
        shopify.install(mock)
        env = {
            "SHOPIFY_STORE": "fernhill-demo.myshopify.com",
            "SHOPIFY_ACCESS_TOKEN": shopify.token,
            "HUBSPOT_ACCESS_TOKEN": hubdb.token,
            "HUBSPOT_API_BASE": hubdb.url,
        }
        settings = load_settings(flags={"home": str(tmp_path / "home")}, env=env, cwd=tmp_path)
        if catalog:
            settings = replace(settings, catalog=replace(settings.catalog, **catalog))
        yield World(clock, shop, shopify, hubdb, settings, mock)
