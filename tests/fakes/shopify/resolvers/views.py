"""Local-shop records as Shopify Admin objects: dicts with ``__typename`` and simple fields.

Fields that need arguments or more reads (connections, ``inventoryLevel``) are
left to registered resolvers, which find the record again under ``_record``.
"""

from __future__ import annotations

import hashlib
import html
import re
from decimal import Decimal
from typing import Any

from sync.model.shop import InventoryLevel, Location, Product, Variant, numeric_id

from ..state import FakeState, timestamp

QUANTITY_NAMES = (
    "available",
    "committed",
    "damaged",
    "incoming",
    "on_hand",
    "quality_control",
    "reserved",
    "safety_stock",
    "unavailable",
)


def money(value: Decimal | None) -> str | None:
    """Shopify's ``Money`` scalar: a decimal string with two places."""
    return None if value is None else f"{Decimal(value):.2f}"


def money_v2(value: Decimal | None, currency: str) -> dict | None:
    if value is None:
        return None
    return {"amount": money(value), "currencyCode": currency}


def currency(state: FakeState) -> str:
    return state.shop.info().currency


def product(item: Product, state: FakeState) -> dict:
    """A ``Product`` node."""
    code = currency(state)
    domain = state.shop.info().domain
    is_live = item.status.value == "ACTIVE" and item.published
    prices = [v.price for v in item.variants] or [Decimal(0)]
    media = product_media(item, state)
    return {
        "__typename": "Product",
        "_record": item,
        "id": item.id,
        "legacyResourceId": numeric_id(item.id or ""),
        "handle": item.handle,
        "title": item.title,
        "descriptionHtml": item.body_html,
        "description": lambda info, truncateAt=None: _text(item.body_html, truncateAt),
        "vendor": item.vendor,
        "productType": item.product_type,
        "tags": sorted(item.tags),
        "status": item.status.value,
        "onlineStoreUrl": f"https://{domain}/products/{item.handle}" if is_live else None,
        "publishedAt": timestamp(item.created_at) if item.published else None,
        "createdAt": timestamp(item.created_at),
        "updatedAt": timestamp(item.updated_at),
        "totalInventory": item.inventory_total,
        "tracksInventory": any(v.inventory_tracked for v in item.variants),
        "category": category(item.category),
        "options": lambda info, first=None: [
            option(item, index, o) for index, o in enumerate(item.options[:first], start=1)
        ],
        "seo": {"title": item.seo_title or None, "description": item.seo_description or None},
        "featuredMedia": media[0] if media else None,
        "featuredImage": next((m["image"] for m in media if m.get("image")), None),
        "priceRangeV2": {
            "minVariantPrice": money_v2(min(prices), code),
            "maxVariantPrice": money_v2(max(prices), code),
        },
        "variantsCount": {"count": len(item.variants), "precision": "EXACT"},
        "_media": media,
    }


def product_media(item: Product, state: FakeState) -> list[dict]:
    """The product's media in position order: its images, with any video or 3D model added
    through :meth:`ShopifyFake.add_media` at its position."""
    media = [media_image(item, image) for image in sorted(item.images, key=lambda i: i.position)]
    for position, node in sorted(state.extra_media.get(item.id or "", ()),
                                 key=lambda pair: pair[0]):
        media.insert(min(max(position, 1), len(media) + 1) - 1, node)
    return media


def other_media(kind: str, number: int) -> dict:
    """A ``Video``, ``ExternalVideo`` or ``Model3d`` media node (no picture of its own)."""
    content = {"Video": "VIDEO", "ExternalVideo": "EXTERNAL_VIDEO", "Model3d": "MODEL_3D"}
    if kind not in content:
        raise ValueError(f"unknown media kind {kind!r}: choose one of {sorted(content)}")
    return {
        "__typename": kind,
        "id": f"gid://shopify/{kind}/{number}",
        "alt": None,
        "mediaContentType": content[kind],
        "status": "READY",
        "mediaErrors": [],
        "mediaWarnings": [],
        "preview": None,
    }


def option(item: Product, position: int, value: Any) -> dict:
    base = int(numeric_id(item.id or "0")) * 10 + position
    return {
        "__typename": "ProductOption",
        "id": f"gid://shopify/ProductOption/{base}",
        "name": value.name,
        "position": position,
        "values": list(value.values),
        "optionValues": [
            {
                "__typename": "ProductOptionValue",
                "id": f"gid://shopify/ProductOptionValue/{base * 100 + index}",
                "name": name,
                "hasVariants": any(v.options.get(value.name) == name for v in item.variants),
            }
            for index, name in enumerate(value.values, start=1)
        ],
    }


def category(full_name: str | None) -> dict | None:
    """A ``TaxonomyCategory`` from its full name (``Apparel > Clothing > Shirts``)."""
    if not full_name:
        return None
    digest = hashlib.sha1(full_name.encode(), usedforsecurity=False).hexdigest()[:8]
    return {
        "__typename": "TaxonomyCategory",
        "id": f"gid://shopify/TaxonomyCategory/fake-{digest}",
        "name": full_name.split(">")[-1].strip(),
        "fullName": full_name,
    }


