"""CSV tables with line-accurate error places, shared by the product and inventory readers.

Shopify's CSVs put HTML with newlines inside quoted cells, so a record's
physical line is not its record number; people fix files in editors that
show physical lines, so that is what every error names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sync.errors import InputError, InputErrors

MONEY = re.compile(r"\d+(\.\d+)?")
INTEGER = re.compile(r"-?\d+(\.0+)?")
TRUE_WORDS = {"true", "yes", "y", "1"}
FALSE_WORDS = {"false", "no", "n", "0"}


def read_csv_text(path: Path | str) -> str:
    """A CSV file's text, UTF-8 with or without a byte-order mark.

    Raises:
        InputErrors: the file is not UTF-8; the error names the line and column
            of the first byte that cannot be decoded, so the offending character
            (often an accented letter saved by Excel as Windows-1252) can be found.
    """
    data = Path(path).read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # the codec reports offsets into the text after any byte-order mark
        text, offset = bytes(exc.object), exc.start
        line, column = _byte_place(text, offset)
        raise InputErrors([InputError(
            f"{path}:{line}:{column}",
            f"the file is not UTF-8: byte 0x{text[offset]:02X} on this line cannot be "
            "decoded (a character saved in another encoding, such as Windows-1252 or Latin-1)",
            "save the CSV as UTF-8 (Excel: Save As > CSV UTF-8; LibreOffice or Numbers: "
            "choose the UTF-8 encoding) and read it again",
        )]) from exc


def _byte_place(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and character column of byte ``offset``, as an editor shows them.

    The column counts the characters before the bad byte on its line (decoded
    leniently), so a line with earlier multi-byte letters still points at the
    right place.
    """
    start = data.rfind(b"\n", 0, offset) + 1
    before = data[start:offset].decode("utf-8", errors="replace")
    return data.count(b"\n", 0, offset) + 1, len(before) + 1


@dataclass
class CsvRecord:
    """One CSV record and the physical lines it spans (1-based; the header is line 1).

    ``end`` differs from ``line`` when a quoted cell holds newlines (an HTML
    description), or when an unbalanced quote swallowed the lines after it.
    """

    line: int
    cells: list[str]
    end: int = 0


@dataclass
class CsvTable:
    """A parsed CSV: header, records and the names errors point at."""

    source: str
    header: list[str]
    records: list[CsvRecord]
    _index: dict[str, int] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str, source: str) -> CsvTable:
        """Split ``text`` into records, remembering where each starts.

        ``csv.reader.line_num`` counts physical lines read so far, so a record
        starts one line after the previous record ended, even when a quoted
        cell (an HTML description) spans several lines.
        """
        text = text.removeprefix("\ufeff")
        reader = csv.reader(io.StringIO(text, newline=""))
        header: list[str] | None = None
        records: list[CsvRecord] = []
        ended = 0
        try:
            for row in reader:
                start, ended = ended + 1, reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                if header is None:
                    header = [cell.strip() for cell in row]
                else:
                    records.append(CsvRecord(start, row, ended))
        except csv.Error as exc:
            raise InputErrors([InputError(
                f"{source}:{reader.line_num}:1", f"the CSV cannot be parsed: {exc}",
                "check for an unbalanced double quote in this row",
            )]) from exc
        if header is None:
            raise InputErrors([InputError(f"{source}:1:1", "the file is empty",
                                          "export the CSV again")])
        table = cls(source, header, records)
        for number, name in enumerate(header):
            table._index.setdefault(name.casefold(), number)
        return table

    def has(self, name: str) -> bool:
        return name.casefold() in self._index

    def column(self, name: str) -> int | None:
        """0-based position of the header ``name`` (case-insensitive), if present."""
        return self._index.get(name.casefold())

    def where(self, line: int, column: int) -> str:
        return f"{self.source}:{line}:{column + 1} ({self.header[column]})"

    def check_widths(self, errors: list[InputError]) -> set[int]:
        """Flag records whose width differs from the header's; return their start lines.

        A record with fewer cells than the header, or a filled cell past the
        last header, almost always comes from an unbalanced double quote: the
        quote swallows commas and line ends until the next quote, so every
        following cell shifts. Readers skip the cells of such records, which
        would only give misleading errors, and report the width once with that
        hint. Empty cells past the header (trailing commas) are harmless.
        """
        misaligned: set[int] = set()
        width = len(self.header)
        for record in self.records:
            cells = record.cells
            extra = next((n for n in range(width, len(cells)) if cells[n].strip()), None)
            if extra is not None:
                place = f"{self.source}:{record.line}:{extra + 1}"
                problem = f"a value in column {extra + 1} but the header has only {width} columns"
            elif len(cells) < width:
                place = f"{self.source}:{record.line}:{len(cells)}"
                problem = f"the row has {len(cells)} cells but the header has {width} columns"
            else:
                continue
            if record.end > record.line:
                problem += f" (the row runs on to line {record.end})"
            misaligned.add(record.line)
            errors.append(InputError(
                place, problem,
                'check for an unbalanced quote (") on this or the previous line; '
                "quote cells that contain commas, and give every row all the header's columns",
            ))
        return misaligned


class Row:
    """One record seen through the dialect: cells by logical field, errors by place."""

    def __init__(self, table: CsvTable, columns: dict[str, int], record: CsvRecord,
                 errors: list[InputError]) -> None:
        self.table, self.columns, self.line, self.errors = table, columns, record.line, errors
        self._cells = record.cells

    def raw(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None or index >= len(self._cells):
            return ""
        return self._cells[index]

    def get(self, name: str) -> str:
        return self.raw(name).strip()

    def where(self, name: str) -> str:
        index = self.columns.get(name)
        if index is None:
            return f"{self.table.source}:{self.line}"
        return self.table.where(self.line, index)

    def fail(self, name: str, problem: str, fix: str) -> None:
        self.errors.append(InputError(self.where(name), problem, fix))

    def money(self, name: str, *, required: bool = False) -> Decimal | None:
        value = self.get(name)
        if not value:
            if required:
                self.fail(name, "the price is empty", "give the price, e.g. 24.95")
            return None
        if not MONEY.fullmatch(value):
            self.fail(name, f"{value!r} is not an amount of money",
                      "write digits with a dot for decimals and no currency sign, e.g. 12.50")
            return None
        return Decimal(value)

    def integer(self, name: str, default: int = 0, what: str = "quantity", *,
                signed: bool = False) -> int:
        """A whole number; negative only when ``signed`` (stock Shopify lets go below 0)."""
        value = self.get(name)
        if not value:
            return default
        if not INTEGER.fullmatch(value):
            self.fail(name, f"{value!r} is not a whole number", "write digits only, e.g. 12")
            return default
        number = int(Decimal(value))
        if number < 0 and not signed:
            self.fail(name, f"negative {what} {number}", "use 0 or more")
            return default
        return number

    def grams(self, name: str) -> int | None:
        value = self.get(name)
        if not value:
            return None
        if not MONEY.fullmatch(value):
            self.fail(name, f"{value!r} is not a weight in grams", "write digits, e.g. 250")
            return None
        return int(Decimal(value).to_integral_value())

    def boolean(self, name: str, default: bool) -> bool:
        value = self.get(name).casefold()
        if not value:
            return default
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.fail(name, f"{self.get(name)!r} is not TRUE or FALSE", "write TRUE or FALSE")
        return default
