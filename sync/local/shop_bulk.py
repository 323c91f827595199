"""New products created in bulk, with their stock: what one-by-one upserts write, in few statements.

``hubshop store load`` of a 10,000-product export creates almost every product
anew. One by one that is ~180 SQLite statements a product (ids, each insert,
a read-back, levels set one quantity at a time, two statements a webhook);
here each kind of row is written with one ``executemany`` per batch. The rows,
ids, timestamps, history and queued webhooks are exactly those of
``upsert_product`` followed by ``activate`` and ``set_quantity`` per tracked
variant, in the same order (a test compares whole store dumps).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sync.local import shop_payloads as payloads
from sync.local.shop_catalog import ShopCatalog, _check_product, _variant_row
from sync.local.shop_stock import _check_bounds
from sync.model.shop import Product
from sync.model.time import iso

IMPORT_REFERENCE = "gid://hubshop/ProductImport/csv"
"""The history reference of quantities a product import sets (as ``set_quantity`` gets it)."""


@dataclass(frozen=True)
class Stocking:
    """Where new products' ``available`` quantities go, and how the history names the change."""

    location: int
    reference: str = IMPORT_REFERENCE


class ShopBulk(ShopCatalog):
    """Bulk creation of products that do not exist yet."""

    def is_new_product(self, product: Product) -> bool:
        """True when ``upsert_product`` would create ``product`` (no id, handle unused)."""
        return product.id is None and self.conn.execute(
            "SELECT 1 FROM shop_products WHERE handle = ?", (product.handle,)
        ).fetchone() is None

    def create_products(
        self, products: Sequence[Product], stocking: Stocking | None = None
    ) -> tuple[list[Product], int]:
        """Create ``products`` (all new, distinct handles) and stock their tracked variants.

        Returns the stored products (as ``upsert_product`` returns them, before
        stocking) and how many quantities were set (non-zero ``available``). The
        caller holds the transaction.
        """
        for product in products:
            _check_product(product)
            if stocking is not None:
                for variant in product.variants:
                    if variant.inventory_tracked:
                        _check_bounds(variant.inventory_quantity, "available")
        if not products:
            return [], 0
        now = self._now()
        stamp = iso(now)
        product_num = self._next_numbers("Product", len(products))
        variant_count = sum(len(p.variants) for p in products)
        variant_num = self._next_numbers("ProductVariant", variant_count)
        item_num = self._next_numbers("InventoryItem", variant_count)
        product_rows, variant_rows, numbers = [], [], []
        items: list[list[tuple[int, int]]] = []
        columns = ("handle, title, body_html, vendor, product_type, category, tags, status,"
                   " published, options, images, seo_title, seo_description, updated_at")
        for offset, product in enumerate(products):
            number = product_num + offset
            numbers.append(number)
            product_rows.append((number, stamp, *self._product_values(product, now)))
            mine = []
            for position, variant in enumerate(product.variants, start=1):
                row = _variant_row(variant)
                variant_rows.append((variant_num, number, position, item_num, stamp, stamp,
                                     *row.values()))
                mine.append((item_num, variant.inventory_quantity))
                variant_num += 1
                item_num += 1
            items.append(mine)
        self.conn.executemany(
            f"INSERT INTO shop_products (num, created_at, {columns})"
            f" VALUES (?, ?{', ?' * (len(product_rows[0]) - 2)})", product_rows)
        names = ", ".join(_variant_row(products[0].variants[0]))
        self.conn.executemany(
            f"INSERT INTO shop_variants (num, product_num, position, item_num, created_at,"
            f" updated_at, {names}) VALUES (?, ?, ?, ?, ?, ?{', ?' * (len(variant_rows[0]) - 6)})",
            variant_rows)
        self._bulk_memberships(products)
        stored = []
        for start in range(0, len(numbers), 500):
            stored += self._products(numbers[start:start + 500])
        return stored, self._stock_new(products, stored, items, stocking, now)

    def _bulk_memberships(self, products: Sequence[Product]) -> None:
        """Manual collection memberships, product by product as ``upsert_product`` sets them."""
        if not any(p.collections for p in products):
            return
        for product in products:
            members = self._wanted_memberships(product)
            if members is not None:
                self._set_memberships(product.handle, members)

    def _stock_new(self, products, stored, items, stocking, now) -> int:
        """Levels, history and webhooks: ``products/create``, then per tracked variant
        ``inventory_levels/connect`` at 0 and, for a non-zero quantity, ``update``."""
        events, levels, history = [], [], []
        stamp, changed = iso(now), 0
        for product, saved, mine in zip(products, stored, items, strict=True):
            events.append(("products/create", payloads.product(saved), now))
            if stocking is None:
                continue
            location = stocking.location
            for variant, (item, quantity) in zip(product.variants, mine, strict=True):
                if not variant.inventory_tracked:
                    continue
                levels.append((item, location, quantity, stamp))
                events.append(("inventory_levels/connect",
                               payloads.inventory_level(item, location, 0, now), now))
                if quantity == 0:
                    continue
                changed += 1
                history += [
                    (item, location, name, quantity, quantity, "correction", stocking.reference,
                     "admin", stamp) for name in ("available", "on_hand")]
                events.append(("inventory_levels/update",
                               payloads.inventory_level(item, location, quantity, now), now))
        self.conn.executemany(
            "INSERT INTO shop_levels (item_num, location_num, available, updated_at)"
            " VALUES (?, ?, ?, ?)", levels)
        self.conn.executemany(
            "INSERT INTO shop_changes (item_num, location_num, name, delta, quantity_after,"
            " reason, reference, source, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", history)
        self._emit_many(events)
        return changed
