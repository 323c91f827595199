"""Ledger entries and stock records as JSON text, one format for every state store.

SQLite and DynamoDB keep the same text, so state can be inspected (or moved)
the same way wherever it lives.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

from sync.inventory.ports import LedgerEntry
from sync.model.stock import StockRecord, record_from_json

_ENTRY_FIELDS = frozenset(f.name for f in dataclasses.fields(LedgerEntry))
_TIMES = ("updated_at", "warehouse_at", "pending_until")


def dump(value: LedgerEntry | StockRecord) -> str:
    """The dataclass as sorted JSON, datetimes as ISO 8601."""
    data = dataclasses.asdict(value)
    for name, item in data.items():
        if isinstance(item, datetime):
            data[name] = item.isoformat()
    return json.dumps(data, sort_keys=True)


def load_entry(text: str) -> LedgerEntry:
    """A ledger entry; fields a newer version wrote and this one lacks are ignored."""
    data = {k: v for k, v in json.loads(text).items() if k in _ENTRY_FIELDS}
    for name in _TIMES:
        if data.get(name):
            data[name] = datetime.fromisoformat(data[name])
    return LedgerEntry(**data)


def load_record(text: str) -> StockRecord:
    """A stock record (the same JSON form as queue messages carry)."""
    return record_from_json(json.loads(text))


def queue_time(record: StockRecord) -> str:
    """The record's warehouse time as text that sorts as the times do ("" when it has none).

    Both state stores hold one queued record per (SKU, location) and replace it
    only with one whose text is greater or equal, so the comparison must not
    depend on how the warehouse wrote its offset: UTC, fixed width.
    """
    if record.updated_at is None:
        return ""
    at = record.updated_at
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
