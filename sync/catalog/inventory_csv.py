"""Read Shopify's inventory CSV export: one row per variant and location, with its quantities.

The product CSV carries one quantity per variant, which is only meaningful for
a shop with one location; Shopify exports per-location stock as a separate
inventory CSV (``Handle, Title, Option1 Name, …, SKU, HS Code, COO, Location,
Bin name, Incoming (not editable), Unavailable (not editable), Committed (not
editable), Available (not editable), On hand (current), On hand (new)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sync.catalog.csv_table import CsvTable, Row, read_csv_text
from sync.errors import InputError, InputErrors

# Logical field -> Shopify's header, in the order Shopify exports them.
INVENTORY_COLUMNS: dict[str, str] = {
    "handle": "Handle",
    "title": "Title",
    "option1_name": "Option1 Name",
    "option1_value": "Option1 Value",
    "option2_name": "Option2 Name",
    "option2_value": "Option2 Value",
    "option3_name": "Option3 Name",
    "option3_value": "Option3 Value",
    "sku": "SKU",
    "hs_code": "HS Code",
    "coo": "COO",
    "location": "Location",
    "bin_name": "Bin name",
    "incoming": "Incoming (not editable)",
    "unavailable": "Unavailable (not editable)",
    "committed": "Committed (not editable)",
    "available": "Available (not editable)",
    "on_hand": "On hand (current)",
    "on_hand_new": "On hand (new)",
}
REQUIRED = ("handle", "location", "available")
NOT_STOCKED = "not stocked"
_QUANTITIES = ("incoming", "unavailable", "committed", "available", "on_hand")


@dataclass
class InventoryRow:
    """One variant's quantities at one location, as the inventory CSV states them.

    ``on_hand = available + committed + unavailable`` (Shopify's rule; the
    reader refuses rows that break it). ``available`` and ``on_hand`` may be
    negative (an oversold CONTINUE variant); the others never are.
    ``on_hand_new`` is the column a person fills to change stock on import;
    ``None`` when left empty.
    """

    handle: str
    sku: str
    options: dict[str, str]
    location: str
    available: int
    committed: int = 0
    unavailable: int = 0
    on_hand: int = 0
    title: str = ""
    incoming: int = 0
    on_hand_new: int | None = None
    extra: dict[str, str] = field(default_factory=dict)


def read_inventory_csv(path: Path | str) -> list[InventoryRow]:
    """Read an inventory CSV file (BOM and CRLF are fine).

    Raises:
        InputErrors: every problem in the file, each as ``file:line:column (Header)``.
    """
    return parse_inventory_csv(read_csv_text(path), str(path))


def parse_inventory_csv(text: str, source: str) -> list[InventoryRow]:
    """Parse inventory CSV text; ``source`` names the file in error messages.

    Rows whose quantities say ``not stocked`` (the item is not stocked at that
    location) are left out: there is nothing to reconcile there.

    Raises:
        InputErrors: every problem found, collected over the whole file.
    """
    table = CsvTable.parse(text, source)
    columns = {name: table.column(header) for name, header in INVENTORY_COLUMNS.items()}
    present = {name: index for name, index in columns.items() if index is not None}
    missing = [INVENTORY_COLUMNS[name] for name in REQUIRED if name not in present]
    if missing:
        raise InputErrors([InputError(
            f"{source}:1:1",
            f"not a Shopify inventory CSV: the header lacks {', '.join(missing)} "
            f"(expected {', '.join(INVENTORY_COLUMNS.values())})",
            "export it from Shopify admin (Products > Inventory > Export)",
        )])
    errors: list[InputError] = []
    misaligned = table.check_widths(errors)
    rows: list[InventoryRow] = []
    seen: dict[tuple[str, str], int] = {}
    for record in table.records:
        if record.line in misaligned:
            continue
        row = Row(table, present, record, errors)
        parsed = _row(row)
        if parsed is None:
            continue
        key = (parsed.sku or f"{parsed.handle}/{'/'.join(parsed.options.values())}",
               parsed.location)
        if key in seen:
            row.fail("location", f"{key[0]!r} at {parsed.location!r} repeats line {seen[key]}",
                     "keep one row per variant and location")
        seen.setdefault(key, row.line)
        rows.append(parsed)
    if errors:
        raise InputErrors(errors)
    return rows


def _row(row: Row) -> InventoryRow | None:
    handle, location = row.get("handle"), row.get("location")
    if not handle:
        row.fail("handle", "the Handle is empty", "fill the product's handle")
    if not location:
        row.fail("location", "the Location is empty", "name the location, as in Shopify")
    if any(row.get(name).casefold() == NOT_STOCKED for name in _QUANTITIES):
        return None
    options: dict[str, str] = {}
    for number in (1, 2, 3):
        name, value = row.get(f"option{number}_name"), row.get(f"option{number}_value")
        if value and not name:
            row.fail(f"option{number}_value", f"Option{number} Value {value!r} has no "
                     f"Option{number} Name", f"fill Option{number} Name (e.g. Size)")
        elif name and name != "Title":
            options[name] = value
    # Overselling a CONTINUE variant takes available below 0, and fulfilling
    # that order takes on hand below 0 too; committed and unavailable count
    # real units, so they never are.
    available = row.integer("available", signed=True)
    committed = row.integer("committed")
    unavailable = row.integer("unavailable")
    expected = available + committed + unavailable
    on_hand = row.integer("on_hand", expected, signed=True)
    if on_hand != expected:
        row.fail("on_hand", f"On hand {on_hand} is not available {available} + committed "
                 f"{committed} + unavailable {unavailable} = {expected}",
                 "export the file again; these columns are not editable")
    new = row.get("on_hand_new")
    return InventoryRow(
        handle=handle,
        sku=row.get("sku"),
        options=options,
        location=location,
        available=available,
        committed=committed,
        unavailable=unavailable,
        on_hand=on_hand,
        title=row.get("title"),
        incoming=row.integer("incoming"),
        on_hand_new=row.integer("on_hand_new", signed=True) if new else None,
        extra={name: row.get(name) for name in ("hs_code", "coo", "bin_name") if row.get(name)},
    )
