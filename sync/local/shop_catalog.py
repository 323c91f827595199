"""Products and collections of the local shop, upserted with Shopify's ``productSet`` rules."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime

from sync.errors import InputError
from sync.local import shop_payloads as payloads
from sync.local.db import transaction
from sync.local.shop_base import money
from sync.local.shop_orders import ShopOrders
from sync.local.shop_search import Where, parse_query
from sync.local.shop_types import ShopError, make_gid, parse_number
from sync.model.shop import Collection, Image, Product, ProductStatus, Variant
from sync.model.time import iso


class ShopCatalog(ShopOrders):
    """Products, variants and collections on top of the stock and order code."""

    # products --------------------------------------------------------------------------

    def upsert_product(self, product: Product, *, stock_at: str | None = None) -> Product:
        """Create or replace a product the way ``productSet`` does (see the module docstring).

        Returns the stored product with its ids; running it twice changes nothing.
        Quantities are separate (``activate``/``set_quantity``), except that with
        ``stock_at`` (a location gid or name) each *new* tracked variant is
        activated there with its ``inventory_quantity``, like productSet's
        ``inventoryQuantities``.
        """
        _check_product(product)
        with transaction(self.conn):
            location = self._loc(stock_at) if stock_at is not None else None
            number = self._upsert_target(product)
            existing = self._products([number])[0] if number else None
            old_variants = existing.variants if existing else []
            matches = _match_variants(product.variants, old_variants)
            wanted = _content(product, [m.id if m else None for m in matches])
            members = self._wanted_memberships(product)
            if existing is not None:
                same = wanted == _content(existing, [v.id for v in existing.variants])
                old_members = self._product_memberships(existing.handle)
                if same and (members is None or members == old_members):
                    return existing
            now = self._now()
            number = self._write_product(number, product, now)
            if existing and existing.handle != product.handle:
                self.conn.execute(
                    "UPDATE shop_memberships SET product_handle = ? WHERE product_handle = ?",
                    (product.handle, existing.handle),
                )
            kept = {m.id for m in matches if m}
            for old in old_variants:
                if old.id not in kept:
                    self._delete_variant(old)
            for position, (variant, match) in enumerate(zip(product.variants, matches,
                                                            strict=True), start=1):
                self._write_variant(number, position, variant, match, now, location)
            if members is not None:
                self._set_memberships(product.handle, members)
            stored = self._products([number])[0]
            topic = "products/update" if existing else "products/create"
            self._emit(topic, payloads.product(stored), now)
            return stored

    def get_product(self, key: str) -> Product | None:
        """A product by gid, numeric id or handle."""
        number = self._product_num(key)
        return self._products([number])[0] if number else None

    def list_products(
        self,
        *,
        after: str | None = None,
        limit: int | None = None,
        ids: Sequence[str] | None = None,
        updated_since: datetime | None = None,
        status: ProductStatus | None = None,
        query: str | None = None,
    ) -> list[Product]:
        """Products ordered by id; ``after`` is a gid (exclusive), ``query`` Shopify search."""
        where = self._where(after, ids, updated_since, status, query)
        sql = f"SELECT p.num FROM shop_products p WHERE {where.sql()} ORDER BY p.num"
        params = list(where.params)
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._products([r["num"] for r in self.conn.execute(sql, params)])

    def count_products(
        self,
        *,
        after: str | None = None,
        ids: Sequence[str] | None = None,
        updated_since: datetime | None = None,
        status: ProductStatus | None = None,
        query: str | None = None,
    ) -> int:
        """How many products :meth:`list_products` would return without a limit."""
        where = self._where(after, ids, updated_since, status, query)
        row = self.conn.execute(
            f"SELECT COUNT(*) AS n FROM shop_products p WHERE {where.sql()}", where.params
        ).fetchone()
        return row["n"]

    def delete_product(self, key: str) -> bool:
        """Delete a product, its variants and their stock; False when there was none."""
        with transaction(self.conn):
            product = self.get_product(key)
            if product is None:
                return False
            for variant in product.variants:
                self._delete_variant(variant)
            number = parse_number("Product", product.id)
            self.conn.execute("DELETE FROM shop_products WHERE num = ?", (number,))
            self.conn.execute("DELETE FROM shop_memberships WHERE product_handle = ?",
                              (product.handle,))
            self._emit("products/delete", payloads.product_deleted(number), self._now())
            return True

    def get_variant(self, key: str) -> tuple[Product, Variant] | None:
        """A variant and its product by variant gid, inventory item gid or SKU."""
        row = self._variant_row(key)
        if row is None:
            return None
        product = self._products([row["product_num"]])[0]
        wanted = make_gid("ProductVariant", row["num"])
        return product, next(v for v in product.variants if v.id == wanted)

    # collections -----------------------------------------------------------------------

    def upsert_collection(self, collection: Collection) -> Collection:
        """Create or replace a collection: smart (``rule_tag``) or manual (``product_handles``)."""
        if not collection.handle or not collection.title:
            raise InputError(f"collection {collection.handle or '?'}",
                             "a collection needs a handle and a title")
        with transaction(self.conn):
            number = parse_number("Collection", collection.id) if collection.id else None
            row = self.conn.execute(
                "SELECT * FROM shop_collections WHERE num = ? OR handle = ? ORDER BY num = ? DESC",
                (number, collection.handle, number),
            ).fetchone()
            image = json.dumps(dataclasses.asdict(collection.image)) if collection.image else None
            manual = collection.rule_tag is None
            fields = (collection.handle, collection.title, collection.body_html,
                      collection.rule_tag, image)
            if row is not None:
                same = fields == tuple(row[k] for k in
                                       ("handle", "title", "body_html", "rule_tag", "image"))
                members = self._memberships(row["handle"])
                if same and (not manual or members == list(collection.product_handles)):
                    return self._collection(row)
            now = self._now()
            if row is None:
                number = self._next_number("Collection")
                self.conn.execute(
                    "INSERT INTO shop_collections (num, handle, title, body_html, rule_tag,"
                    " image, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)", (number, *fields, iso(now)))
            else:
                number = row["num"]
                self.conn.execute(
                    "UPDATE shop_collections SET handle = ?, title = ?, body_html = ?,"
                    " rule_tag = ?, image = ?, updated_at = ? WHERE num = ?",
                    (*fields, iso(now), number))
                self.conn.execute("DELETE FROM shop_memberships WHERE collection_handle = ?",
                                  (row["handle"],))
            if manual:
                self.conn.executemany(
                    "INSERT OR IGNORE INTO shop_memberships (collection_handle, product_handle,"
                    " position) VALUES (?, ?, ?)",
                    [(collection.handle, h, i) for i, h in enumerate(collection.product_handles)])
            topic = "collections/update" if row else "collections/create"
            self._emit(topic, payloads.collection(number, collection.handle, collection.title,
                                                  now), now)
            row = self.conn.execute("SELECT * FROM shop_collections WHERE num = ?",
                                    (number,)).fetchone()
            return self._collection(row)

    def list_collections(self) -> list[Collection]:
        """All collections by id, ``product_handles`` resolved to existing products."""
        return [self._collection(r)
                for r in self.conn.execute("SELECT * FROM shop_collections ORDER BY num")]

    # internals -------------------------------------------------------------------------

    def _collection(self, row) -> Collection:
        if row["rule_tag"] is not None:
            handles = [r["handle"] for r in self.conn.execute(
                "SELECT p.handle FROM shop_products p WHERE EXISTS (SELECT 1 FROM"
                " json_each(p.tags) t WHERE t.value = ? COLLATE NOCASE) ORDER BY p.num",
                (row["rule_tag"],))]
        else:
            handles = [r["product_handle"] for r in self.conn.execute(
                "SELECT m.product_handle FROM shop_memberships m JOIN shop_products p"
                " ON p.handle = m.product_handle WHERE m.collection_handle = ?"
                " ORDER BY m.position", (row["handle"],))]
        image = Image(**json.loads(row["image"])) if row["image"] else None
        return Collection(handle=row["handle"], title=row["title"], body_html=row["body_html"],
                          rule_tag=row["rule_tag"], product_handles=handles, image=image,
                          id=make_gid("Collection", row["num"]))

    def _where(self, after, ids, updated_since, status, query) -> Where:
        where = Where()
        if after is not None:
            number = parse_number("Product", after)
            if number is None:
                raise ShopError("INVALID", f"cursor {after!r} is not a product id", ["after"])
            where.add("p.num > ?", number)
        if ids is not None:
            numbers = [parse_number("Product", i) for i in ids]
            where.add(f"p.num IN ({','.join('?' * len(numbers))})" if numbers else "0", *numbers)
        if updated_since is not None:
            where.add("p.updated_at >= ?", iso(updated_since))
        if status is not None:
            where.add("p.status = ?", ProductStatus(status).value)
        if query:
            parse_query(query, where)
        return where

    def _upsert_target(self, product: Product) -> int | None:
        """The stored product this upsert replaces: by id (must exist), else by handle."""
        by_handle = self.conn.execute(
            "SELECT num FROM shop_products WHERE handle = ?", (product.handle,)
        ).fetchone()
        if product.id is None:
            return by_handle["num"] if by_handle else None
        number = parse_number("Product", product.id)
        if number is None or not self.conn.execute(
            "SELECT 1 FROM shop_products WHERE num = ?", (number,)
        ).fetchone():
            raise ShopError("PRODUCT_DOES_NOT_EXIST", f"product {product.id} does not exist",
                            ["identifier", "id"])
        if by_handle and by_handle["num"] != number:
            raise ShopError("INVALID", f"handle {product.handle!r} is already used by"
                            f" {make_gid('Product', by_handle['num'])}", ["input", "handle"])
        return number

    @staticmethod
    def _product_values(product: Product, now: datetime) -> tuple:
        """A product's stored columns, in ``_write_product``'s column order."""
        return (
            product.handle, product.title, product.body_html, product.vendor,
            product.product_type, product.category, json.dumps(list(product.tags)),
            ProductStatus(product.status).value, int(product.published),
            json.dumps([{"name": o.name, "values": list(o.values)} for o in product.options]),
            json.dumps([dataclasses.asdict(i) for i in product.images]),
            product.seo_title, product.seo_description, iso(now),
        )

    def _write_product(self, number: int | None, product: Product, now: datetime) -> int:
        values = self._product_values(product, now)
        columns = ("handle, title, body_html, vendor, product_type, category, tags, status,"
                   " published, options, images, seo_title, seo_description, updated_at")
        if number is None:
            number = self._next_number("Product")
            self.conn.execute(
                f"INSERT INTO shop_products (num, created_at, {columns})"
                f" VALUES (?, ?{', ?' * len(values)})", (number, iso(now), *values))
        else:
            assignments = ", ".join(f"{c.strip()} = ?" for c in columns.split(","))
            self.conn.execute(f"UPDATE shop_products SET {assignments} WHERE num = ?",
                              (*values, number))
        return number

    def _write_variant(self, product: int, position: int, variant: Variant,
                       match: Variant | None, now: datetime, location: int | None) -> None:
        row = _variant_row(variant)
        if match is not None:
            number = parse_number("ProductVariant", match.id)
            old = _variant_row(match)
            changed = old != row or match.position != position
            self.conn.execute(
                "UPDATE shop_variants SET position = ?, " + ", ".join(f"{k} = ?" for k in row)
                + (", updated_at = ?" if changed else ", updated_at = updated_at")
                + " WHERE num = ?",
                (position, *row.values(), *([iso(now)] if changed else []), number))
            return
        number, item = self._next_number("ProductVariant"), self._next_number("InventoryItem")
        self.conn.execute(
            f"INSERT INTO shop_variants (num, product_num, position, item_num, created_at,"
            f" updated_at, {', '.join(row)}) VALUES (?, ?, ?, ?, ?, ?{', ?' * len(row)})",
            (number, product, position, item, iso(now), iso(now), *row.values()))
        if variant.inventory_tracked and location is not None:
            self.activate(make_gid("InventoryItem", item), make_gid("Location", location),
                          variant.inventory_quantity)

    def _delete_variant(self, variant: Variant) -> None:
        item = parse_number("InventoryItem", variant.inventory_item_id)
        self.conn.execute("DELETE FROM shop_levels WHERE item_num = ?", (item,))
        self.conn.execute("DELETE FROM shop_variants WHERE num = ?",
                          (parse_number("ProductVariant", variant.id),))

    def _wanted_memberships(self, product: Product) -> list[str] | None:
        """Manual collections the product should be in, or None to leave them alone."""
        if not product.collections:
            return None
        smart = {r["handle"] for r in self.conn.execute(
            "SELECT handle FROM shop_collections WHERE rule_tag IS NOT NULL")}
        return sorted({h for h in product.collections if h not in smart})

    def _memberships(self, handle: str) -> list[str]:
        """Product handles of a manual collection, in order."""
        return [r[0] for r in self.conn.execute(
            "SELECT product_handle FROM shop_memberships WHERE collection_handle = ?"
            " ORDER BY position", (handle,))]

    def _product_memberships(self, handle: str) -> list[str]:
        """Manual (not smart) collection handles a product is listed in, sorted."""
        return [r[0] for r in self.conn.execute(
            "SELECT collection_handle FROM shop_memberships WHERE product_handle = ?"
            " AND collection_handle NOT IN (SELECT handle FROM shop_collections"
            " WHERE rule_tag IS NOT NULL) ORDER BY collection_handle", (handle,))]

    def _set_memberships(self, handle: str, collections: list[str]) -> None:
        self.conn.execute("DELETE FROM shop_memberships WHERE product_handle = ? AND"
                          " collection_handle NOT IN (SELECT handle FROM shop_collections"
                          " WHERE rule_tag IS NOT NULL)", (handle,))
        for collection in collections:
            self.conn.execute(
                "INSERT INTO shop_memberships (collection_handle, product_handle, position)"
                " VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM shop_memberships"
                " WHERE collection_handle = ?))", (collection, handle, collection))


def _check_product(product: Product) -> None:
    where = f"product {product.handle or product.title or '?'}"
    if not product.handle or not product.title:
        raise InputError(where, "a product needs a handle and a title")
    if not product.variants:
        raise InputError(where, "a product needs at least one variant",
                         "Shopify gives every product a Default Title variant")


def _match_variants(incoming: list[Variant], stored: list[Variant]) -> list[Variant | None]:
    """Pair each incoming variant with a stored one: same SKU first, then same options."""
    free = list(stored)
    matches: list[Variant | None] = [None] * len(incoming)
    for index, variant in enumerate(incoming):
        found = next((s for s in free if variant.sku and s.sku == variant.sku), None)
        if found is not None:
            matches[index] = found
            free.remove(found)
    for index, variant in enumerate(incoming):
        if matches[index] is None:
            found = next((s for s in free if s.options == variant.options), None)
            if found is not None:
                matches[index] = found
                free.remove(found)
    return matches


def _variant_row(variant: Variant) -> dict[str, object]:
    """The stored columns of a variant (everything productSet replaces)."""
    return {
        "sku": variant.sku or "",
        "title": variant.title,
        "price": money(variant.price),
        "compare_at_price": money(variant.compare_at_price),
        "options": json.dumps(variant.options, sort_keys=True),
        "tracked": int(variant.inventory_tracked),
        "policy": variant.inventory_policy.value,
        "barcode": variant.barcode,
        "grams": variant.grams,
        "requires_shipping": int(variant.requires_shipping),
        "taxable": int(variant.taxable),
        "image_src": variant.image_src,
    }


def _content(product: Product, variant_ids: list[str | None]) -> dict:
    """What an upsert compares: every stored field, with the variants' matched ids."""
    return {
        "handle": product.handle, "title": product.title, "body_html": product.body_html,
        "vendor": product.vendor, "product_type": product.product_type,
        "category": product.category, "tags": list(product.tags),
        "status": ProductStatus(product.status).value, "published": bool(product.published),
        "options": [(o.name, tuple(o.values)) for o in product.options],
        "images": [dataclasses.asdict(i) for i in product.images],
        "seo": (product.seo_title, product.seo_description),
        "variants": [(vid, _variant_row(v)) for vid, v in zip(variant_ids, product.variants,
                                                               strict=True)],
    }
