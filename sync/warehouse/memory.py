"""An in-memory warehouse: for tests, benchmarks and trying policies without a real feed."""

from __future__ import annotations

from datetime import datetime

from sync.model.stock import StockRecord, StockSnapshot
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


class MemoryWarehouse:
    """A :class:`sync.inventory.ports.Warehouse` holding figures in a dict.

    ``adjust`` applies the delta to ``on_hand`` once per reference (as a real
    warehouse deduplicating by reference would) and keeps the list in
    ``adjustments``.
    """

    def __init__(self, clock: Clock = SYSTEM_CLOCK, *, can_adjust: bool = True) -> None:
        self.clock = clock
        self.can_adjust = can_adjust
        self.stock: dict[tuple[str, str], StockRecord] = {}
        self.adjustments: list[tuple[str, str, int, str, str]] = []

    def set(self, sku: str, location: str, on_hand: int, allocated: int = 0) -> StockRecord:
        """Put a figure (a count, or a delivery booked in)."""
        record = StockRecord(sku, location, on_hand, allocated, self.clock.now())
        self.stock[(sku, location)] = record
        return record

    def move(self, sku: str, location: str, delta: int) -> StockRecord:
        """Change ``on_hand`` by ``delta`` (receipts, shipments, shrinkage)."""
        current = self.stock.get((sku, location)) or StockRecord(sku, location, 0)
        return self.set(sku, location, current.on_hand + delta, current.allocated)

    def snapshot(self) -> StockSnapshot:
        return StockSnapshot(sorted(self.stock.values(), key=lambda r: (r.sku, r.location)))

    def changes(self, since: datetime | None) -> list[StockRecord]:
        return [r for r in self.snapshot().records
                if since is None or r.updated_at is None or r.updated_at > since]

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None:
        if any(a[4] == reference for a in self.adjustments):
            return
        self.adjustments.append((sku, location, delta, reason, reference))
        self.move(sku, location, delta)
