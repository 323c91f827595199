"""Where the catalog comes from: Shopify, the local shop, or a product CSV file.

Each source gives products and the shop's domain and currency; the planner
does not care which it was. ``open_source`` turns the CLI's ``--source`` value
into one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sync.catalog.model import Product
from sync.catalog.rows import ShopFacts
from sync.errors import ConfigError, InputError

if TYPE_CHECKING:
    from sync.config import Settings
    from sync.plumbing.clock import Clock

SOURCE_CHOICES = "shopify, local or csv:PATH"


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


class LocalSource:
    """The embedded store (``LocalShop``), read directly: no API calls."""

    name = "local"
    calls = 0

    def __init__(self, shop: Any) -> None:
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


def open_source(
    spec: str | None,
    settings: Settings,
    *,
    clock: Clock,
    connection: Callable[[], Any] | None = None,
) -> CatalogSource:
    """The source named by ``--source``; ``None`` means Shopify when configured, else local.

    Args:
        spec: ``shopify``, ``local``, ``csv:PATH`` or None.
        settings: credentials and ``[catalog]`` settings.
        clock: for pacing Shopify calls.
        connection: opens the local store (for ``local`` and the CSV's shop facts).

    Raises:
        ConfigError: ``shopify`` without credentials (naming the missing settings).
        InputError: an unknown source or a CSV path that does not exist.
    """
    if spec is None:
        spec = "shopify" if settings.shopify.configured else "local"
    if spec == "shopify":
        if not settings.shopify.configured:
            raise ConfigError(
                "--source shopify needs Shopify credentials: missing "
                + ", ".join(settings.shopify.missing())
            )
        from sync.shopify.catalog import ShopifyCatalog, catalog_client

        client = catalog_client(settings.shopify, clock=clock)
        return ShopifyCatalog(client, bulk_threshold=settings.catalog.bulk_threshold)
    if spec == "local":
        from sync.local.shop import LocalShop

        return LocalSource(LocalShop(_open(connection), clock))
    if spec.startswith("csv:"):
        path = Path(spec[4:])
        if not path.is_file():
            raise InputError(f"--source {spec}", f"{path} is not a file")
        return CsvSource(path, _csv_facts(settings, _open(connection), clock))
    raise InputError("--source", f"{spec!r} is not a source; choose {SOURCE_CHOICES}")


def _open(connection: Callable[[], Any] | None) -> Any:
    if connection is None:
        raise ConfigError("the local store is needed for this source but none was given")
    return connection()


def _csv_facts(settings: Settings, conn: Any, clock: Clock) -> ShopFacts:
    from sync.local.shop import LocalShop

    info = LocalShop(conn, clock).info()
    return ShopFacts(domain=settings.shopify.store or info.domain, currency=info.currency)
