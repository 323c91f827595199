"""What an inventory run, an event or a status check reports back to its edge."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime

from sync.inventory.ports import QuantityChange
from sync.model.stock import Rejection


@dataclass(frozen=True)
class Problem:
    """A (SKU, location) the run did not write, and why (reported once, never retried in a loop).

    ``code``: ``unmapped_location``, ``unknown_sku``, ``not_stocked``,
    ``untracked``, ``non_mutable``, ``stale`` (re-reads exhausted),
    ``unexplained`` (Shopify moved in a way order traffic does not explain yet),
    ``busy`` (another run's write to the key may still be in flight: retry the work).
    """

    sku: str
    location: str
    code: str
    message: str


@dataclass(frozen=True)
class HandEdit:
    """A change of ``available`` made in Shopify by hand, and what the policy did with it."""

    sku: str
    location: str
    delta: int
    policy: str
    before: int
    after: int


@dataclass(frozen=True)
class OlderRecord:
    """A warehouse record skipped because the ledger already took a newer figure."""

    sku: str
    location: str
    at: datetime | None
    newest: datetime | None
    where: str = ""


@dataclass(frozen=True)
class OrderNote:
    """An order a webhook named, re-read from Shopify: what it moved, or why nothing."""

    order_id: str
    lines: int
    reason: str = ""


@dataclass
class RunReport:
    """The result of a reconcile or of applying warehouse records.

    ``writes`` are the quantities sent (or, on a dry run, that would be).
    ``products`` are the products whose sellable stock moved (written, or seen
    moved in Shopify): marked in the state store so the site-freshness
    function refreshes their HubDB rows. ``older`` are the records skipped
    because a newer figure was applied (counted as ``stale``); ``orders`` what
    re-reading the orders webhooks named found.
    """

    written: int = 0
    unchanged: int = 0
    conflicts: int = 0
    skipped: int = 0
    api_calls: int = 0
    dry_run: bool = False
    paused: bool = False
    queued: int = 0
    writes: list[QuantityChange] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    hand_edits: list[HandEdit] = field(default_factory=list)
    products: list[str] = field(default_factory=list)
    older: list[OlderRecord] = field(default_factory=list)
    orders: list[OrderNote] = field(default_factory=list)

    @property
    def stale(self) -> int:
        """Warehouse records older than the figure already applied (skipped)."""
        return len(self.older)

    @property
    def busy(self) -> list[Problem]:
        """Keys left alone because another run's write may still land: retry them."""
        return [p for p in self.problems if p.code == "busy"]

    def paused_note(self) -> str:
        """What a paused run did, in the words the CLI and the demo share."""
        return f"writes paused: {self.queued} change(s) queued, nothing written"

    def counts(self) -> dict[str, int]:
        """The integer counts ``--json`` prints."""
        return {
            "written": self.written,
            "unchanged": self.unchanged,
            "conflicts": self.conflicts,
            "skipped": self.skipped,
            "stale": self.stale,
            "api_calls": self.api_calls,
        }

    def as_dict(self) -> dict[str, object]:
        data: dict[str, object] = dict(self.counts())
        data.update(
            dry_run=self.dry_run, paused=self.paused, queued=self.queued,
            rejected=len(self.rejected),
            writes=[asdict(w) for w in self.writes],
            problems=[asdict(p) for p in self.problems],
            rejections=[asdict(r) for r in self.rejected],
            hand_edits=[asdict(h) for h in self.hand_edits],
            products=list(self.products),
            older=[asdict(o) for o in self.older],
            orders=[asdict(o) for o in self.orders],
        )
        return data


@dataclass(frozen=True)
class EventOutcome:
    """What noting one Shopify webhook did.

    ``duplicate``: the webhook id was seen before, nothing changed.
    ``lines``: order lines whose counts moved. ``products``: product ids
    marked for the site-freshness function. ``skus`` / ``inventory_item_ids``:
    what a partial reconcile should look at next; ``order_ids``: the orders it
    re-reads from Shopify first (a body is never taken on its word).
    """

    topic: str
    duplicate: bool = False
    lines: int = 0
    products: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    inventory_item_ids: tuple[str, ...] = ()
    ignored: str = ""
    order_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Drift:
    """A (SKU, location) where Shopify's sellable figure differs from the policy's."""

    sku: str
    location: str
    shopify: int
    target: int


@dataclass
class StatusReport:
    """``hubshop inventory status``: drift, pending changes, offsets, pause, dead letters."""

    paused: bool
    pending: int
    offsets: dict[str, int]
    drift: list[Drift]
    unexplained: int
    last_run: dict[str, object] | None
    dead_letters: int | None = None
    checked_at: datetime | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "paused": self.paused,
            "pending": self.pending,
            "offsets": dict(self.offsets),
            "drift": [asdict(d) for d in self.drift],
            "drift_count": len(self.drift),
            "unexplained": self.unexplained,
            "last_run": self.last_run,
            "dead_letters": self.dead_letters,
        }
