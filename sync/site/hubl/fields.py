"""Module and theme ``fields.json``: validation and the default values HubL exposes.

``module.<field>`` and ``theme.<field>`` start from each field's ``default``;
groups nest, repeaters (``occurrence``) are lists, and tag parameters override
top-level values.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sync.site.hubl.errors import HublError
from sync.site.hubl.field_hubl import mark
from sync.site.hubl.field_values import StyleValue

FIELD_TYPES = frozenset({
    "alignment", "backgroundimage", "blog", "boolean", "border", "boxshadow", "choice",
    "color", "crmobject", "crmobjectproperty", "cta", "date", "datetime", "email", "embed",
    "file", "followupemail", "font", "form", "gradient", "group", "hubdbrow", "hubdbtable",
    "hubspotvideo", "icon", "image", "link", "logo", "menu", "number", "page", "payment",
    "product", "richtext", "sfcampaign", "simplemenu", "spacing", "tag", "text",
    "textalignment", "url", "video", "videoplayer", "html", "accessibility",
})


def field_kind(field: dict[str, Any]) -> str:
    """A field's ``type`` as HubSpot reads it: case-insensitively (``"Group"`` is a group).

    HubSpot's own boilerplate has shipped ``"type": "Group"``; an unknown type comes back as
    written so the caller's error names it.
    """
    kind = field.get("type")
    if isinstance(kind, str) and kind.lower() in FIELD_TYPES:
        return kind.lower()
    return kind if isinstance(kind, str) else repr(kind)


def read_fields(path: Path) -> list[dict[str, Any]]:
    """Parse and check a ``fields.json``; errors name file:line and the field.

    Raises:
        HublError: invalid JSON, a field without ``name``/``type``, or an unknown type.
    """
    text = path.read_text(encoding="utf-8")
    try:
        fields = json.loads(text)
    except json.JSONDecodeError as exc:
        raise HublError(str(path), exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno})",
                        "fix the JSON syntax") from exc
    if not isinstance(fields, list):
        raise HublError(str(path), 1, "fields.json must be a list of fields",
                        "wrap the fields in [ … ]")
    _check(fields, path, text)
    return fields


def _check(fields: list[Any], path: Path, text: str) -> None:
    for field in fields:
        if not isinstance(field, dict) or "name" not in field or "type" not in field:
            raise HublError(str(path), _line_of(text, json.dumps(field)[:30]),
                            f"a field needs 'name' and 'type': {json.dumps(field)[:80]}",
                            "give every field a name and a type")
        if field_kind(field) not in FIELD_TYPES:
            raise HublError(str(path), _line_of(text, f'"{field["name"]}"'),
                            f"field {field['name']!r} has unknown type {field['type']!r}",
                            "use one of HubSpot's field types: " + ", ".join(sorted(FIELD_TYPES)))
        if field_kind(field) == "group":
            _check(field.get("children", []), path, text)


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def values_from_fields(fields: list[dict[str, Any]]) -> dict[str, Any]:
    """The value of every field from its defaults, as ``module.``/``theme.`` exposes it.

    Text defaults holding HubL come back marked (:mod:`field_hubl`) so the page
    render evaluates them.
    """
    return {field["name"]: mark(field, field_value(field)) for field in fields}


def field_value(field: dict[str, Any]) -> Any:
    """One field's default value; groups nest and repeaters are lists."""
    default = field.get("default")
    repeated = bool(field.get("occurrence"))
    kind = field_kind(field)
    if kind == "group":
        base = values_from_fields(field.get("children", []))
        if repeated:
            items = default if isinstance(default, list) else []
            return [{**base, **item} if isinstance(item, dict) else item for item in items]
        return {**base, **default} if isinstance(default, dict) else base
    if repeated:
        return default if isinstance(default, list) else ([] if default is None else [default])
    if default is None:
        return _empty_value(kind)
    return default


def _empty_value(kind: str) -> Any:
    """What HubSpot gives a field with no default."""
    if kind == "boolean":
        return False
    if kind == "image":
        return {"src": "", "alt": "", "width": None, "height": None, "loading": "lazy"}
    if kind == "link":
        return {"url": {"href": "", "type": "EXTERNAL"}, "open_in_new_tab": False,
                "no_follow": False}
    if kind in ("spacing", "font", "border"):
        return StyleValue()
    if kind in ("color", "backgroundimage", "alignment"):
        return {}
    return None
