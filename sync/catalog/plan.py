"""The catalog planner: source products + current draft rows -> the changes to make. Pure.

The plan is what ``--dry-run`` prints and what the applier executes: schema
changes first (options before rows use them), then row deletes, creates and
updates carrying only the cells that differ when compared in HubDB's shapes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sync.catalog.rows import (
    COLUMN_NAMES,
    Descriptions,
    DesiredRow,
    known_text,
    product_row,
    row_cell,
    row_cells,
)
from sync.catalog.schema import SchemaChange, plan_schema
from sync.catalog.table import COLUMNS, MAX_ROWS, OPTION_TYPES
from sync.errors import InputError
from sync.model.shop import Product, ProductStatus, ShopFacts


class TableTooLarge(InputError):
    """The sync would pass HubDB's row cap (the CLI names ``--table`` and ``--products``)."""


@dataclass(frozen=True)
class RowCreate:
    row: DesiredRow


@dataclass(frozen=True)
class RowUpdate:
    """Changed cells only; ``path``/``name`` set only when they changed."""

    row_id: str
    key: str
    handle: str
    values: dict[str, Any]
    path: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class RowDelete:
    row_id: str
    key: str
    handle: str
    reason: str  # gone | draft | archived


@dataclass
class Plan:
    """Everything one sync will change in one table, and what it saw before."""

    table: str
    table_before: dict[str, Any] | None
    schema: list[SchemaChange] = field(default_factory=list)
    creates: list[RowCreate] = field(default_factory=list)
    updates: list[RowUpdate] = field(default_factory=list)
    deletes: list[RowDelete] = field(default_factory=list)
    unchanged: int = 0
    rows_after: int = 0
    stale_draft: bool = False

    @property
    def empty(self) -> bool:
        return not (self.schema or self.creates or self.updates or self.deletes)

    @property
    def needs_publish(self) -> bool:
        """Publish after a non-empty plan, or to finish a run that died before publishing."""
        return not self.empty or self.stale_draft

    def counts(self) -> dict[str, int]:
        return {
            "created": len(self.creates),
            "updated": len(self.updates),
            "deleted": len(self.deletes),
            "unchanged": self.unchanged,
            "schema_changes": len(self.schema),
        }


def plan_sync(
    products: Iterable[Product],
    rows: Sequence[Mapping[str, Any]],
    *,
    table: str,
    table_json: Mapping[str, Any] | None,
    shop: ShopFacts,
    delete: Sequence[str] = ("gone", "draft", "archived"),
    requested: Sequence[str] | None = None,
    rebuild_text: bool = False,
) -> Plan:
    """Plan the changes that make the draft table match ``products``.

    Args:
        products: what the source holds (all of it, or the ``requested`` ones).
        rows: the table's current draft rows (HubDB JSON).
        table: the table's name, for messages.
        table_json: the draft table (HubDB JSON), or None when it does not exist.
        shop: the shop's domain and currency, for store links and prices.
        delete: ``[catalog] delete`` policies: ``gone``, ``draft``, ``archived``.
        requested: product ids of an incremental run; ``gone`` then only
            removes rows of these ids, and other rows are not looked at.
        rebuild_text: sanitise every description again. Otherwise a row whose
            ``updated_at`` equals its product's keeps its ``description`` and
            ``summary`` cells: Shopify bumps ``updatedAt`` with every text
            change, so they are what this sanitiser made of the same source
            (see :func:`sync.catalog.rows.known_text`). Force it after the
            sanitiser's rules change.

    Raises:
        InputError: the table would exceed HubDB's 10,000 rows (nothing is written).
    """
    plan = Plan(table=table, table_before=dict(table_json) if table_json else None)
    plan.stale_draft = _stale(table_json)
    index = _RowIndex(rows)
    wanted: list[tuple[DesiredRow, Mapping[str, Any] | None]] = []
    descriptions: Descriptions = {}
    for product in products:
        existing = index.take(product)
        reason = _delete_reason(product, delete)
        if reason:
            if existing is not None:
                plan.deletes.append(_delete(existing, reason))
            continue
        text = None if rebuild_text or existing is None else known_text(product, existing)
        desired = product_row(product, shop, descriptions=descriptions, text=text)
        wanted.append((desired, existing))
    gone_scope = set(requested) if requested is not None else None
    if "gone" in delete:
        for row in index.leftovers():
            key = row_cell(row, "shopify_id") or row_cell(row, "handle")
            if gone_scope is None or key in gone_scope:
                plan.deletes.append(_delete(row, "gone"))
    options: dict[str, set[str]] = {}
    for desired, existing in wanted:
        _collect_options(desired, options)
        if existing is None:
            plan.creates.append(RowCreate(desired))
            continue
        update = _update(desired, existing)
        if update is None:
            plan.unchanged += 1
        else:
            plan.updates.append(update)
    plan.schema = plan_schema(table, table_json, options)
    before = len(rows)
    if requested is not None and table_json:
        before = max(before, int(table_json.get("rowCount") or 0))
    plan.rows_after = before - len(plan.deletes) + len(plan.creates)
    if plan.rows_after > MAX_ROWS:
        raise TableTooLarge(
            f"table {table}",
            f"the sync would leave {plan.rows_after} rows; HubDB allows {MAX_ROWS} per table,"
            " so nothing was written",
            "drop draft and archived products with [catalog] delete = [\"gone\", \"draft\","
            " \"archived\"], or split the catalog over two tables (a table and its products"
            " per sync)",
        )
    return plan


