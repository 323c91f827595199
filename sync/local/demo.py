"""Create the embedded demo store from the data shipped in ``sync/local/demo/``.

The demo must be reproducible: ``hubshop demo`` twice gives the same store,
so it runs on a fixed virtual clock and the local shop assigns ids
deterministically. Creating it also plays out one order and one hand edit in
"Shopify", the two things a warehouse sync must not lose.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sync.errors import HubshopError
from sync.local.ledger import SqliteState
from sync.local.load import load_inventory_csv, load_product_csv
from sync.local.shop import LocalShop
from sync.model.shop import Collection, Product, ProductStatus
from sync.paths import DEMO_DIR
from sync.plumbing.clock import VirtualClock

DEMO_DAY_STARTS = time(8, 0, tzinfo=UTC)
MARKER = "demo_store_version"
DEMO_VERSION = "2"
IMAGE_BASE = "/demo/"
"""Demo images are served by the local site under /demo/ (real stores use Shopify's CDN)."""


@dataclass
class DemoSummary:
    """What the demo store holds, for the person who just created it."""

    created: bool
    products: int
    active: int
    draft: int
    archived: int
    variants: int
    categories: dict[str, int]
    collections: int
    locations: list[str]
    units_available: int
    out_of_stock: int
    order: str | None = None
    hand_edit: str | None = None
    extras: dict[str, object] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "products": self.products,
            "active": self.active,
            "draft": self.draft,
            "archived": self.archived,
            "variants": self.variants,
            "categories": self.categories,
            "collections": self.collections,
            "locations": self.locations,
            "units_available": self.units_available,
            "out_of_stock": self.out_of_stock,
            "order": self.order,
            "hand_edit": self.hand_edit,
            **self.extras,
        }


def demo_epoch(now: datetime | None = None) -> datetime:
    """When the demo's day starts: 08:00 UTC yesterday.

    The demo replays one trading day and the night after it, so its runs read
    as "yesterday" and "last night" in ``hubshop status`` beside real runs,
    never in the future whatever the time of day. Within one UTC day every
    demo gets the same times, so the demo stays repeatable.
    """
    today = (now or datetime.now(UTC)).astimezone(UTC).date()
    return datetime.combine(today - timedelta(days=1), DEMO_DAY_STARTS)


def demo_clock(now: datetime | None = None) -> VirtualClock:
    """The clock every demo step runs on (from :func:`demo_epoch`), so timestamps repeat."""
    return VirtualClock(demo_epoch(now))


def create_demo_store(
    conn: sqlite3.Connection,
    *,
    data_dir: Path = DEMO_DIR,
    clock: VirtualClock | None = None,
    last_sync: Callable[[sqlite3.Connection, VirtualClock], None] | None = None,
) -> DemoSummary:
    """Fill an empty store with the demo shop; a store that has it already is left alone.

    ``last_sync`` runs after the catalog and stock are loaded and before the
    shopper's order and the owner's hand edit: it records the state the services
    last agreed on, so the next reconcile can tell those two apart from the
    warehouse's own changes.
    """
    clock = clock or demo_clock()
    shop = LocalShop(conn, clock)
    if _marker(conn) == DEMO_VERSION:
        return summarize(shop, created=False)
    if shop.count_products():
        raise HubshopError(
            "the local store already holds products that are not the demo; "
            "run `hubshop demo --reset` to replace them"
        )
    info = json.loads((data_dir / "shop.json").read_text(encoding="utf-8"))
    shop.set_info(**{k: v for k, v in info.items() if k in _SHOP_FIELDS})
    for location in json.loads((data_dir / "locations.json").read_text(encoding="utf-8")):
        shop.add_location(location["name"])
    load_product_csv(shop, data_dir / "products.csv", quantities=False, image_base=IMAGE_BASE)
    for item in json.loads((data_dir / "collections.json").read_text(encoding="utf-8")):
        shop.upsert_collection(
            Collection(
                handle=item["handle"],
                title=item["title"],
                body_html=item.get("body_html", ""),
                rule_tag=item.get("rule_tag"),
                product_handles=list(item.get("product_handles", [])),
            )
        )
    load_inventory_csv(shop, data_dir / "inventory.csv")
    clock.advance(3600)
    if last_sync is not None:
        last_sync(conn, clock)
        clock.advance(3600)
    order, hand_edit = _play_store_activity(shop, clock)
    _set_marker(conn)
    summary = summarize(shop, created=True)
    summary.order, summary.hand_edit = order, hand_edit
    return summary


_SHOP_FIELDS = ("name", "domain", "currency", "iana_timezone", "plan")


def _play_store_activity(shop: LocalShop, clock: VirtualClock) -> tuple[str, str]:
    """One shopper order and one hand edit, as happen in a live store between syncs."""
    tracked = [
        (level, shop.get_variant(level.sku))
        for level in shop.levels()
        if level.sku and level.available >= 3
    ]
    (order_level, _), (edit_level, _) = tracked[0], tracked[1]
    order = shop.place_order([(order_level.sku, 2)], location_id=order_level.location_id)
    clock.advance(600)
    shop.hand_edit(
        edit_level.inventory_item_id, edit_level.location_id, available=edit_level.available - 1
    )
    clock.advance(600)
    return (
        f"order {order.name}: 2 x {order_level.sku}",
        f"hand edit: {edit_level.sku} available {edit_level.available} -> "
        f"{edit_level.available - 1}",
    )


def summarize(shop: LocalShop, *, created: bool) -> DemoSummary:
    """Count what the store holds (computed from the store, never remembered)."""
    products = shop.list_products()
    statuses = Counter(p.status for p in products)
    categories = Counter(_category(p.category, p.product_type) for p in products)
    levels = shop.levels()
    return DemoSummary(
        created=created,
        products=len(products),
        active=statuses[ProductStatus.ACTIVE],
        draft=statuses[ProductStatus.DRAFT],
        archived=statuses[ProductStatus.ARCHIVED],
        variants=sum(len(p.variants) for p in products),
        categories=dict(sorted(categories.items())),
        collections=len(shop.list_collections()),
        locations=[loc.name for loc in shop.locations()],
        units_available=sum(max(level.available, 0) for level in levels),
        out_of_stock=sum(1 for p in products if _sold_out(p)),
    )


def _sold_out(product: Product) -> bool:
    return bool(product.variants) and all(
        v.inventory_tracked and v.inventory_quantity <= 0 for v in product.variants
    )


def _category(path: str | None, product_type: str) -> str:
    if path:
        return path.split(">")[-1].strip()
    return product_type or "Uncategorised"


def _marker(conn: sqlite3.Connection) -> str | None:
    return SqliteState(conn).flag(MARKER)


def _set_marker(conn: sqlite3.Connection) -> None:
    SqliteState(conn).set_flag(MARKER, DEMO_VERSION)


def reset_store(database: Path) -> None:
    """Delete the embedded store file (and its WAL companions) for a fresh demo."""
    for suffix in ("", "-wal", "-shm"):
        target = Path(f"{database}{suffix}")
        if target.exists():
            target.unlink()
