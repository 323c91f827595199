"""HubDB's row query language (``col__gt=5&sort=-col&limit=10``) run over rows in memory.

Pure: it takes rows in HubDB's JSON shape plus the table's columns and returns
the page HubDB would, so the local store, the loopback fake and the preview all
filter exactly alike.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync.local.hubdb_errors import bad_request
from sync.local.hubdb_values import NUMERIC_TYPES, TIME_TYPES, sort_key
from sync.model.time import epoch_millis

DEFAULT_LIMIT = 1000
"""The spec's default ``limit`` for row listings."""

OPERATORS = frozenset(
    {
        "eq",
        "ne",
        "neq",
        "lt",
        "lte",
        "gt",
        "gte",
        "contains",
        "icontains",
        "startswith",
        "in",
        "not_in",
        "null",
        "is_null",
        "not_null",
    }
)
CONTROL_PARAMS = frozenset(
    {
        "sort",
        "orderBy",
        "limit",
        "offset",
        "after",
        "properties",
        "archived",
        "portalId",
        "includeForeignIds",
        "isGetLocalizedSchema",
        "hapikey",
    }
)
SPECIAL_COLUMNS = {
    "hs_id": "NUMBER",
    "hs_path": "TEXT",
    "hs_name": "TEXT",
    "hs_created_at": "DATETIME",
    "hs_updated_at": "DATETIME",
}
_ORDERED = NUMERIC_TYPES | TIME_TYPES | {"TEXT", "RICHTEXT", "URL"}

QueryInput = Mapping[str, Any] | Iterable[tuple[str, Any]] | None


@dataclass(frozen=True)
class Filter:
    """One ``column__operator=value`` condition."""

    column: str
    operator: str
    value: str


@dataclass
class RowQuery:
    """A parsed row query: filters (AND-ed), sort keys, paging and the columns to return."""

    filters: list[Filter] = field(default_factory=list)
    sort: list[tuple[str, bool]] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    properties: list[str] | None = None
    random_access: bool = False


def _pairs(query: QueryInput) -> list[tuple[str, str]]:
    if query is None:
        return []
    items = query.items() if isinstance(query, Mapping) else query
    pairs = []
    for key, value in items:
        for one in value if isinstance(value, list | tuple) else [value]:
            pairs.append((str(key), _text(one)))
    return pairs


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_after(offset: int) -> str:
    """The opaque ``paging.next.after`` cursor (base64 of the offset, as HubSpot's look)."""
    return base64.urlsafe_b64encode(str(offset).encode()).decode().rstrip("=")


