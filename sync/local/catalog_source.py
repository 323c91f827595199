"""The embedded store as a catalog source: ``LocalShop`` read directly, no API calls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sync.local.shop import LocalShop
from sync.model.shop import Product, ShopFacts


class LocalSource:
    """A :class:`sync.catalog.sources.CatalogSource` over a :class:`LocalShop`."""

    name = "local"
    calls = 0

    def __init__(self, shop: LocalShop) -> None:
        self.shop = shop

    def shop_facts(self) -> ShopFacts:
        info = self.shop.info()
        return ShopFacts(domain=info.domain, currency=info.currency)

    def products(
        self, *, ids: Sequence[str] | None = None, since: datetime | None = None
    ) -> Iterable[Product]:
        if ids is not None:
            return [p for p in (self.shop.get_product(i) for i in ids) if p is not None]
        return self.shop.list_products(updated_since=since)
