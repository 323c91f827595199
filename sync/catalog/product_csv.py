"""Read Shopify's product CSV, in its legacy or its current header dialect, into Products.

Shopify has exported two header dialects over the years: the legacy one
(``Handle, Title, Body (HTML), … Variant SKU, Variant Price …``) and the current
one (``Title, URL handle, Description, … SKU, Price …``). Both are still in
circulation, so both are read; the dialect is recognised from the header.

A product spans several rows: its first row carries the product fields and its
first variant; continuation rows repeat the handle and add variants and/or
images. The whole file is validated before anything is returned, and every
problem is reported at once as ``file:line:column (Header)``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sync.catalog.csv_table import (
    FALSE_WORDS,
    TRUE_WORDS,
    CsvRecord,
    CsvTable,
    Row,
    read_csv_text,
)
from sync.errors import InputError, InputErrors
from sync.model.shop import Image, InventoryPolicy, Option, Product, ProductStatus, Variant

LEGACY = "legacy"
CURRENT = "current"
DIALECTS = (LEGACY, CURRENT)

# Every column hubshop reads or writes: logical field -> (legacy header, current header).
COLUMNS: dict[str, tuple[str, str]] = {
    "handle": ("Handle", "URL handle"),
    "title": ("Title", "Title"),
    "body_html": ("Body (HTML)", "Description"),
    "vendor": ("Vendor", "Vendor"),
    "category": ("Product Category", "Product category"),
    "product_type": ("Type", "Type"),
    "tags": ("Tags", "Tags"),
    "published": ("Published", "Published on online store"),
    "status": ("Status", "Status"),
    "option1_name": ("Option1 Name", "Option1 name"),
    "option1_value": ("Option1 Value", "Option1 value"),
    "option2_name": ("Option2 Name", "Option2 name"),
    "option2_value": ("Option2 Value", "Option2 value"),
    "option3_name": ("Option3 Name", "Option3 name"),
    "option3_value": ("Option3 Value", "Option3 value"),
    "sku": ("Variant SKU", "SKU"),
    "barcode": ("Variant Barcode", "Barcode"),
    "price": ("Variant Price", "Price"),
    "compare_at": ("Variant Compare At Price", "Compare-at price"),
    "cost": ("Cost per item", "Cost per item"),
    "taxable": ("Variant Taxable", "Charge tax"),
    "tax_code": ("Variant Tax Code", "Tax code"),
    "tracker": ("Variant Inventory Tracker", "Inventory tracker"),
    "quantity": ("Variant Inventory Qty", "Inventory quantity"),
    "policy": ("Variant Inventory Policy", "Continue selling when out of stock"),
    "grams": ("Variant Grams", "Weight value (grams)"),
    "weight_unit": ("Variant Weight Unit", "Weight unit for display"),
    "requires_shipping": ("Variant Requires Shipping", "Requires shipping"),
    "fulfillment": ("Variant Fulfillment Service", "Fulfillment service"),
    "image_src": ("Image Src", "Product image URL"),
    "image_position": ("Image Position", "Image position"),
    "image_alt": ("Image Alt Text", "Image alt text"),
    "variant_image": ("Variant Image", "Variant image URL"),
    "gift_card": ("Gift Card", "Gift card"),
    "seo_title": ("SEO Title", "SEO title"),
    "seo_description": ("SEO Description", "SEO description"),
}

# Cells that, when filled on a continuation row, make it a variant row.
_VARIANT_FIELDS = (
    "option1_value", "option2_value", "option3_value", "sku", "barcode",
    "price", "compare_at", "quantity", "grams",
)
DEFAULT_TITLE = "Default Title"


def category_name(path: str) -> str:
    """The category itself from a taxonomy path: ``A > B > Shirts & Tops`` -> ``Shirts & Tops``.

    Shopify's ``Product category`` holds the whole path so the tax rules and
    filters can use any level; pages show only the leaf.
    """
    return path.rsplit(">", 1)[-1].strip()


def read_product_csv(path: Path | str) -> list[Product]:
    """Read a product CSV file (either dialect; BOM and CRLF are fine).

    Raises:
        InputErrors: every problem in the file, each as ``file:line:column (Header)``.
    """
    return parse_product_csv(read_csv_text(path), str(path))


def parse_product_csv(text: str, source: str) -> list[Product]:
    """Parse product CSV text; ``source`` names the file in error messages.

    Raises:
        InputErrors: every problem found, so the whole file can be fixed in one go.
    """
    table = CsvTable.parse(text, source)
    dialect = detect_dialect(table)
    return _ProductReader(table, dialect).read()


def products_from_table(table: CsvTable) -> list[Product]:
    """Products of an already parsed table (the importer re-reads it without invalid products).

    Raises:
        InputErrors: every problem found.
    """
    return _ProductReader(table, detect_dialect(table)).read()


def detect_dialect(table: CsvTable) -> str:
    """``legacy`` when the header has ``Handle``, ``current`` when it has ``URL handle``."""
    if table.has("Handle"):
        return LEGACY
    if table.has("URL handle"):
        return CURRENT
    raise InputErrors([InputError(
        f"{table.source}:1:1",
        "the header is not a Shopify product CSV: expected a 'Handle' column (legacy "
        "export: Handle, Title, Body (HTML), …) or a 'URL handle' column (current "
        "export: Title, URL handle, Description, …)",
        "export the products from Shopify admin (Products > Export) or fix the header row",
    )])


def column_map(table: CsvTable, dialect: str) -> dict[str, int]:
    """Logical field -> 0-based column for the fields this header has; the rest are ignored."""
    slot = DIALECTS.index(dialect)
    found = {}
    for name, headers in COLUMNS.items():
        index = table.column(headers[slot])
        if index is not None:
            found[name] = index
    return found


@dataclass
class _Draft:
    """A product being assembled from its rows."""

    product: Product
    first_line: int
    option_names: list[str]
    option_values: list[list[str]]
    seen: dict[tuple[str, ...], int] = field(default_factory=dict)


class _ProductReader:
    """Turns a table's records into products, collecting every problem on the way."""

    def __init__(self, table: CsvTable, dialect: str) -> None:
        self.table, self.dialect = table, dialect
        self.columns = column_map(table, dialect)
        self.errors: list[InputError] = []
        self.drafts: dict[str, _Draft] = {}
        self.orphans: set[str] = set()

    def read(self) -> list[Product]:
        misaligned = self.table.check_widths(self.errors)
        if "title" not in self.columns:
            self.errors.append(InputError(f"{self.table.source}:1:1", "no 'Title' column",
                                          "add the Title column to the header"))
        for record in self.table.records:
            row = Row(self.table, self.columns, record, self.errors)
            if record.line in misaligned:
                # Its cells are shifted and the width error says so; the handles
                # it holds must not make continuation rows complain of a lost first row.
                self.orphans.update(self._handles_in(record))
                continue
            self._record(row)
        if self.errors:
            raise InputErrors(self.errors)
        products = []
        for draft in self.drafts.values():
            draft.product.options = [
                Option(name, tuple(values))
                for name, values in zip(draft.option_names, draft.option_values, strict=True)
            ]
            products.append(draft.product)
        return products

    def _handles_in(self, record: CsvRecord) -> set[str]:
        """Best-effort handles of a misaligned record and of the rows a stray quote swallowed.

        The text is split back into its physical lines and naively at commas:
        good enough to recognise the handle (or Title) at the start of a row.
        """
        handles = set()
        for line in ",".join(record.cells).split("\n"):
            cells = line.split(",")
            for name in ("handle", "title"):
                index = self.columns.get(name)
                if index is not None and index < len(cells) and cells[index].strip(' "'):
                    value = cells[index].strip(' "')
                    handles.add(value if name == "handle" else slugify(value))
                    break
        return handles

    def _record(self, row: Row) -> None:
        title = row.get("title")
        handle = row.get("handle") or (slugify(title) if title else "")
        if not handle:
            row.fail("handle", "the row has neither a handle nor a Title",
                     "fill the handle (e.g. wool-beanie) and, on a product's first row, the Title")
            return
        draft = self.drafts.get(handle)
        if draft is None:
            if not title:
                if handle not in self.orphans:
                    self.orphans.add(handle)
                    row.fail("title", f"handle {handle!r} continues a product that never had "
                             "a Title", "put the product's Title on the first row of this handle")
                return
            draft = self._start(row, handle, title)
            self._variant(row, draft)
        elif any(row.get(name) for name in _VARIANT_FIELDS):
            self._variant(row, draft)
        elif not row.get("image_src"):
            row.fail("handle", f"the row for {handle!r} adds neither a variant nor an image",
                     "fill the variant or image columns, or delete the row")
        self._image(row, draft)

    def _start(self, row: Row, handle: str, title: str) -> _Draft:
        status_text = row.get("status")
        status = ProductStatus.ACTIVE
        if status_text:
            try:
                status = ProductStatus(status_text.upper())
            except ValueError:
                row.fail("status", f"unknown Status {status_text!r}",
                         "use active, draft or archived")
        category = row.get("category")
        product = Product(
            handle=handle,
            title=title,
            body_html=row.raw("body_html").replace("\r\n", "\n"),
            vendor=row.get("vendor"),
            product_type=row.get("product_type"),
            category=category or None,
            tags=[tag.strip() for tag in row.get("tags").split(",") if tag.strip()],
            status=status,
            published=row.boolean("published", True),
            seo_title=row.get("seo_title"),
            seo_description=row.get("seo_description"),
        )
        names = []
        for number in (1, 2, 3):
            name = row.get(f"option{number}_name")
            if not name:
                break
            names.append(name)
        if names == ["Title"] and row.get("option1_value") in ("", DEFAULT_TITLE):
            names = []
        draft = _Draft(product, row.line, names, [[] for _ in names])
        self.drafts[handle] = draft
        return draft

    def _variant(self, row: Row, draft: _Draft) -> None:
        options: dict[str, str] = {}
        for number in (1, 2, 3):
            name, value = row.get(f"option{number}_name"), row.get(f"option{number}_value")
            known = draft.option_names[number - 1] if number <= len(draft.option_names) else None
            if not draft.option_names and number == 1 and value == DEFAULT_TITLE:
                continue
            if name and known and name != known:
                row.fail(f"option{number}_name", f"Option{number} Name {name!r} differs from "
                         f"{known!r} on line {draft.first_line}",
                         "use the same option names on every row of a product")
            if value and not known and name:
                row.fail(f"option{number}_name", f"Option{number} Name {name!r} is not on the "
                         f"product's first row (line {draft.first_line})",
                         "name every option on the product's first row")
            elif value and not known:
                row.fail(f"option{number}_value", f"Option{number} Value {value!r} has no "
                         f"Option{number} Name", f"name the option (e.g. Size) in Option{number} "
                         "Name on the product's first row")
            elif known and not value:
                row.fail(f"option{number}_value", f"the variant has no {known} "
                         f"(Option{number} Value is empty)", f"give its {known}")
            elif known:
                options[known] = value
                if value not in draft.option_values[number - 1]:
                    draft.option_values[number - 1].append(value)
        key = tuple(options.values())
        if key in draft.seen:
            label = " / ".join(key) or DEFAULT_TITLE
            row.fail("option1_value" if options else "sku",
                     f"variant {label!r} of {draft.product.handle!r} repeats line "
                     f"{draft.seen[key]}", "give each variant a different option combination")
        draft.seen.setdefault(key, row.line)
        tracker = row.get("tracker")
        variant_image = row.get("variant_image")
        draft.product.variants.append(Variant(
            sku=row.get("sku"),
            price=row.money("price", required=True) or Decimal(0),
            options=options,
            title=" / ".join(options.values()) or DEFAULT_TITLE,
            compare_at_price=row.money("compare_at"),
            # Shopify lets stock go below 0 when a CONTINUE variant is oversold.
            inventory_quantity=row.integer("quantity", signed=True),
            inventory_tracked=bool(tracker) or "tracker" not in self.columns,
            inventory_policy=self._policy(row),
            barcode=row.get("barcode"),
            grams=row.grams("grams"),
            requires_shipping=row.boolean("requires_shipping", True),
            taxable=row.boolean("taxable", True),
            image_src=variant_image or None,
            position=len(draft.product.variants) + 1,
        ))

    def _policy(self, row: Row) -> InventoryPolicy:
        value = row.get("policy").casefold()
        if value in ("", "deny") or value in FALSE_WORDS:
            return InventoryPolicy.DENY
        if value == "continue" or value in TRUE_WORDS:
            return InventoryPolicy.CONTINUE
        row.fail("policy", f"{row.get('policy')!r} is not an inventory policy",
                 "write deny or continue" if self.dialect == LEGACY else "write DENY or CONTINUE")
        return InventoryPolicy.DENY

    def _image(self, row: Row, draft: _Draft) -> None:
        src = row.get("image_src")
        if not src:
            return
        images = draft.product.images
        if any(image.src == src for image in images):
            return
        position = row.integer("image_position", 0, "position") or len(images) + 1
        images.append(Image(src=src, alt=row.get("image_alt"), position=position))


def slugify(title: str) -> str:
    """The handle Shopify derives from a title: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")
