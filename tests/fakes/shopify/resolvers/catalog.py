"""Catalog reads: shop, products, product lookups, variants, collections."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from sync.model.shop import Product, numeric_id

from ..connections import check_window, id_from_cursor, paginate, store_page
from ..registry import resolves
from ..state import timestamp
from . import views

_SORTS = {
    "UPDATED_AT": lambda p: (p.updated_at is None, p.updated_at, _num(p.id)),
    "CREATED_AT": lambda p: (p.created_at is None, p.created_at, _num(p.id)),
    "TITLE": lambda p: (p.title.lower(), _num(p.id)),
}


@resolves("QueryRoot", "shop")
def shop(_: Any, info: Any) -> dict:
    data = info.context.shop.info()
    return {
        "__typename": "Shop",
        "id": data.id,
        "name": data.name,
        "email": data.email,
        "myshopifyDomain": data.domain,
        "currencyCode": data.currency,
        "ianaTimezone": data.iana_timezone,
        "plan": {
            "displayName": data.plan,
            "publicDisplayName": data.plan,
            "partnerDevelopment": False,
            "shopifyPlus": "plus" in data.plan.lower(),
        },
    }


@resolves("QueryRoot", "products")
def products(_: Any, info: Any, **args: Any) -> dict:
    state = info.context
    sort_key = args.get("sortKey") or "ID"
    query = args.get("query") or None
    view = _product_view(state)
    plain_forward = (
        sort_key not in _SORTS and args.get("last") is None and args.get("before") is None
        and not args.get("reverse") and not state.bulk and args.get("first") is not None
    )
    if plain_forward:
        check_window(args.get("first"), None)
        after = args.get("after")
        after_id = id_from_cursor(after) if after else None
        fetched = state.shop.list_products(after=after_id, limit=args["first"] + 1, query=query)
        return store_page(fetched, view=view, key=_id, first=args["first"], after=after)
    items = state.shop.list_products(query=query)
    if sort_key in _SORTS:
        items = sorted(items, key=_SORTS[sort_key])
    return paginate(items, view=view, key=_id, bulk=state.bulk, **_window(args))


@resolves("QueryRoot", "productsCount")
def products_count(_: Any, info: Any, query: str | None = None, **__: Any) -> dict:
    count = info.context.shop.count_products(query=query or None)
    return {"count": count, "precision": "EXACT"}


@resolves("QueryRoot", "product")
def product(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002 - GraphQL's name
    return _product_by_key(info.context, id, kind="Product")


@resolves("QueryRoot", "productByIdentifier")
def product_by_identifier(_: Any, info: Any, identifier: dict) -> dict | None:
    if identifier.get("id"):
        return _product_by_key(info.context, identifier["id"], kind="Product")
    if identifier.get("handle"):
        found = info.context.shop.get_product(identifier["handle"])
        if found is not None and found.handle == identifier["handle"]:
            return views.product(found, info.context)
    return None


@resolves("Product", "variants")
def product_variants_of(source: dict, info: Any, **args: Any) -> dict:
    owner: Product = source["_record"]
    ordered = sorted(owner.variants, key=lambda v: (v.position, _num(v.id)))
    return paginate(
        ordered,
        view=lambda v: views.variant(owner, v, info.context),
        key=lambda v: v.id,
        bulk=info.context.bulk,
        **_window(args),
    )


@resolves("Product", "media")
def product_media(source: dict, info: Any, **args: Any) -> dict:
    """The product's media in position order (``sortKey: POSITION``, the default) or by id."""
    media = source["_media"]
    if args.get("sortKey") == "ID":
        media = sorted(media, key=lambda m: _num(m["id"]))
    return paginate(media, view=lambda m: m, key=lambda m: m["id"],
                    bulk=info.context.bulk, **_window(args))


@resolves("Product", "images")
def product_images(source: dict, info: Any, **args: Any) -> dict:
    pictures = [m["image"] for m in source["_media"] if m.get("image")]
    return paginate(pictures, view=lambda i: i, key=lambda i: i["id"],
                    bulk=info.context.bulk, **_window(args))


