"""Check a HubSpot theme folder before anyone renders or uploads it: JSON files and annotations.

HubSpot rejects a bad ``fields.json`` or template at upload time with a terse
message; this finds the same mistakes locally, all in one pass, each as
file:line with the fix, so ``hubshop theme upload`` can refuse to publish them.
What HubSpot accepts (``content_types: ["ANY"]`` in a marketplace theme's
meta.json) passes; what it only flags (a ``preview_path`` that points nowhere)
is a warning, which :func:`check_theme` reports apart from the errors.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sync.errors import InputError
from sync.site.hubl.fields import FIELD_TYPES, field_kind
from sync.site.hubl.module_tags import MODULE_TEMPLATES

# HubSpot's templateType values (its template docs and its theme validator): pages, blog,
# email, partials, and the system pages a website's settings point at.
TEMPLATE_TYPES = frozenset({
    "page", "email", "blog", "blog_listing", "blog_post", "none", "global_partial", "section",
    "error_page", "password_prompt_page", "search_results_page",
    "email_subscription_preferences_page", "email_backup_unsubscribe_page",
    "email_subscriptions_confirmation_page",
    "membership_login_page", "membership_register_page", "membership_reset_page",
    "membership_reset_request_page", "membership_email_page",
    "quote", "drag_drop_email", "knowledge_article", "starter_landing_pages", "proposal",
})
# meta.json ``content_types`` (HubSpot's module configuration reference) and the older
# ``host_template_types`` it replaced; HubSpot accepts either key with either vocabulary,
# and ``ANY`` (published marketplace themes use it) means every content type.
CONTENT_TYPES = frozenset({"ANY", "LANDING_PAGE", "SITE_PAGE", "BLOG_POST", "BLOG_LISTING",
                           "EMAIL", "KNOWLEDGE_BASE", "QUOTE_TEMPLATE", "CUSTOMER_PORTAL",
                           "WEB_INTERACTIVE", "SUBSCRIPTION", "MEMBERSHIP"})
HOST_TEMPLATE_TYPES = frozenset({"ANY", "PAGE", "BLOG_POST", "BLOG_LISTING", "EMAIL",
                                 "QUOTE_TEMPLATE", "KNOWLEDGE_BASE", "CASE_STUDY"}) | CONTENT_TYPES
_ANNOTATION = re.compile(r"\A\s*<!--(.*?)-->", re.DOTALL)
_FIELD_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class ThemeWarning(InputError):
    """Something HubSpot accepts but flags; reported, never a reason to refuse the theme."""


@dataclass
class ValidationReport:
    """What :func:`check_theme` found: errors HubSpot would refuse, warnings it would flag."""

    errors: list[InputError] = dataclasses.field(default_factory=list)
    warnings: list[InputError] = dataclasses.field(default_factory=list)


def validate_theme(theme_dir: Path, modules_dirs: Iterable[Path] = ()) -> list[InputError]:
    """Every error in the theme (and extra module folders), in file order.

    Args:
        theme_dir: a HubSpot theme root (holds ``theme.json``), ours or anyone's.
        modules_dirs: folders of ``name.module`` directories merged in at build/upload.
    """
    return check_theme(theme_dir, modules_dirs).errors


def check_theme(theme_dir: Path, modules_dirs: Iterable[Path] = ()) -> ValidationReport:
    """Errors and warnings of the theme, each file:line with the fix."""
    found = _problems(Path(theme_dir), list(modules_dirs))
    return ValidationReport([p for p in found if not isinstance(p, ThemeWarning)],
                            [p for p in found if isinstance(p, ThemeWarning)])


def _problems(theme_dir: Path, modules_dirs: list[Path]) -> list[InputError]:
    if not theme_dir.is_dir():
        return [InputError(str(theme_dir), "theme folder not found", "pass the theme's root")]
    errors: list[InputError] = []
    errors += _check_theme_json(theme_dir)
    if (theme_dir / "fields.json").exists():
        errors += check_fields_file(theme_dir / "fields.json")
    module_dirs = sorted(theme_dir.rglob("*.module"))
    for extra in modules_dirs:
        module_dirs += sorted(Path(extra).glob("*.module"))
    for module in module_dirs:
        errors += check_module(module)
    templates = theme_dir / "templates"
    for path in sorted(templates.rglob("*.html")) if templates.is_dir() else []:
        errors += check_annotation(path)
    errors += _check_syntax(theme_dir, list(modules_dirs))
    return errors


def _load_json(path: Path) -> tuple[Any, str, list[InputError]]:
    text = path.read_text(encoding="utf-8")
    try:
        return json.loads(text), text, []
    except json.JSONDecodeError as exc:
        return None, text, [
            InputError(f"{path}:{exc.lineno}:{exc.colno}", f"invalid JSON: {exc.msg}",
                       "fix the JSON syntax")
        ]


def _line(text: str, needle: str, start: int = 0) -> int:
    index = text.find(needle, start)
    return text.count("\n", 0, index) + 1 if index >= 0 else 1


def _quoted(key: str) -> str:
    return json.dumps(key)


def _check_theme_json(theme_dir: Path) -> list[InputError]:
    path = theme_dir / "theme.json"
    if not path.exists():
        return [InputError(str(path), "missing", "a theme needs theme.json with at least a label")]
    data, text, errors = _load_json(path)
    if errors:
        return errors
    if not isinstance(data, dict):
        return [InputError(f"{path}:1", "theme.json must be an object", "wrap it in { … }")]
    if not isinstance(data.get("label"), str) or not data["label"].strip():
        errors.append(InputError(f"{path}:1", "missing 'label'", 'add "label": "Theme name"'))
    for key in ("preview_path", "screenshot_path"):
        value = data.get(key)
        if isinstance(value, str) and value and not (theme_dir / value).resolve().exists():
            errors.append(ThemeWarning(f"{path}:{_line(text, _quoted(key))}",
                                       f"{key} {value!r} does not exist",
                                       "point it at a file (HubSpot shows no preview)"))
    return errors


def check_fields_file(path: Path) -> list[InputError]:
    """A ``fields.json``: a list of fields with names, known types and sane defaults."""
    data, text, errors = _load_json(path)
    if errors:
        return errors
    if not isinstance(data, list):
        return [InputError(f"{path}:1", "fields.json must be a list of fields", "wrap in [ … ]")]
    return _check_fields(data, path, text, "")


def _check_fields(fields: list[Any], path: Path, text: str, parent: str) -> list[InputError]:
    errors: list[InputError] = []
    seen: set[str] = set()
    for field in fields:
        if not isinstance(field, dict):
            errors.append(InputError(f"{path}:1", f"a field must be an object, got {field!r}"))
            continue
        name = field.get("name")
        line = _line(text, f'"{name}"') if name else 1
        where = f"{path}:{line}"
        label = f"{parent}{name}"
        if not isinstance(name, str) or not _FIELD_NAME.match(name):
            errors.append(InputError(where, f"field name {name!r} is not valid",
                                     "use letters, digits and underscores"))
            continue
        if name in seen:
            errors.append(InputError(where, f"field '{label}' is defined twice", "rename one"))
        seen.add(name)
        kind = field_kind(field)
        if kind not in FIELD_TYPES:
            written = field.get("type")
            errors.append(InputError(where, f"field '{label}' has unknown type {written!r}",
                                     "use one of: " + ", ".join(sorted(FIELD_TYPES))))
            continue
        if kind != field.get("type"):
            errors.append(ThemeWarning(where, f"field '{label}' has type {field.get('type')!r}",
                                       f"HubSpot reads it as {kind!r}; write it in lower case"))
        errors += _check_default(field, kind, where, label)
        if kind == "group":
            children = field.get("children")
            if not isinstance(children, list):
                errors.append(InputError(where, f"group '{label}' needs a 'children' list"))
            else:
                errors += _check_fields(children, path, text, label + ".")
    return errors


def _check_default(field: dict[str, Any], kind: str, where: str, label: str) -> list[InputError]:
    default = field.get("default")
    if default is None or field.get("occurrence"):
        return []
    problems = {
        "boolean": not isinstance(default, bool),
        "number": isinstance(default, bool) or not isinstance(default, int | float),
        "text": not isinstance(default, str),
        "color": not isinstance(default, dict) or not ("color" in default
                                                        or _inherits(field, "color")),
        "font": not isinstance(default, dict),
    }
    if problems.get(kind):
        return [InputError(where, f"field '{label}' ({kind}) has default {default!r}",
                           f"give a {kind} default HubSpot accepts")]
    if kind == "choice":
        choices = field.get("choices")
        if not isinstance(choices, list) or not all(
            isinstance(c, list) and len(c) == 2 for c in choices
        ):
            return [InputError(where, f"choice field '{label}' needs choices [[value, label], …]")]
        values = [c[0] for c in choices]
        wanted = default if isinstance(default, list) else [default]
        missing = [v for v in wanted if v not in values]
        if missing:
            return [InputError(where, f"choice field '{label}' defaults to {missing[0]!r}",
                               f"pick one of {values}")]
    return []


def _inherits(field: dict[str, Any], key: str) -> bool:
    """Whether the field takes ``key`` from another field (``inherited_value``), as HubSpot allows
    a colour default of only ``{"opacity": 100}`` whose colour comes from a theme colour."""
    inherited = field.get("inherited_value")
    paths = inherited.get("property_value_paths") if isinstance(inherited, dict) else None
    return isinstance(paths, dict) and key in paths


def check_module(module_dir: Path) -> list[InputError]:
    """A ``name.module`` folder: its template, meta.json and fields.json, each well formed.

    The template is ``module.html`` or, in newer themes such as HubSpot's
    boilerplate, ``module.hubl.html``.
    """
    errors: list[InputError] = []
    if not any((module_dir / name).exists() for name in MODULE_TEMPLATES):
        errors.append(InputError(str(module_dir / "module.html"), "missing",
                                 "every module needs module.html (or module.hubl.html)"))
    for required in ("meta.json", "fields.json"):
        if not (module_dir / required).exists():
            errors.append(InputError(str(module_dir / required), "missing",
                                     "every module needs module.html, meta.json and fields.json"))
    if (module_dir / "fields.json").exists():
        errors += check_fields_file(module_dir / "fields.json")
    meta_path = module_dir / "meta.json"
    if meta_path.exists():
        meta, text, json_errors = _load_json(meta_path)
        errors += json_errors
        if not json_errors:
            errors += _check_meta(meta, meta_path, text)
    return errors


def _check_meta(meta: Any, path: Path, text: str) -> list[InputError]:
    if not isinstance(meta, dict):
        return [InputError(f"{path}:1", "meta.json must be an object", "wrap it in { … }")]
    errors = []
    if not isinstance(meta.get("label"), str) or not meta["label"].strip():
        errors.append(InputError(f"{path}:1", "missing 'label'", 'add "label": "Module name"'))
    for key in ("global", "is_available_for_new_content"):
        if key in meta and not isinstance(meta[key], bool):
            errors.append(InputError(f"{path}:{_line(text, _quoted(key))}",
                                     f"'{key}' must be true or false"))
    for key in ("host_template_types", "content_types"):
        hosts = meta.get(key, [])
        unknown = [h for h in hosts if h not in HOST_TEMPLATE_TYPES] \
            if isinstance(hosts, list) else [hosts]
        if unknown:
            errors.append(InputError(f"{path}:{_line(text, _quoted(key))}",
                                     f"unknown {key} {unknown}",
                                     "use " + ", ".join(sorted(CONTENT_TYPES))))
    return errors


def read_annotation(source: str) -> dict[str, str] | None:
    """The ``key: value`` pairs of a template's leading ``<!-- … -->`` header, if any."""
    match = _ANNOTATION.match(source)
    if not match:
        return None
    pairs = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip():
            pairs[key.strip()] = value.strip()
    return pairs if "templateType" in pairs else None


