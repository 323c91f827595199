"""HubDB column definitions and cell values, turned into the exact shapes HubDB returns.

HubDB answers with its own shapes, not what was written: SELECT becomes an
option object, IMAGE an image object, DATE/DATETIME epoch milliseconds, BOOLEAN
1/0. Storing values already in those shapes means a re-sync compares like with
like and sees no phantom changes.
"""

from __future__ import annotations

import math
import re
from typing import Any

from sync.local.hubdb_errors import HubDBError, bad_request
from sync.model.time import epoch_millis

_TYPE_NAMES = (
    "NULL TEXT NUMBER URL IMAGE SELECT MULTISELECT BOOLEAN LOCATION DATE DATETIME CURRENCY RICHTEXT"
    " FOREIGN_ID VIDEO CTA FILE JSON COMPOSITE CODE HUBSPOT_VIDEO EMBED"
)
COLUMN_TYPES = frozenset(_TYPE_NAMES.split())
TEXT_TYPES = frozenset({"TEXT", "RICHTEXT", "URL"})
NUMERIC_TYPES = frozenset({"NUMBER", "CURRENCY"})
TIME_TYPES = frozenset({"DATE", "DATETIME"})
OPTION_TYPES = frozenset({"SELECT", "MULTISELECT"})

MAX_COLUMNS = 250
MAX_TEXT = 10_000
MAX_RICHTEXT = 65_000

_COLUMN_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_DAY_MS = 86_400_000


def build_columns(
    table: str,
    requested: list[dict[str, Any]],
    existing: list[dict[str, Any]],
    next_id: int,
    now: str,
) -> tuple[list[dict[str, Any]], int]:
    """Turn a request's column list into stored columns, keeping ids stable by name.

    The list replaces the old one (HubDB's PATCH rule): a column left out is gone.
    A column that keeps its name keeps its id and its options' ids, so rows and
    ``dynamicMetaTags`` that point at ids stay valid.

    Returns:
        The stored columns and the next free column id.
    """
    if len(requested) > MAX_COLUMNS:
        raise bad_request(
            f"Table {table} would have {len(requested)} columns; HubDB allows {MAX_COLUMNS}",
            table=table,
        )
    old = {c["name"]: c for c in existing}
    seen: set[str] = set()
    columns = []
    for spec in requested:
        if not isinstance(spec, dict):
            raise bad_request(
                f"Table {table}: each column must be an object, got {spec!r}", table=table
            )
        name = spec.get("name")
        if not isinstance(name, str) or not _COLUMN_NAME.match(name) or "__" in name:
            raise bad_request(
                f"Table {table}: column name {name!r} must be letters, digits, single underscores",
                table=table,
                column=str(name),
            )
        if name.startswith("hs_"):
            raise bad_request(
                f"Table {table}: column name {name} is reserved by HubDB", table=table, column=name
            )
        if name in seen:
            raise bad_request(
                f"Table {table}: column {name} appears twice", table=table, column=name
            )
        seen.add(name)
        kind = str(spec.get("type", "")).upper()
        if kind not in COLUMN_TYPES:
            raise bad_request(
                f"Table {table}, column {name}: unknown type {spec.get('type')!r}",
                table=table,
                column=name,
            )
        previous = old.get(name)
        if previous is not None and previous["type"] != kind:
            raise bad_request(
                f"Table {table}, column {name}: type cannot change"
                f" from {previous['type']} to {kind}; drop the column and add a new one",
                table=table,
                column=name,
            )
        if previous is None:
            column_id, next_id = str(next_id), next_id + 1
        else:
            column_id = previous["id"]
        column: dict[str, Any] = {
            "id": column_id,
            "name": name,
            "label": spec.get("label") or name,
            "type": kind,
            "deleted": False,
        }
        if spec.get("description"):
            column["description"] = spec["description"]
        if kind in OPTION_TYPES:
            options = _build_options(table, name, spec.get("options") or [], previous, now)
            column["options"] = options
            column["optionCount"] = len(options)
        if kind == "FOREIGN_ID":
            for key in ("foreignTableId", "foreignColumnId"):
                if spec.get(key) is not None:
                    column[key] = spec[key]
        columns.append(column)
    return columns, next_id


def _build_options(
    table: str, column: str, requested: list[Any], previous: dict[str, Any] | None, now: str
) -> list[dict[str, Any]]:
    old = {o["name"]: o for o in (previous or {}).get("options", [])}
    next_id = max((int(o["id"]) for o in old.values()), default=0) + 1
    options = []
    for order, spec in enumerate(requested):
        spec = {"name": spec} if isinstance(spec, str) else spec
        name = spec.get("name") if isinstance(spec, dict) else None
        if not isinstance(name, str) or not name:
            raise bad_request(
                f"Table {table}, column {column}: option {spec!r} needs a name",
                table=table,
                column=column,
            )
        if name in old:
            option = dict(old[name])
            if option["order"] != order:
                option.update(order=order, updatedAt=now)
        else:
            option = {
                "id": str(next_id),
                "name": name,
                "label": spec.get("label") or name,
                "order": order,
                "type": "option",
                "createdAt": now,
                "updatedAt": now,
            }
            next_id += 1
        options.append(option)
    return options


