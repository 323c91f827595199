"""Products loaded in bulk, with their stock: what one-by-one upserts write, in few statements.

``hubshop store load`` of a 10,000-product export creates almost every product
anew the first time and updates them on every load after. One by one that is
~180 SQLite statements a product (ids, each insert, a read-back, levels set one
quantity at a time, two statements a webhook); here each kind of row is read
and written with one statement (``executemany``) per batch. The rows, ids,
timestamps, history and queued webhooks are exactly those of ``upsert_product``
followed by ``activate`` and ``set_quantity`` per tracked variant, in the same
order (tests compare whole store dumps).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sync.local import shop_payloads as payloads
from sync.local.shop_catalog import (
    ShopCatalog,
    _check_product,
    _content,
    _match_variants,
    _variant_row,
)
from sync.local.shop_stock import _check_bounds
from sync.local.shop_types import parse_number
from sync.model.shop import Product
from sync.model.time import iso

IMPORT_REFERENCE = "gid://hubshop/ProductImport/csv"
"""The history reference of quantities a product import sets (as ``set_quantity`` gets it)."""


@dataclass(frozen=True)
class Stocking:
    """Where new products' ``available`` quantities go, and how the history names the change."""

    location: int
    reference: str = IMPORT_REFERENCE


@dataclass(frozen=True)
class Updated:
    """What :meth:`ShopBulk.update_products` did: handles updated and unchanged, quantities set."""

    updated: list[str]
    unchanged: list[str]
    quantities_set: int


