"""A StateStore in plain dicts: for tests, benchmarks and one-shot runs that keep nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sync.inventory.ports import LedgerEntry, StockRecord


class MemoryState:
    """:class:`sync.inventory.ports.StateStore` held in memory; gone with the process."""

    def __init__(self) -> None:
        self.entries: dict[tuple[str, str], LedgerEntry] = {}
        self.lines: dict[str, str] = {}
        self.seen_ids: dict[str, datetime] = {}
        self.flags: dict[str, str] = {}
        self.queue: list[StockRecord] = []
        self.products: set[str] = set()
        self.history: list[dict[str, object]] = []

    def get(self, sku: str, location: str) -> LedgerEntry | None:
        """The stored entry itself (callers change copies, or put what they changed)."""
        return self.entries.get((sku, location))

    def put(self, entries: Iterable[LedgerEntry]) -> None:
        for entry in entries:
            self.entries[entry.key] = entry.evolve()

    def items(self) -> list[LedgerEntry]:
        return [self.entries[k].evolve() for k in sorted(self.entries)]

    def line_state(self, line_id: str) -> str | None:
        return self.lines.get(line_id)

    def set_line_state(self, line_id: str, counts: str) -> None:
        self.lines[line_id] = counts

    def seen(self, event_id: str) -> bool:
        return event_id in self.seen_ids

    def remember(self, event_id: str, at: datetime) -> None:
        self.seen_ids.setdefault(event_id, at)

    def flag(self, name: str) -> str | None:
        return self.flags.get(name)

    def set_flag(self, name: str, value: str | None) -> None:
        if value is None:
            self.flags.pop(name, None)
        else:
            self.flags[name] = value

    def enqueue(self, records: Sequence[StockRecord]) -> None:
        self.queue.extend(records)

    def pending(self) -> list[StockRecord]:
        return list(self.queue)

    def clear_pending(self) -> None:
        self.queue.clear()

    def mark_products(self, product_ids: Iterable[str]) -> None:
        self.products.update(product_ids)

    def take_products(self) -> list[str]:
        taken = sorted(self.products)
        self.products.clear()
        return taken

    def record_run(self, summary: dict[str, object]) -> None:
        self.history.append(dict(summary))

    def runs(self, limit: int = 10) -> list[dict[str, object]]:
        return list(reversed(self.history[-limit:]))
