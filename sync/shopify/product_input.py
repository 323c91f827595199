"""A planned product as ``productSet`` variables: identifier and a whole ``ProductSetInput``.

``productSet`` replaces list fields (variants, options, files, collections)
whole, so the input always lists every variant and option. A product without
options gets Shopify's own ``Title`` / ``Default Title`` option, which is what
Shopify stores for it anyway. Quantities go only on variants that do not
exist yet: after that, stock belongs to the inventory service.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.catalog.import_plan import ARCHIVE, ProductChange
from sync.model.shop import Variant

DEFAULT_OPTION, DEFAULT_VALUE = "Title", "Default Title"
METAFIELD_TYPE = "single_line_text_field"


def identifier(change: ProductChange, *, mode: str = "handle",
               custom_id: str = "hubshop.product_id") -> dict[str, Any]:
    """``ProductSetIdentifiers``: the product id for archives, else handle or custom id."""
    if change.action == ARCHIVE and change.existing_id:
        return {"id": change.existing_id}
    if mode == "custom_id":
        namespace, key = _split(custom_id)
        return {"customId": {"namespace": namespace, "key": key, "value": change.handle}}
    return {"handle": change.handle}


def product_set_input(change: ProductChange, *, collection_ids: Mapping[str, str],
                      location_id: str | None, mode: str = "handle",
                      custom_id: str = "hubshop.product_id") -> dict[str, Any]:
    """The ``ProductSetInput`` for one change (archives send only the status)."""
    product = change.product
    if change.action == ARCHIVE:
        return {"status": "ARCHIVED"}
    names = [o.name for o in product.options] or [DEFAULT_OPTION]
    values = [list(o.values) for o in product.options] or [[DEFAULT_VALUE]]
    new = set(change.new_variants)
    data: dict[str, Any] = {
        "handle": product.handle,
        "title": product.title,
        "descriptionHtml": product.body_html,
        "vendor": product.vendor,
        "productType": product.product_type,
        "tags": list(product.tags),
        "status": product.status.value,
        "seo": {"title": product.seo_title or None,
                "description": product.seo_description or None},
        "productOptions": [
            {"name": name, "position": index, "values": [{"name": v} for v in vals]}
            for index, (name, vals) in enumerate(zip(names, values, strict=True), start=1)
        ],
        "variants": [_variant(v, names, location_id if i in new else None)
                     for i, v in enumerate(product.variants)],
        "files": [_file(image.src, image.alt) for image in
                  sorted(product.images, key=lambda i: i.position)],
    }
    if change.category_id:
        data["category"] = change.category_id
    if product.collections:
        data["collections"] = [collection_ids[h] for h in product.collections
                               if h in collection_ids]
    if mode == "custom_id":
        namespace, key = _split(custom_id)
        data["metafields"] = [{"namespace": namespace, "key": key, "type": METAFIELD_TYPE,
                               "value": product.handle}]
    return data


def _variant(variant: Variant, names: list[str], location_id: str | None) -> dict[str, Any]:
    chosen = variant.options or {DEFAULT_OPTION: DEFAULT_VALUE}
    item: dict[str, Any] = {"tracked": variant.inventory_tracked,
                            "requiresShipping": variant.requires_shipping}
    if variant.grams is not None:
        item["measurement"] = {"weight": {"value": float(variant.grams), "unit": "GRAMS"}}
    data: dict[str, Any] = {
        "optionValues": [{"optionName": n, "name": chosen.get(n, "")} for n in names],
        "price": str(variant.price),
        "compareAtPrice": str(variant.compare_at_price) if variant.compare_at_price else None,
        "sku": variant.sku or None,
        "barcode": variant.barcode or None,
        "position": variant.position,
        "inventoryPolicy": variant.inventory_policy.value,
        "taxable": variant.taxable,
        "inventoryItem": item,
    }
    if variant.id:
        data["id"] = variant.id
    if variant.image_src:
        data["file"] = _file(variant.image_src, "")
    if location_id and variant.inventory_tracked:
        data["inventoryQuantities"] = [{"locationId": location_id, "name": "available",
                                        "quantity": variant.inventory_quantity}]
    return data


def _file(src: str, alt: str) -> dict[str, Any]:
    return {"originalSource": src, "alt": alt or None, "contentType": "IMAGE"}


def _split(custom_id: str) -> tuple[str, str]:
    namespace, _, key = custom_id.rpartition(".")
    return namespace or "hubshop", key
