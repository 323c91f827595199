"""Find colours and fonts written literally in CSS instead of through the brand's tokens.

A stray ``#333`` or ``font-family: Helvetica`` escapes the brand file, the
contrast check and the marketer's theme settings, so every one is an error
naming file:line:column and the token to use instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from sync.errors import InputError

if TYPE_CHECKING:
    from sync.site.brand import Brand

_DECLARATION = re.compile(r"(?<![\w-])(-{0,2}[a-zA-Z][\w-]*)\s*:\s*([^;{}]+?)\s*(?=;|})")
_HEX = re.compile(r"(?<![\w&])#[0-9a-fA-F]{3,8}\b")
_COLOUR_FUNCTION = re.compile(
    r"\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch|color|color-mix)\(", re.IGNORECASE
)
_COLOUR_PROPERTY = re.compile(
    r"^(?:color|background(?:-color)?|border(?:-[a-z]+)*|outline(?:-color)?|box-shadow|"
    r"text-shadow|fill|stroke|caret-color|accent-color|text-decoration(?:-color)?|"
    r"column-rule(?:-color)?|text-emphasis(?:-color)?)$"
)
_NAMED = frozenset(
    [
        "aliceblue", "antiquewhite", "aqua", "aquamarine", "azure", "beige", "bisque", "black",
        "blanchedalmond", "blue", "blueviolet", "brown", "burlywood", "cadetblue", "chartreuse",
        "chocolate", "coral", "cornflowerblue", "cornsilk", "crimson", "cyan", "darkblue",
        "darkcyan", "darkgoldenrod", "darkgray", "darkgreen", "darkgrey", "darkkhaki",
        "darkmagenta", "darkolivegreen", "darkorange", "darkorchid", "darkred", "darksalmon",
        "darkseagreen", "darkslateblue", "darkslategray", "darkslategrey", "darkturquoise",
        "darkviolet", "deeppink", "deepskyblue", "dimgray", "dimgrey", "dodgerblue", "firebrick",
        "floralwhite", "forestgreen", "fuchsia", "gainsboro", "ghostwhite", "gold", "goldenrod",
        "gray", "green", "greenyellow", "grey", "honeydew", "hotpink", "indianred", "indigo",
        "ivory", "khaki", "lavender", "lavenderblush", "lawngreen", "lemonchiffon", "lightblue",
        "lightcoral", "lightcyan", "lightgoldenrodyellow", "lightgray", "lightgreen", "lightgrey",
        "lightpink", "lightsalmon", "lightseagreen", "lightskyblue", "lightslategray",
        "lightslategrey", "lightsteelblue", "lightyellow", "lime", "limegreen", "linen", "magenta",
        "maroon", "mediumaquamarine", "mediumblue", "mediumorchid", "mediumpurple",
        "mediumseagreen", "mediumslateblue", "mediumspringgreen", "mediumturquoise",
        "mediumvioletred", "midnightblue", "mintcream", "mistyrose", "moccasin", "navajowhite",
        "navy", "oldlace", "olive", "olivedrab", "orange", "orangered", "orchid", "palegoldenrod",
        "palegreen", "paleturquoise", "palevioletred", "papayawhip", "peachpuff", "peru", "pink",
        "plum", "powderblue", "purple", "rebeccapurple", "red", "rosybrown", "royalblue",
        "saddlebrown", "salmon", "sandybrown", "seagreen", "seashell", "sienna", "silver",
        "skyblue", "slateblue", "slategray", "slategrey", "snow", "springgreen", "steelblue", "tan",
        "teal", "thistle", "tomato", "turquoise", "violet", "wheat", "white", "whitesmoke",
        "yellow", "yellowgreen"
    ]
)
_FONT_OK = re.compile(r"^(?:var\(--font-[\w-]+\)|inherit|initial|unset|revert)$")


def _strip_comments(css: str) -> str:
    """Blank out ``/* … */`` and HubL ``{# … #}`` comments, keeping every offset in place."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    return re.sub(r"/\*.*?\*/|\{#.*?#\}", blank, css, flags=re.DOTALL)


def find_literals(css: str) -> list[tuple[int, int, str, str]]:
    """``(line, column, literal, fix)`` for each colour or font not written as a token."""
    text = _strip_comments(css)
    found: list[tuple[int, int, str, str]] = []
    for decl in _DECLARATION.finditer(text):
        prop, value = decl.group(1).lower(), decl.group(2)
        start = decl.start(2)
        if "{{" in value:  # a theme setting read through HubL is a token by definition
            continue
        for match in _HEX.finditer(value):
            found.append((start + match.start(), match.group(0), "use a var(--color-…) token"))
        for match in _COLOUR_FUNCTION.finditer(value):
            found.append((start + match.start(), match.group(0), "use a var(--color-…) token"))
        if _COLOUR_PROPERTY.match(prop):
            bare = re.sub(r"var\([^)]*\)|url\([^)]*\)", " ", value)
            for match in re.finditer(r"[a-zA-Z]+", bare):
                if match.group(0).lower() in _NAMED:
                    found.append(
                        (start + match.start(), match.group(0), "use a var(--color-…) token")
                    )
        if prop == "font-family" and not _FONT_OK.match(value.strip()):
            found.append((start, value.strip(), "use var(--font-body) or var(--font-heading)"))
        if prop == "font" and "var(--font-" not in value and value.strip() not in ("inherit",):
            found.append((start, value.strip(), "name the family as var(--font-…)"))
    results = []
    for offset, literal, fix in sorted(found):
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        results.append((line, column, literal, fix))
    return results


def check_css_files(paths: Iterable[Path], brand: Brand | None = None) -> list[InputError]:
    """An :class:`InputError` at file:line:column for every literal colour or font."""
    errors = []
    for path in paths:
        css = path.read_text(encoding="utf-8")
        for line, column, literal, fix in find_literals(css):
            known = ""
            if brand and literal.startswith("#"):
                names = [n for n, v in brand.colors.items() if v.lower() == literal.lower()]
                known = f" (that is the brand's '{names[0]}')" if names else ""
            errors.append(
                InputError(
                    f"{path}:{line}:{column}",
                    f"'{literal}' is not a brand token{known}",
                    fix,
                )
            )
    return errors
