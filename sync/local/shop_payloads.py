"""Webhook bodies shaped like Shopify's (REST-style, 64-bit numeric ids), built from local rows.

Receivers written against these bodies (the inventory microservice's webhook
handler, the catalog sync) then read real Shopify deliveries unchanged.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sync.local.shop_types import Order, OrderLine, make_gid, webhook_time
from sync.model.shop import Product, numeric_id


def inventory_level(item_num: int, location_num: int, available: int, at: datetime) -> dict:
    """``inventory_levels/update`` (and ``/connect``): Shopify's five fields, nothing more."""
    return {
        "inventory_item_id": item_num,
        "location_id": location_num,
        "available": available,
        "updated_at": webhook_time(at),
        "admin_graphql_api_id": (
            f"gid://shopify/InventoryLevel/{location_num}?inventory_item_id={item_num}"
        ),
    }


def product(item: Product) -> dict:
    """``products/create`` and ``products/update``: the REST product with its variants."""
    assert item.id and item.created_at and item.updated_at
    number = int(numeric_id(item.id))
    names = [option.name for option in item.options]
    return {
        "id": number,
        "admin_graphql_api_id": item.id,
        "title": item.title,
        "handle": item.handle,
        "body_html": item.body_html,
        "vendor": item.vendor,
        "product_type": item.product_type,
        "status": item.status.value.lower(),
        "tags": ", ".join(item.tags),
        "created_at": webhook_time(item.created_at),
        "updated_at": webhook_time(item.updated_at),
        "published_at": webhook_time(item.created_at) if item.published else None,
        "published_scope": "global",
        "template_suffix": None,
        "options": [
            {
                "product_id": number,
                "name": option.name,
                "position": pos,
                "values": list(option.values),
            }
            for pos, option in enumerate(item.options, start=1)
        ],
        "variants": [
            {
                "id": int(numeric_id(variant.id or "0")),
                "admin_graphql_api_id": variant.id,
                "product_id": number,
                "title": variant.title,
                "sku": variant.sku,
                "price": f"{variant.price:.2f}",
                "compare_at_price": _price(variant.compare_at_price),
                "position": variant.position,
                "inventory_policy": variant.inventory_policy.value.lower(),
                "inventory_management": "shopify" if variant.inventory_tracked else None,
                "inventory_item_id": int(numeric_id(variant.inventory_item_id or "0")),
                "inventory_quantity": variant.inventory_quantity,
                "old_inventory_quantity": variant.inventory_quantity,
                "barcode": variant.barcode,
                "grams": variant.grams or 0,
                "requires_shipping": variant.requires_shipping,
                "taxable": variant.taxable,
                **{
                    f"option{pos}": variant.options.get(name)
                    for pos, name in enumerate(names[:3], start=1)
                },
            }
            for variant in item.variants
        ],
        "images": [
            {"product_id": number, "src": image.src, "alt": image.alt, "position": image.position}
            for image in item.images
        ],
    }


def product_deleted(number: int) -> dict:
    """``products/delete``: Shopify sends only the id."""
    return {"id": number}


def collection(number: int, handle: str, title: str, at: datetime) -> dict:
    """``collections/create`` and ``collections/update``."""
    return {
        "id": number,
        "admin_graphql_api_id": make_gid("Collection", number),
        "handle": handle,
        "title": title,
        "updated_at": webhook_time(at),
        "published_scope": "web",
    }


def order(item: Order, *, updated_at: datetime) -> dict:
    """``orders/create`` and ``orders/cancelled``: the REST order with its line items."""
    number = int(numeric_id(item.id))
    total = sum((Decimal(line.price) * line.quantity for line in item.lines), Decimal(0))
    fulfilled = item.status == "fulfilled"
    return {
        "id": number,
        "admin_graphql_api_id": item.id,
        "name": item.name,
        "order_number": int(item.name.lstrip("#")),
        "email": item.email,
        "created_at": webhook_time(item.created_at),
        "updated_at": webhook_time(updated_at),
        "cancelled_at": webhook_time(item.cancelled_at) if item.cancelled_at else None,
        "cancel_reason": "customer" if item.cancelled_at else None,
        "closed_at": webhook_time(item.fulfilled_at) if item.fulfilled_at else None,
        "financial_status": "voided" if item.status == "cancelled" else "paid",
        "fulfillment_status": "fulfilled" if fulfilled else None,
        "total_price": f"{total:.2f}",
        "line_items": [_line(line, fulfilled) for line in item.lines],
    }


def fulfillment(item: Order, number: int, location_num: int | None, at: datetime) -> dict:
    """``fulfillments/create``: which lines left which location."""
    return {
        "id": number,
        "admin_graphql_api_id": make_gid("Fulfillment", number),
        "order_id": int(numeric_id(item.id)),
        "name": f"{item.name}.1",
        "status": "success",
        "location_id": location_num,
        "created_at": webhook_time(at),
        "updated_at": webhook_time(at),
        "line_items": [_line(line, True) for line in item.lines],
    }


def _price(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def _line(line: OrderLine, fulfilled: bool) -> dict:
    return {
        "id": int(numeric_id(line.id or "0")),
        "admin_graphql_api_id": line.id,
        "variant_id": int(numeric_id(line.variant_id)),
        "sku": line.sku,
        "title": line.title,
        "quantity": line.quantity,
        "price": line.price,
        "fulfillable_quantity": 0 if fulfilled else line.quantity,
        "fulfillment_status": "fulfilled" if fulfilled else None,
    }
