"""Brand guidelines as data: load ``brand.yml``, derive theme fields and CSS tokens, check them.

Marketers edit colours and fonts in HubSpot's theme settings, so the brand file
feeds the *defaults* of ``fields.json`` and a ``_tokens.css`` partial that maps
each theme setting to a CSS custom property. Every other stylesheet then uses
``var(--…)`` only, which the check enforces along with WCAG AA contrast.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sync.errors import InputError

BRAND_FILE = "brand.yml"
TOKENS_FILE = "css/_tokens.css"
FIELDS_FILE = "fields.json"
_HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")
_MIN_RATIO = {"text": 4.5, "large": 3.0, "ui": 3.0}


@dataclass(frozen=True)
class Font:
    """A brand font: a web-safe family HubSpot's font field knows, and its fallback stack."""

    family: str
    fallback: str
    size: int


@dataclass
class Brand:
    """The parsed brand file; ``lines`` maps a dotted key to its line for error messages."""

    path: Path
    name: str
    colors: dict[str, str]
    contrast: list[tuple[str, str, str]]
    fonts: dict[str, Font]
    spacing: dict[str, str]
    radius: dict[str, str]
    layout: dict[str, str]
    shop: dict[str, str]
    logo: dict[str, Any]
    tone: str = ""
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, key: str) -> str:
        """``brand.yml:LINE`` for a dotted key, so errors point at the line to edit."""
        return f"{self.path}:{self.lines.get(key, 1)}"


