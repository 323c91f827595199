"""Product descriptions made safe for the website and within HubDB's size limits.

Shopify descriptions are merchant HTML, sometimes pasted from anywhere; the
site renders the RICHTEXT column as-is. So this is an allow-list sanitiser:
only the formatting tags and attributes listed here survive, everything is
re-serialised from beautifulsoup4's tree (text escaped, no stray closing tags),
and raw-text elements (``<plaintext>``, ``<title>``, ``<textarea>``…) go with
their content. Text that is already plain, or markup that provably contains
only allowed, attribute-free, balanced tags, is kept as it stands without a
parse; anything else is parsed.
"""

from __future__ import annotations

import html
import re

from bs4 import BeautifulSoup, Tag
from bs4.element import PreformattedString

from sync.catalog.table import MAX_RICHTEXT, SUMMARY_LENGTH

ALLOWED_TAGS = frozenset(
    {"p", "br", "hr", "strong", "em", "b", "i", "u", "s", "sub", "sup", "small", "code", "pre",
     "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "a", "img", "span", "div",
     "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td"}
)
"""Tags kept (with only the attributes in :data:`ALLOWED_ATTRIBUTES`)."""
ALLOWED_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "title"}),
    "img": frozenset({"src", "alt", "width", "height"}),
    "th": frozenset({"colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
}
DROPPED_TAGS = frozenset(
    {"script", "style", "title", "textarea", "xmp", "plaintext", "noembed", "noframes",
     "noscript", "iframe", "frame", "frameset", "object", "embed", "applet", "template", "svg",
     "math", "form", "select", "option", "button", "input", "head", "meta", "link", "base"}
)
"""Elements removed with everything inside them (raw text, active or form content).

Any other tag that is not allowed is unwrapped: its text stays, the tag goes."""
URL_SCHEMES = {"href": frozenset({"http", "https", "mailto"}), "src": frozenset({"http", "https"})}
"""Schemes a URL attribute may name; relative URLs (no scheme) are always fine."""

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")
_NUMBER = re.compile(r"^\d{1,5}%?$")
_SPACES = re.compile(r"\s+")
_TAG = re.compile(r"<[^>]*>")
_VOID = frozenset({"br", "hr"})
_PLAIN_TAGS = ALLOWED_TAGS - {"a", "img"}
_NAMES = "|".join(sorted(_PLAIN_TAGS - _VOID, key=len, reverse=True))
_CANONICAL = re.compile(
    rf"(?:</?(?:{_NAMES})>|<(?:br|hr)\s*/?>"
    r"|&(?:amp|lt|gt|quot|apos|nbsp|#[0-9]{1,6}|#x[0-9a-f]{1,6});"
    r"|[^<&]++)*+"
)
"""Allowed attribute-free tags, known entities and text: possessive, so a miss fails fast."""
_TAGS = re.compile(r"<(/?)([a-z0-9]+)")


def sanitize_html(text: str, *, limit: int = MAX_RICHTEXT) -> str:
    """``text`` with only allowed markup, at most ``limit`` characters, well-formed.

    Args:
        text: description HTML as Shopify stores it.
        limit: the column's size cap (HubDB RICHTEXT: 65,000 characters).

    Returns:
        Sanitised HTML. When even that is too long, trailing top-level elements
        are dropped until it fits, so no tag is cut in half.
    """
    if not text or not text.strip():
        return ""
    stripped = text.strip()
    if len(stripped) <= limit and (("<" not in text and "&" not in text) or _canonical(text)):
        return stripped
    soup = BeautifulSoup(text, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, PreformattedString)):
        node.extract()  # comments, doctypes, CDATA, processing instructions
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        name = tag.name.lower()
        if name in DROPPED_TAGS:
            tag.decompose()
        elif name not in ALLOWED_TAGS:
            tag.unwrap()
        else:
            tag.name = name
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


def _canonical(text: str) -> bool:
    """Is ``text`` only allowed, attribute-free, balanced tags, escaped text and entities?

    Such text is exactly what a re-serialisation would give (up to ``<br>``
    spelling), so the parse can be skipped. Anything else, even harmless
    markup with attributes, goes through the parser.
    """
    if _CANONICAL.fullmatch(text) is None:
        return False
    stack: list[str] = []
    for closing, name in _TAGS.findall(text):
        if name in _VOID:
            continue
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def _clean_attributes(tag: Tag) -> None:
    allowed = ALLOWED_ATTRIBUTES.get(tag.name, frozenset())
    for name in list(tag.attrs):
        value = tag.attrs[name]
        value = " ".join(value) if isinstance(value, list) else str(value)
        if not _keep(name.lower(), value, allowed):
            del tag.attrs[name]


def _keep(name: str, value: str, allowed: frozenset[str]) -> bool:
    if name not in allowed:
        return False
    if name in URL_SCHEMES:
        return _safe_url(value, URL_SCHEMES[name])
    if name in ("width", "height", "colspan", "rowspan"):
        return _NUMBER.match(value) is not None
    return True


def _safe_url(value: str, schemes: frozenset[str]) -> bool:
    """Relative, or an allowed scheme once invisible characters are ignored (as browsers do)."""
    compact = _INVISIBLE.sub("", html.unescape(value))
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in schemes


def _fit(soup: BeautifulSoup, limit: int) -> str:
    parts = [str(child) for child in soup.contents]
    while parts and sum(map(len, parts)) > limit:
        parts.pop()
    if parts:
        return "".join(parts).strip()
    plain = _SPACES.sub(" ", soup.get_text(" ")).strip()
    return html.escape(plain[: limit // 6])