class _RowIndex:
    """Draft rows by Shopify id and by handle; each row is matched at most once."""

    def __init__(self, rows: Sequence[Mapping[str, Any]]) -> None:
        self.rows = list(rows)
        self.by_id: dict[str, Mapping[str, Any]] = {}
        self.by_handle: dict[str, Mapping[str, Any]] = {}
        self.taken: set[str] = set()
        for row in self.rows:
            shopify_id = row_cell(row, "shopify_id")
            if shopify_id:
                self.by_id.setdefault(shopify_id, row)
            handle = row_cell(row, "handle") or row.get("path")
            if handle:
                self.by_handle.setdefault(str(handle).lower(), row)

    def take(self, product: Product) -> Mapping[str, Any] | None:
        """The product's row: by Shopify id, else by handle.

        A product with an id claims a handle's row only when that row has no
        id (written from a CSV); one without an id (from a CSV) claims the
        handle's row whatever it holds, so it never duplicates the row.
        """
        row = self.by_id.get(product.id) if product.id else None
        if row is None:
            row = self.by_handle.get(product.handle.lower())
            if row is not None and product.id and row_cell(row, "shopify_id"):
                row = None
        if row is None or str(row["id"]) in self.taken:
            return None
        self.taken.add(str(row["id"]))
        return row

    def leftovers(self) -> list[Mapping[str, Any]]:
        """Rows hubshop wrote (they carry a Shopify id or handle) that no product claimed."""
        return [
            row
            for row in self.rows
            if str(row["id"]) not in self.taken
            and (row_cell(row, "shopify_id") or row_cell(row, "handle"))
        ]


def _delete_reason(product: Product, delete: Sequence[str]) -> str | None:
    if product.status is ProductStatus.DRAFT and "draft" in delete:
        return "draft"
    if product.status is ProductStatus.ARCHIVED and "archived" in delete:
        return "archived"
    return None


def _delete(row: Mapping[str, Any], reason: str) -> RowDelete:
    handle = row_cell(row, "handle") or row.get("path") or ""
    key = row_cell(row, "shopify_id") or handle
    return RowDelete(row_id=str(row["id"]), key=str(key), handle=str(handle), reason=reason)


def _update(desired: DesiredRow, row: Mapping[str, Any]) -> RowUpdate | None:
    """The changed cells of ``row``: one tuple comparison when nothing changed."""
    path = desired.path if (row.get("path") or "") != desired.path else None
    name = desired.name if (row.get("name") or "") != desired.name else None
    have = row_cells(row)
    if have == desired.cells:
        if path is None and name is None:
            return None
        changed: dict[str, Any] = {}
    else:
        changed = {
            column: desired.values.get(column)
            for column, want, got in zip(COLUMN_NAMES, desired.cells, have, strict=True)
            if want != got
        }
    handle = str(desired.values.get("handle") or desired.path)
    return RowUpdate(str(row["id"]), desired.key, handle, changed, path, name)


_OPTION_COLUMNS = tuple(c.name for c in COLUMNS if c.type in OPTION_TYPES)


def _collect_options(desired: DesiredRow, options: dict[str, set[str]]) -> None:
    for name in _OPTION_COLUMNS:
        value = desired.values.get(name)
        if value is None:
            continue
        names = options.setdefault(name, set())
        if isinstance(value, tuple):
            names.update(value)
        else:
            names.add(value)


def _stale(table: Mapping[str, Any] | None) -> bool:
    """The draft holds changes the live site has not got (never published, or edited since)."""
    if table is None:
        return False
    published = table.get("publishedAt")
    if not published or not table.get("published", True):
        return True
    updated = table.get("updatedAt")
    return bool(updated) and _when(updated) > _when(published)


def _when(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, int | float):
        return datetime.fromtimestamp(value / 1000)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
