"""Paginated and bulk reads of Shopify's catalog, as ``Product`` objects.

Pages are as large as Shopify's 1,000-point query cost allows, as Shopify
prices them: the client calibrates our estimate by each answer's reported cost
and shrinks a page Shopify refuses as too costly. A full read whose products
would fill more than a few pages runs one bulk operation instead (above
``bulk_threshold`` products; the crossover is measured in
``benchmarks/catalog_sync.py``). Reads by ids or ``updated_at`` serve
incremental refreshes and webhooks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sync.config import ShopifySettings
from sync.model.shop import (
    Image,
    InventoryPolicy,
    Option,
    Product,
    ProductStatus,
    ShopFacts,
    Variant,
)
from sync.plumbing.clock import Clock
from sync.shopify.bulk import nest, run_bulk_query, stream_lines
from sync.shopify.client import QueryCostExceeded, ShopifyClient, load_document
from sync.shopify.cost import MAX_QUERY_COST, PAGE_CAP

VARIANTS_PAGE = 10
"""Variants read with each product; a product with more gets follow-up pages.

Every variant slot multiplies the page's requested cost, so this trades page
size (17 products at 10 variants, 11 at 20, with six media) against follow-up calls."""
COLLECTIONS_PAGE = 5
MEDIA_PAGE = 6
"""Media read with each product (featured first); a product with more gets follow-up pages.

Each media slot costs 2 points per product at the published rules (the item
and its image), so it sets the page size: 18 products a page at 4, 17 at 5
or 6, 16 at 8, 15 at 10. The card needs two images (featured and hover); the
product page's gallery shows all. Six fills the page size five already
costs, and holds most products' galleries whole; the rarer product with more
gets the rest through ``catalog_product_more`` rather than being cut short:
a gallery that silently stops at N would be wrong without anyone noticing.
Videos and 3D models take slots too (they are skipped, not filtered out
server-side: a search-syntax ``query`` on the connection would be one more
moving part for items most products do not have)."""
MORE_PAGE = 100
IDS_PER_CALL = 250
"""Shopify's cap on ``nodes(ids:)``; the cost cap usually binds first."""
BULK_THRESHOLD = 68
"""Products above which a full read is one bulk operation: the measured crossover.

On the fake at Shopify's published prices (Standard plan, 100 points/s, 17
products a page with six media slots each, bucket full at the start) 68
products (four pages) take 6 calls and 1.0 s paged against 4 calls and 2.5 s
(polling included) in bulk; 69 take 7 calls and 4.7 s paged, and every
further page adds ~4 s of throttle waits. (Before the catalog read media it
was 88: four pages of 22.) ``[catalog] bulk_threshold`` overrides it;
figures from ``benchmarks/catalog_sync.py --section crossover``."""


PAGED = ("variants", "collections", "media")
"""The product's connections read a page at a time; ``catalog_product_more`` continues each."""
BULK_CHILDREN = {"ProductVariant": "variants", "Collection": "collections",
                 "MediaImage": "media"}
"""Child line type in the bulk JSONL -> the connection it belongs to (videos are dropped)."""


def catalog_client(settings: ShopifySettings, *, clock: Clock) -> ShopifyClient:
    """The Shopify client the catalog reader uses."""
    return ShopifyClient(settings, clock=clock)


