"""The local shop's errors, records and id scheme, shared by its store, payloads and fakes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sync.errors import HubshopError
from sync.model.shop import gid

# Shopify-looking numeric ids: each kind counts up from its own base, so loading the
# same data into a fresh store twice gives the same ids.
ID_BASES: dict[str, int] = {
    "Product": 7000000000001,
    "ProductVariant": 42000000000001,
    "InventoryItem": 44000000000001,
    "Location": 61000000001,
    "Collection": 300000000001,
    "Order": 5000000000001,
    "LineItem": 13000000000001,
    "Fulfillment": 4000000000001,
}

# Shopify's documented ``reason`` values for inventorySetQuantities/AdjustQuantities.
REASONS = frozenset(
    {
        "correction",
        "cycle_count_available",
        "damaged",
        "movement_canceled",
        "movement_created",
        "movement_received",
        "movement_updated",
        "other",
        "promotion",
        "quality_control",
        "received",
        "reservation_created",
        "reservation_deleted",
        "reservation_updated",
        "restock",
        "safety_stock",
        "shrinkage",
    }
)

# Shopify's bounds on a quantity (InventorySetQuantitiesUserErrorCode).
QUANTITY_LIMIT = 1_000_000_000


class ShopError(HubshopError):
    """A request Shopify would refuse; ``code`` is the schema's userError code.

    ``field`` is the input path Shopify would report in ``userErrors.field``, so
    the GraphQL fake can pass both through unchanged.
    """

    def __init__(self, code: str, message: str, field: list[str] | None = None) -> None:
        self.code = code
        self.message = message
        self.field = field or []
        super().__init__(f"{code}: {message}")


class StaleQuantity(ShopError):
    """``changeFromQuantity`` no longer matches the stored quantity (compare-and-swap lost)."""

    def __init__(self, expected: int, actual: int, where: str) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(
            "CHANGE_FROM_QUANTITY_STALE",
            f"{where}: change_from {expected} but the quantity is now {actual}",
            ["input", "quantities", "0", "changeFromQuantity"],
        )


class NotStocked(ShopError):
    """The inventory item has no level at that location (never activated there)."""

    def __init__(self, where: str) -> None:
        super().__init__(
            "ITEM_NOT_STOCKED_AT_LOCATION",
            f"{where}: the item is not stocked at this location (activate it first)",
            ["input", "quantities", "0", "locationId"],
        )


class UntrackedItem(ShopError):
    """Quantities of an item whose inventory is not tracked cannot be set or moved."""

    def __init__(self, where: str) -> None:
        super().__init__(
            "UNTRACKED_ITEM",
            f"{where}: inventory is not tracked for this item (set_tracked(..., True) first)",
            ["input", "quantities", "0", "inventoryItemId"],
        )


@dataclass(frozen=True)
class ShopInfo:
    """What ``shop { … }`` answers: the store's name, domain, currency and timezone."""

    name: str = "Hubshop Demo"
    domain: str = "hubshop-demo.myshopify.com"
    currency: str = "USD"
    iana_timezone: str = "America/New_York"
    plan: str = "Basic"
    email: str = "owner@hubshop-demo.example"
    id: str = "gid://shopify/Shop/60000000001"


@dataclass(frozen=True)
class OrderLine:
    """One order line; ``location_id`` is where its units were committed."""

    variant_id: str
    sku: str
    quantity: int
    location_id: str | None
    id: str | None = None
    inventory_item_id: str | None = None
    title: str = ""
    price: str = "0.00"


@dataclass
class Order:
    """An order as far as stock cares: its lines and where it is in its life."""

    id: str
    name: str
    lines: list[OrderLine]
    status: str
    created_at: datetime
    email: str
    cancelled_at: datetime | None = None
    fulfilled_at: datetime | None = None
    restocked: bool | None = None


@dataclass(frozen=True)
class InventoryChange:
    """One row of the inventory history: which quantity moved, by how much, and why."""

    id: int
    inventory_item_id: str
    location_id: str
    name: str
    delta: int
    quantity_after: int
    reason: str
    reference: str | None
    source: str
    at: datetime


@dataclass(frozen=True)
class Event:
    """A webhook waiting in the outbox, its payload shaped like Shopify's body."""

    id: int
    topic: str
    payload: dict
    created_at: datetime
    webhook_id: str


def make_gid(kind: str, number: int) -> str:
    """The gid of a stored row."""
    return gid(kind, number)


def parse_number(kind: str, key: str | int | None) -> int | None:
    """``gid://shopify/<kind>/123`` or ``"123"`` -> 123; anything else -> None."""
    if key is None:
        return None
    text = str(key).strip()
    prefix = f"gid://shopify/{kind}/"
    if text.startswith(prefix):
        text = text[len(prefix) :].split("?", 1)[0]
    elif text.startswith("gid://"):
        return None
    return int(text) if text.isdigit() else None


def webhook_time(moment: datetime) -> str:
    """Shopify's webhook timestamp format: seconds with an offset."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")
