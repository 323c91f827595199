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
_TAG = re.compile(r"<[^>]*>")
_OPENERS = tuple("<" + name for name in sorted(DROPPED_TAGS))
_WORDS = ("script", "expression", "<!", "<?")
_HANDLER = re.compile(r"on[a-z]+\s*=")
_DATA = re.compile(r"data\s*:")
_ENTITY = re.compile(r"&(#|[a-z]+;?\s*:)")


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
    if len(text) <= limit and not _risky(text):
        return text.strip()
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


def plain_summary(text: str, *, limit: int = SUMMARY_LENGTH, clean: bool = False) -> str:
    """The description as plain text of at most ``limit`` characters, cut at a word.

    Args:
        text: description HTML.
        limit: longest summary.
        clean: ``text`` came from :func:`sanitize_html` already (saves a second pass).
    """
    if not text:
        return ""
    safe = text if clean else sanitize_html(text)
    plain = _SPACES.sub(" ", html.unescape(_TAG.sub(" ", safe))).strip()
    if len(plain) <= limit:
        return plain
    cut = plain[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def _risky(text: str) -> bool:
    """Could a parse have anything to remove? Text without any of these is safe as it stands.

    Substring checks first (fast, in C); the small regexes run only when a
    telltale character is present. Erring towards True only costs a parse.
    """
    lowered = text.lower()
    if any(word in lowered for word in _WORDS) or any(o in lowered for o in _OPENERS):
        return True
    if "=" in lowered and _HANDLER.search(lowered):
        return True
    if "data" in lowered and _DATA.search(lowered):
        return True
    return "&" in lowered and _ENTITY.search(lowered) is not None


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
