"""Inventory reads: locations, inventory items and their levels, ``node``/``nodes``."""

from __future__ import annotations

from typing import Any

from ..connections import paginate
from ..registry import resolves
from . import bulk, views
from .catalog import _collection, _num, _window, variants_matching


@resolves("QueryRoot", "locations")
def locations(_: Any, info: Any, **args: Any) -> dict:
    places = info.context.shop.locations()
    if not args.get("includeInactive"):
        places = [p for p in places if p.active]
    return paginate(sorted(places, key=lambda p: _num(p.id)), view=views.location,
                    key=lambda p: p.id, bulk=info.context.bulk, **_window(args))


@resolves("QueryRoot", "inventoryItems")
def inventory_items(_: Any, info: Any, **args: Any) -> dict:
    state = info.context
    pairs = variants_matching(state, args.get("query"))
    pairs = sorted(pairs, key=lambda pair: _num(pair[1].inventory_item_id))
    return paginate(
        pairs,
        view=lambda pair: views.inventory_item(pair[0], pair[1], state),
        key=lambda pair: pair[1].inventory_item_id,
        bulk=state.bulk,
        **_window(args),
    )


@resolves("QueryRoot", "inventoryItem")
def inventory_item(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    if not id.startswith("gid://shopify/InventoryItem/"):
        return None
    return views.item_view(info.context, id)


@resolves("InventoryItem", "inventoryLevels")
def item_levels(source: dict, info: Any, **args: Any) -> dict:
    state = info.context
    found = state.shop.levels(inventory_item_ids=[source["id"]])
    return paginate(found, view=lambda lvl: views.inventory_level(lvl, state),
                    key=_level_key, bulk=state.bulk, **_window(args))


@resolves("InventoryItem", "inventoryLevel")
def item_level(source: dict, info: Any, locationId: str, **_: Any) -> dict | None:  # noqa: N803
    level = info.context.shop.level(source["id"], locationId)
    return views.inventory_level(level, info.context) if level else None


@resolves("Location", "inventoryLevels")
def location_levels(source: dict, info: Any, **args: Any) -> dict:
    state = info.context
    found = state.shop.levels(location_id=source["id"])
    return paginate(found, view=lambda lvl: views.inventory_level(lvl, state),
                    key=_level_key, bulk=state.bulk, **_window(args))


@resolves("Location", "inventoryLevel")
def location_level(source: dict, info: Any, inventoryItemId: str, **_: Any) -> dict | None:  # noqa: N803
    level = info.context.shop.level(inventoryItemId, source["id"])
    return views.inventory_level(level, info.context) if level else None


@resolves("QueryRoot", "node")
def node(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    return find_node(info.context, id)


@resolves("QueryRoot", "nodes")
def nodes(_: Any, info: Any, ids: list[str]) -> list[dict | None]:
    return [find_node(info.context, one) for one in ids]


def find_node(state: Any, gid: str) -> dict | None:
    """Any object the fake serves, by its gid; None for unknown ids, as Shopify answers."""
    kind = gid.split("/")[3] if gid.startswith("gid://shopify/") and gid.count("/") >= 4 else ""
    shop = state.shop
    if kind == "Product":
        found = shop.get_product(gid)
        return views.product(found, state) if found else None
    if kind in ("ProductVariant", "InventoryItem"):
        pair = shop.get_variant(gid)
        if pair is None:
            return None
        if kind == "ProductVariant":
            return views.variant(pair[0], pair[1], state)
        return views.inventory_item(pair[0], pair[1], state)
    if kind == "Order":
        from tests.fakes.shopify.resolvers.orders import order_view

        found = shop.get_order(gid) if gid.split("/")[-1].isdigit() else None
        return order_view(found) if found else None
    if kind == "Location":
        place = shop.get_location(gid)
        return views.location(place) if place else None
    if kind == "Collection":
        found = next((c for c in shop.list_collections() if c.id == gid), None)
        return _collection(found, state) if found else None
    if kind == "InventoryLevel":
        location_num, _, item_num = gid.rsplit("/", 1)[-1].partition("?inventory_item_id=")
        level = shop.level(f"gid://shopify/InventoryItem/{item_num}",
                           f"gid://shopify/Location/{location_num}")
        return views.inventory_level(level, state) if level else None
    if gid in state.bulk_operations:
        return bulk.view(state, state.bulk_operations[gid])
    return state.webhooks.get(gid) or state.product_operations.get(gid)


def _level_key(level: Any) -> str:
    return f"{level.inventory_item_id}@{level.location_id}"
