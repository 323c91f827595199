"""Colour helpers behind ``color_variant``, ``color_contrast`` and ``|convert_rgb``."""

from __future__ import annotations

from sync.site.hubl.errors import HublProblem


def parse_hex(color: str) -> tuple[int, int, int]:
    """``#abc`` or ``#aabbcc`` as an RGB triple."""
    text = str(color).strip().lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise HublProblem(f"not a hex colour: {color!r}", "use #rrggbb")
    try:
        return int(text[0:2], 16), int(text[2:4], 16), int(text[4:6], 16)
    except ValueError as exc:
        raise HublProblem(f"not a hex colour: {color!r}", "use #rrggbb") from exc


def variant(color: str, amount: int) -> str:
    """Lighten (positive) or darken (negative) every channel by ``amount``, like HubL."""
    return "#" + "".join(f"{max(0, min(255, c + int(amount))):02x}" for c in parse_hex(color))


def rgb(color: str) -> str:
    """``#ff0000`` → ``255, 0, 0`` (what ``|convert_rgb`` prints)."""
    return ", ".join(str(c) for c in parse_hex(color))


def luminance(color: str) -> float:
    """WCAG relative luminance."""

    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in parse_hex(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def passes(first: str, second: str, rating: str = "AA") -> bool:
    """``color_contrast``: does the pair meet WCAG ``AA`` (4.5) or ``AAA`` (7) for text."""
    return contrast_ratio(first, second) >= (7.0 if str(rating).upper() == "AAA" else 4.5)
