"""HubL's field tags (``text``, ``rich_text``, ``linked_image``, ``icon``, ``logo``, ``menu`` …).

Each is the built-in module of the same name placed by a tag:
``{% rich_text "intro" html="<p>Hi</p>" %}`` equals
``{% module "intro" path="@hubspot/rich_text" html="<p>Hi</p>" %}``.
"""

from __future__ import annotations

from markupsafe import escape

from sync.site.hubl.module_tags import render_module
from sync.site.hubl.tags import TagCall, tag

_BUILTIN_PLACEHOLDERS = ("cta", "image_slider", "icon", "menu")
"""Built-ins whose data only HubSpot hosts: CTAs, slider images, its icon library, menus."""


def _render(call: TagCall, builtin: str) -> str:
    name = str(call.arg(0) or f"{call.name}_{call.page.next(call.name)}")
    return render_module(call.hubl, f"@hubspot/{builtin}", dict(call.params), name=name,
                         template=call.template, line=call.line)


@tag("text", "textarea", "rich_text", "header", "section_header", "linked_image", "image",
     "boolean", "choice", "color", "raw_html", "logo", "simple_menu", "space")
def field_tag(call: TagCall) -> str:
    return _render(call, call.name)


@tag(*_BUILTIN_PLACEHOLDERS, placeholder=True)
def hosted_field_tag(call: TagCall) -> str:
    return _render(call, call.name)


@tag("image_src")
def image_src(call: TagCall) -> str:
    """Prints the src alone, no wrapper (used inside attributes)."""
    return str(call.get("src", ""))


@tag("inline_text", "inline_rich_text", "inline_text_field", "inline_richtext_field",
     "inline_image_field")
def inline_field(call: TagCall) -> str:
    field = str(call.get("field", ""))
    value = call.get("value")
    if value is None:
        module = call.variable("module", {})
        value = module.get(field, "") if isinstance(module, dict) else ""
    kind = call.name.replace("_field", "").replace("richtext", "rich_text")
    element = "div" if "rich" in kind else "span"
    if kind == "inline_image":
        return str(value.get("src", "") if isinstance(value, dict) else value)
    return (f'<{element} id="hs_cos_wrapper_{escape(field)}" class="hs_cos_wrapper '
            f'hs_cos_wrapper_meta_field hs_cos_wrapper_type_{kind}" style="" '
            f'data-hs-cos-general-type="meta_field" data-hs-cos-type="{kind}" '
            f'data-hs-cos-field="{escape(field)}">{value}</{element}>')