@resolves("Product", "collections")
def product_collections(source: dict, info: Any, **args: Any) -> dict:
    handles = set(source["_record"].collections)
    found = [c for c in info.context.shop.list_collections() if c.handle in handles]
    return paginate(found, view=lambda c: _collection(c, info.context), key=lambda c: c.id,
                    bulk=info.context.bulk, **_window(args))


@resolves("QueryRoot", "collections")
def collections(_: Any, info: Any, **args: Any) -> dict:
    found = sorted(info.context.shop.list_collections(), key=lambda c: _num(c.id))
    return paginate(found, view=lambda c: _collection(c, info.context), key=lambda c: c.id,
                    bulk=info.context.bulk, **_window(args))


@resolves("Collection", "products")
def collection_products(source: dict, info: Any, **args: Any) -> dict:
    shop = info.context.shop
    members = [shop.get_product(handle) for handle in source["_record"].product_handles]
    members = [p for p in members if p is not None]
    return paginate(members, view=_product_view(info.context), key=_id,
                    bulk=info.context.bulk, **_window(args))


@resolves("QueryRoot", "productVariants")
def product_variants(_: Any, info: Any, **args: Any) -> dict:
    state = info.context
    pairs = variants_matching(state, args.get("query"))
    return paginate(pairs, view=lambda pair: views.variant(pair[0], pair[1], state),
                    key=lambda pair: pair[1].id, bulk=state.bulk, **_window(args))


def variants_matching(state: Any, query: str | None) -> list[tuple[Product, Any]]:
    """(product, variant) pairs in variant-id order; ``query`` may be ``sku:X``."""
    sku = _sku_term(query)
    if sku is not None:
        found = state.shop.get_variant(sku)
        if found is None or found[1].sku != sku:
            return []
        return [found]
    pairs = [(p, v) for p in state.shop.list_products() for v in p.variants]
    return sorted(pairs, key=lambda pair: _num(pair[1].id))


def _product_by_key(state: Any, key: str, *, kind: str) -> dict | None:
    if not key.startswith(f"gid://shopify/{kind}/"):
        return None
    found = state.shop.get_product(key)
    return views.product(found, state) if found is not None else None


def _collection(item: Any, state: Any) -> dict:
    return {
        "__typename": "Collection",
        "_record": item,
        "id": item.id,
        "legacyResourceId": numeric_id(item.id or ""),
        "handle": item.handle,
        "title": item.title,
        "descriptionHtml": item.body_html,
        "updatedAt": timestamp(collection_updated_at(state, item)),
        "productsCount": {"count": len(item.product_handles), "precision": "EXACT"},
    }


def collection_updated_at(state: Any, item: Any) -> datetime | None:
    """When the local shop last changed the collection, as Shopify's ``updatedAt`` reports.

    The domain ``Collection`` carries no time, but the shop stores one with
    each create or update; reading it keeps ``updatedAt`` still between
    changes, so an incremental sync sees only real ones.
    """
    row = state.shop.conn.execute(
        "SELECT updated_at FROM shop_collections WHERE num = ?", (_num(item.id),)).fetchone()
    if row is None or not row["updated_at"]:
        return None
    moment = datetime.fromisoformat(row["updated_at"])
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _product_view(state: Any):
    return lambda p: views.product(p, state)


def _sku_term(query: str | None) -> str | None:
    if not query:
        return None
    match = re.fullmatch(r"\s*sku:(?:'([^']*)'|\"([^\"]*)\"|(\S+))\s*", query)
    if match is None:
        return None
    return next(g for g in match.groups() if g is not None)


def _window(args: dict) -> dict:
    keys = ("first", "after", "last", "before", "reverse")
    return {k: args.get(k) for k in keys}


def _id(item: Any) -> str:
    return item.id


def _num(gid: str | None) -> int:
    tail = (gid or "0").rsplit("/", 1)[-1].split("?", 1)[0]
    return int(tail) if tail.isdigit() else 0
