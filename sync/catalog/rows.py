"""Products as HubDB rows: desired cell values, and comparison in HubDB's own shapes.

HubDB answers with its own shapes (SELECT as option objects, DATETIME as epoch
milliseconds, BOOLEAN as 1/0, IMAGE as an object), so a re-sync must compare
like with like or every row looks changed. :func:`canonical` brings a written
or a read value to one comparable form; :func:`encode` makes the JSON to send.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from sync.catalog.sanitize import plain_summary, sanitize_html
from sync.catalog.table import COLUMNS, MAX_TEXT, OPTION_TYPES, column_type
from sync.catalog.variant_facts import DEFAULT_OPTION, VariantFacts
from sync.errors import InputError
from sync.model.shop import Product, ShopFacts, numeric_id
from sync.model.time import epoch_millis


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
    cells: tuple[Any, ...] = ()
    """The declared cells in :data:`COLUMNS` order, canonical: computed once, compared cheaply."""


Descriptions = dict[tuple[str, str], tuple[str, str]]
"""Sanitised description and summary by (body HTML, SEO description), for one run."""


def product_row(
    product: Product,
    shop: ShopFacts,
    *,
    descriptions: Descriptions | None = None,
    text: tuple[str | None, str | None] | None = None,
) -> DesiredRow:
    """The desired row for ``product``; text too long for HubDB fails naming the cell.

    Args:
        product: the source product.
        shop: domain and currency.
        descriptions: a cache shared by one run's rows, so a description seen
            before (templated catalogs repeat them) is not sanitised again.
        text: description and summary this sanitiser already made for this
            very product version (see :func:`known_text`); used as they are,
            because sanitising is most of a re-sync's cost.
    """
    handle = product.handle
    if text is not None:
        description, summary = text
    else:
        source = (product.body_html or "", product.seo_description or "")
        cached = descriptions.get(source) if descriptions is not None else None
        if cached is None:
            cached = _description(*source)
            if descriptions is not None:
                descriptions[source] = cached
        description, summary = cached
    for name, value in (("shopify_id", product.id), ("handle", handle), ("title", product.title)):
        _check_length(handle, name, value)
    store_url = f"https://{shop.domain}/products/{handle}"
    _check_length(handle, "store_url", store_url)
    facts = VariantFacts(product)
    image = product.featured_image
    tags = {t.strip() for t in product.tags}
    tags.discard("")
    # plain forms built in place: empty text and lists are None, lists are tuples
    values: dict[str, Any] = {
        "shopify_id": product.id or None,
        "handle": handle or None,
        "title": product.title or None,
        "summary": summary or None,
        "description": description or None,
        "vendor": product.vendor or None,
        "product_type": product.product_type or None,
        "category": _category(product) or None,
        "collections": tuple(sorted(set(product.collections))) or None,
        "tags": tuple(sorted(tags)) or None,
        "option_values": tuple(facts.option_values(product)) or None,
        "price_min": facts.price_min,
        "price_max": facts.price_max,
        "compare_at_max": facts.compare_at_max,
        "currency": shop.currency or None,
        "on_sale": facts.on_sale,
        "image": _image(image) if image else None,
        "images": _images(product) or None,
        "available": facts.available(product),
        "inventory_total": facts.inventory_total,
        "default_variant_id": facts.default_variant_id,
        "variants": _variants(product) or None,
        "store_url": store_url,
        "updated_at": epoch_millis(product.updated_at),
    }
    return DesiredRow(
        key=product.id or handle,
        shopify_id=product.id,
        path=handle.lower(),
        name=product.title,
        values=values,
        cells=desired_cells(values),
    )


def _check_length(handle: str, column: str, text: str | None) -> None:
    if text is not None and len(text) > MAX_TEXT:
        raise InputError(
            f"product {handle}, column {column}",
            f"{len(text)} characters; HubDB TEXT holds {MAX_TEXT}",
        )


def desired_cells(plain: Mapping[str, Any]) -> tuple[Any, ...]:
    """:func:`canonical_cells` of plain desired values, without running a rule per cell.

    Plain values are canonical already except images (a tuple) and booleans
    (``None`` is false); a test holds this equal to :func:`canonical_cells`.
    """
    cells = [plain.get(name) for name in COLUMN_NAMES]
    for index in _BOOLEAN_INDEXES:
        cells[index] = bool(cells[index])
    for index in _IMAGE_INDEXES:
        image = cells[index]
        if image.__class__ is dict:
            cells[index] = _image_cell(image)
        elif image is not None:
            cells[index] = canonical("IMAGE", image)
    return tuple(cells)


def known_text(product: Product, row: Mapping[str, Any]) -> tuple[str | None, str | None] | None:
    """``row``'s ``description`` and ``summary`` cells when made from this very product version.

    Shopify bumps a product's ``updatedAt`` whenever its description, title
    or SEO fields change, and every row hubshop writes carries that moment in
    ``updated_at``; so a row whose ``updated_at`` equals the product's holds
    text this sanitiser made from the same source on an earlier run. That
    trusts the table's cells as hubshop wrote them (whoever can edit HubDB
    can change the site anyway); after a sanitiser change, plan with
    ``rebuild_text=True`` to redo every row's text. A product without an
    ``updated_at`` (from a CSV) always gets its text rebuilt.
    """
    if product.updated_at is None:
        return None
    values = row.get("values") or {}
    if values.get("updated_at") is None or row_cell(row, "updated_at") != epoch_millis(
        product.updated_at
    ):
        return None
    return _text(values.get("description")), _text(values.get("summary"))


def _description(body_html: str, seo_description: str) -> tuple[str, str]:
    description = sanitize_html(body_html)
    if description:
        return description, plain_summary(description, clean=True)
    return description, plain_summary(seo_description)


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
        return epoch_millis(value) if not isinstance(value, int | float) else int(value)
    if kind == "IMAGE":
        if isinstance(value, str):
            return (value, None, None, None)
        return _image_cell(value)
    if kind == "JSON":
        return _json(value)
    return value


def _image_cell(value: Mapping[str, Any]) -> tuple[Any, ...]:
    """An image as compared: URL, alt text and size (HubDB adds a ``type`` to ignore)."""
    return (
        value.get("url"),
        value.get("altText") or None,
        _int_or_none(value.get("width")),
        _int_or_none(value.get("height")),
    )


def canonical_cells(values: Mapping[str, Any]) -> tuple[Any, ...]:
    """Every declared cell of ``values`` (desired or HubDB JSON), canonical, in column order.

    Equal tuples mean an unchanged row; this is the planner's cheap first
    comparison, so each column's rule is looked up once, not per cell.
    """
    return tuple([rule(values.get(name)) for name, rule in _RULES])


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


def _text(value: Any) -> Any:
    return None if value is None or value == "" else value


def _number(value: Any) -> Any:
    if value is None or value == "":
        return None
    if value.__class__ is int or value.__class__ is Decimal:
        return value  # == compares Decimal and int by value: 10.00 == 10, no normalising
    if value.__class__ is float:
        return Decimal(repr(value))
    return canonical("NUMBER", value)


def _select(value: Any) -> Any:
    if value.__class__ is str:
        return value or None
    if value.__class__ is dict:
        return value.get("name")
    return canonical("SELECT", value)


def _multiselect(value: Any) -> Any:
    if not value:
        return None
    if value.__class__ is tuple:  # desired: sorted, distinct names already
        return value
    if value.__class__ is list:  # HubDB: option objects
        try:
            return tuple(sorted({item.get("name") for item in value}))
        except (AttributeError, TypeError):  # not all objects, or names of mixed types
            pass
    return canonical("MULTISELECT", value)


def _json(value: Any) -> Any:
    """A JSON cell as plain lists and dicts (a JSON string is decoded), empty as ``None``."""
    if value.__class__ is str:
        try:
            value = json.loads(value)
        except ValueError:
            return value
    if value.__class__ is tuple:
        value = list(value)
    return value if value or value is False or value == 0 else None


def _boolean(value: Any) -> Any:
    if value.__class__ is bool:
        return value
    if value is None or value.__class__ is int:
        return bool(value)
    return canonical("BOOLEAN", value)


def _datetime(value: Any) -> Any:
    return value if value.__class__ is int else canonical("DATETIME", value)


_FAST_RULES: dict[str, Callable[[Any], Any]] = {
    "TEXT": _text,
    "RICHTEXT": _text,
    "URL": _text,
    "NUMBER": _number,
    "CURRENCY": _number,
    "SELECT": _select,
    "MULTISELECT": _multiselect,
    "BOOLEAN": _boolean,
    "DATETIME": _datetime,
    "JSON": _json,
}


def _rule(kind: str) -> Callable[[Any], Any]:
    """``canonical`` for one column type, with a shortcut for the usual plain values."""
    return _FAST_RULES.get(kind) or partial(canonical, kind)


_RULES: tuple[tuple[str, Callable[[Any], Any]], ...] = tuple(
    (c.name, _rule(c.type)) for c in COLUMNS
)
COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
_RULE_BY_NAME = dict(_RULES)
_BOOLEAN_INDEXES = tuple(i for i, c in enumerate(COLUMNS) if c.type == "BOOLEAN")
_IMAGE_INDEXES = tuple(i for i, c in enumerate(COLUMNS) if c.type == "IMAGE")


def row_cells(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """:func:`canonical_cells` of a HubDB row."""
    return canonical_cells(row.get("values") or {})


def row_cell(row: Mapping[str, Any], column: str) -> Any:
    """A declared cell of a HubDB row, canonical."""
    return _RULE_BY_NAME[column]((row.get("values") or {}).get(column))


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


def _images(product: Product) -> list[dict[str, Any]]:
    """Every image of ``product``, featured first, as the gallery and card hover read them."""
    ordered = sorted(product.images, key=lambda i: i.position)
    seen: set[str] = set()
    images = []
    for image in ordered:
        if not image.src or image.src in seen:
            continue
        seen.add(image.src)
        images.append({
            "url": image.src, "alt": image.alt or None,
            "width": _int_or_none(image.width), "height": _int_or_none(image.height),
        })
    return images


def _variants(product: Product) -> list[dict[str, Any]]:
    """Each variant with a Shopify id, in position order: what a cart link or the picker needs.

    ``options`` leaves out Shopify's ``Title: Default Title`` placeholder; prices are
    strings with two decimals, so a re-sync compares them exactly.
    """
    variants = []
    for variant in sorted(product.variants, key=lambda v: v.position):
        if not variant.id:
            continue
        compare = variant.compare_at_price
        variants.append({
            "id": numeric_id(variant.id),
            "options": {
                name: value for name, value in variant.options.items()
                if value and (name, value) != DEFAULT_OPTION
            },
            "price": f"{variant.price:.2f}",
            "compare_at": f"{compare:.2f}" if compare is not None else None,
            "available": variant.available_for_sale,
        })
    return variants


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)
