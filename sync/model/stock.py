"""Stock as the warehouse reports it: records, refused lines, a snapshot, and their JSON form.

One JSON form for a record everywhere it travels (queue messages, the pause
queue in the state stores): :func:`record_json` and :func:`record_from_json`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.model.time import from_iso


@dataclass(frozen=True)
class StockRecord:
    """The warehouse's figure for one SKU at one of its locations.

    ``allocated`` is what the warehouse holds for orders (its own view of
    Shopify's ``committed + unavailable``); sellable is ``on_hand - allocated``.
    ``where`` names the record's source (``feed.csv:12``, ``body[3]``) for errors.
    """

    sku: str
    location: str
    on_hand: int
    allocated: int = 0
    updated_at: datetime | None = None
    where: str = ""

    @property
    def sellable(self) -> int:
        return self.on_hand - self.allocated

    @property
    def key(self) -> tuple[str, str]:
        return (self.sku, self.location)


@dataclass(frozen=True)
class Rejection:
    """One warehouse line refused: where it came from and the reason."""

    where: str
    sku: str
    reason: str


@dataclass(frozen=True)
class StockSnapshot:
    """What a warehouse holds now: the records it could read, and a rejection per line
    it could not (so a bad line is reported, never silently dropped)."""

    records: list[StockRecord] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)


def record_json(record: StockRecord) -> dict[str, Any]:
    """A record as plain JSON values (``updated_at`` as ISO 8601)."""
    return {"sku": record.sku, "location": record.location, "on_hand": record.on_hand,
            "allocated": record.allocated,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
            "where": record.where}


def record_from_json(data: Mapping[str, Any]) -> StockRecord:
    """The inverse of :func:`record_json`.

    Raises:
        ValueError: not an object, or a field of the wrong shape.
    """
    if not isinstance(data, Mapping):
        raise ValueError("a stock record is not an object")
    try:
        return StockRecord(sku=str(data["sku"]), location=str(data["location"]),
                           on_hand=int(data["on_hand"]),
                           allocated=int(data.get("allocated") or 0),
                           updated_at=from_iso(data.get("updated_at")),
                           where=str(data.get("where") or ""))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a stock record lacks or mistypes {exc}") from None
