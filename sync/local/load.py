"""Load Shopify-format files (product CSV, inventory CSV) into the local shop.

This is what Shopify's own CSV import does, on the embedded default: products
are upserted by handle, list fields replaced whole; a dry run performs the same
work inside a transaction and rolls it back, so what it reports is exactly what
a real load would do.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from sync.catalog.inventory_csv import InventoryRow, read_inventory_csv
from sync.catalog.product_csv import read_product_csv
from sync.local.db import transaction
from sync.local.shop import LocalShop
from sync.local.shop_bulk import Stocking
from sync.local.shop_types import parse_number
from sync.model.shop import Product

DEFAULT_LOCATION = "Shop location"
BULK_RUN = 1_000
"""Products created or updated per bulk batch."""


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
            stocking = Stocking(int(parse_number("Location", where))) if quantities else None
            for new, run in _runs(shop, products):
                if new:
                    _, changed = shop.create_products(run, stocking)
                    report.created += [p.handle for p in run]
                    report.quantities_set += changed
                    continue
                for batch in _update_batches(run):
                    if batch[0].id is not None:
                        _upsert_one(shop, batch[0], report, where if quantities else None)
                        continue
                    done = shop.update_products(batch, stocking)
                    report.updated += done.updated
                    report.unchanged += done.unchanged
                    report.quantities_set += done.quantities_set
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return report


def _runs(shop: LocalShop, products: Sequence[Product]) -> Iterator[tuple[bool, list[Product]]]:
    """``products`` in file order, as runs of new ones (created in bulk) and the rest.

    A handle seen earlier in the file is an update of that product, so it ends
    the run; runs are capped so one bulk insert stays a modest size.
    """
    seen: set[str] = set()
    run: list[Product] = []
    new_run = True
    for product in products:
        new = product.handle not in seen and shop.is_new_product(product)
        seen.add(product.handle)
        if run and (new != new_run or len(run) >= BULK_RUN):
            yield new_run, run
            run = []
        new_run = new
        run.append(product)
    if run:
        yield new_run, run


def _update_batches(run: Sequence[Product]) -> Iterator[list[Product]]:
    """Existing products in file order, as batches updated together.

    A batch holds distinct handles (a repeated one starts the next batch, so it
    sees the first one's result) and at most ``BULK_RUN`` products; a product
    that names its id is a batch of its own (``upsert_product`` checks the id).
    """
    batch: list[Product] = []
    handles: set[str] = set()
    for product in run:
        if product.id is not None or product.handle in handles or len(batch) >= BULK_RUN:
            if batch:
                yield batch
            batch, handles = [], set()
        if product.id is not None:
            yield [product]
            continue
        batch.append(product)
        handles.add(product.handle)
    if batch:
        yield batch


def _upsert_one(shop: LocalShop, product: Product, report: LoadReport,
                where: str | None) -> None:
    before = shop.get_product(product.handle)
    stored = shop.upsert_product(product)
    if before is None:
        report.created.append(product.handle)
    elif stored.updated_at != before.updated_at:
        report.updated.append(product.handle)
    else:
        report.unchanged.append(product.handle)
    if where is not None:
        report.quantities_set += _set_quantities(shop, product, stored, where)


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