def load_brand(path: Path) -> Brand:
    """Read and validate ``brand.yml``; raises :class:`InputError` naming file:line."""
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text) or {}
        lines = _key_lines(yaml.compose(text))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        raise InputError(where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from exc
    for key in ("name", "colors", "fonts", "contrast", "shop"):
        if key not in data:
            raise InputError(f"{path}:1", f"missing required key '{key}'")
    colors = {str(k): str(v) for k, v in data["colors"].items()}
    for name, value in colors.items():
        if not _HEX.match(value):
            raise InputError(
                f"{path}:{lines.get(f'colors.{name}', 1)}",
                f"colour '{name}' is {value!r}",
                "write colours as #RRGGBB",
            )
    contrast: list[tuple[str, str, str]] = []
    for index, pair in enumerate(data["contrast"]):
        where = f"{path}:{lines.get(f'contrast.{index}', 1)}"
        if not isinstance(pair, list) or len(pair) not in (2, 3):
            raise InputError(where, "a contrast entry is [foreground, background, kind]")
        fg, bg, kind = (*pair, "text")[:3]
        for name in (fg, bg):
            if name not in colors:
                raise InputError(where, f"unknown colour '{name}'", "name a key of colors:")
        if kind not in _MIN_RATIO:
            raise InputError(where, f"unknown contrast kind '{kind}'", "use text, large or ui")
        contrast.append((str(fg), str(bg), str(kind)))
    fonts = {
        str(k): Font(str(v["family"]), str(v.get("fallback", "sans-serif")), int(v.get("size", 16)))
        for k, v in data["fonts"].items()
    }
    return Brand(
        path=path,
        name=str(data["name"]),
        colors=colors,
        contrast=contrast,
        fonts=fonts,
        spacing={str(k): str(v) for k, v in (data.get("spacing") or {}).items()},
        radius={str(k): str(v) for k, v in (data.get("radius") or {}).items()},
        layout={str(k): str(v) for k, v in (data.get("layout") or {}).items()},
        shop={str(k): str(v) for k, v in data["shop"].items()},
        logo=dict(data.get("logo") or {}),
        tone=str(data.get("tone", "")),
        lines=lines,
    )


def _key_lines(node: yaml.Node | None, prefix: str = "") -> dict[str, int]:
    """Map dotted keys (``colors.primary``, ``contrast.3``) to 1-based line numbers."""
    found: dict[str, int] = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = f"{prefix}{key_node.value}"
            found[key] = key_node.start_mark.line + 1
            found.update(_key_lines(value_node, key + "."))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            found[f"{prefix}{index}"] = item.start_mark.line + 1
            found.update(_key_lines(item, f"{prefix}{index}."))
    return found


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB ``#RRGGBB`` colour."""
    value = hex_colour.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    channels = []
    for i in (0, 2, 4):
        c = int(value[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def check_contrast(brand: Brand) -> list[InputError]:
    """Every declared pair must meet WCAG AA for its kind of use."""
    errors = []
    for index, (fg, bg, kind) in enumerate(brand.contrast):
        ratio = contrast_ratio(brand.colors[fg], brand.colors[bg])
        if ratio < _MIN_RATIO[kind]:
            errors.append(
                InputError(
                    brand.where(f"contrast.{index}"),
                    f"{fg} {brand.colors[fg]} on {bg} {brand.colors[bg]} has contrast "
                    f"{ratio:.2f}:1, below WCAG AA {_MIN_RATIO[kind]}:1 for {kind}",
                    "darken the foreground or lighten the background",
                )
            )
    return errors


def theme_fields(brand: Brand) -> list[dict[str, Any]]:
    """The theme's ``fields.json``: colour, font and shop settings with brand defaults."""
    colour_fields = [
        {
            "name": name,
            "label": name.replace("_", " ").capitalize(),
            "type": "color",
            "default": {"color": value, "opacity": 100},
        }
        for name, value in brand.colors.items()
    ]
    font_fields = [
        {
            "name": f"{name}_font",
            "label": f"{name.capitalize()} font",
            "type": "font",
            "visibility": {"hidden_subfields": {"color": True, "styles": True}},
            "default": {
                "font": font.family,
                "font_set": "DEFAULT",
                "size": font.size,
                "size_unit": "px",
            },
        }
        for name, font in brand.fonts.items()
    ]
    shop = brand.shop
    shop_fields = [
        _text("domain", "Shopify shop domain", shop.get("domain", ""),
              "Your store's myshopify.com domain, used by the Buy Button and cart links."),
        _text("storefront_token", "Storefront access token", shop.get("storefront_token", ""),
              "The public Storefront API token of your Buy Button sales channel."),
        _text("product_table", "Product HubDB table", shop.get("product_table", "products"),
              "The HubDB table hubshop keeps in step with Shopify."),
        _text("product_path", "Product page path", shop.get("product_path", "/products"),
              "Where the product dynamic page lives; product pages are PATH/HANDLE."),
        _text("money_format", "Money format", shop.get("money_format", "${{amount}}"),
              "Shopify money format used by the Buy Button."),
        _text("currency", "Currency code", shop.get("currency", "USD"), "ISO 4217 code."),
    ]
    brand_fields = [
        _text("name", "Brand name", brand.name, "Shown in the header, footer and page titles."),
        _text("logo_alt", "Logo alternative text", str(brand.logo.get("alt", brand.name)),
              "Describes the logo link for screen readers."),
    ]
    return [
        _group("colors", "Colours", colour_fields),
        _group("typography", "Typography", font_fields),
        _group("shop", "Shop", shop_fields),
        _group("brand", "Brand", brand_fields),
    ]


def _group(name: str, label: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    return {"name": name, "label": label, "type": "group", "children": children}


def _text(name: str, label: str, default: str, help_text: str) -> dict[str, Any]:
    return {
        "name": name, "label": label, "type": "text", "help_text": help_text, "default": default,
    }


def tokens_css(brand: Brand) -> str:
    """The ``:root`` custom properties, each colour and font read from its theme setting."""
    lines = [
        "/* Generated by `hubshop theme brand` from brand.yml: edit brand.yml, not this file. */",
        ":root {",
    ]
    for name in brand.colors:
        lines.append(f"  --color-{_css_name(name)}: {{{{ theme.colors.{name}.color }}}};")
    for name, font in brand.fonts.items():
        setting = f"theme.typography.{name}_font"
        lines.append(f'  --font-{_css_name(name)}: "{{{{ {setting}.font }}}}", {font.fallback};')
        size = f"{{{{ {setting}.size }}}}{{{{ {setting}.size_unit }}}}"
        lines.append(f"  --font-size-{_css_name(name)}: {size};")
    for group, values in (("space", brand.spacing), ("radius", brand.radius), ("", brand.layout)):
        for name, value in values.items():
            prop = f"{group}-{_css_name(name)}" if group else _css_name(name)
            lines.append(f"  --{prop}: {value};")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _css_name(name: str) -> str:
    return name.replace("_", "-")


def regenerate(theme_dir: Path) -> list[Path]:
    """Rewrite ``fields.json`` and ``css/_tokens.css`` from ``brand.yml``; returns what changed."""
    brand = load_brand(theme_dir / BRAND_FILE)
    outputs = {
        theme_dir / FIELDS_FILE: json.dumps(theme_fields(brand), indent=2) + "\n",
        theme_dir / TOKENS_FILE: tokens_css(brand),
    }
    changed = []
    for path, text in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            changed.append(path)
    return changed


def check_brand(theme_dir: Path, extra_css_dirs: tuple[Path, ...] = ()) -> list[InputError]:
    """Contrast, stale generated files, and CSS colours/fonts that bypass the tokens."""
    from sync.site.css_tokens import check_css_files

    brand = load_brand(theme_dir / BRAND_FILE)
    errors = check_contrast(brand)
    expected = {
        FIELDS_FILE: json.dumps(theme_fields(brand), indent=2) + "\n",
        TOKENS_FILE: tokens_css(brand),
    }
    for name, text in expected.items():
        path = theme_dir / name
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            errors.append(
                InputError(f"{path}:1", "out of date with brand.yml", "run `hubshop theme brand`")
            )
    css_files = [
        p
        for root in (theme_dir, *extra_css_dirs)
        for p in sorted(root.rglob("*.css"))
        if p != theme_dir / TOKENS_FILE
    ]
    errors.extend(check_css_files(css_files, brand))
    return errors
