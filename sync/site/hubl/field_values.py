"""What HubSpot derives from field values: ``inherited_value`` defaults and ``.css``/``.style``.

A theme's font field can inherit its family from another field
(``"inherited_value": {"property_value_paths": {"font": "theme.global_fonts.primary.font"}}``)
and templates print ``{{ theme.text.h1.font.style }}``, ``{{ field.spacing.css }}`` or
``{{ field.border.css }}``: declarations HubSpot computes from the value. They are
computed here the same way for theme and module fields and for values passed in
tag parameters.
"""

from __future__ import annotations

import re
from typing import Any

_SIDES = ("top", "right", "bottom", "left")
_FONT_KEYS = frozenset({"font", "font_set", "size", "size_unit", "variant", "fallback", "styles"})
_VARIANT = re.compile(r"^(\d{3})?(regular|italic|normal)?$")


class StyleValue(dict):  # type: ignore[type-arg]
    """A font, spacing or border field left unset: HubSpot still gives it an empty ``.css``."""


def derived(value: dict[str, Any], attribute: str) -> str | None:
    """``.css``/``.style`` of a font, spacing or border value; ``None`` for other dicts."""
    if attribute not in ("css", "style"):
        return None
    if isinstance(value, StyleValue) and not value:
        return ""
    if "padding" in value or "margin" in value:
        return spacing_css(value)
    if any(isinstance(value.get(side), dict) for side in _SIDES):
        return border_css(value)
    if _FONT_KEYS & value.keys() or "color" in value and attribute == "style":
        return font_css(value, with_color_and_size=attribute == "css")
    return None


def font_css(font: dict[str, Any], *, with_color_and_size: bool) -> str:
    """``font-family: …; font-style: …; font-weight: …;`` plus styles (and colour, size)."""
    parts: list[str] = []
    family = str(font.get("font") or "")
    if family:
        quoted = f"'{family}'" if " " in family else family
        fallback = str(font.get("fallback") or "")
        parts.append(f"font-family: {quoted}{', ' + fallback if fallback else ''}")
    match = _VARIANT.match(str(font.get("variant") or ""))
    if font.get("variant") and match:
        weight, style = match.group(1), match.group(2)
        parts.append(f"font-style: {'italic' if style == 'italic' else 'normal'}")
        parts.append(f"font-weight: {weight or 'normal'}")
    styles = font.get("styles") if isinstance(font.get("styles"), dict) else {}
    parts.extend(f"{key}: {val}" for key, val in styles.items() if val not in (None, ""))
    if with_color_and_size:
        if font.get("color"):
            parts.append(f"color: {font['color']}")
        if font.get("size") not in (None, ""):
            parts.append(f"font-size: {font['size']}{font.get('size_unit') or 'px'}")
    # ``.style`` is used as ``{{ font.style }};`` and ``.css`` as a whole declaration list.
    return "; ".join(parts) + (";" if parts and with_color_and_size else "")


def spacing_css(spacing: dict[str, Any]) -> str:
    """``padding-top: 15px; …`` for each side that has a value."""
    parts = []
    for kind in ("padding", "margin"):
        sides = spacing.get(kind)
        for side in _SIDES:
            entry = sides.get(side) if isinstance(sides, dict) else None
            if isinstance(entry, dict) and entry.get("value") not in (None, ""):
                parts.append(f"{kind}-{side}: {entry['value']}{entry.get('units') or 'px'};")
    return " ".join(parts)


def border_css(border: dict[str, Any]) -> str:
    """``border-top: 1px solid rgba(…);`` for each side with a style."""
    parts = []
    for side in _SIDES:
        entry = border.get(side)
        if not isinstance(entry, dict) or not entry.get("style"):
            continue
        width = entry.get("width")
        size = (f"{width.get('value', 0)}{width.get('units') or 'px'}"
                if isinstance(width, dict) else f"{width or 0}px")
        color = _rgba(entry.get("color"), entry.get("opacity"))
        parts.append(f"border-{side}: {size} {entry['style']}{' ' + color if color else ''};")
    return " ".join(parts)


def _rgba(color: Any, opacity: Any) -> str:
    text = str(color or "")
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", text):
        return text
    red, green, blue = (int(text[i:i + 2], 16) for i in (1, 3, 5))
    alpha = 1 if opacity in (None, "") else float(opacity) / 100
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


def apply_inherited(fields: list[dict[str, Any]], values: dict[str, Any],
                    root: dict[str, Any]) -> None:
    """Fill properties a field leaves unset from its ``inherited_value`` paths (in place).

    Paths are ``theme.<field path>``; ``root`` holds the theme's values. Runs
    until nothing changes so chains (h1 → secondary font → primary colour) settle.
    """
    for _ in range(5):
        if not _inherit_once(fields, values, root):
            return


def _inherit_once(fields: list[dict[str, Any]], values: dict[str, Any],
                  root: dict[str, Any]) -> bool:
    changed = False
    for field in fields:
        name = field.get("name")
        value = values.get(name) if isinstance(values, dict) else None
        if str(field.get("type") or "").lower() == "group" and isinstance(value, dict):
            changed |= _inherit_once(field.get("children", []), value, root)
            continue
        paths = (field.get("inherited_value") or {}).get("property_value_paths") or {}
        if not paths or not isinstance(value, dict) and value is not None:
            continue
        if value is None:
            value = values[name] = {}
        for prop, source in paths.items():
            found = _lookup(root, str(source).removeprefix("theme.").split("."))
            if found is not None and _lookup(value, prop.split(".")) in (None, ""):
                _assign(value, prop.split("."), found)
                changed = True
    return changed


def _lookup(data: Any, path: list[str]) -> Any:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _assign(data: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        data = data.setdefault(key, {})
    data[path[-1]] = value
