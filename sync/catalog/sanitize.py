"""Product descriptions made safe for the website and within HubDB's size limits.

Shopify descriptions are merchant HTML, sometimes pasted from anywhere; the
site renders the RICHTEXT column as-is, so scripts, event handlers and
``javascript:`` URLs are removed here, once, before anything reaches HubDB.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Comment, Tag

from sync.catalog.table import MAX_RICHTEXT, SUMMARY_LENGTH

DROPPED_TAGS = frozenset(
    {"script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
     "input", "button", "textarea", "select", "link", "meta", "base", "noscript", "template",
     "svg", "math"}
)
"""Elements removed with everything inside them."""
URL_ATTRIBUTES = frozenset(
    {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset",
     "data", "cite", "longdesc", "lowsrc", "dynsrc"}
)
_BAD_SCHEME = re.compile(r"^\s*(javascript|vbscript|data|livescript)\s*:", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_SPACES = re.compile(r"\s+")


def sanitize_html(text: str, *, limit: int = MAX_RICHTEXT) -> str:
    """``text`` without active content, at most ``limit`` characters, still well-formed.

    Args:
        text: description HTML as Shopify stores it.
        limit: the column's size cap (HubDB RICHTEXT: 65,000 characters).

    Returns:
        Sanitised HTML. When even that is too long, trailing top-level elements
        are dropped until it fits, so no tag is cut in half.
    """
    if not text or not text.strip():
        return ""
    soup = BeautifulSoup(text, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if tag.name.lower() in DROPPED_TAGS:
            tag.decompose()
            continue
        _clean_attributes(tag)
    cleaned = str(soup).strip()
    if len(cleaned) <= limit:
        return cleaned
    return _fit(soup, limit)


def plain_summary(text: str, *, limit: int = SUMMARY_LENGTH) -> str:
    """The description as plain text of at most ``limit`` characters, cut at a word."""
    if not text:
        return ""
    soup = BeautifulSoup(sanitize_html(text), "html.parser")
    plain = _SPACES.sub(" ", html.unescape(soup.get_text(" "))).strip()
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def _clean_attributes(tag: Tag) -> None:
    for name in list(tag.attrs):
        lowered = name.lower()
        if lowered.startswith("on") or lowered == "style" and _has_expression(tag.attrs[name]):
            del tag.attrs[name]
        elif lowered in URL_ATTRIBUTES:
            value = tag.attrs[name]
            value = " ".join(value) if isinstance(value, list) else str(value)
            if _BAD_SCHEME.match(_INVISIBLE.sub("", html.unescape(value))):
                del tag.attrs[name]


def _has_expression(value: object) -> bool:
    text = str(value).lower().replace(" ", "")
    return "expression(" in text or "javascript:" in text or "url(" in text


def _fit(soup: BeautifulSoup, limit: int) -> str:
    parts = [str(child) for child in soup.contents]
    while parts and sum(map(len, parts)) > limit:
        parts.pop()
    if parts:
        return "".join(parts).strip()
    plain = _SPACES.sub(" ", soup.get_text(" ")).strip()
    return html.escape(plain[: limit // 6])
