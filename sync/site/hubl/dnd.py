"""Drag-and-drop areas (``dnd_area``, ``dnd_section`` … ``dnd_module``) with HubSpot's markup.

HubSpot renders a 12-column grid of ``row-fluid-wrapper``/``row-fluid`` rows and
``spanN widget-span`` cells, tagging each level ``dnd-section``,
``dnd-column``, ``dnd-row`` and ``dnd-module``; section styles (padding,
background, max width, alignment) become classes such as
``main-row-0-padding`` whose rules go into ``standard_header_includes``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import escape

from sync.site.hubl.errors import HublProblem
from sync.site.hubl.module_tags import collect_attributes, render_module
from sync.site.hubl.tags import TagCall, tag

_ALIGN = {"TOP": "flex-start", "MIDDLE": "center", "BOTTOM": "flex-end"}
_HORIZONTAL = {"LEFT": "flex-start", "CENTER": "center", "RIGHT": "flex-end"}
# background_image's backgroundPosition values (HubSpot's dnd_section parameter) as CSS.
_POSITION = {"TOP": "top", "MIDDLE": "center", "BOTTOM": "bottom",
             "LEFT": "left", "CENTER": "center", "RIGHT": "right"}


@dataclass
class Area:
    """The dnd_area being rendered and its section/module counters."""

    name: str
    sections: int = 0
    modules: int = 0
    depth: list[str] = field(default_factory=list)


def _area(call: TagCall) -> Area:
    for item in reversed(call.page.dnd_stack):
        if isinstance(item, Area):
            return item
    raise HublProblem(f"{call.name} outside a dnd_area", f"put {call.name} inside "
                      "{% dnd_area %} … {% end_dnd_area %}")


def _span(call: TagCall, kind: str, css: str, body: str) -> str:
    width = int(call.get("width", 12))
    offset = int(call.get("offset", 0))
    if not 1 <= width <= 12 or not 0 <= offset <= 11:
        raise HublProblem(f"{call.name} width={width} offset={offset} is off the 12-column grid",
                          "use width 1-12 and offset 0-11")
    return (f'<div class="span{width} widget-span widget-type-{kind} {css}" style="" '
            f'data-widget-type="{kind}" data-x="{offset}" data-w="{width}">\n'
            f"{body}\n</div><!--end widget-span -->")


def _nested(call: TagCall, level: str) -> tuple[int, int, str]:
    """Render the body one level deeper; returns HubSpot's row number and depth with it."""
    number = call.page.next("dnd_row")
    depth = 1 + len([i for i in call.page.dnd_stack if i == "row"])
    call.page.dnd_stack.append(level)
    try:
        return number, depth, call.render_body()
    finally:
        call.page.dnd_stack.pop()


def _row(number: int, depth: int, classes: str, body: str) -> str:
    return (f'<div class="row-fluid-wrapper row-depth-{depth} row-number-{number + 1} {classes}">'
            f'\n<div class="row-fluid ">\n{body}\n</div><!--end row-->\n'
            f"</div><!--end row-wrapper -->")


@tag("dnd_area", "dnd_grid_area", block=True)
def dnd_area(call: TagCall) -> str:
    name = str(call.arg(0) or call.get("name") or f"dnd_area_{call.page.next('dnd_area')}")
    call.page.dnd_stack.append(Area(name))
    try:
        body = call.render_body()
    finally:
        call.page.dnd_stack.pop()
    extra = f" {escape(call.get('class'))}" if call.get("class") else ""
    return (f'<div class="container-fluid{extra}">\n<div class="row-fluid-wrapper">\n'
            f'<div class="row-fluid">\n<div class="span12 widget-span widget-type-cell " '
            f'style="" data-widget-type="cell" data-x="0" data-w="12">\n{body}\n'
            f"</div><!--end widget-span -->\n</div>\n</div>\n</div>")


@tag("dnd_section", "dnd_grid_section", block=True)
def dnd_section(call: TagCall) -> str:
    area = _area(call)
    prefix = f"{area.name}-row-{area.sections}"
    area.sections += 1
    classes = _section_styles(call, prefix)
    number, depth, body = _nested(call, "row")
    return _row(number, depth, " ".join([*classes[:1], "dnd-section", *classes[1:]]), body)


@tag("dnd_column", block=True)
def dnd_column(call: TagCall) -> str:
    _area(call)
    call.page.dnd_stack.append("column")
    try:
        body = call.render_body()
    finally:
        call.page.dnd_stack.pop()
    return _span(call, "cell", "dnd-column", body)


@tag("dnd_row", "dnd_grid_container", block=True)
def dnd_row(call: TagCall) -> str:
    _area(call)
    number, depth, body = _nested(call, "row")
    return _row(number, depth, "dnd-row", body)


