"""Warehouse stock lines checked one by one: good lines become StockRecords, bad ones a reason."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sync.inventory.ports import StockRecord
from sync.inventory.report import Rejection

FIELDS = ("sku", "location", "on_hand", "allocated", "available", "updated_at")
MAX_DIGITS = 12  # far above any real stock figure; keeps int() off absurd strings
_INTEGER = re.compile(r"[+-]?[0-9]+")  # ASCII digits only: str.isdigit() also takes "٣"


class _Bad(Exception):
    pass


def parse_records(
    rows: Sequence[Mapping[str, object] | StockRecord],
    *,
    ceiling: int | None = None,
    locations: Collection[str] | None = None,
    fields: Mapping[str, str] | None = None,
    source: str = "body",
) -> tuple[list[StockRecord], list[Rejection]]:
    """Check each line; return the good records and a rejection per bad line.

    ``fields`` maps hubshop's names (:data:`FIELDS`) to the payload's. A line
    needs a SKU, a mapped location code, and ``on_hand`` or ``available``;
    quantities must be whole numbers from 0 to ``ceiling``; ``locations``
    (the location map's codes), when given, are the only codes accepted. Every copy of a
    (SKU, location) that appears more than once is rejected, since which one
    is right cannot be known.
    """
    names = {name: (fields or {}).get(name, name) for name in FIELDS}
    good: list[StockRecord] = []
    places: list[str] = []
    rejected: list[Rejection] = []
    for index, row in enumerate(rows):
        where = f"{source}[{index}]"
        try:
            record = row if isinstance(row, StockRecord) else _record(row, names, where)
            _check(record, ceiling, locations)
        except _Bad as bad:
            sku = row.get(names["sku"], "") if isinstance(row, Mapping) else getattr(row, "sku", "")
            rejected.append(Rejection(getattr(row, "where", "") or where, str(sku or ""),
                                      str(bad)))
            continue
        good.append(record)
        places.append(record.where or where)
    seen: dict[tuple[str, str], list[int]] = defaultdict(list)
    for index, record in enumerate(good):
        seen[(record.sku, record.location)].append(index)
    unique: list[StockRecord] = []
    for index, record in enumerate(good):
        copies = seen[(record.sku, record.location)]
        if len(copies) > 1:
            others = ", ".join(places[i] for i in copies if i != index)
            rejected.append(Rejection(places[index], record.sku,
                                      f"duplicate: {record.sku} at {record.location} also in"
                                      f" {others}"))
        else:
            unique.append(record)
    return unique, rejected


def _record(row: object, names: Mapping[str, str], where: str) -> StockRecord:
    if not isinstance(row, Mapping):
        raise _Bad(f"malformed: expected an object with {names['sku']!r} and quantities, got "
                   f"{type(row).__name__}")
    sku = row.get(names["sku"])
    if not isinstance(sku, str) or not sku.strip():
        raise _Bad(f"malformed: {names['sku']!r} is missing or empty")
    location = row.get(names["location"])
    if not isinstance(location, str) or not location.strip():
        raise _Bad(f"malformed: {names['location']!r} is missing or empty")
    on_hand = _quantity(row, names["on_hand"])
    allocated = _quantity(row, names["allocated"])
    available = _quantity(row, names["available"])
    if on_hand is None and available is None:
        raise _Bad(f"malformed: needs {names['on_hand']!r} or {names['available']!r}")
    if on_hand is None:
        on_hand, allocated = available, 0
    elif allocated is None:
        allocated = on_hand - available if available is not None else 0
    elif available is not None and available != on_hand - allocated:
        raise _Bad(f"inconsistent: {names['available']} {available} is not "
                   f"{names['on_hand']} {on_hand} - {names['allocated']} {allocated}")
    return StockRecord(sku=sku.strip(), location=location.strip(), on_hand=on_hand,
                       allocated=allocated, updated_at=_when(row.get(names["updated_at"])),
                       where=where)


def _quantity(row: Mapping[str, object], name: str) -> int | None:
    value = row.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise _Bad(f"{name}: {_shown(value)} is not a whole number")
    if isinstance(value, int):
        if abs(value) >= 10 ** MAX_DIGITS:
            raise _Bad(f"{name}: a number of more than {MAX_DIGITS} digits is absurd")
        return value
    if isinstance(value, float) and value.is_integer():
        raise _Bad(f"{name}: {_shown(value)} is not a whole number (send integers)")
    if isinstance(value, str):
        text = value.strip()
        if not _INTEGER.fullmatch(text):
            raise _Bad(f"{name}: {_shown(value)} is not a whole number (ASCII digits 0-9)")
        if len(text.lstrip("+-")) > MAX_DIGITS:
            raise _Bad(f"{name}: a number of {len(text.lstrip('+-')):,} digits is absurd"
                       f" (at most {MAX_DIGITS})")
        return int(text)
    raise _Bad(f"{name}: {_shown(value)} is not a whole number")


def _shown(value: object) -> str:
    """A value for an error message, cut short so a huge line cannot flood the report."""
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:37]}..."


def _when(value: object) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise _Bad(f"updated_at: {value!r} is not an ISO 8601 time") from None
    if moment.tzinfo is None:
        raise _Bad(f"updated_at: {value!r} has no UTC offset")
    return moment


def _check(record: StockRecord, ceiling: int | None, locations: Collection[str] | None) -> None:
    if (0 <= record.on_hand <= (ceiling or record.on_hand) and 0 <= record.allocated
            <= (ceiling or record.allocated) and (not locations or record.location in locations)):
        return
    for name, value in (("on_hand", record.on_hand), ("allocated", record.allocated)):
        if value < 0:
            raise _Bad(f"{name}: {value} is negative")
        if ceiling is not None and value > ceiling:
            raise _Bad(f"{name}: {value} is over the ceiling {ceiling:,}"
                       " ([inventory] quantity_ceiling)")
    if locations and record.location not in locations:
        raise _Bad(f"location {record.location!r} is not in [inventory] location_map "
                   f"(known: {', '.join(sorted(locations))})")
