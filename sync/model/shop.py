"""The shop as hubshop sees it (products, locations, levels), whatever it was read from.

Shopify GraphQL nodes, Shopify's product CSV (both dialects) and the local
store all become these objects, so the planners never care where a product
came from. Money is ``Decimal`` because float prices drift on re-sync;
quantities are plain ints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum


class ProductStatus(StrEnum):
    """Shopify's ``ProductStatus``; only ACTIVE products are sold."""

    ACTIVE = "ACTIVE"
    DRAFT = "DRAFT"
    ARCHIVED = "ARCHIVED"


class InventoryPolicy(StrEnum):
    """Shopify's ``ProductVariantInventoryPolicy``: may a variant sell below zero."""

    DENY = "DENY"
    CONTINUE = "CONTINUE"


@dataclass(frozen=True)
class Image:
    """A product image; ``src`` is a Shopify CDN URL or, in the demo, a local path."""

    src: str
    alt: str = ""
    position: int = 1
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Option:
    """A product option (``Size``) and its values in display order."""

    name: str
    values: tuple[str, ...]


@dataclass
class Variant:
    """One sellable variant.

    ``options`` maps option name to value in the product's option order.
    ``inventory_quantity`` is the total ``available`` across locations, as
    Shopify's ``ProductVariant.inventoryQuantity`` reports it. Empty SKUs are
    allowed: many real stores have them.
    """

    sku: str
    price: Decimal
    options: dict[str, str] = field(default_factory=dict)
    title: str = "Default Title"
    compare_at_price: Decimal | None = None
    inventory_quantity: int = 0
    inventory_tracked: bool = True
    inventory_policy: InventoryPolicy = InventoryPolicy.DENY
    barcode: str = ""
    grams: int | None = None
    requires_shipping: bool = True
    taxable: bool = True
    image_src: str | None = None
    position: int = 1
    id: str | None = None
    inventory_item_id: str | None = None

    @property
    def available_for_sale(self) -> bool:
        """True when Shopify would let a shopper add this variant to a cart."""
        if not self.inventory_tracked or self.inventory_policy is InventoryPolicy.CONTINUE:
            return True
        return self.inventory_quantity > 0

    @property
    def on_sale(self) -> bool:
        return self.compare_at_price is not None and self.compare_at_price > self.price


@dataclass
class Product:
    """A product with its variants, options, images and collection handles."""

    handle: str
    title: str
    body_html: str = ""
    vendor: str = ""
    product_type: str = ""
    category: str | None = None
    tags: list[str] = field(default_factory=list)
    status: ProductStatus = ProductStatus.ACTIVE
    published: bool = True
    options: list[Option] = field(default_factory=list)
    variants: list[Variant] = field(default_factory=list)
    images: list[Image] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    seo_title: str = ""
    seo_description: str = ""
    id: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def price_min(self) -> Decimal | None:
        return min((v.price for v in self.variants), default=None)

    @property
    def price_max(self) -> Decimal | None:
        return max((v.price for v in self.variants), default=None)

    @property
    def compare_at_max(self) -> Decimal | None:
        prices = [v.compare_at_price for v in self.variants if v.compare_at_price is not None]
        return max(prices, default=None)

    @property
    def on_sale(self) -> bool:
        return any(v.on_sale for v in self.variants)

    @property
    def available(self) -> bool:
        """Sellable now: active, published, and at least one variant can be bought."""
        return (
            self.status is ProductStatus.ACTIVE
            and self.published
            and any(v.available_for_sale for v in self.variants)
        )

    @property
    def inventory_total(self) -> int:
        return sum(v.inventory_quantity for v in self.variants if v.inventory_tracked)

    @property
    def featured_image(self) -> Image | None:
        return min(self.images, key=lambda i: i.position, default=None)

    @property
    def default_variant(self) -> Variant | None:
        return min(self.variants, key=lambda v: v.position, default=None)


@dataclass
class Collection:
    """A collection; ``rule_tag`` makes it a smart collection of products with that tag."""

    handle: str
    title: str
    body_html: str = ""
    rule_tag: str | None = None
    product_handles: list[str] = field(default_factory=list)
    image: Image | None = None
    id: str | None = None


@dataclass(frozen=True)
class Location:
    """A place Shopify keeps stock; ``name`` is what the location map refers to."""

    name: str
    id: str | None = None
    active: bool = True


@dataclass(frozen=True)
class InventoryLevel:
    """Shopify's quantities for one inventory item at one location.

    ``on_hand = available + committed + unavailable``, as in Shopify: an order
    moves units from ``available`` to ``committed``; fulfilment lowers
    ``committed`` and ``on_hand`` together.
    """

    inventory_item_id: str
    location_id: str
    sku: str
    available: int
    committed: int = 0
    unavailable: int = 0
    updated_at: datetime | None = None

    @property
    def on_hand(self) -> int:
        return self.available + self.committed + self.unavailable


def numeric_id(gid: str) -> str:
    """``gid://shopify/ProductVariant/123`` -> ``123`` (cart links and REST payloads want it)."""
    return gid.rsplit("/", 1)[-1]


def gid(kind: str, number: int | str) -> str:
    """The Shopify global id of ``kind`` (``Product``) and its numeric id."""
    return f"gid://shopify/{kind}/{number}"


@dataclass(frozen=True)
class ShopFacts:
    """What a row needs from the shop itself: its domain (store links) and currency."""

    domain: str
    currency: str
