"""The ports of the inventory engine: what it needs from Shopify, the warehouse and its state.

The engine (:mod:`sync.inventory.run`) only ever talks to these Protocols, so
the same code runs on the embedded default (``LocalShop`` + SQLite), against
Shopify's GraphQL Admin API with a REST or file-drop warehouse, and inside the
Lambda service with DynamoDB. Locations in the engine are *warehouse location
codes* (``WH-MAIN``); ``[inventory] location_map`` turns them into Shopify
location names, and the Shopify adapters turn names into gids.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, runtime_checkable

from sync.errors import HubshopError
from sync.inventory.policy import Policy
from sync.model.shop import InventoryLevel, Location
from sync.model.stock import StockRecord, StockSnapshot
from sync.plumbing.clock import Clock

# Outcome codes of one quantity in a write; Shopify's userError codes where they exist.
STALE = "CHANGE_FROM_QUANTITY_STALE"
NOT_STOCKED = "ITEM_NOT_STOCKED_AT_LOCATION"
NON_MUTABLE = "NON_MUTABLE_INVENTORY_ITEM"
INVALID = "INVALID"


class StateConflict(HubshopError):
    """Another writer changed a ledger entry since this store read it; retry the work.

    Raised by :meth:`StateStore.put` of a store shared between processes or
    threads (SQLite, DynamoDB): every put is conditioned on the entry being as
    this store instance last read it. A queue consumer lets the message fail,
    so it is retried after the other writer is done.
    """


@dataclass(frozen=True)
class ItemInfo:
    """A Shopify inventory item found by SKU."""

    sku: str
    inventory_item_id: str
    tracked: bool = True
    product_id: str | None = None


@dataclass(frozen=True)
class QuantityChange:
    """One ``inventorySetQuantities`` quantity: set ``available`` if it still is ``change_from``."""

    sku: str
    location: str  # warehouse code, for reports
    inventory_item_id: str
    location_id: str
    quantity: int
    change_from: int


@dataclass(frozen=True)
class ItemOutcome:
    """Why one quantity of a write was refused; ``index`` is its place in the batch."""

    index: int
    code: str
    message: str
    actual: int | None = None


@dataclass(frozen=True)
class WriteResult:
    """What a ``set_available`` call did.

    Shopify applies a batch whole or not at all: ``applied`` is False when any
    quantity was refused, and ``failures`` says which and why (``STALE``,
    ``NOT_STOCKED``, ``NON_MUTABLE``, ``INVALID``).
    """

    applied: bool
    failures: list[ItemOutcome] = field(default_factory=list)
    calls: int = 1


@dataclass(frozen=True)
class OrderLineState:
    """Where one order line stands, as cumulative unit counts (idempotent to re-apply).

    ``quantity`` units were ordered (committed); of them ``released`` went back
    to available (cancelled or refunded with restock), ``shipped`` left the
    location (fulfilled, or cancelled without restock), and ``returned`` came
    back into available after shipping. Counts only grow, so a duplicated or
    late observation changes nothing; read back from Shopify it is the
    catch-up for lost webhooks. Counts are kept per line *and location*. The
    catch-up gives ``open`` (units still committed at the location) instead
    of ``quantity``/``released``: units that left the location's commitment
    without shipping (cancelled with restock, or moved elsewhere) are released.
    """

    line_id: str
    order_id: str
    sku: str
    location_id: str | None
    quantity: int
    released: int = 0
    shipped: int = 0
    returned: int = 0
    at: datetime | None = None
    open: int | None = None  # units still committed here; set: ordered/released derive from it


@dataclass(frozen=True)
class OrderPage:
    """Order lines changed since a cursor, and the cursor to ask from next time."""

    lines: list[OrderLineState]
    cursor: str | None


@dataclass(frozen=True)
class OrdersRead:
    """Orders read by id: their lines as Shopify has them, and the ids it does not know."""

    lines: list[OrderLineState]
    missing: list[str] = field(default_factory=list)


@dataclass
class LedgerEntry:
    """The engine's memory of one (SKU, warehouse location).

    ``available``/``committed``/``unavailable`` are the last figures the engine
    agreed with Shopify (read and accounted for, or written). ``placed``,
    ``released``, ``shipped`` and ``returned`` count order traffic noted since
    then, so the next read can tell a hand edit from orders. ``offset`` is the
    store-side offset kept under the ``offset`` policy. ``deferrals`` counts
    runs in a row where Shopify's figures could not be explained yet.
    """

    sku: str
    location: str
    available: int | None = None
    committed: int = 0
    unavailable: int = 0
    offset: int = 0
    placed: int = 0
    released: int = 0
    shipped: int = 0
    returned: int = 0
    deferrals: int = 0
    warehouse: int | None = None  # last warehouse sellable figure seen
    inventory_item_id: str | None = None
    product_id: str | None = None  # the item's product, marked for the site when stock moves
    pending: int | None = None  # a write sent but not yet confirmed (a killed run)
    version: int = 0  # write attempts so far; part of the idempotency key
    edits: int = 0  # hand edits handled so far; part of a forwarded adjustment's reference
    source: str = ""  # what moved it last: reconcile, warehouse, order, hand_edit, …
    updated_at: datetime | None = None
    # the warehouse's time of the figure in ``warehouse`` (the newest taken): an older
    # record never changes stock; a record without a time takes its receive time
    warehouse_at: datetime | None = None
    # while ``pending`` is set: until when the write may still be in flight. Another run
    # finding a write of someone else's in flight (not landed, lease not over) leaves the
    # key alone and reports it ``busy`` (the message is retried), so an older figure's
    # write can never land after a newer figure's decision.
    pending_until: datetime | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.sku, self.location)

    def evolve(self, **changes: object) -> LedgerEntry:
        """A copy with ``changes``; far cheaper than ``dataclasses.replace`` per key."""
        new = LedgerEntry.__new__(LedgerEntry)
        new.__dict__ = {**self.__dict__, **changes}
        return new

    def same_as(self, other: LedgerEntry) -> bool:
        """Equal in everything but ``updated_at``: storing it again would change nothing."""
        mine, theirs = dict(self.__dict__), dict(other.__dict__)
        mine.pop("updated_at"), theirs.pop("updated_at")
        return mine == theirs


@runtime_checkable
class InventoryStore(Protocol):
    """Shopify's side: items, levels, locations, the guarded write, and order lines.

    ``calls`` counts API calls made so far, for run reports and benchmarks.
    """

    calls: int

    def locations(self) -> list[Location]: ...

    def items_by_sku(self, skus: Sequence[str]) -> dict[str, ItemInfo]: ...

    def read_levels(self, inventory_item_ids: Sequence[str]) -> list[InventoryLevel]: ...

    def set_available(
        self, changes: Sequence[QuantityChange], *, idempotency_key: str, reason: str = "correction"
    ) -> WriteResult: ...

    def activate(self, inventory_item_id: str, location_id: str) -> None: ...

    def order_lines(self, since: str | None) -> OrderPage: ...

    def read_orders(self, order_ids: Sequence[str]) -> OrdersRead:
        """These orders' lines, read from Shopify now (what a webhook names is re-read here,
        never taken from its body); ids Shopify does not know come back in ``missing``."""


@runtime_checkable
class Warehouse(Protocol):
    """The warehouse: the source of truth for physical stock.

    ``adjust`` is optional: adapters that cannot send adjustments leave
    ``can_adjust`` False and the ``forward`` hand-edit policy falls back to
    ``offset`` (and says so in the report).
    """

    can_adjust: bool

    def snapshot(self) -> StockSnapshot:
        """Every figure the warehouse holds, and the lines it sent that could not be read."""

    def changes(self, since: datetime | None) -> list[StockRecord]: ...

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None: ...


@runtime_checkable
class StateStore(Protocol):
    """The engine's state: ledger, webhook dedupe, order lines, flags, pending queue, runs."""

    # ledger, per (sku, warehouse location). A store shared between writers conditions
    # each put on the entry being as this instance last read it (``get``/``items``), and
    # raises StateConflict otherwise; an entry it never read is written as is.
    def get(self, sku: str, location: str) -> LedgerEntry | None: ...

    def put(self, entries: Iterable[LedgerEntry]) -> None: ...

    def items(self) -> list[LedgerEntry]: ...

    # order lines' counts seen so far ("quantity,released,shipped,returned"), so
    # duplicated or reordered order webhooks count once
    def line_state(self, line_id: str) -> str | None: ...

    def set_line_state(self, line_id: str, counts: str) -> None: ...

    # webhook dedupe by X-Shopify-Webhook-Id
    def seen(self, event_id: str) -> bool: ...

    def remember(self, event_id: str, at: datetime) -> None: ...

    # flags: paused, orders cursor, last warehouse poll, …
    def flag(self, name: str) -> str | None: ...

    def set_flag(self, name: str, value: str | None) -> None: ...

    # warehouse records held while paused
    def enqueue(self, records: Sequence[StockRecord]) -> None: ...

    def pending(self) -> list[StockRecord]: ...

    def clear_pending(self) -> None: ...

    # products whose availability may have moved, for the site-freshness function
    def mark_products(self, product_ids: Iterable[str]) -> None: ...

    def take_products(self) -> list[str]: ...

    # run history
    def record_run(self, summary: dict[str, object]) -> None: ...

    def runs(self, limit: int = 10) -> list[dict[str, object]]: ...


@dataclass
class Ports:
    """Everything one inventory run works with (CLI, ``serve``, Lambda or a test's fakes).

    The one bundle the engine's entry points take: the composition layer
    (:mod:`sync.jobs.inventory`) or the AWS wiring builds it. ``fields`` are the
    warehouse's field names, for reading pushed lines at the edge.
    """

    store: InventoryStore
    warehouse: Warehouse
    state: StateStore
    policy: Policy
    clock: Clock
    fields: Mapping[str, str] = field(default_factory=dict)
