"""Products as HubDB rows: desired cell values, and comparison in HubDB's own shapes.

HubDB answers with its own shapes (SELECT as option objects, DATETIME as epoch
milliseconds, BOOLEAN as 1/0, IMAGE as an object), so a re-sync must compare
like with like or every row looks changed. :func:`canonical` brings a written
or a read value to one comparable form; :func:`encode` makes the JSON to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sync.catalog.model import Product, numeric_id
from sync.catalog.sanitize import plain_summary, sanitize_html
from sync.catalog.table import MAX_TEXT, OPTION_TYPES, column_type
from sync.errors import InputError

DEFAULT_OPTION = ("Title", "Default Title")
"""Shopify's placeholder option on single-variant products; not a real choice."""


@dataclass(frozen=True)
class ShopFacts:
    """What a row needs from the shop itself: its domain (store links) and currency."""

    domain: str
    currency: str


@dataclass(frozen=True)
class DesiredRow:
    """The row a product should have: key, HubDB ``path``/``name`` and declared cell values.

    Values are plain (option names, ``Decimal`` prices, epoch milliseconds,
    image dicts); :func:`encode` turns them into request JSON.
    """

    key: str
    shopify_id: str | None
    path: str
    name: str
    values: dict[str, Any]


def product_row(product: Product, shop: ShopFacts) -> DesiredRow:
    """The desired row for ``product``; text too long for HubDB fails naming the cell."""
    handle = product.handle
    image = product.featured_image
    default = product.default_variant
    description = sanitize_html(product.body_html)
    if description:
        summary = plain_summary(description, clean=True)
    else:
        summary = plain_summary(product.seo_description)
    values: dict[str, Any] = {
        "shopify_id": product.id,
        "handle": handle,
        "title": product.title,
        "summary": summary,
        "description": description,
        "vendor": product.vendor,
        "product_type": product.product_type,
        "category": _category(product),
        "collections": sorted(set(product.collections)),
        "tags": sorted({t.strip() for t in product.tags if t.strip()}),
        "option_values": option_values(product),
        "price_min": product.price_min,
        "price_max": product.price_max,
        "compare_at_max": product.compare_at_max,
        "currency": shop.currency,
        "on_sale": product.on_sale,
        "image": _image(image) if image else None,
        "available": product.available,
        "inventory_total": product.inventory_total,
        "default_variant_id": numeric_id(default.id) if default and default.id else None,
        "store_url": f"https://{shop.domain}/products/{handle}",
        "updated_at": _millis(product.updated_at),
    }
    for name in ("shopify_id", "handle", "title", "store_url"):
        text = values[name]
        if text is not None and len(text) > MAX_TEXT:
            raise InputError(
                f"product {handle}, column {name}",
                f"{len(text)} characters; HubDB TEXT holds {MAX_TEXT}",
            )
    return DesiredRow(
        key=product.id or handle,
        shopify_id=product.id,
        path=handle.lower(),
        name=product.title,
        values={k: _plain(v) for k, v in values.items()},
    )


def option_values(product: Product) -> list[str]:
    """``Size: M`` for every option value a variant uses (or the option lists), sorted."""
    found: set[str] = set()
    for variant in product.variants:
        for name, value in variant.options.items():
            if (name, value) != DEFAULT_OPTION and value:
                found.add(f"{name}: {value}")
    if not found:
        for option in product.options:
            for value in option.values:
                if (option.name, value) != DEFAULT_OPTION and value:
                    found.add(f"{option.name}: {value}")
    return sorted(found)


def _plain(value: Any) -> Any:
    """A desired value in its plain form; empty text and lists become ``None``."""
    if value.__class__ is list:
        return tuple(value) or None
    return None if value == "" else value


def canonical(kind: str, value: Any) -> Any:
    """One comparable form for a value as written or as HubDB returns it.

    Option objects compare by name, MULTISELECT as a sorted tuple, numbers as
    normalised ``Decimal``, BOOLEAN ``None`` as false (HubDB may omit it),
    DATETIME as epoch milliseconds, IMAGE by URL, alt text and size.
    """
    if kind == "BOOLEAN":
        if isinstance(value, str):
            return value.strip().lower() in ("true", "1")
        return bool(value)
    if value is None or value == "" or value == [] or value == ():
        return None
    if kind == "SELECT":
        return value.get("name") if isinstance(value, dict) else str(value)
    if kind == "MULTISELECT":
        items = value if isinstance(value, list | tuple) else [value]
        names = sorted({i.get("name") if isinstance(i, dict) else str(i) for i in items})
        return tuple(names) or None
    if kind in ("NUMBER", "CURRENCY"):
        try:
            return Decimal(str(value)).normalize()
        except InvalidOperation:
            return str(value)
    if kind in ("DATETIME", "DATE"):
        return _millis(value) if not isinstance(value, int | float) else int(value)
    if kind == "IMAGE":
        if isinstance(value, str):
            return (value, None, None, None)
        return (
            value.get("url"),
            value.get("altText") or None,
            _int_or_none(value.get("width")),
            _int_or_none(value.get("height")),
        )
    return value


def encode(kind: str, value: Any, column: dict[str, Any]) -> Any:
    """The JSON to send for a plain value, given the live column (for option ids)."""
    if value is None:
        return None
    if kind == "SELECT":
        return _option_ref(column, value)
    if kind == "MULTISELECT":
        return [_option_ref(column, item) for item in value]
    if kind in ("NUMBER", "CURRENCY"):
        number = Decimal(str(value))
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == "BOOLEAN":
        return bool(value)
    if kind == "IMAGE":
        return {**value, "type": "image"}
    return value


def row_cell(row: dict[str, Any], column: str) -> Any:
    """A declared cell of a HubDB row, canonical."""
    return canonical(column_type(column), (row.get("values") or {}).get(column))


def desired_cell(desired: DesiredRow, column: str) -> Any:
    return canonical(column_type(column), desired.values.get(column))


def _option_ref(column: dict[str, Any], name: str) -> dict[str, str]:
    for option in column.get("options") or []:
        if option.get("name") == name:
            return {"id": str(option["id"]), "name": name, "type": "option"}
    if column.get("type") not in OPTION_TYPES:
        raise InputError(f"column {column.get('name')}", f"is {column.get('type')}, not an option")
    raise InputError(
        f"column {column.get('name')}",
        f"option {name!r} is missing from the live table",
        "the schema step adds options before rows use them; re-run the sync",
    )


def _category(product: Product) -> str | None:
    if product.category:
        return product.category.split(">")[-1].strip() or product.product_type
    return product.product_type


def _image(image: Any) -> dict[str, Any]:
    return {
        "url": image.src,
        "altText": image.alt or None,
        "width": image.width,
        "height": image.height,
    }


def _millis(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    return int(value)


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