def image(src: str | None, alt: str = "", width: int | None = None, height: int | None = None,
          number: int | None = None) -> dict | None:
    if not src:
        return None
    return {
        "__typename": "Image",
        "id": f"gid://shopify/ProductImage/{number}" if number else None,
        "url": lambda info, transform=None: src,
        "altText": alt or None,
        "width": width,
        "height": height,
    }


def media_image(item: Product, picture: Any) -> dict:
    number = int(numeric_id(item.id or "0")) * 100 + picture.position
    return {
        "__typename": "MediaImage",
        "id": f"gid://shopify/MediaImage/{number}",
        "alt": picture.alt or None,
        "mediaContentType": "IMAGE",
        "status": "READY",
        "mediaErrors": [],
        "mediaWarnings": [],
        "preview": None,
        "image": image(picture.src, picture.alt, picture.width, picture.height, number),
    }


def variant(owner: Product, item: Variant, state: FakeState) -> dict:
    """A ``ProductVariant`` node."""
    picture = next((i for i in owner.images if i.src == item.image_src), None)
    return {
        "__typename": "ProductVariant",
        "_record": item,
        "_product": owner,
        "id": item.id,
        "legacyResourceId": numeric_id(item.id or ""),
        "sku": item.sku or None,
        "title": item.title,
        "displayName": f"{owner.title} - {item.title}",
        "price": money(item.price),
        "compareAtPrice": money(item.compare_at_price),
        "barcode": item.barcode or None,
        "inventoryQuantity": item.inventory_quantity,
        "inventoryPolicy": item.inventory_policy.value,
        "availableForSale": owner.status.value == "ACTIVE" and item.available_for_sale,
        "selectedOptions": [{"name": k, "value": v} for k, v in item.options.items()],
        "position": item.position,
        "taxable": item.taxable,
        "createdAt": timestamp(owner.created_at),
        "updatedAt": timestamp(owner.updated_at),
        "image": image(item.image_src, picture.alt if picture else "",
                       picture.width if picture else None, picture.height if picture else None),
        "product": lambda info: product(owner, state),
        "inventoryItem": lambda info: inventory_item(owner, item, state),
    }


def inventory_item(owner: Product, item: Variant, state: FakeState) -> dict:
    """An ``InventoryItem``; its levels come from registered resolvers."""
    return {
        "__typename": "InventoryItem",
        "_record": item,
        "_product": owner,
        "id": item.inventory_item_id,
        "legacyResourceId": numeric_id(item.inventory_item_id or ""),
        "sku": item.sku or None,
        "tracked": item.inventory_tracked,
        "updatedAt": timestamp(owner.updated_at),
        "requiresShipping": item.requires_shipping,
        "variant": lambda info: variant(owner, item, state),
    }


def location(place: Location) -> dict:
    return {
        "__typename": "Location",
        "_record": place,
        "id": place.id,
        "legacyResourceId": numeric_id(place.id or ""),
        "name": place.name,
        "isActive": place.active,
    }


def inventory_level(level: InventoryLevel, state: FakeState) -> dict:
    """An ``InventoryLevel``; ``quantities(names:)`` reports every state Shopify names."""
    values = {
        "available": level.available,
        "committed": level.committed,
        "unavailable": level.unavailable,
        "on_hand": level.on_hand,
    }
    location_num = numeric_id(level.location_id)
    item_num = numeric_id(level.inventory_item_id)
    level_id = f"gid://shopify/InventoryLevel/{location_num}?inventory_item_id={item_num}"

    def quantities(info: Any, names: list[str]) -> list[dict]:
        return [
            {
                "__typename": "InventoryQuantity",
                "id": f"gid://shopify/InventoryQuantity/{location_num}"
                f"?inventory_item_id={item_num}&name={name}",
                "name": name,
                "quantity": values.get(name, 0),
                "updatedAt": timestamp(level.updated_at),
            }
            for name in names
        ]

    place = state.shop.get_location(level.location_id)
    return {
        "__typename": "InventoryLevel",
        "_record": level,
        "id": level_id,
        "updatedAt": timestamp(level.updated_at or state.now()),
        "quantities": quantities,
        "location": location(place) if place else None,
        "item": lambda info: item_view(state, level.inventory_item_id),
    }


def item_view(state: FakeState, inventory_item_id: str) -> dict | None:
    """The ``InventoryItem`` with this gid, found through its variant."""
    found = state.shop.get_variant(inventory_item_id)
    if found is None:
        return None
    owner, item = found
    return inventory_item(owner, item, state)


def _text(body_html: str, truncate_at: int | None) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", " ", body_html or ""))
    text = re.sub(r"\s+", " ", text).strip()
    if truncate_at is not None and len(text) > truncate_at:
        text = text[: max(0, truncate_at - 1)].rstrip() + "…"
    return text
