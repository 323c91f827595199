"""The ``module`` family: resolving module paths, merging fields, wrapping output like HubSpot.

``{% module "hero" path="../modules/hero" heading="Hi" %}`` renders
``modules/hero.module/module.html`` with ``module`` = the module's field
defaults overridden by the tag's parameters, inside HubSpot's
``hs_cos_wrapper`` div. ``@hubspot/...`` paths render built-in modules.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import escape

from sync.site.hubl.builtin_modules import BUILTIN_MODULES
from sync.site.hubl.dialect import resolve_theme_path
from sync.site.hubl.errors import HublProblem
from sync.site.hubl.field_hubl import evaluate, has_marks
from sync.site.hubl.fields import read_fields, values_from_fields
from sync.site.hubl.page import current_page
from sync.site.hubl.placeholders import wrapper
from sync.site.hubl.tags import TagCall, tag

if TYPE_CHECKING:
    from sync.site.hubl.environment import HublEnvironment

# Tag parameters that configure the module rather than set a field.
CONTROL_PARAMS = frozenset({"path", "label", "no_wrapper", "extra_classes", "overrideable",
                            "export_to_template_context", "unique_in_loop", "module_id",
                            "block_name", "wrap_field_tag", "offset", "width",
                            "flexbox_positioning",
                            "css_class", "styles"})
# A module's template: ``module.html``, or ``module.hubl.html`` as newer themes name it.
MODULE_TEMPLATES = ("module.html", "module.hubl.html")


@dataclass(frozen=True)
class ModuleSource:
    """Where a module lives: a theme-relative folder (``modules/x.module``) or a built-in."""

    path: str
    folder: str
    directory: Path | None
    builtin: str | None = None

    @property
    def kind(self) -> str:
        return self.builtin or "module"

    def defaults(self) -> dict[str, Any]:
        if self.directory is None:
            return dict(BUILTIN_MODULES[self.builtin or ""].defaults)
        fields = self.directory / "fields.json"
        return values_from_fields(read_fields(fields)) if fields.exists() else {}


def resolve_module(env: HublEnvironment, path: str, template: str) -> ModuleSource:
    """Find a module by its HubL path, relative to ``template`` or ``@hubspot/…``."""
    text = str(path or "").strip()
    if not text:
        raise HublProblem("module tag without path", 'add path="../modules/<name>"')
    if text.startswith("@hubspot/"):
        name = text.removeprefix("@hubspot/")
        if name not in BUILTIN_MODULES:
            raise HublProblem(f"unknown HubSpot built-in module {text}",
                              "use one of: " + ", ".join(f"@hubspot/{n}" for n in
                                                         sorted(BUILTIN_MODULES)))
        return ModuleSource(text, "", None, name)
    folder = resolve_theme_path(env.theme_dir, text, template)
    if not folder.endswith(".module"):
        folder += ".module"
    candidate = env.theme_dir / folder
    if candidate.is_dir():
        return ModuleSource(text, folder, candidate)
    if folder.startswith("modules/"):
        for modules_dir in env.modules_dirs:
            other = modules_dir / folder.removeprefix("modules/")
            if other.is_dir():
                return ModuleSource(text, folder, other)
    raise HublProblem(f"module not found: {text} (looked for {folder})",
                      "module paths are relative to the template using them, "
                      "e.g. ../modules/<name> from templates/")


def render_module(env: HublEnvironment, path: str, params: dict[str, Any], *, name: str,
                  template: str, line: int, wrapper_classes: str = "") -> str:
    """Render a module with its fields merged, wrapped like HubSpot (unless ``no_wrapper``)."""
    source = resolve_module(env, path, template)
    page = current_page()
    values = source.defaults()
    widgets = page.variables.get("content", {}).get("widgets", {})
    saved = widgets.get(name, {}).get("body") if isinstance(widgets.get(name), dict) else None
    if isinstance(saved, dict):
        values.update(saved)
    values.update({k: v for k, v in params.items() if k not in CONTROL_PARAMS})
    if has_marks(values):
        values = evaluate(values, lambda text: env.render_field_hubl(text, source.folder or path))
    if params.get("export_to_template_context"):
        page.variables.setdefault("widget_data", {})[name] = values
        return ""
    page.module_stack.append(name)
    try:
        if source.builtin:
            inner = BUILTIN_MODULES[source.builtin].render(env, values, name)
        else:
            inner = _render_custom(env, source, values, name)
    finally:
        page.module_stack.pop()
    if params.get("no_wrapper"):
        return inner
    extra = f" {escape(params['extra_classes'])}" if params.get("extra_classes") else ""
    return wrapper(source.kind, name, inner, extra=extra + wrapper_classes)


def _render_custom(env: HublEnvironment, source: ModuleSource, values: dict[str, Any],
                   name: str) -> str:
    assert source.directory is not None  # noqa: S101 - built-ins handled by the caller
    page = current_page()
    base = env.assets_base_url + source.folder
    if (source.directory / "module.css").exists():
        page.add_head(f'<link rel="stylesheet" href="{base}/module.css">',
                      key=f"{source.folder}/module.css")
    if (source.directory / "module.js").exists():
        page.add_footer(f'<script src="{base}/module.js"></script>',
                        key=f"{source.folder}/module.js")
    for template in MODULE_TEMPLATES:
        if (source.directory / template).exists():
            return env.render_nested(f"{source.folder}/{template}",
                                     {"module": values, "name": name})
    raise HublProblem(f"{source.folder} has no module.html", "add module.html")


def _module_name(call: TagCall) -> str:
    given = call.arg(1) if call.name in ("module_block", "widget_block") else call.arg(0)
    return str(given or call.get("module_id") or f"module_{call.page.next('module')}")


@tag("module", "custom_widget", "global_module", "global_widget", "global_block")
def module_tag(call: TagCall) -> str:
    name = _module_name(call)
    path = call.get("path") or call.get("block_path") or ""
    if not path and call.name == "custom_widget":
        raise HublProblem("custom_widget needs path=", 'add path="../modules/<name>"')
    html = render_module(call.hubl, path, dict(call.params), name=name, template=call.template,
                         line=call.line)
    if call.name.startswith("global_"):
        return f'<div data-global-resource-path="{escape(path)}">{html}</div>'
    return html


@tag("module_block", "widget_block", block=True)
def module_block(call: TagCall) -> str:
    kind = str(call.arg(0) or "module")
    params = dict(call.params)
    params.update(collect_attributes(call))
    path = params.get("path") or (f"@hubspot/{kind}" if kind not in ("module", "widget")
                                  else "")
    return render_module(call.hubl, path, params, name=_module_name(call),
                         template=call.template, line=call.line)


def collect_attributes(call: TagCall) -> dict[str, Any]:
    """Render a block body whose ``module_attribute`` tags set fields; returns them."""
    page = call.page
    page.attribute_stack.append({})
    try:
        call.render_body()
    finally:
        attributes = page.attribute_stack.pop()
    return attributes


@tag("module_attribute", "widget_attribute", "targeted_module_attribute",
     "targeted_widget_attribute", block=True)
def module_attribute(call: TagCall) -> str:
    page = call.page
    if not page.attribute_stack:
        raise HublProblem(f"{call.name} outside module_block/dnd_module",
                          f"put {call.name} inside a module_block or dnd_module")
    field = str(call.arg(0) or call.get("name") or "")
    body = call.render_body()
    value: Any = body
    if call.get("is_json"):
        try:
            value = json.loads(body)
        except json.JSONDecodeError as exc:
            raise HublProblem(f"{call.name} {field!r} is_json=True but its body is not JSON: "
                              f"{exc.msg}", "fix the JSON in the attribute body") from exc
    page.attribute_stack[-1][field] = value
    return ""


@tag("global_partial", "include_dnd_partial", "include_dnd_grid_partial")
def partial(call: TagCall) -> str:
    path = str(call.get("path") or call.arg(0) or "")
    if not path:
        raise HublProblem(f"{call.name} needs path=", 'add path="../partials/<file>.html"')
    name = resolve_theme_path(call.hubl.theme_dir, path, call.template)
    html = call.hubl.render_nested(name, {k: v for k, v in call.params.items() if k != "path"})
    if call.name == "global_partial":
        resource = f"{call.hubl.theme_dir.name}/{name}"
        return f'<div data-global-resource-path="{escape(resource)}">{html}</div>'
    return html


@tag("require_css", "require_head", block=True)
def require_head(call: TagCall) -> str:
    call.page.add_head(call.render_body().strip())
    return ""


@tag("require_js", block=True)
def require_js(call: TagCall) -> str:
    body = call.render_body().strip()
    if call.get("position", "footer") == "head":
        call.page.add_head(body)
    else:
        call.page.add_footer(body)
    return ""


_SELECTOR = re.compile(r"(^|})\s*([^{}@]+?)\s*{")


@tag("scope_css", block=True)
def scope_css(call: TagCall) -> str:
    """Prefix each selector with the current module's wrapper id, like HubSpot."""
    body = call.render_body()
    page = call.page
    if not page.module_stack:
        return body
    scope = f"#hs_cos_wrapper_{page.module_stack[-1]}"

    def prefix(match: re.Match[str]) -> str:
        selectors = ", ".join(f"{scope} {s.strip()}" for s in match.group(2).split(","))
        return f"{match.group(1)}\n{selectors} {{"

    return _SELECTOR.sub(prefix, body)


@tag("content_attribute", "style_settings", block=True)
def content_attribute(call: TagCall) -> str:
    body = call.render_body()
    if call.name == "content_attribute" and call.arg(0):
        content = call.page.variables.setdefault("content", {})
        if not content.get(str(call.arg(0))):
            content[str(call.arg(0))] = body
    return ""


@tag("widget_container", "widget_wrapper", "flip", block=True)
def container(call: TagCall) -> str:
    body = call.render_body()
    if call.name == "widget_container":
        name = str(call.arg(0) or f"container_{call.page.next('container')}")
        return wrapper("widget_container", name, body)
    return body
