"""The products table contract: HubDB columns, types and flags, declared once.

The website's templates and filters are built on these names and types, so
they change only deliberately; the planner adds what a live table lacks and
never touches columns it did not declare.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

TABLE_LABEL = "Products"
MAX_ROWS = 10_000
"""HubDB's per-table row cap."""
MAX_TEXT = 10_000
MAX_RICHTEXT = 65_000
SUMMARY_LENGTH = 300
OPTION_TYPES = frozenset({"SELECT", "MULTISELECT"})
GID_PREFIX = "gid://"


@dataclass(frozen=True)
class Column:
    """One declared column: its HubDB name, type, label and what it holds (for the README)."""

    name: str
    type: str
    label: str
    about: str

    def request(self) -> dict[str, object]:
        """The column as a ``ColumnRequest`` for a new table (options come later)."""
        spec: dict[str, object] = {"name": self.name, "label": self.label, "type": self.type}
        if self.type in OPTION_TYPES:
            spec["options"] = []
        return spec


COLUMNS: tuple[Column, ...] = (
    Column("shopify_id", "TEXT", "Shopify ID", "the product's Shopify gid; the row's key"),
    Column("handle", "TEXT", "Handle", "the product handle (also the row path)"),
    Column("title", "TEXT", "Title", "the product title (also the row name)"),
    Column("summary", "TEXT", "Summary", "plain-text description, at most 300 characters"),
    Column("description", "RICHTEXT", "Description", "sanitised description HTML"),
    Column("vendor", "SELECT", "Vendor", "the vendor"),
    Column("product_type", "SELECT", "Product type", "Shopify's product type"),
    Column("category", "SELECT", "Category", "taxonomy category name, else the product type"),
    Column("collections", "MULTISELECT", "Collections", "handles of the product's collections"),
    Column("tags", "MULTISELECT", "Tags", "the product's tags"),
    Column("option_values", "MULTISELECT", "Options", "every option value, as `Size: M`"),
    Column("price_min", "NUMBER", "Lowest price", "cheapest variant price (price filters use it)"),
    Column("price_max", "NUMBER", "Highest price", "dearest variant price"),
    Column("compare_at_max", "NUMBER", "Compare-at price", "highest compare-at price, if any"),
    Column("currency", "TEXT", "Currency", "the shop's currency code"),
    Column("on_sale", "BOOLEAN", "On sale", "a variant's compare-at price beats its price"),
    Column("image", "IMAGE", "Image", "the featured image"),
    Column("images", "JSON", "Images", "every image in order: `url`, `alt`, `width`, `height`"),
    Column("available", "BOOLEAN", "Available", "active, published and a variant can be bought"),
    Column("inventory_total", "NUMBER", "Inventory", "units available over tracked variants"),
    Column("default_variant_id", "TEXT", "Default variant", "numeric variant id for cart links"),
    Column("variants", "JSON", "Variants",
           "each variant in order: `id`, `options`, `price`, `compare_at`, `available`"),
    Column("store_url", "URL", "Store URL", "the product page on the Shopify store"),
    Column("updated_at", "DATETIME", "Updated", "when Shopify last changed the product"),
)
BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

TABLE_FLAGS: dict[str, bool] = {"useForPages": True, "allowPublicApiAccess": True}
"""Table flags, set on create and put back on existing tables that lack them.

``useForPages`` makes each row a product page; ``allowPublicApiAccess`` lets
the website's product grid read the published rows without a token."""
META_TAGS: dict[str, str] = {
    "TITLE": "title",
    "DESCRIPTION": "summary",
    "FEATURED_IMAGE_URL": "image",
}
"""``dynamicMetaTags`` keys and the columns they read, so product pages carry SEO meta."""


def key_filters(keys: Sequence[str], chunk: int = 100) -> Iterator[dict[str, str]]:
    """HubDB row filters that find the rows of ``keys``, at most ``chunk`` values each.

    A key is a product's Shopify gid or, for sources without ids (a product
    CSV), its handle: gids are looked up in ``shopify_id``, the rest in
    ``handle``, so an incremental run by handle finds the existing row.
    """
    wanted = list(dict.fromkeys(keys))
    by_column = {
        "shopify_id": [k for k in wanted if k.startswith(GID_PREFIX)],
        "handle": [k for k in wanted if not k.startswith(GID_PREFIX)],
    }
    for column, values in by_column.items():
        for start in range(0, len(values), chunk):
            yield {f"{column}__in": ",".join(values[start : start + chunk])}


def column_type(name: str) -> str:
    """The declared type of column ``name``."""
    return BY_NAME[name].type
