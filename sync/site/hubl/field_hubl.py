"""HubL written in rich text field defaults (``©&nbsp;{{ year }}``), evaluated as HubSpot does.

HubSpot renders the HubL a rich text value holds: its rich text editor stores
personalization tokens as HubL (``{{ personalization_token('contact.firstname',
'') }}``) and the page render resolves them, the way Jinjava's expression
output step re-renders a printed string holding ``{{``/``{%`` ("nested
interpretation"). A theme's ``fields.json`` defaults are written by the
theme's author like its templates, so HubL in a rich text default is
evaluated here in the page's context (``year``, ``content`` …). Plain text
fields print as written: their braces are often data for someone else, such
as a Shopify money format ``€{{amount}}``. Values from data (HubDB rows, the
request, tag parameters) are never interpreted, so product text cannot
inject HubL.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# Field types whose string default HubSpot renders as HubL.
HUBL_TEXT_TYPES = frozenset({"richtext"})


class FieldHubl(str):
    """A field default holding HubL, evaluated when the page renders it."""

    __slots__ = ()


def holds_hubl(text: str) -> bool:
    return "{{" in text or "{%" in text


def mark(field: dict[str, Any], value: Any) -> Any:
    """``value`` (a field's default value) with HubL-holding strings marked, recursively."""
    kind = str(field.get("type") or "").lower()  # HubSpot reads types case-insensitively
    if field.get("occurrence") and isinstance(value, list):
        single = {k: v for k, v in field.items() if k != "occurrence"}
        return [mark(single, item) for item in value]
    if kind == "group" and isinstance(value, dict):
        children = {c.get("name"): c for c in field.get("children", []) if isinstance(c, dict)}
        return {key: mark(children[key], item) if key in children else item
                for key, item in value.items()}
    if kind in HUBL_TEXT_TYPES and isinstance(value, str) and holds_hubl(value):
        return FieldHubl(value)
    return value


def evaluate(value: Any, render: Callable[[str], str]) -> Any:
    """``value`` with every :class:`FieldHubl` replaced by ``render(text)``; the rest as is."""
    if isinstance(value, FieldHubl):
        return render(str(value))
    if isinstance(value, dict):
        return {key: evaluate(item, render) for key, item in value.items()}
    if isinstance(value, list):
        return [evaluate(item, render) for item in value]
    return value


def has_marks(value: Any) -> bool:
    """True if anything in ``value`` is a :class:`FieldHubl` (skip the walk when not)."""
    if isinstance(value, FieldHubl):
        return True
    if isinstance(value, dict):
        return any(has_marks(item) for item in value.values())
    if isinstance(value, list):
        return any(has_marks(item) for item in value)
    return False
