"""Whole-feed validation: what every reader's per-row checks cannot see on their own.

Runs after reading and before anything is written (readers refuse a handle
that repeats): duplicate SKUs across the feed, option/variant consistency (at
most three options, one value per option on every variant, no combination
twice), image URLs Shopify can fetch, and categories mapped to Shopify's
taxonomy or a collection through ``[import] categories``. Each problem names
the product's place and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import urlparse

from sync.catalog.feed import Feed, Place
from sync.model.shop import Product

MAX_OPTIONS = 3
MAX_VARIANTS = 2048
HANDLE = re.compile(r"[a-z0-9][a-z0-9-]*")
TAXONOMY = "gid://shopify/TaxonomyCategory/"
COLLECTION = "collection:"


def check_feed(feed: Feed, categories: Mapping[str, str], *, local_target: bool = False) -> Feed:
    """Add every cross-product problem to ``feed`` and drop the products that have any.

    Args:
        feed: as read; its readers' own problems are kept.
        categories: ``[import] categories``: feed category -> a TaxonomyCategory gid
            or ``collection:HANDLE``.
        local_target: the embedded default is the target: it shows image files
            beside its feed and keeps category paths as text, so relative image
            paths and unmapped categories pass (Shopify fetches only URLs and
            takes only taxonomy ids).
    """
    seen_skus: dict[str, str] = {}
    for product in feed.products:
        place = feed.places.get(product.handle) or Place(feed.source, 0)
        _check_product(feed, product, place, categories, local_target)
        for variant in product.variants:
            if not variant.sku:
                continue
            other = seen_skus.setdefault(variant.sku, product.handle)
            if other != product.handle or sum(v.sku == variant.sku for v in product.variants) > 1:
                feed.reject(product.handle, place.at("sku"),
                            f"SKU {variant.sku!r} is used again (first by {other!r})",
                            "give every variant its own SKU, or leave it empty")
    feed.drop_invalid()
    return feed


def _check_product(feed: Feed, product: Product, place: Place,
                   categories: Mapping[str, str], local_target: bool) -> None:
    handle = product.handle

    def fail(name: str, problem: str, fix: str) -> None:
        feed.reject(handle, place.at(name), problem, fix)

    if not HANDLE.fullmatch(handle):
        fail("handle", f"handle {handle!r} has characters Shopify does not keep",
             "use lowercase letters, digits and hyphens, e.g. wool-beanie")
    if not product.title:
        fail("title", "the product has no title", "give it a Title")
    names = [o.name for o in product.options]
    if len(names) > MAX_OPTIONS:
        fail("option1_name", f"{len(names)} options; Shopify allows {MAX_OPTIONS}",
             "merge options or split the product")
    if len(set(names)) != len(names):
        fail("option1_name", f"an option name repeats: {', '.join(names)}",
             "give each option its own name")
    if len(product.variants) > MAX_VARIANTS:
        fail("sku", f"{len(product.variants)} variants; Shopify allows {MAX_VARIANTS}",
             "split the product")
    combos: set[tuple[str, ...]] = set()
    for variant in product.variants:
        label = variant.sku or variant.title
        if set(variant.options) != set(names):
            fail("option1_value", f"variant {label!r} has options {sorted(variant.options)} but "
                 f"the product has {names}", "give every variant one value for each option")
        combo = tuple(variant.options.get(n, "") for n in names)
        if combo in combos:
            fail("option1_value", f"variant {label!r} repeats option values {' / '.join(combo)}",
                 "give each variant a different option combination")
        combos.add(combo)
        if variant.price < 0 or (variant.grams is not None and variant.grams < 0):
            fail("price", f"variant {label!r} has a negative price or weight", "use 0 or more")
        if variant.image_src and not _url(variant.image_src, local_target):
            fail("variant_image", f"variant image {variant.image_src!r} is not an http(s) URL",
                 "give a full https:// URL Shopify can download")
    for image in product.images:
        if not _url(image.src, local_target):
            fail("image_src", f"image {image.src!r} is not an http(s) URL",
                 "give a full https:// URL Shopify can download")
    category = product.category
    if category and not category.startswith(TAXONOMY) and category not in categories \
            and not local_target:
        fail("category", f"category {category!r} is not mapped",
             f'add "{category}" = "{TAXONOMY}…" (Shopify\'s taxonomy) or "{COLLECTION}handle" '
             "to [import] categories in hubshop.toml")
    elif category in categories and not _target(categories[category]):
        fail("category", f"[import] categories maps {category!r} to {categories[category]!r}",
             f"map it to a {TAXONOMY}… id or to {COLLECTION}handle")


def _url(src: str, local_target: bool = False) -> bool:
    parts = urlparse(src)
    if local_target and not parts.scheme and src and ".." not in src.split("/"):
        return True
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _target(value: str) -> bool:
    return value.startswith(TAXONOMY) or (value.startswith(COLLECTION) and
                                          bool(HANDLE.fullmatch(value[len(COLLECTION):])))


def mapped(product: Product, categories: Mapping[str, str]) -> tuple[str | None, list[str]]:
    """The product's taxonomy category id and its collection handles, after the mapping."""
    collections = list(product.collections)
    category = product.category
    if not category:
        return None, collections
    target = category if category.startswith(TAXONOMY) else categories.get(category, "")
    if target.startswith(COLLECTION):
        handle = target[len(COLLECTION):]
        return None, collections + ([handle] if handle not in collections else [])
    return (target or None), collections