def _decode_after(table: str, cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return int(base64.urlsafe_b64decode(padded.encode()).decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise bad_request(
            f"Table {table}: paging cursor after={cursor!r} is not valid", table=table
        ) from None


def _int_param(table: str, name: str, value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise bad_request(
            f"Table {table}: {name}={value!r} must be an integer", table=table
        ) from None
    if number < 0:
        raise bad_request(f"Table {table}: {name}={value} must not be negative", table=table)
    return number


def parse_query(table: str, columns: list[dict[str, Any]], query: QueryInput) -> RowQuery:
    """Parse HubDB query parameters; an unknown column or operator is a 400 naming it."""
    kinds = _column_kinds(columns)
    parsed = RowQuery()
    for key, value in _pairs(query):
        if key in ("sort", "orderBy"):
            for part in (p.strip() for p in value.split(",")):
                if not part:
                    continue
                descending = part.startswith("-")
                name = part.lstrip("-")
                _require_column(table, kinds, name)
                parsed.sort.append((name, descending))
        elif key == "limit":
            parsed.limit = _int_param(table, "limit", value)
        elif key == "offset":
            parsed.offset = _int_param(table, "offset", value)
            parsed.random_access = True
        elif key == "after":
            if value:
                parsed.offset = _decode_after(table, value)
        elif key == "properties":
            names = [p.strip() for p in value.split(",") if p.strip()]
            for name in names:
                _require_column(table, kinds, name)
            parsed.properties = (parsed.properties or []) + names
        elif key in CONTROL_PARAMS:
            continue
        else:
            column, _, operator = key.partition("__")
            operator = operator or "eq"
            _require_column(table, kinds, column)
            if operator not in OPERATORS:
                raise bad_request(
                    f"Table {table}: unknown filter operator {operator!r} in {key}",
                    table=table,
                    column=column,
                )
            _check_operator(table, column, kinds[column], operator)
            parsed.filters.append(Filter(column, operator, value))
    return parsed


def _column_kinds(columns: list[dict[str, Any]]) -> dict[str, str]:
    kinds = dict(SPECIAL_COLUMNS)
    kinds.update({c["name"]: c["type"] for c in columns})
    return kinds


def _require_column(table: str, kinds: dict[str, str], name: str) -> None:
    if name not in kinds:
        raise bad_request(
            f"Table {table}: unknown column {name!r} in query", table=table, column=name
        )


def _check_operator(table: str, column: str, kind: str, operator: str) -> None:
    ordered = operator in ("lt", "lte", "gt", "gte")
    textual = operator in ("icontains", "startswith")
    if (ordered and kind not in _ORDERED) or (textual and kind not in ("TEXT", "RICHTEXT", "URL")):
        raise bad_request(
            f"Table {table}: operator {operator} does not apply to {kind} column {column}",
            table=table,
            column=column,
        )


def run_query(
    table: str, columns: list[dict[str, Any]], rows: list[dict[str, Any]], query: RowQuery
) -> dict[str, Any]:
    """Filter, sort and page ``rows`` (HubDB JSON shape); returns HubDB's collection response."""
    kinds = _column_kinds(columns)
    tests = [_matcher(kinds, f) for f in query.filters]
    matched = [r for r in rows if all(test(r) for test in tests)]
    matched.sort(key=lambda r: int(r["id"]))
    for name, descending in reversed(query.sort):
        present = [r for r in matched if _cell(kinds, r, name) is not None]
        absent = [r for r in matched if _cell(kinds, r, name) is None]
        present.sort(
            key=lambda r, n=name: sort_key(kinds[n], _cell(kinds, r, n)), reverse=descending
        )
        matched = absent + present if not descending else present + absent
    page = matched[query.offset : query.offset + query.limit]
    if query.properties is not None:
        keep = set(query.properties)
        page = [dict(r, values={k: v for k, v in r["values"].items() if k in keep}) for r in page]
    response: dict[str, Any] = {"total": len(matched), "results": page}
    next_offset = query.offset + query.limit
    if next_offset < len(matched) and query.limit > 0:
        if query.random_access:
            response["paging"] = {"next": {"offset": next_offset}}
        else:
            response["paging"] = {"next": {"after": encode_after(next_offset)}}
    response["type"] = "RANDOM_ACCESS" if query.random_access else "STREAMING"
    return response


def _cell(kinds: dict[str, str], row: dict[str, Any], name: str) -> Any:
    if name == "hs_id":
        return int(row["id"])
    if name == "hs_path":
        return row.get("path")
    if name == "hs_name":
        return row.get("name")
    if name == "hs_created_at":
        return epoch_millis(row.get("createdAt"))
    if name == "hs_updated_at":
        return epoch_millis(row.get("updatedAt"))
    return row["values"].get(name)


def _matcher(kinds: dict[str, str], condition: Filter) -> Any:
    """A test for one condition, its value list parsed once (a re-sync asks ``in`` 100 keys).

    Text ``in``/``not_in`` compare against a set; everything else goes through
    :func:`_matches` unchanged.
    """
    kind, op = kinds[condition.column], condition.operator
    if op not in ("in", "not_in") or kind not in ("TEXT", "URL", "RICHTEXT"):
        return lambda row: _matches(kinds, row, condition)
    wanted = {w.strip() for w in condition.value.split(",")}
    inside = op == "in"

    def test(row: dict[str, Any]) -> bool:
        cell = _cell(kinds, row, condition.column)
        if cell is None:
            return not inside
        if isinstance(cell, dict):
            return _matches(kinds, row, condition)
        return (str(cell) in wanted) == inside

    return test


def _matches(kinds: dict[str, str], row: dict[str, Any], condition: Filter) -> bool:
    kind, op, raw = kinds[condition.column], condition.operator, condition.value
    cell = _cell(kinds, row, condition.column)
    if op in ("null", "is_null"):
        return cell in (None, "", [])
    if op == "not_null":
        return cell not in (None, "", [])
    wanted = [w.strip() for w in raw.split(",")] if op in ("in", "not_in") else [raw]
    if kind in ("SELECT", "MULTISELECT"):
        return _match_options(cell, op, raw, wanted)
    if op in ("ne", "neq"):
        return cell is None or not _equal(kind, cell, raw)
    if op == "not_in":
        return cell is None or not any(_equal(kind, cell, w) for w in wanted)
    if cell is None:
        return False
    if op == "eq":
        return _equal(kind, cell, raw)
    if op == "in":
        return any(_equal(kind, cell, w) for w in wanted)
    if op == "contains":
        return raw in str(cell)
    if op == "icontains":
        return raw.lower() in str(cell).lower()
    if op == "startswith":
        return str(cell).startswith(raw)
    probe = _coerce(kind, raw)
    if probe is None:
        return False
    try:
        return {"lt": cell < probe, "lte": cell <= probe, "gt": cell > probe, "gte": cell >= probe}[
            op
        ]
    except TypeError:
        return False


def _coerce(kind: str, raw: str) -> Any:
    if kind in NUMERIC_TYPES or kind == "BOOLEAN":
        if kind == "BOOLEAN" and raw.lower() in ("true", "false"):
            return int(raw.lower() == "true")
        try:
            return float(raw)
        except ValueError:
            return None
    if kind in TIME_TYPES:
        return epoch_millis(raw)
    return raw


def _equal(kind: str, cell: Any, raw: str) -> bool:
    if kind in NUMERIC_TYPES or kind in TIME_TYPES or kind == "BOOLEAN":
        probe = _coerce(kind, raw)
        return probe is not None and cell == probe
    if kind == "FOREIGN_ID":
        return any(item["id"] == raw for item in cell)
    if isinstance(cell, dict):
        return raw in (str(cell.get("url")), str(cell.get("id")))
    return str(cell) == raw


def _match_options(cell: Any, op: str, raw: str, wanted: list[str]) -> bool:
    """SELECT/MULTISELECT compare by option name or id; MULTISELECT ``contains`` needs all."""
    chosen = [] if cell is None else cell if isinstance(cell, list) else [cell]
    keys = [{o["id"], o["name"]} for o in chosen]
    asked = [w.strip() for w in raw.split(",") if w.strip()]

    def has(name: str) -> bool:
        return any(name in k for k in keys)

    if op == "eq":
        return len(keys) == len(asked) and all(has(a) for a in asked) if asked else not keys
    if op in ("ne", "neq"):
        return not _match_options(cell, "eq", raw, wanted)
    if op == "contains":
        return bool(asked) and all(has(a) for a in asked)
    if op == "in":
        return any(has(w) for w in wanted)
    if op == "not_in":
        return not any(has(w) for w in wanted)
    return False