@tag("dnd_module", "dnd_grid_module", block=True)
def dnd_module(call: TagCall) -> str:
    area = _area(call)
    name = str(call.arg(0) or f"{area.name}-module-{area.modules + 1}")
    area.modules += 1
    params = {k: v for k, v in call.params.items() if k not in ("offset", "width")}
    params.update(collect_attributes(call))
    path = params.get("path")
    if not path:
        raise HublProblem("dnd_module needs path=", 'add path="@hubspot/rich_text" or '
                          'path="../modules/<name>"')
    html = render_module(call.hubl, str(path), params, name=name, template=call.template,
                         line=call.line)
    positioning = _module_positioning(call, name)
    return _span(call, "custom_widget", " ".join([*positioning, "dnd-module"]), html)


def _module_positioning(call: TagCall, name: str) -> list[str]:
    """HubSpot's ``<name>-flexbox-positioning`` class for a module's alignment, rules to the head.

    ``horizontal_alignment`` (LEFT/CENTER/RIGHT) and the older ``flexbox_positioning``
    (``MIDDLE_CENTER`` …) lay the module out as a flex column, as HubSpot's page CSS does.
    """
    vertical, horizontal = "TOP", str(call.get("horizontal_alignment", "")).upper()
    if call.get("flexbox_positioning"):
        vertical, _, horizontal = str(call.get("flexbox_positioning")).upper().partition("_")
    if horizontal not in _HORIZONTAL:
        return []
    cls = f"{name}-flexbox-positioning"
    rule = (f".{cls} {{ display: -ms-flexbox !important; -ms-flex-direction: column !important;"
            f" -ms-flex-align: {_HORIZONTAL[horizontal]} !important; display: flex !important;"
            f" flex-direction: column !important; align-items: {_HORIZONTAL[horizontal]}"
            f" !important; justify-content: {_ALIGN.get(vertical, 'flex-start')}; }}"
            f" .{cls} > div {{ max-width: 100%; flex-shrink: 0 !important; }}")
    call.page.add_head(f"<style>{rule}</style>", key=f"dnd:{cls}")
    return [cls]


def _px(value: Any) -> str:
    if isinstance(value, dict):
        return f"{value.get('value', 0)}{value.get('units', 'px')}"
    text = str(value)
    return text if text and not text.lstrip("-").replace(".", "").isdigit() else f"{text}px"


def _sides(value: Any) -> dict[str, Any]:
    if isinstance(value, dict) and "default" in value and isinstance(value["default"], dict):
        return value["default"]
    return value if isinstance(value, dict) else {}


def _color(value: Any) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    if "color" in value:
        color = str(value["color"])
        opacity = value.get("opacity")
        if opacity is None or not color.startswith("#") or len(color) != 7:
            return color
        r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
        return f"rgba({r}, {g}, {b}, {float(opacity) / 100:g})"
    return f"rgba({value.get('r', 0)}, {value.get('g', 0)}, {value.get('b', 0)}, " \
           f"{value.get('a', 1)})"


def _position(value: Any) -> str:
    """``MIDDLE_CENTER`` (HubSpot's enum) as ``center center``; CSS values pass through."""
    vertical, _, horizontal = str(value or "MIDDLE_CENTER").upper().partition("_")
    if vertical in _POSITION and horizontal in _POSITION:
        return f"{_POSITION[horizontal]} {_POSITION[vertical]}"
    return str(value)


def _section_styles(call: TagCall, prefix: str) -> list[str]:
    """Class names for the section's styles; their CSS goes to the page head."""
    rules: list[tuple[str, str, str]] = []
    for kind in ("padding", "margin"):
        sides = _sides(call.get(kind))
        if sides:
            body = " ".join(f"{kind}-{side}: {_px(v)} !important;" for side, v in sides.items())
            rules.append((f"{prefix}-{kind}", "", body))
    color = _color(call.get("background_color"))
    if color:
        rules.append((f"{prefix}-background-color", "", f"background-color: {color} !important;"))
    image = call.get("background_image")
    url = image.get("imageUrl") or image.get("backgroundImage") if isinstance(image, dict) else None
    if url:
        rules.append((f"{prefix}-background-image", "",
                      f"background-image: url('{url}') !important; "
                      f"background-size: {image.get('backgroundSize', 'cover')} !important; "
                      f"background-position: {_position(image.get('backgroundPosition'))} "
                      "!important;"))
    if call.get("max_width"):
        rules.append((f"{prefix}-max-width-section-centering", " > .row-fluid",
                      f"max-width: {_px(call.get('max_width'))} !important; "
                      "margin-left: auto !important; margin-right: auto !important;"))
    if call.get("full_width"):
        rules.append((f"{prefix}-force-full-width-section", " > .row-fluid",
                      "max-width: none !important;"))
    align = _ALIGN.get(str(call.get("vertical_alignment", "")).upper())
    if align:
        rules.append((f"{prefix}-vertical-alignment", " > .row-fluid",
                      "display: flex !important; flex-direction: row;"
                      f" align-items: {align};"))
    for cls, child, body in rules:
        call.page.add_head(f"<style>.{cls}{child} {{ {body} }}</style>", key=f"dnd:{cls}")
    return [cls for cls, _, _ in rules]
