"""The product HubDB table's layout, and filling it from catalog products for local previews.

The catalog-sync issue owns keeping this table in step with Shopify; the site
only needs the same columns to render against. Tests, the benchmark and a
preview before the first sync fill a local table here from products read from
a product CSV, in exactly the layout the theme's templates read.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Sequence
from typing import Any

from bs4 import BeautifulSoup

from sync.catalog.model import Product, ProductStatus

DEFAULT_TABLE = "products"
COLUMNS: tuple[tuple[str, str], ...] = (
    ("shopify_id", "TEXT"), ("handle", "TEXT"), ("title", "TEXT"), ("summary", "TEXT"),
    ("description", "RICHTEXT"), ("vendor", "SELECT"), ("product_type", "SELECT"),
    ("category", "SELECT"), ("collections", "MULTISELECT"), ("tags", "MULTISELECT"),
    ("option_values", "MULTISELECT"), ("price_min", "NUMBER"), ("price_max", "NUMBER"),
    ("compare_at_max", "NUMBER"), ("currency", "TEXT"), ("on_sale", "BOOLEAN"),
    ("image", "IMAGE"), ("available", "BOOLEAN"), ("inventory_total", "NUMBER"),
    ("default_variant_id", "TEXT"), ("store_url", "URL"), ("updated_at", "DATETIME"),
)
_ALLOWED_TAGS = {"p", "br", "ul", "ol", "li", "strong", "em", "b", "i", "h2", "h3", "h4", "a"}


def sanitise_html(html: str) -> str:
    """Keep simple formatting tags only; drop scripts, handlers and unsafe links."""
    soup = BeautifulSoup(html or "", "html.parser")
    for tag in soup.find_all(True):
        if tag.name in ("script", "style", "iframe", "object", "embed"):
            tag.decompose()
        elif tag.name not in _ALLOWED_TAGS:
            tag.unwrap()
        else:
            href = tag.get("href", "")
            tag.attrs = {}
            if tag.name == "a" and re.match(r"^(https?:|/)", str(href)):
                tag.attrs = {"href": href, "rel": "nofollow"}
    return str(soup)


def summary_of(html: str, limit: int = 155) -> str:
    """Plain text for meta descriptions and JSON-LD: the description's start, cut at a word."""
    text = " ".join(BeautifulSoup(html or "", "html.parser").get_text(" ").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0] + "…"


def numeric_id(product: Product, salt: str = "") -> str:
    """A stable numeric id for products that have none yet (CSV imports before a sync)."""
    if product.id:
        return product.id.rsplit("/", 1)[-1]
    return str(10**12 + zlib.crc32(f"{salt}{product.handle}".encode()))


def product_values(
    product: Product, *, shop_domain: str, currency: str, image_url: Callable[[str], str]
) -> dict[str, Any]:
    """One product as the table's row values (option names, not ids, for SELECT columns)."""
    from sync.catalog.product_csv import category_name

    variants = product.variants
    first_image = product.images[0] if product.images else None
    compare = [v.compare_at_price for v in variants if v.compare_at_price]
    default_variant = next((v for v in variants if v.available_for_sale), variants[0])
    values: dict[str, Any] = {
        "shopify_id": numeric_id(product),
        "handle": product.handle,
        "title": product.title,
        "summary": summary_of(product.body_html),
        "description": sanitise_html(product.body_html),
        "vendor": product.vendor or None,
        "product_type": product.product_type or None,
        "category": category_name(product.category) if product.category else None,
        "collections": list(product.collections),
        "tags": list(product.tags),
        "option_values": _option_values(product),
        "price_min": float(product.price_min or 0),
        "price_max": float(product.price_max or 0),
        "compare_at_max": float(max(compare)) if compare else None,
        "currency": currency,
        "on_sale": any(v.on_sale for v in variants),
        "image": {"url": image_url(first_image.src), "altText": first_image.alt or product.title,
                  "width": first_image.width or 800, "height": first_image.height or 800}
        if first_image else None,
        "available": any(v.available_for_sale for v in variants),
        "inventory_total": sum(max(v.inventory_quantity, 0) for v in variants),
        "default_variant_id": default_variant.id.rsplit("/", 1)[-1] if default_variant.id
        else numeric_id(product, salt=f"variant:{default_variant.sku}:"),
        "store_url": f"https://{shop_domain}/products/{product.handle}",
        "updated_at": product.updated_at.isoformat() if product.updated_at else None,
    }
    return {key: value for key, value in values.items() if value is not None}


def _option_values(product: Product) -> list[str]:
    return [f"{option.name}: {value}" for option in product.options
            if option.values != ("Default Title",) for value in option.values]


def table_request(products: Sequence[Product], name: str = DEFAULT_TABLE) -> dict[str, Any]:
    """The ``POST /tables`` body: every column, with the SELECT options the rows use."""
    from sync.catalog.product_csv import category_name

    options: dict[str, set[str]] = {
        "vendor": {p.vendor for p in products if p.vendor},
        "product_type": {p.product_type for p in products if p.product_type},
        "category": {category_name(p.category) for p in products if p.category},
        "collections": {c for p in products for c in p.collections},
        "tags": {t for p in products for t in p.tags},
        "option_values": {v for p in products for v in _option_values(p)},
    }
    columns = []
    for column, kind in COLUMNS:
        spec: dict[str, Any] = {"name": column, "label": column.replace("_", " ").title(),
                                "type": kind}
        if column in options:
            spec["options"] = [{"name": value, "type": "option"}
                               for value in sorted(options[column])]
        columns.append(spec)
    return {"name": name, "label": "Products", "useForPages": True,
            "allowPublicApiAccess": True, "columns": columns}


def fill_product_table(
    hubdb: Any,
    products: Sequence[Product],
    *,
    shop_domain: str,
    currency: str,
    image_url: Callable[[str], str] = lambda src: src,
    table: str = DEFAULT_TABLE,
) -> int:
    """Create and publish the product table in a ``LocalHubDB``; returns the rows written.

    Only products a shopper can see (active and published) become rows, as on the site.
    """
    products = [p for p in products if p.status is ProductStatus.ACTIVE and p.published]
    hubdb.create_table(table_request(products, table))
    inputs = [
        {"path": p.handle, "name": p.title,
         "values": product_values(p, shop_domain=shop_domain, currency=currency,
                                  image_url=image_url)}
        for p in products
    ]
    for start in range(0, len(inputs), 100):
        hubdb.batch_create(table, {"inputs": inputs[start : start + 100]})
    hubdb.publish(table)
    return len(inputs)
