"""HubL's expression tests beyond Jinja's (``is string_containing``, ``is truthy`` …)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _containing(value: Any, item: Any) -> bool:
    try:
        return item in value
    except TypeError:
        return False


def _containingall(value: Any, items: Any) -> bool:
    return all(_containing(value, item) for item in items or [])


HUBL_TESTS: dict[str, Any] = {
    "containing": _containing,
    "containingall": _containingall,
    "string_containing": lambda v, s: isinstance(v, str) and str(s) in v,
    "string_startingwith": lambda v, s: isinstance(v, str) and v.startswith(str(s)),
    "truthy": lambda v: bool(v) and v not in ("false", "False"),
    "within": lambda v, seq: _containing(seq, v),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, float),
    "mapping": lambda v: isinstance(v, Mapping),
    "divisibleby": lambda v, n: n != 0 and float(v) % float(n) == 0,
}