def store_value(table: str, row: str, column: dict[str, Any], value: Any) -> Any:
    """Turn one written cell into the shape HubDB stores and returns; raise naming the cell.

    Args:
        table: table name, for the error message.
        row: row id (or ``"new row"``), for the error message.
        column: the stored column definition.
        value: what the caller wrote (HubDB's shape or a plainer one: a bare
            option name, an image URL, an ISO date).
    """
    if value is None:
        return None
    kind, name = column["type"], column["name"]
    where = f"Table {table}, row {row}, column {name}"

    def fail(problem: str) -> HubDBError:
        return bad_request(f"{where}: {problem}", table=table, row=row, column=name)

    if kind in TEXT_TYPES or kind == "CODE":
        if not isinstance(value, str):
            raise fail(f"{kind} value must be a string, got {type(value).__name__}")
        limit = MAX_RICHTEXT if kind == "RICHTEXT" else MAX_TEXT
        if len(value) > limit:
            raise fail(f"{kind} value is {len(value)} characters; HubDB allows {limit}")
        return value
    if kind in NUMERIC_TYPES:
        return _number(value, fail)
    if kind == "BOOLEAN":
        return _boolean(value, fail)
    if kind in TIME_TYPES:
        millis = epoch_millis(value)
        if millis is None:
            raise fail(f"{kind} value must be epoch milliseconds or an ISO date, got {value!r}")
        return millis - millis % _DAY_MS if kind == "DATE" else millis
    if kind == "SELECT":
        if isinstance(value, list):
            raise fail("SELECT takes one option, not a list")
        return _option(column, value, fail)
    if kind == "MULTISELECT":
        items = value if isinstance(value, list) else [value]
        return [_option(column, item, fail) for item in items]
    if kind == "IMAGE":
        return _image(value, fail)
    if kind == "LOCATION":
        if not isinstance(value, dict) or "lat" not in value or "long" not in value:
            raise fail("LOCATION value must be {lat, long}")
        return {
            "lat": _number(value["lat"], fail),
            "long": _number(value["long"], fail),
            "type": "location",
        }
    if kind == "FOREIGN_ID":
        items = value if isinstance(value, list) else [value]
        return [_foreign_id(item, fail) for item in items]
    return value


def _number(value: Any, fail) -> int | float:
    if isinstance(value, bool):
        raise fail("NUMBER value must be a number, got a boolean")
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise fail(f"NUMBER value must be a number, got {value!r}") from None
    if not isinstance(value, int | float) or (
        isinstance(value, float) and not math.isfinite(value)
    ):
        raise fail(f"NUMBER value must be a finite number, got {value!r}")
    return int(value) if float(value).is_integer() and abs(value) < 2**53 else value


def _boolean(value: Any, fail) -> int:
    if isinstance(value, bool) or value in (0, 1):
        return int(value)
    if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
        return int(value.lower() in ("true", "1"))
    raise fail(f"BOOLEAN value must be true/false or 1/0, got {value!r}")


def _option(column: dict[str, Any], value: Any, fail) -> dict[str, str]:
    """Find the column's option by id or name; HubDB rejects options not defined first."""
    if isinstance(value, dict):
        wanted = [str(value[k]) for k in ("id", "name") if value.get(k) is not None]
    else:
        wanted = [str(value)]
    for option in column.get("options", []):
        if option["id"] in wanted or option["name"] in wanted:
            return {"id": option["id"], "name": option["name"], "type": "option"}
    known = ", ".join(o["name"] for o in column.get("options", [])) or "none"
    raise fail(
        f"option {' / '.join(wanted) or value!r} does not exist in the column (options: {known});"
        " add it to the column before using it"
    )


def _image(value: Any, fail) -> dict[str, Any]:
    if isinstance(value, str):
        value = {"url": value}
    if not isinstance(value, dict) or not isinstance(value.get("url"), str) or not value["url"]:
        raise fail("IMAGE value must be {url, altText?, width?, height?}")
    image = {
        "url": value["url"],
        "altText": value.get("altText"),
        "width": value.get("width"),
        "height": value.get("height"),
        "type": "image",
    }
    for key in ("width", "height"):
        if image[key] is not None:
            image[key] = int(_number(image[key], fail))
    return image


def _foreign_id(value: Any, fail) -> dict[str, str]:
    if isinstance(value, dict) and value.get("id") is not None:
        return {"id": str(value["id"]), "name": str(value.get("name") or ""), "type": "foreignid"}
    if isinstance(value, str | int) and not isinstance(value, bool):
        return {"id": str(value), "name": "", "type": "foreignid"}
    raise fail(f"FOREIGN_ID value must be a row id or {{id, name}}, got {value!r}")


def sort_key(kind: str, value: Any) -> Any:
    """A key that orders stored values the way HubDB compares them (numbers numerically)."""
    if value is None:
        return None
    if kind == "SELECT":
        return value["name"]
    if kind == "MULTISELECT":
        return ",".join(o["name"] for o in value)
    if kind == "IMAGE":
        return value["url"]
    if kind == "FOREIGN_ID":
        return ",".join(o["id"] for o in value)
    if isinstance(value, dict | list):
        return str(value)
    return value