class ShopBulk(ShopCatalog):
    """Bulk creation of products that do not exist yet, and bulk updates of ones that do."""

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

    # updates ---------------------------------------------------------------------------

    def update_products(self, products: Sequence[Product], stocking: Stocking | None = None
                        ) -> Updated:
        """Replace existing products (no ids, distinct handles, all stored) and set their stock.

        Exactly ``upsert_product`` per product, then, with ``stocking``, ``activate``
        and ``set_quantity`` (``available``) per tracked variant, as an admin
        import does: a product whose content and collections are unchanged is
        not written, its quantities still are. The caller holds the transaction.
        """
        for product in products:
            _check_product(product)
        if not products:
            return Updated([], [], 0)
        found = dict(self.conn.execute(
            "SELECT handle, num FROM shop_products"
            " WHERE handle IN (SELECT value FROM json_each(?))",
            (_json([p.handle for p in products]),)).fetchall())
        numbers = [found[p.handle] for p in products]
        existing = self._products(numbers)
        smart = {r[0] for r in self.conn.execute(
            "SELECT handle FROM shop_collections WHERE rule_tag IS NOT NULL")}
        old_members = self._members_of([p.handle for p in products if p.collections])
        now = self._now()
        changed: list[int] = []
        plans = []
        for product, before in zip(products, existing, strict=True):
            matches = _match_variants(product.variants, before.variants)
            members = (sorted({h for h in product.collections if h not in smart})
                       if product.collections else None)
            same = (_content(product, [m.id if m else None for m in matches])
                    == _content(before, [v.id for v in before.variants]))
            if same and (members is None or members == old_members.get(before.handle, [])):
                plans.append(None)
                continue
            changed.append(len(plans))
            plans.append((matches, members))
        self._write_updates(products, numbers, existing, plans, now)
        stored_by_index = dict(zip(changed, self._products([numbers[i] for i in changed]),
                                   strict=True))
        stored = [stored_by_index.get(i, before) for i, before in enumerate(existing)]
        return self._stock_updated(products, existing, stored, stocking, now)

    def _members_of(self, handles: Sequence[str]) -> dict[str, list[str]]:
        """Manual collection handles per product handle, sorted (``_product_memberships``)."""
        found: dict[str, list[str]] = {}
        if not handles:
            return found
        for row in self.conn.execute(
            "SELECT product_handle, collection_handle FROM shop_memberships"
            " WHERE product_handle IN (SELECT value FROM json_each(?)) AND collection_handle"
            " NOT IN (SELECT handle FROM shop_collections WHERE rule_tag IS NOT NULL)"
            " ORDER BY product_handle, collection_handle", (_json(list(handles)),)):
            found.setdefault(row[0], []).append(row[1])
        return found

    def _write_updates(self, products, numbers, existing, plans, now) -> None:
        """Product rows, matched/new/dropped variants and memberships of the changed products."""
        stamp = iso(now)
        new_count = sum(m is None for plan in plans if plan for m in plan[0])
        variant_num = self._next_numbers("ProductVariant", new_count)
        item_num = self._next_numbers("InventoryItem", new_count)
        product_rows, kept_rows, new_rows, dropped = [], [], [], []
        for product, number, before, plan in zip(products, numbers, existing, plans, strict=True):
            if plan is None:
                continue
            matches, _ = plan
            product_rows.append((*self._product_values(product, now), number))
            kept = {m.id for m in matches if m}
            dropped += [v for v in before.variants if v.id not in kept]
            for position, (variant, match) in enumerate(zip(product.variants, matches,
                                                            strict=True), start=1):
                row = _variant_row(variant)
                if match is None:
                    new_rows.append((variant_num, number, position, item_num, stamp, stamp,
                                     *row.values()))
                    variant_num += 1
                    item_num += 1
                    continue
                moved = _variant_row(match) != row or match.position != position
                kept_rows.append((position, *row.values(), stamp if moved else None,
                                  parse_number("ProductVariant", match.id)))
        if not product_rows:
            return
        columns = ["handle", "title", "body_html", "vendor", "product_type", "category", "tags",
                   "status", "published", "options", "images", "seo_title", "seo_description",
                   "updated_at"]
        self.conn.executemany(
            f"UPDATE shop_products SET {', '.join(f'{c} = ?' for c in columns)} WHERE num = ?",
            product_rows)
        self.conn.executemany("DELETE FROM shop_levels WHERE item_num = ?",
                              [(parse_number("InventoryItem", v.inventory_item_id),)
                               for v in dropped])
        self.conn.executemany("DELETE FROM shop_variants WHERE num = ?",
                              [(parse_number("ProductVariant", v.id),) for v in dropped])
        names = list(_variant_row(products[0].variants[0]))
        if kept_rows:
            self.conn.executemany(
                "UPDATE shop_variants SET position = ?, " + ", ".join(f"{k} = ?" for k in names)
                + ", updated_at = COALESCE(?, updated_at) WHERE num = ?", kept_rows)
        if new_rows:
            self.conn.executemany(
                f"INSERT INTO shop_variants (num, product_num, position, item_num, created_at,"
                f" updated_at, {', '.join(names)}) VALUES (?, ?, ?, ?, ?, ?"
                f"{', ?' * len(names)})", new_rows)
        for product, plan in zip(products, plans, strict=True):
            if plan is not None and plan[1] is not None:
                self._set_memberships(product.handle, plan[1])

    def _stock_updated(self, products, existing, stored, stocking, now) -> Updated:
        """``products/update`` for changed products, then each tracked variant's level set."""
        levels: dict[int, tuple[int, int, int]] = {}
        if stocking is not None:
            items = [parse_number("InventoryItem", v.inventory_item_id)
                     for saved in stored for v in saved.variants if v.inventory_tracked]
            levels = {r[0]: (r[1], r[2], r[3]) for r in self.conn.execute(
                "SELECT item_num, available, committed, unavailable FROM shop_levels"
                " WHERE location_num = ? AND item_num IN (SELECT value FROM json_each(?))",
                (stocking.location, _json(items)))}
        stamp = iso(now)
        events, inserts, sets, history = [], [], [], []
        updated, unchanged, count = [], [], 0
        for product, before, saved in zip(products, existing, stored, strict=True):
            if saved.updated_at != before.updated_at:
                updated.append(product.handle)
            else:
                unchanged.append(product.handle)
            if saved is not before:
                events.append(("products/update", payloads.product(saved), now))
            if stocking is None:
                continue
            location = stocking.location
            for wanted, variant in zip(product.variants, saved.variants, strict=True):
                if not variant.inventory_tracked or not variant.inventory_item_id:
                    continue
                item = parse_number("InventoryItem", variant.inventory_item_id)
                level = levels.get(item)
                if level is None:
                    level = (0, 0, 0)
                    inserts.append((item, location, stamp))
                    events.append(("inventory_levels/connect",
                                   payloads.inventory_level(item, location, 0, now), now))
                quantity = wanted.inventory_quantity
                if level[0] == quantity:
                    continue
                _check_bounds(quantity, "available")
                count += 1
                delta = quantity - level[0]
                sets.append((quantity, stamp, item, location))
                history += [(item, location, "available", delta, quantity),
                            (item, location, "on_hand", delta, quantity + level[1] + level[2])]
                events.append(("inventory_levels/update",
                               payloads.inventory_level(item, location, quantity, now), now))
        self.conn.executemany(
            "INSERT INTO shop_levels (item_num, location_num, updated_at) VALUES (?, ?, ?)",
            inserts)
        self.conn.executemany(
            "UPDATE shop_levels SET available = ?, updated_at = ?"
            " WHERE item_num = ? AND location_num = ?", sets)
        if stocking is not None:
            self.conn.executemany(
                "INSERT INTO shop_changes (item_num, location_num, name, delta, quantity_after,"
                " reason, reference, source, at) VALUES (?, ?, ?, ?, ?, 'correction', ?,"
                " 'admin', ?)", [(*h, stocking.reference, stamp) for h in history])
        self._emit_many(events)
        return Updated(updated, unchanged, count)


def _json(values: Sequence[object]) -> str:
    """A list as one JSON parameter, read with ``json_each``: no limit on how many."""
    return json.dumps(list(values))
