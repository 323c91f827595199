"""The description sanitiser: an allow-list, re-serialised, within HubDB's limits."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from sync.catalog.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, sanitize_html

HOSTILE = {
    "plaintext": "<p>Hi</p><plaintext><p>rest of the page</p>",
    "title": "<p>Hi</p><title></title><script>alert(1)</script></title>",
    "xmp": "<p>Hi</p><xmp><img src=x onerror=alert(1)></xmp>",
    "noembed": "<p>Hi</p><noembed><img src=x onerror=alert(1)></noembed>",
    "textarea": "<p>Hi</p><textarea></p><script>alert(1)</script></textarea>",
    "style": "<p>Hi</p><style>body{display:none}</style>",
    "stray closers": "<p>Hi</p></div></main></body>",
    "comment": "<p>Hi</p><!-- <script>alert(1)</script> -->",
    "noscript": "<p>Hi</p><noscript><p title='</noscript><img src=x onerror=alert(1)>'></p>",
    "iframe": "<p>Hi</p><iframe src='https://evil.example'></iframe>",
}


def _only_allowed(html: str) -> None:
    """Parsed back, the output holds only allowed tags and attributes."""
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        assert tag.name in ALLOWED_TAGS, tag.name
        assert set(tag.attrs) <= ALLOWED_ATTRIBUTES.get(tag.name, frozenset()), tag


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_markup_is_dropped_and_the_page_stays_intact(name: str) -> None:
    # when
    clean = sanitize_html(HOSTILE[name])
    # then only the paragraph survives, and nothing that could swallow or close the page
    assert clean == "<p>Hi</p>"


def test_unknown_tags_are_unwrapped_keeping_their_text() -> None:
    # when
    clean = sanitize_html("<p><font color=red>Red</font> <marquee>Go</marquee></p>")
    # then
    assert clean == "<p>Red Go</p>"


def test_links_and_images_keep_only_safe_urls_and_attributes() -> None:
    # given
    html = (
        '<p><a href="https://shop.example/x" title="T" target="_blank" onclick="x()">a</a>'
        '<a href=" java\tscript:alert(1)">b</a><a href="mailto:hi@example.com">c</a>'
        '<a href="/pages/care">d</a><a href="data:text/html,x">e</a>'
        '<img src="https://cdn.example/a.jpg" alt="A" width="10" height="x" style="a" '
        'onerror="y()"><img src="mailto:x@y"></p>'
    )
    # when
    clean = sanitize_html(html)
    # then
    assert clean == (
        '<p><a href="https://shop.example/x" title="T">a</a><a>b</a>'
        '<a href="mailto:hi@example.com">c</a><a href="/pages/care">d</a><a>e</a>'
        '<img alt="A" src="https://cdn.example/a.jpg" width="10"/><img/></p>'
    )


def test_span_and_div_lose_style_and_event_handlers() -> None:
    html = '<div style="position:fixed" onmouseover="x()"><span class="c">t</span></div>'
    clean = sanitize_html(html)
    assert clean == "<div><span>t</span></div>"


def test_text_with_angle_brackets_or_ampersands_is_reserialised_escaped() -> None:
    assert sanitize_html("Fish & chips < 5 €") == "Fish &amp; chips &lt; 5 €"
    assert sanitize_html("<p>Fish &amp; chips</p>") == "<p>Fish &amp; chips</p>"
    assert sanitize_html("Plain words > none") == "Plain words > none"


@pytest.mark.parametrize("html", [*HOSTILE.values(), "<p>a</p>" * 50, "<ul><li>x</li></ul>"])
def test_output_is_a_fixed_point_of_only_allowed_markup(html: str) -> None:
    clean = sanitize_html(html)
    _only_allowed(clean)
    assert sanitize_html(clean) == clean


def test_too_long_descriptions_drop_whole_trailing_elements() -> None:
    # given
    html = "".join(f"<p>paragraph {n}</p>" for n in range(100)) + "<plaintext>x"
    # when
    clean = sanitize_html(html, limit=100)
    # then
    assert len(clean) <= 100 and clean.endswith("</p>") and "plaintext" not in clean
