"""A write-absorbing view of a StateStore, so a dry run plans exactly like a real run."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from datetime import datetime

from sync.inventory.ports import LedgerEntry, StateStore, StockRecord


class DryRunState:
    """Reads fall through to ``base``; writes stay in memory and vanish with the object."""

    def __init__(self, base: StateStore) -> None:
        self.base = base
        self._entries: dict[tuple[str, str], LedgerEntry] = {}
        self._lines: dict[str, str] = {}
        self._flags: dict[str, str | None] = {}
        self._seen: set[str] = set()

    def get(self, sku: str, location: str) -> LedgerEntry | None:
        if (sku, location) in self._entries:
            return copy.copy(self._entries[(sku, location)])
        found = self.base.get(sku, location)
        return copy.copy(found) if found is not None else None

    def put(self, entries: Iterable[LedgerEntry]) -> None:
        for entry in entries:
            self._entries[entry.key] = copy.copy(entry)

    def items(self) -> list[LedgerEntry]:
        merged = {e.key: e for e in self.base.items()}
        merged.update(self._entries)
        return list(merged.values())

    def line_state(self, line_id: str) -> str | None:
        return self._lines.get(line_id) or self.base.line_state(line_id)

    def set_line_state(self, line_id: str, counts: str) -> None:
        self._lines[line_id] = counts

    def seen(self, event_id: str) -> bool:
        return event_id in self._seen or self.base.seen(event_id)

    def remember(self, event_id: str, at: datetime) -> None:
        self._seen.add(event_id)

    def flag(self, name: str) -> str | None:
        return self._flags[name] if name in self._flags else self.base.flag(name)

    def set_flag(self, name: str, value: str | None) -> None:
        self._flags[name] = value

    def enqueue(self, records: Sequence[StockRecord]) -> None:
        """A dry run queues nothing."""

    def pending(self) -> list[StockRecord]:
        return self.base.pending()

    def clear_pending(self) -> None:
        """A dry run clears nothing."""

    def mark_products(self, product_ids: Iterable[str]) -> None:
        """A dry run marks nothing."""

    def take_products(self) -> list[str]:
        return []

    def record_run(self, summary: dict[str, object]) -> None:
        """A dry run is not a run."""

    def runs(self, limit: int = 10) -> list[dict[str, object]]:
        return self.base.runs(limit)