class ShopifyCatalog:
    """Reads products from one shop through a :class:`ShopifyClient` (the ``shopify`` source)."""

    name = "shopify"

    def __init__(
        self,
        client: ShopifyClient,
        *,
        bulk_threshold: int = BULK_THRESHOLD,
        variants_page: int = VARIANTS_PAGE,
        collections_page: int = COLLECTIONS_PAGE,
        media_page: int = MEDIA_PAGE,
    ) -> None:
        self.client = client
        self.bulk_threshold = bulk_threshold
        self.inner = {"variantsFirst": variants_page, "collectionsFirst": collections_page,
                      "mediaFirst": media_page}
        self._facts: ShopFacts | None = None
        self.used_bulk = False

    @property
    def calls(self) -> int:
        return self.client.stats.calls

    def page_size(self) -> int:
        """Products per page: the most that keep one page within 1,000 points as Shopify prices."""
        return self.client.page_size(load_document("catalog_products"), "first", **self.inner)

    def shop_facts(self) -> ShopFacts:
        if self._facts is None:
            shop = self.client.execute(load_document("catalog_shop")).get("shop") or {}
            self._facts = ShopFacts(
                domain=str(shop.get("myshopifyDomain") or self.client.settings.store),
                currency=str(shop.get("currencyCode") or ""),
            )
        return self._facts

    def products(
        self, *, ids: Sequence[str] | None = None, since: datetime | None = None
    ) -> Iterator[Product]:
        """Every product, the products with ``ids``, or those updated at/after ``since``."""
        if ids is not None:
            yield from self._by_ids(list(ids))
            return
        query = None
        if since is not None:
            moment = since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            query = f"updated_at:>='{moment}'"
        expected = None
        if query is None:
            expected = self.count()
            if expected > self.bulk_threshold:
                yield from self.bulk_products()
                return
        yield from self._pages(query, expected)

    def count(self, query: str | None = None) -> int:
        """Products matching ``query``, counted up to just past the bulk threshold."""
        data = self.client.execute(
            load_document("catalog_products_count"),
            {"query": query, "limit": self.bulk_threshold + 1},
        )
        return int((data.get("productsCount") or {}).get("count") or 0)

    def bulk_products(self) -> Iterator[Product]:
        """Every product through one bulk operation, rebuilt from its JSONL.

        The operation asks for grouped output: a product's media lines then
        follow it in gallery order. Media carry no position, and ungrouped
        output (Shopify's default since 2026-01) promises no order at all,
        so without grouping a gallery could come back shuffled. Children are
        attached by ``__parentId`` whatever the order (:func:`nest`).
        """
        self.used_bulk = True
        url = run_bulk_query(self.client, load_document("catalog_bulk_products"),
                             group_objects=True)
        if url is None:
            return
        lines = stream_lines(self.client, url)
        for node in nest(lines, BULK_CHILDREN):
            yield product_from_node(node)

    def _pages(self, query: str | None, expected: int | None = None) -> Iterator[Product]:
        """Pages sized by the client; the first holds every product when it might fit.

        Until Shopify has priced the document, a read of ``expected`` products
        that the published rules would split asks for them all on one page
        (up to 250): a cheaper shop answers it in one call, a dearer one
        refuses it without charging points and names the cost, from which the
        client shrinks the page to the exact fit.
        """
        document = load_document("catalog_products")
        first = None
        if expected and not self.client.calibration.known(document):
            first = min(PAGE_CAP, expected) if expected > self.page_size() else None
        after = None
        while True:
            variables = {"first": first, "after": after, "query": query, **self.inner}
            connection = self.client.execute(document, variables, page="first").get(
                "products") or {}
            first = None
            for node in connection.get("nodes") or []:
                yield product_from_node(self._complete(node))
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info.get("endCursor")

    def _by_ids(self, ids: list[str]) -> Iterator[Product]:
        ids = [gid for gid in (self._gid(i) for i in ids) if gid is not None]
        per_call = min(IDS_PER_CALL, self.page_size())
        for start in range(0, len(ids), per_call):
            yield from self._chunk(ids[start : start + per_call])

    def _gid(self, key: str) -> str | None:
        """A gid as given, a numeric id as its gid, a handle looked up (None: no such product)."""
        if key.startswith("gid://"):
            return key
        if key.isdigit():
            return f"gid://shopify/Product/{key}"
        data = self.client.execute(load_document("catalog_product_by_handle"), {"handle": key})
        found = data.get("productByIdentifier") or {}
        return found.get("id")

    def _chunk(self, ids: list[str]) -> Iterator[Product]:
        """Products by id; a chunk Shopify prices over the cap is split by the reported ratio."""
        document = load_document("catalog_products_by_id")
        try:
            nodes = self.client.execute(document, {"ids": ids, **self.inner}).get("nodes") or []
        except QueryCostExceeded as refused:
            if len(ids) == 1:
                raise
            size = max(1, min(len(ids) - 1, len(ids) * MAX_QUERY_COST // refused.cost))
            for start in range(0, len(ids), size):
                yield from self._chunk(ids[start : start + size])
            return
        for node in nodes:
            if node and node.get("id"):
                yield product_from_node(self._complete(node))

    def _complete(self, node: dict[str, Any]) -> dict[str, Any]:
        """Fetch the variants/collections/media beyond the first page, for the rare big product."""
        document = load_document("catalog_product_more")
        for key in PAGED:
            connection = node.get(key) or {}
            info = connection.get("pageInfo") or {}
            while info.get("hasNextPage"):
                variables = {
                    "id": node["id"],
                    **{f"{other}First": MORE_PAGE if other == key else 0 for other in PAGED},
                    f"{key}After": info.get("endCursor"),
                }
                data = self.client.execute(document, variables, page=f"{key}First")
                more = (data.get("product") or {}).get(key)
                more = more or {}
                connection.setdefault("nodes", []).extend(more.get("nodes") or [])
                info = more.get("pageInfo") or {}
        return node


def product_from_node(node: dict[str, Any]) -> Product:
    """A ``Product`` from the catalog fragment's JSON (paged or rebuilt from bulk JSONL)."""
    images = images_from_media(node)
    seo = node.get("seo") or {}
    category = node.get("category") or {}
    return Product(
        id=node["id"],
        handle=node["handle"],
        title=node.get("title") or "",
        body_html=node.get("descriptionHtml") or "",
        vendor=node.get("vendor") or "",
        product_type=node.get("productType") or "",
        category=category.get("fullName") or category.get("name"),
        tags=list(node.get("tags") or []),
        status=ProductStatus(node.get("status") or "ACTIVE"),
        published=node.get("publishedAt") is not None,
        options=[
            Option(o["name"], tuple(o.get("values") or ()))
            for o in node.get("options") or ()
        ],
        variants=[_variant(v) for v in (node.get("variants") or {}).get("nodes") or []],
        images=images,
        collections=[c["handle"] for c in (node.get("collections") or {}).get("nodes") or []],
        seo_title=seo.get("title") or "",
        seo_description=seo.get("description") or "",
        created_at=_time(node.get("createdAt")),
        updated_at=_time(node.get("updatedAt")),
    )


def images_from_media(node: dict[str, Any]) -> list[Image]:
    """The product's images in gallery order, the featured one first, numbered from 1.

    ``media`` come in position order; Shopify's featured media is the first
    of them, and is put first here should a shop answer otherwise. Items
    without a picture are skipped: videos, 3D models, and images Shopify is
    still processing (``image`` is null until it is ready).
    """
    featured = (node.get("featuredMedia") or {}).get("id")
    items = [m for m in (node.get("media") or {}).get("nodes") or []
             if m and (m.get("image") or {}).get("url")]
    if featured:
        items.sort(key=lambda m: m.get("id") != featured)
    return [
        Image(
            src=item["image"]["url"],
            alt=item["image"].get("altText") or "",
            position=position,
            width=item["image"].get("width"),
            height=item["image"].get("height"),
        )
        for position, item in enumerate(items, start=1)
    ]


def _variant(node: dict[str, Any]) -> Variant:
    compare = node.get("compareAtPrice")
    return Variant(
        id=node.get("id"),
        sku=node.get("sku") or "",
        title=node.get("title") or "Default Title",
        price=Decimal(str(node.get("price") or "0")),
        compare_at_price=Decimal(str(compare)) if compare not in (None, "") else None,
        options={o["name"]: o["value"] for o in node.get("selectedOptions") or []},
        inventory_quantity=int(node.get("inventoryQuantity") or 0),
        inventory_tracked=bool((node.get("inventoryItem") or {}).get("tracked", True)),
        inventory_policy=InventoryPolicy(node.get("inventoryPolicy") or "DENY"),
        position=int(node.get("position") or 1),
    )


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00"))
