"""Schema changes for the products table: what a live table lacks, and the requests that add it.

HubDB's ``PATCH /tables/{t}/draft`` replaces the whole column list, so every
request here carries the live columns back unchanged (undeclared ones too) and
only appends: new columns, new SELECT/MULTISELECT options. Nothing is dropped.
The options of each declared option column are kept in the order shoppers
expect (:mod:`sync.catalog.facet_order`), which the pages list facets in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sync.catalog.facet_order import ordered
from sync.catalog.table import (
    BY_NAME,
    COLUMNS,
    META_TAGS,
    OPTION_TYPES,
    TABLE_FLAGS,
    TABLE_LABEL,
)
from sync.errors import InputError

_COLUMN_KEYS = ("id", "name", "label", "type", "description", "foreignTableId", "foreignColumnId",
                "foreignIdsByName", "foreignIdsById")
_OPTION_KEYS = ("id", "name", "label", "order", "type")


class ColumnTypeClash(InputError):
    """A live column's type differs from the declared one (the CLI names its ``--table``)."""


@dataclass(frozen=True)
class SchemaChange:
    """One change to the table's definition, in the order it must happen."""

    kind: str  # create_table | add_column | add_options | order_options | set_flags | set_meta_tags
    column: str | None = None
    options: tuple[str, ...] = ()

    def describe(self) -> str:
        if self.kind == "create_table":
            return f"create the table with {len(COLUMNS)} columns"
        if self.kind == "add_column":
            return f"add column {self.column} ({BY_NAME[self.column or ''].type})"
        if self.kind == "add_options":
            shown = ", ".join(self.options[:5]) + (" …" if len(self.options) > 5 else "")
            return f"add {len(self.options)} option(s) to {self.column}: {shown}"
        if self.kind == "order_options":
            return f"put the options of {self.column} in shopper order (sizes, numbers, A to Z)"
        if self.kind == "set_flags":
            return "turn on " + ", ".join(TABLE_FLAGS)
        return "map SEO meta tags (title, description, image) to columns"


def plan_schema(
    table_name: str, table: Mapping[str, Any] | None, options: Mapping[str, set[str]]
) -> list[SchemaChange]:
    """The changes that make ``table`` (draft JSON, or None) hold the declared columns.

    Args:
        table_name: for error messages.
        table: the live draft table, or None when it does not exist yet.
        options: option names rows will use, per SELECT/MULTISELECT column.

    Raises:
        InputError: a declared column exists with another type (HubDB cannot change it).
    """
    if table is None:
        created = [SchemaChange("create_table")]
        for name in sorted(options):
            created.append(SchemaChange("add_options", name, tuple(ordered(name, options[name]))))
        return [*created, SchemaChange("set_meta_tags")]
    live = {c["name"]: c for c in table.get("columns") or []}
    changes: list[SchemaChange] = []
    for column in COLUMNS:
        current = live.get(column.name)
        if current is None:
            changes.append(SchemaChange("add_column", column.name))
        elif str(current.get("type", "")).upper() != column.type:
            raise ColumnTypeClash(
                f"table {table_name}, column {column.name}",
                f"is {current.get('type')} but hubshop declares {column.type}",
                "HubDB cannot change a column's type: rename or delete that column in HubSpot,"
                " or sync into another table",
            )
    for name in sorted(set(options) | {c.name for c in COLUMNS if c.type in OPTION_TYPES}):
        have = live_order(live.get(name) or {})
        missing = tuple(ordered(name, set(options.get(name, ())) - set(have)))
        if missing:
            changes.append(SchemaChange("add_options", name, missing))
        elif have != ordered(name, have):
            changes.append(SchemaChange("order_options", name))
    if any(bool(table.get(flag)) != value for flag, value in TABLE_FLAGS.items()):
        changes.append(SchemaChange("set_flags"))
    if meta_tags_wanted(table) != dict(table.get("dynamicMetaTags") or {}):
        changes.append(SchemaChange("set_meta_tags"))
    return changes


def create_request(table_name: str, options: Mapping[str, set[str]]) -> dict[str, Any]:
    """``POST /tables``: the declared columns, their options and the flags."""
    columns = []
    for column in COLUMNS:
        spec = column.request()
        if column.type in OPTION_TYPES:
            spec["options"] = _new_options(ordered(column.name, options.get(column.name, ())), 0)
        columns.append(spec)
    label = TABLE_LABEL if table_name == "products" else f"{TABLE_LABEL} ({table_name})"
    return {"name": table_name, "label": label, "columns": columns, **TABLE_FLAGS}


def patch_request(table: Mapping[str, Any], changes: list[SchemaChange]) -> dict[str, Any] | None:
    """``PATCH /tables/{t}/draft`` for column and flag changes; None when there are none."""
    added = {c.column for c in changes if c.kind == "add_column"}
    new_options = {c.column: c.options for c in changes if c.kind == "add_options"}
    reordered = {c.column for c in changes if c.kind in ("add_options", "order_options")}
    request: dict[str, Any] = {}
    if added or reordered:
        columns = [_carry(c, new_options.get(c["name"], ()), c["name"] in reordered)
                   for c in table.get("columns") or []]
        for column in COLUMNS:
            if column.name in added:
                spec = column.request()
                if column.type in OPTION_TYPES:
                    spec["options"] = _new_options(new_options.get(column.name, ()), 0)
                columns.append(spec)
        request["columns"] = columns
    if any(c.kind == "set_flags" for c in changes):
        request.update(TABLE_FLAGS)
    return request or None


def meta_tags_wanted(table: Mapping[str, Any]) -> dict[str, int]:
    """``dynamicMetaTags`` pointing at the live ids of the declared columns."""
    ids = {c["name"]: int(c["id"]) for c in table.get("columns") or [] if c.get("id") is not None}
    return {key: ids[column] for key, column in META_TAGS.items() if column in ids}


def live_order(column: Mapping[str, Any]) -> list[str]:
    """A live column's option names in their HubDB ``order`` (list position breaks ties)."""
    options = list(enumerate(column.get("options") or []))
    options.sort(key=lambda pair: (_order(pair[1]), pair[0]))
    return [str(option.get("name")) for _, option in options]


def _order(option: Mapping[str, Any]) -> float:
    try:
        return float(option.get("order"))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("inf")


def _carry(column: Mapping[str, Any], extra: tuple[str, ...], reorder: bool) -> dict[str, Any]:
    """A live column as a ``ColumnRequest`` that keeps it, plus new options.

    With ``reorder`` (a declared option column whose options change), every
    option, old and new, is put in shopper order: old ones keep their ids,
    so rows that use them are untouched; only ``order`` moves.
    """
    spec = {k: column[k] for k in _COLUMN_KEYS if column.get(k) is not None}
    if "options" in column or extra:
        old = [{k: o[k] for k in _OPTION_KEYS if k in o} for o in column.get("options") or []]
        added = _new_options(extra, len(old))
        if reorder:
            by_name = {str(o.get("name")): o for o in [*old, *added]}
            added = []
            old = [{**by_name[name], "order": order}
                   for order, name in enumerate(ordered(str(column.get("name")), by_name))]
        spec["options"] = old + added
    return spec


def _new_options(names: tuple[str, ...] | list[str], start: int) -> list[dict[str, Any]]:
    return [
        {"name": name, "label": name, "order": start + i, "type": "option"}
        for i, name in enumerate(names)
    ]
