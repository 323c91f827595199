"""Load Shopify-format files (product CSV, inventory CSV) into the local shop.

This is what Shopify's own CSV import does, on the embedded default: products
are upserted by handle, list fields replaced whole; a dry run performs the same
work inside a transaction and rolls it back, so what it reports is exactly what
a real load would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sync.catalog.inventory_csv import InventoryRow, read_inventory_csv
from sync.catalog.product_csv import read_product_csv
from sync.local.db import transaction
from sync.local.shop import LocalShop
from sync.model.shop import Product

DEFAULT_LOCATION = "Shop location"


class _Rollback(Exception):
    """Raised inside a dry run's transaction to undo it."""


@dataclass
class LoadReport:
    """What a load did (or, in a dry run, would do), by product handle."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    quantities_set: int = 0
    dry_run: bool = False

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "quantities_set": self.quantities_set,
        }


def load_product_csv(
    shop: LocalShop,
    path: Path | str,
    *,
    location: str | None = None,
    quantities: bool = True,
    dry_run: bool = False,
    image_base: str | None = None,
) -> LoadReport:
    """Read a product CSV (either dialect) and upsert every product into ``shop``.

    The whole file is validated before anything is written. ``Variant Inventory
    Qty`` becomes ``available`` at ``location`` (default: the first location),
    as Shopify's import does, unless ``quantities`` is False. ``image_base``
    prefixes relative image paths (the demo's ``images/x.svg`` becomes
    ``/demo/images/x.svg``, where the local site serves it).
    """
    products = read_product_csv(path)
    if image_base:
        products = [_rebase_images(p, image_base) for p in products]
    return load_products(shop, products, location=location, quantities=quantities, dry_run=dry_run)


def load_products(
    shop: LocalShop,
    products: Sequence[Product],
    *,
    location: str | None = None,
    quantities: bool = True,
    dry_run: bool = False,
) -> LoadReport:
    """Upsert ``products`` in one transaction; see :func:`load_product_csv`."""
    report = LoadReport(dry_run=dry_run)
    try:
        with transaction(shop.conn):
            where = _location(shop, location)
            for product in products:
                before = shop.get_product(product.handle)
                stored = shop.upsert_product(product)
                if before is None:
                    report.created.append(product.handle)
                elif stored.updated_at != before.updated_at:
                    report.updated.append(product.handle)
                else:
                    report.unchanged.append(product.handle)
                if quantities:
                    report.quantities_set += _set_quantities(shop, product, stored, where)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _rebase_images(product: Product, base: str) -> Product:
    def rebase(src: str | None) -> str | None:
        if not src or "://" in src or src.startswith("/"):
            return src
        return base.rstrip("/") + "/" + src

    product.images = [replace(image, src=rebase(image.src) or "") for image in product.images]
    for variant in product.variants:
        variant.image_src = rebase(variant.image_src)
    return product


def _location(shop: LocalShop, name: str | None) -> str:
    if name:
        found = shop.get_location(name)
        return found.id if found and found.id else str(shop.add_location(name).id)
    existing = shop.locations()
    if existing:
        return str(existing[0].id)
    return str(shop.add_location(DEFAULT_LOCATION).id)


def _set_quantities(shop: LocalShop, source: Product, stored: Product, location_id: str) -> int:
    changed = 0
    for wanted, variant in zip(source.variants, stored.variants, strict=True):
        if not variant.inventory_tracked or not variant.inventory_item_id:
            continue
        changed += _set_available(
            shop, variant.inventory_item_id, location_id, wanted.inventory_quantity, "ProductImport"
        )
    return changed


def _set_available(
    shop: LocalShop, item_id: str, location_id: str, quantity: int, document: str
) -> int:
    """Stock the item there and set ``available`` as an admin import would; 1 if changed."""
    level = shop.activate(item_id, location_id)
    if level.available == quantity:
        return 0
    shop.set_quantity(
        item_id,
        location_id,
        name="available",
        quantity=quantity,
        change_from=level.available,
        reason="correction",
        reference=f"gid://hubshop/{document}/csv",
        source="admin",
    )
    return 1


def load_inventory_rows(shop: LocalShop, rows: Iterable[InventoryRow]) -> int:
    """Apply Shopify inventory-CSV rows (per SKU and location ``available``); returns changes."""
    changed = 0
    with transaction(shop.conn):
        for row in rows:
            found = shop.get_variant(row.sku) if row.sku else None
            if found is None:
                continue
            _, variant = found
            location = shop.get_location(row.location) or shop.add_location(row.location)
            if not variant.inventory_item_id or not location.id:
                continue
            changed += _set_available(
                shop, variant.inventory_item_id, location.id, row.available, "InventoryImport"
            )
    return changed


def load_inventory_csv(shop: LocalShop, path: Path | str) -> int:
    """Read and apply a Shopify inventory CSV; validated whole before anything is written."""
    return load_inventory_rows(shop, read_inventory_csv(path))