def check_annotation(path: Path) -> list[InputError]:
    """A template's annotation header: present, a known templateType, labelled if offered."""
    annotation = read_annotation(path.read_text(encoding="utf-8"))
    if annotation is None:
        return [InputError(f"{path}:1", "no annotation header",
                           "start the file with <!--\\n  templateType: page\\n  label: …\\n-->")]
    errors = []
    kind = annotation["templateType"]
    if kind not in TEMPLATE_TYPES:
        errors.append(InputError(f"{path}:{_line(path.read_text(encoding='utf-8'), kind)}",
                                 f"unknown templateType {kind!r}",
                                 "use one of " + ", ".join(sorted(TEMPLATE_TYPES))))
    offered = annotation.get("isAvailableForNewContent", "false")
    if offered not in ("true", "false"):
        errors.append(InputError(f"{path}:1", "isAvailableForNewContent must be true or false"))
    if kind not in ("none",) and offered == "true" and not annotation.get("label"):
        errors.append(InputError(f"{path}:1", "a template offered for new content needs a label",
                                 "add `label: …` to the annotation"))
    return errors


def _check_syntax(theme_dir: Path, modules_dirs: list[Path]) -> list[InputError]:
    """Compile every template and module with the local HubL renderer; errors at file:line."""
    from jinja2 import TemplateSyntaxError

    from sync.site.hubl.environment import HublEnvironment
    from sync.site.hubl.errors import HublError

    try:
        env = HublEnvironment(theme_dir, modules_dirs=modules_dirs)
    except HublError:  # theme.json/fields.json problems, already reported above
        return []
    errors: list[InputError] = []
    sources = sorted(theme_dir.rglob("*.html"))
    for folder in modules_dirs:
        sources += sorted(Path(folder).rglob("*.html"))
    for path in sources:
        try:
            env.jinja.parse(path.read_text(encoding="utf-8"), path.name, str(path))
        except TemplateSyntaxError as exc:
            errors.append(InputError(f"{path}:{exc.lineno}", exc.message or "HubL syntax error",
                                     "fix the tag or expression on that line"))
        except HublError as exc:
            errors.append(exc)
    return errors
