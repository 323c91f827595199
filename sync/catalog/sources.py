"""Where the catalog comes from: the ``CatalogSource`` port, and a product CSV file as one.

Each source gives products and the shop's domain and currency; the planner
does not care which it was. Shopify's and the local shop's live with their
adapters; :func:`sync.jobs.catalog.open_source` turns ``--source`` into one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from sync.model.shop import Product, ShopFacts


class CatalogSource(Protocol):
    """Products to sync; ``calls`` counts the API calls reading them cost."""

    name: str

    @property
    def calls(self) -> int: ...

    def shop_facts(self) -> ShopFacts: ...

    def products(
        self, *, ids: Sequence[str] | None = None, since: datetime | None = None
    ) -> Iterable[Product]:
        """All products, those with these ids, or those updated at or after ``since``."""


class CsvSource:
    """A Shopify product export (either dialect); products are keyed by handle."""

    calls = 0

    def __init__(self, path: Path, facts: ShopFacts) -> None:
        self.path = path
        self.name = f"csv:{path}"
        self.facts = facts

    def shop_facts(self) -> ShopFacts:
        return self.facts

    def products(
        self, *, ids: Sequence[str] | None = None, since: datetime | None = None
    ) -> Iterable[Product]:
        from sync.catalog.product_csv import read_product_csv

        items = read_product_csv(self.path)
        if ids is not None:
            wanted = set(ids)
            items = [p for p in items if p.handle in wanted or (p.id and p.id in wanted)]
        if since is not None:
            items = [p for p in items if p.updated_at is None or p.updated_at >= since]
        return items
