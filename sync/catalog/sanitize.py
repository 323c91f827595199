"""Product descriptions made safe for the website and within HubDB's size limits.

Shopify descriptions are merchant HTML, sometimes pasted from anywhere; the
site renders the RICHTEXT column as-is. So this is an allow-list sanitiser:
nh3 (the Python bindings of ammonia, Rust's html5ever-based sanitiser) parses
the markup as a browser would, keeps only the tags and attributes listed here,
drops raw-text and active elements (``<script>``, ``<plaintext>``,
``<title>``, ``<textarea>``…) with their content, and re-serialises the rest
(text escaped, no stray closing tags). A parser that is the browser's, not ours,
is the point: a hand-written allow-list over a different parser is where
sanitisers get mutation XSS wrong, and it cost ~0.5 ms a description where
nh3 takes a few microseconds. Text that is already plain, or markup that
provably contains only allowed, attribute-free, balanced tags, is kept as it
stands. beautifulsoup4 is used only to cut an over-long result at an element.
"""

from __future__ import annotations

import html
import re

import nh3

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

_NUMERIC = frozenset({"width", "height", "colspan", "rowspan"})
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
    cleaned = _CLEANER.clean(text).strip()
    if len(cleaned) <= limit:
        return cleaned
    return _fit(cleaned, limit)


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
    spelling), so the sanitiser can be skipped. Anything else, even harmless
    markup with attributes, goes through it.
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


def _attribute(tag: str, name: str, value: str) -> str | None:
    """nh3's per-attribute hook: what the tag allow-list cannot say about values.

    nh3 has already kept only allowed attributes and checked URLs against the
    union of :data:`URL_SCHEMES`; here ``src`` loses ``mailto:`` and sizes
    must be numbers.
    """
    if name in URL_SCHEMES:
        return value if _safe_url(value, URL_SCHEMES[name]) else None
    if name in _NUMERIC:
        return value if _NUMBER.match(value) else None
    return value


def _safe_url(value: str, schemes: frozenset[str]) -> bool:
    """Relative, or an allowed scheme once invisible characters are ignored (as browsers do)."""
    compact = _INVISIBLE.sub("", html.unescape(value))
    scheme = _SCHEME.match(compact)
    return scheme is None or scheme.group(1).lower() in schemes


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(DROPPED_TAGS),
    # "*": nothing, or ammonia's generic default (lang, title) would be allowed everywhere
    attributes={"*": set(), **{tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()}},
    attribute_filter=_attribute,
    strip_comments=True,
    link_rel=None,
    url_schemes=set().union(*URL_SCHEMES.values()),
)
"""Built once: nh3 compiles the allow-list into its Rust builder, reused for every call."""


def _fit(cleaned: str, limit: int) -> str:
    """Drop trailing top-level elements of sanitised HTML until it fits in ``limit``."""
    from bs4 import BeautifulSoup  # only over-long descriptions need a tree

    soup = BeautifulSoup(cleaned, "html.parser")
    parts = [str(child) for child in soup.contents]
    while parts and sum(map(len, parts)) > limit:
        parts.pop()
    if parts:
        return "".join(parts).strip()
    plain = _SPACES.sub(" ", soup.get_text(" ")).strip()
    return html.escape(plain[: limit // 6])
