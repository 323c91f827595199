"""The local store as an import target: ``LocalShop.upsert_product`` follows productSet's rules."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from sync.catalog.import_plan import ARCHIVE, CREATE, ProductChange
from sync.catalog.import_run import WriteOutcome
from sync.errors import HubshopError
from sync.local.shop_types import ShopError
from sync.model.shop import Collection


class LocalProductWriter:
    """Writes planned products into a ``LocalShop`` (the embedded default); no API calls."""

    name = "local"
    calls = 0
    on_operation = None

    def __init__(self, shop: Any, *, location: str | None = None) -> None:
        self.shop = shop
        self.location = location

    def ensure_collections(self, handles: Sequence[str]) -> None:
        known = {c.handle for c in self.shop.list_collections()}
        for handle in handles:
            if handle not in known:
                title = handle.replace("-", " ").title()
                self.shop.upsert_collection(Collection(handle=handle, title=title))

    def settle(self, operation: str, handles: Sequence[str]) -> Iterator[WriteOutcome]:
        """Local writes finish before ``write`` returns: nothing is ever left to settle."""
        return iter(())

    def write(self, changes: Sequence[ProductChange]) -> Iterator[WriteOutcome]:
        for change in changes:
            yield self._one(change)

    def _one(self, change: ProductChange) -> WriteOutcome:
        product = change.product
        try:
            if change.action == ARCHIVE:
                stored = self.shop.upsert_product(product)
                return WriteOutcome(change.handle, True, stored.id)
            new = set(change.new_variants)
            variants = [v if i in new else dataclasses.replace(v, inventory_quantity=0)
                        for i, v in enumerate(product.variants)]
            stock_at = self._location() if change.action == CREATE or new else None
            stored = self.shop.upsert_product(dataclasses.replace(product, variants=variants),
                                              stock_at=stock_at)
            return WriteOutcome(change.handle, True, stored.id)
        except ShopError as error:
            return WriteOutcome(change.handle, False,
                                errors=((".".join(error.field or []), error.message),))
        except HubshopError as error:
            return WriteOutcome(change.handle, False, errors=(("input", str(error)),))

    def _location(self) -> str | None:
        if self.location:
            return self.location
        locations = self.shop.locations()
        return locations[0].id if locations else None
