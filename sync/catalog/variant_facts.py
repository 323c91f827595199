"""A product's variant-derived row figures (prices, stock, options) in one pass."""

from __future__ import annotations

from decimal import Decimal

from sync.model.shop import Product, ProductStatus, Variant, numeric_id

DEFAULT_OPTION = ("Title", "Default Title")
"""Shopify's placeholder option on single-variant products; not a real choice."""


class VariantFacts:
    """The variant-derived cells in one pass over the variants.

    The same figures as :class:`Product`'s properties (a test holds them
    equal), which each walk the variants again: eight walks per row add up
    over 10,000 rows.
    """

    __slots__ = (
        "price_min", "price_max", "compare_at_max", "on_sale", "sellable", "inventory_total",
        "default_variant_id", "found",
    )

    def __init__(self, product: Product) -> None:
        self.price_min: Decimal | None = None
        self.price_max: Decimal | None = None
        self.compare_at_max: Decimal | None = None
        self.on_sale = False
        self.sellable = False
        self.inventory_total = 0
        self.found: set[str] = set()
        default: Variant | None = None
        for variant in product.variants:
            price = variant.price
            if self.price_min is None or price < self.price_min:
                self.price_min = price
            if self.price_max is None or price > self.price_max:
                self.price_max = price
            compare = variant.compare_at_price
            if compare is not None:
                if self.compare_at_max is None or compare > self.compare_at_max:
                    self.compare_at_max = compare
                if compare > price:
                    self.on_sale = True
            if variant.inventory_tracked:
                self.inventory_total += variant.inventory_quantity
            if not self.sellable and variant.available_for_sale:
                self.sellable = True
            if default is None or variant.position < default.position:
                default = variant
            for name, value in variant.options.items():
                if value and (name, value) != DEFAULT_OPTION:
                    self.found.add(f"{name}: {value}")
        self.default_variant_id = numeric_id(default.id) if default and default.id else None

    def available(self, product: Product) -> bool:
        return product.status is ProductStatus.ACTIVE and product.published and self.sellable

    def option_values(self, product: Product) -> list[str]:
        if self.found:
            return sorted(self.found)
        return option_values(product)


def option_values(product: Product) -> list[str]:
    """``Size: M`` for every option value a variant uses (or the option lists), sorted."""
    found: set[str] = set()
    for variant in product.variants:
        for name, value in variant.options.items():
            if (name, value) != DEFAULT_OPTION and value:
                found.add(f"{name}: {value}")
    if not found:
        for option in product.options:
            for value in option.values:
                if (option.name, value) != DEFAULT_OPTION and value:
                    found.add(f"{option.name}: {value}")
    return sorted(found)
