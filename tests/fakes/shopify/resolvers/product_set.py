"""``productSet`` (synchronous or as a ``ProductSetOperation``) and ``productOperation``.

An idempotent upsert keyed by ``identifier`` (id, handle, or a custom id
metafield, which the local shop keeps as the handle it names): list fields are
replaced whole, and the local shop keeps variant and inventory-item ids stable.
Asynchronous calls apply once the operation has run for a virtual second. An
``@idempotent(key:)`` replays the first response for the same key and input.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sync.errors import HubshopError, InputError
from sync.local.shop_types import ShopError
from sync.model.shop import Image, InventoryPolicy, Option, Product, ProductStatus, Variant

from ..registry import resolves, user_error
from . import views
from .idempotency import idempotency_key

RUN_SECONDS = 1.0
MAX_OPTIONS = 3
MAX_VARIANTS = 2048


@resolves("Mutation", "productSet")
def product_set(_: Any, info: Any, input: dict, synchronous: bool | None = None,  # noqa: A002
                identifier: dict | None = None) -> dict:
    state = info.context
    if synchronous is None or synchronous:
        key = idempotency_key(info)
        fingerprint = repr(sorted((input or {}).items())) + repr(identifier)
        remembered = state.idempotency.get(("productSet", key)) if key else None
        if remembered is not None:
            if remembered[0] != fingerprint:
                error = user_error("The same idempotency key cannot be used with different"
                                   " operation parameters.", None, "INVALID_INPUT")
                return {"product": None, "productSetOperation": None, "userErrors": [error]}
            return remembered[1]
        stored, errors = apply(state, input, identifier)
        product = views.product(stored, state) if stored else None
        result = {"product": product, "productSetOperation": None, "userErrors": errors}
        if key:
            state.idempotency[("productSet", key)] = (fingerprint, result, state.now())
        return result
    op_id = state.next_gid("ProductSetOperation")
    record = {"input": input, "identifier": identifier, "started": state.clock.monotonic(),
              "product": None, "errors": [], "done": False}
    state.product_operations[op_id] = operation_view(state, op_id, record)
    return {"product": None, "productSetOperation": state.product_operations[op_id],
            "userErrors": []}


@resolves("QueryRoot", "productOperation")
def product_operation(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    return info.context.product_operations.get(id)


def operation_view(state: Any, op_id: str, record: dict) -> dict:
    """A ``ProductSetOperation`` whose status follows the clock; it applies when first seen done."""

    def settle() -> str:
        elapsed = state.clock.monotonic() - record["started"]
        if elapsed <= 0:
            return "CREATED"
        if elapsed < RUN_SECONDS:
            return "ACTIVE"
        if not record["done"]:
            record["product"], record["errors"] = apply(state, record["input"],
                                                        record["identifier"])
            record["done"] = True
        return "COMPLETE"

    def product(info: Any) -> dict | None:
        settle()
        return views.product(record["product"], state) if record["product"] else None

    def errors(info: Any) -> list[dict]:
        settle()
        return record["errors"]

    return {"__typename": "ProductSetOperation", "id": op_id,
            "status": lambda info: settle(), "product": product, "userErrors": errors}


def apply(state: Any, data: dict, identifier: dict | None) -> tuple[Product | None, list[dict]]:
    """Upsert into the local shop; returns the stored product or userErrors."""
    shop = state.shop
    existing = None
    if identifier and identifier.get("id"):
        existing = shop.get_product(identifier["id"])
        if existing is None:
            return None, [user_error("Product does not exist", ["identifier", "id"],
                                     "PRODUCT_DOES_NOT_EXIST")]
    elif identifier and (identifier.get("handle") or identifier.get("customId")):
        wanted = identifier.get("handle") or identifier["customId"]["value"]
        found = shop.get_product(wanted)
        existing = found if found is not None and found.handle == wanted else None
    elif data.get("handle") and shop.get_product(data["handle"]) is not None:
        return None, [user_error(f"Handle {data['handle']!r} is already in use: pass an"
                                 " identifier to update that product.", ["input", "handle"],
                                 "HANDLE_NOT_UNIQUE")]
    problems = _check(data, existing)
    if problems:
        return None, problems
    product, stock = _product(state, data, existing, identifier)
    try:
        stored = shop.upsert_product(product, stock_at=stock)
    except ShopError as error:
        return None, [user_error(error.message, error.field, _code(error.code))]
    except (InputError, HubshopError) as error:
        return None, [user_error(str(error), ["input"], "INVALID_INPUT")]
    return stored, []


def _check(data: dict, existing: Product | None) -> list[dict]:
    if existing is None and not data.get("title"):
        return [user_error("Title can't be blank", ["input", "title"], "MISSING_FIELD_REQUIRED")]
    options = data.get("productOptions") or []
    variants = data.get("variants") or []
    if len(options) > MAX_OPTIONS:
        return [user_error(f"A product can have at most {MAX_OPTIONS} options.",
                           ["input", "productOptions"], "OPTIONS_OVER_LIMIT")]
    if len(variants) > MAX_VARIANTS:
        return [user_error(f"A product can have at most {MAX_VARIANTS} variants.",
                           ["input", "variants"], "VARIANTS_OVER_LIMIT")]
    if variants and not options and any(v.get("optionValues") for v in variants):
        return [user_error("productOptions are required when variants name option values.",
                           ["input", "productOptions"], "PRODUCT_OPTIONS_INPUT_MISSING")]
    names = {o.get("name"): {v.get("name") for v in o.get("values") or []} for o in options}
    for index, variant in enumerate(variants):
        for value in variant.get("optionValues") or []:
            allowed = names.get(value.get("optionName"))
            if allowed is None or value.get("name") not in allowed:
                return [user_error(f"Option value {value.get('name')!r} of"
                                   f" {value.get('optionName')!r} is not in productOptions.",
                                   ["input", "variants", str(index), "optionValues"],
                                   "OPTION_VALUE_DOES_NOT_EXIST")]
    return []


def _product(state: Any, data: dict, existing: Product | None,
             identifier: dict | None) -> tuple[Product, str | None]:
    old = existing or Product(handle="", title="")
    handle = data.get("handle") or (identifier or {}).get("handle") or old.handle
    title = data.get("title") or old.title
    seo = data.get("seo") or {}
    options = old.options
    if "productOptions" in data:
        options = [Option(o["name"], tuple(v["name"] for v in o.get("values") or []))
                   for o in data["productOptions"] or []]
    stock: str | None = None
    variants = old.variants
    if "variants" in data:
        variants = []
        for position, item in enumerate(data["variants"] or [], start=1):
            quantities = item.get("inventoryQuantities") or []
            if quantities:
                stock = stock or quantities[0]["locationId"]
            variants.append(_variant(item, position, quantities))
    if not variants:  # Shopify gives every product a "Default Title" variant
        variants = [Variant(sku="", price=Decimal("0.00"))]
    pictures = old.images
    if "files" in data:
        pictures = [Image(src=f["originalSource"], alt=f.get("alt") or "", position=index)
                    for index, f in enumerate(data["files"] or [], start=1)]
    collections = old.collections
    if "collections" in data:
        by_id = {c.id: c.handle for c in state.shop.list_collections()}
        collections = [by_id[c] for c in data["collections"] or [] if c in by_id]
    product = Product(
        handle=handle or _slug(title),
        title=title,
        body_html=data.get("descriptionHtml", old.body_html) or "",
        vendor=data.get("vendor", old.vendor) or "",
        product_type=data.get("productType", old.product_type) or "",
        category=data.get("category", old.category),
        tags=list(data.get("tags", old.tags) or []),
        status=ProductStatus(data.get("status") or old.status.value),
        published=old.published,
        options=options,
        variants=variants,
        images=pictures,
        collections=collections,
        seo_title=seo.get("title", old.seo_title) or "",
        seo_description=seo.get("description", old.seo_description) or "",
        id=existing.id if existing else None,
    )
    return product, stock


def _variant(item: dict, position: int, quantities: list[dict]) -> Variant:
    chosen = {v["optionName"]: v["name"] for v in item.get("optionValues") or []
              if v.get("optionName")}
    inventory_item = item.get("inventoryItem") or {}
    tracked = inventory_item.get("tracked")
    weight = (inventory_item.get("measurement") or {}).get("weight") or {}
    return Variant(
        sku=item.get("sku") or "",
        price=Decimal(str(item.get("price") or "0")),
        options=chosen,
        title=" / ".join(chosen.values()) or "Default Title",
        compare_at_price=Decimal(str(item["compareAtPrice"])) if item.get("compareAtPrice")
        else None,
        inventory_quantity=sum(q.get("quantity", 0) for q in quantities),
        inventory_tracked=True if tracked is None else bool(tracked),
        inventory_policy=InventoryPolicy(item.get("inventoryPolicy") or "DENY"),
        barcode=item.get("barcode") or "",
        grams=_grams(weight),
        requires_shipping=inventory_item.get("requiresShipping", True) is not False,
        taxable=item.get("taxable", True) is not False,
        image_src=(item.get("file") or {}).get("originalSource"),
        position=item.get("position") or position,
        id=item.get("id"),
    )


def _grams(weight: dict) -> int | None:
    if weight.get("value") is None:
        return None
    factor = {"GRAMS": 1, "KILOGRAMS": 1000, "OUNCES": 28.3495, "POUNDS": 453.592}
    return round(float(weight["value"]) * factor.get(weight.get("unit") or "GRAMS", 1))


def _code(code: str) -> str | None:
    return code if code in _PRODUCT_SET_CODES else "INVALID_INPUT"


def _slug(title: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in title.lower()).split())


_PRODUCT_SET_CODES = {
    "INVALID_INPUT", "INVALID_VARIANT", "HANDLE_NOT_UNIQUE", "PRODUCT_DOES_NOT_EXIST",
    "PRODUCT_VARIANT_DOES_NOT_EXIST", "OPTION_VALUE_DOES_NOT_EXIST", "GENERIC_ERROR",
}
