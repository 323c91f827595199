"""Write products and inventory rows as Shopify CSVs that Shopify and our readers accept.

The demo store is shipped as a product CSV, and people move catalogs between
shops with these files; writing exactly what the readers read means a file
round-trips without loss in either header dialect.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from sync.catalog.inventory_csv import INVENTORY_COLUMNS, InventoryRow
from sync.catalog.product_csv import COLUMNS, CURRENT, DEFAULT_TITLE, DIALECTS, LEGACY
from sync.model.shop import InventoryPolicy, Product, Variant

# Column order of each dialect's export, as logical fields (see ``product_csv.COLUMNS``).
ORDER: dict[str, tuple[str, ...]] = {
    LEGACY: (
        "handle", "title", "body_html", "vendor", "category", "product_type", "tags",
        "published", "option1_name", "option1_value", "option2_name", "option2_value",
        "option3_name", "option3_value", "sku", "grams", "tracker", "quantity", "policy",
        "fulfillment", "price", "compare_at", "requires_shipping", "taxable", "barcode",
        "image_src", "image_position", "image_alt", "gift_card", "seo_title",
        "seo_description", "variant_image", "weight_unit", "tax_code", "cost", "status",
    ),
    CURRENT: (
        "title", "handle", "body_html", "vendor", "category", "product_type", "tags",
        "published", "status", "sku", "barcode", "option1_name", "option1_value",
        "option2_name", "option2_value", "option3_name", "option3_value", "price",
        "compare_at", "cost", "taxable", "tax_code", "tracker", "quantity", "policy", "grams",
        "weight_unit", "requires_shipping", "fulfillment", "image_src", "image_position",
        "image_alt", "variant_image", "gift_card", "seo_title", "seo_description",
    ),
}


def header(dialect: str) -> list[str]:
    """The header row Shopify exports in ``dialect`` (the columns hubshop reads)."""
    slot = _slot(dialect)
    return [COLUMNS[name][slot] for name in ORDER[dialect]]


def product_csv_text(products: Iterable[Product], dialect: str = LEGACY) -> str:
    """Products as CSV text: first row per product, then its variants, then extra images."""
    _slot(dialect)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header(dialect))
    for product in products:
        for cells in _product_rows(product, dialect):
            writer.writerow([cells.get(name, "") for name in ORDER[dialect]])
    return out.getvalue()


def write_product_csv(products: Iterable[Product], path: Path | str,
                      dialect: str = LEGACY) -> Path:
    """Write a product CSV in ``legacy`` or ``current`` dialect; returns the path written."""
    target = Path(path)
    target.write_text(product_csv_text(products, dialect), encoding="utf-8")
    return target


def inventory_csv_text(rows: Iterable[InventoryRow]) -> str:
    """Inventory rows as Shopify's inventory CSV text."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(INVENTORY_COLUMNS.values())
    for row in rows:
        cells = {
            "handle": row.handle, "title": row.title, "sku": row.sku, "location": row.location,
            "incoming": row.incoming, "unavailable": row.unavailable,
            "committed": row.committed, "available": row.available, "on_hand": row.on_hand,
            "on_hand_new": "" if row.on_hand_new is None else row.on_hand_new, **row.extra,
        }
        options = list(row.options.items()) or [("Title", DEFAULT_TITLE)]
        for number, (name, value) in enumerate(options, start=1):
            cells[f"option{number}_name"], cells[f"option{number}_value"] = name, value
        writer.writerow([cells.get(name, "") for name in INVENTORY_COLUMNS])
    return out.getvalue()


def write_inventory_csv(rows: Iterable[InventoryRow], path: Path | str) -> Path:
    """Write Shopify's inventory CSV; returns the path written."""
    target = Path(path)
    target.write_text(inventory_csv_text(rows), encoding="utf-8")
    return target


def _slot(dialect: str) -> int:
    if dialect not in DIALECTS:
        raise ValueError(f"unknown product CSV dialect {dialect!r}; use 'legacy' or 'current'")
    return DIALECTS.index(dialect)


def _product_rows(product: Product, dialect: str) -> list[dict[str, str]]:
    variants = sorted(product.variants, key=lambda v: v.position)
    images = sorted(product.images, key=lambda i: i.position)
    rows: list[dict[str, str]] = []
    for number, variant in enumerate(variants):
        cells = {"handle": product.handle, **_variant_cells(product, variant, dialect)}
        if number == 0:
            cells.update(_product_cells(product, dialect))
        rows.append(cells)
    for number, image in enumerate(images):
        if number >= len(rows):
            rows.append({"handle": product.handle})
        rows[number].update({
            "image_src": image.src, "image_position": str(image.position), "image_alt": image.alt,
        })
    return rows


def _product_cells(product: Product, dialect: str) -> dict[str, str]:
    status = product.status.value.lower()
    cells = {
        "title": product.title,
        "body_html": product.body_html,
        "vendor": product.vendor,
        "category": product.category or "",
        "product_type": product.product_type,
        "tags": ", ".join(product.tags),
        "published": _bool(product.published),
        "status": status if dialect == LEGACY else status.capitalize(),
        "gift_card": "FALSE",
        "seo_title": product.seo_title,
        "seo_description": product.seo_description,
    }
    names = [option.name for option in product.options] or ["Title"]
    for number, name in enumerate(names, start=1):
        cells[f"option{number}_name"] = name
    return cells


def _variant_cells(product: Product, variant: Variant, dialect: str) -> dict[str, str]:
    continues = variant.inventory_policy is InventoryPolicy.CONTINUE
    policy = "continue" if continues else "deny"
    cells = {
        "sku": variant.sku,
        "grams": "" if variant.grams is None else str(variant.grams),
        "weight_unit": "g" if variant.grams is not None else "",
        "tracker": "shopify" if variant.inventory_tracked else "",
        "quantity": str(variant.inventory_quantity),
        "policy": policy if dialect == LEGACY else policy.upper(),
        "fulfillment": "manual",
        "price": _money(variant.price),
        "compare_at": _money(variant.compare_at_price),
        "requires_shipping": _bool(variant.requires_shipping),
        "taxable": _bool(variant.taxable),
        "barcode": variant.barcode,
        "variant_image": variant.image_src or "",
    }
    values = [variant.options.get(option.name, "") for option in product.options]
    for number, value in enumerate(values or [DEFAULT_TITLE], start=1):
        cells[f"option{number}_value"] = value
    return cells


def _money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:f}"


def _bool(value: bool) -> str:
    return "TRUE" if value else "FALSE"
