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
AS_A_BROWSER_READS_IT = {
    # A browser with scripting on (the site) reads <noscript> as raw text up to the first
    # </noscript>, so the <img> after it is a real element there: nh3 parses the same way,
    # drops the noscript with its text and keeps the img without its handler. (The
    # hand-written sanitiser used html.parser, which reads noscript as markup.)
    "noscript": "<p>Hi</p><img src=\"x\">'&gt;<p></p>",
}


def _tree(html: str) -> str:
    """``html`` re-serialised by bs4 (attributes sorted), to compare markup, not spelling."""
    return str(BeautifulSoup(html, "html.parser"))


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
    assert clean == AS_A_BROWSER_READS_IT.get(name, "<p>Hi</p>")
    assert "onerror" not in clean and "script" not in clean


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
    # then (compared as trees: attribute order and void-tag spelling are not behaviour)
    assert _tree(clean) == _tree(
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


SCRIPT_URLS = [
    "JaVaScRiPt:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;&#x61;vascript&colon;alert(1)",
    "\x01javascript:alert(1)",
    "java\nscript:alert(1)",
    "  javascript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD4=",
]


@pytest.mark.parametrize("url", SCRIPT_URLS)
def test_script_urls_lose_their_attribute_however_they_are_spelled(url: str) -> None:
    # when
    clean = sanitize_html(f'<p><a href="{url}">x</a><img src="{url}" alt="i"></p>')
    # then
    assert _tree(clean) == _tree('<p><a>x</a><img alt="i"/></p>')


def test_protocol_relative_and_query_urls_are_kept_escaped() -> None:
    clean = sanitize_html('<a href="//cdn.example/x?a=1&amp;b=2">x</a>')
    assert clean == '<a href="//cdn.example/x?a=1&amp;b=2">x</a>'


@pytest.mark.parametrize(
    "html",
    [
        '<p onclick="x()" onmouseover="y()" ONLOAD="z()">t</p>',
        '<body onload="alert(1)"><p>t</p></body>',
        '<svg onload="alert(1)"><desc>x</desc></svg><p>t</p>',
        '<details open ontoggle="alert(1)"><p>t</p></details>',
        '<div><p autofocus onfocus="alert(1)" tabindex="1" id="x" class="y" data-x="1">t</p></div>',
    ],
)
def test_event_handlers_and_unlisted_attributes_never_survive(html: str) -> None:
    # when
    clean = sanitize_html(html)
    # then
    tags = BeautifulSoup(clean, "html.parser").find_all(True)
    assert not [(tag.name, tag.attrs) for tag in tags if tag.attrs]
    _only_allowed(clean)
    assert "<p>t</p>" in clean


def test_attributes_are_allowed_only_on_the_tags_that_list_them() -> None:
    # given ammonia's defaults allow lang and title everywhere; hubshop's list does not
    html = '<p title="x" lang="en" dir="rtl">t</p><a title="T" lang="en" href="/x">a</a>'
    # when
    clean = sanitize_html(html)
    # then
    assert _tree(clean) == _tree('<p>t</p><a href="/x" title="T">a</a>')


@pytest.mark.parametrize(
    "html",
    [
        '<p style="background:url(javascript:alert(1))">t</p>',
        '<p style="position:fixed;inset:0">t</p>',
        '<style>@import "//evil.example/x.css";</style><p>t</p>',
        '<link rel="stylesheet" href="https://evil.example/x.css"><p>t</p>',
    ],
)
def test_style_in_any_form_is_dropped(html: str) -> None:
    assert sanitize_html(html) == "<p>t</p>"


@pytest.mark.parametrize(
    "html",
    [
        "<p>t</p><script>alert(1)</script>",
        "<p>t</p><SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "<p>t</p><template><img src=x onerror=alert(1)></template>",
        "<p>t</p><textarea><script>alert(1)</script></textarea>",
        "<noframes><p>x</p></noframes><p>t</p>",
        "<p>t</p><iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        '<form action="https://evil.example"><input name=x><button>go</button></form><p>t</p>',
        '<object data="x.swf"></object><embed src="x.swf"><p>t</p>',
        '<meta http-equiv="refresh" content="0;url=https://evil.example"><p>t</p>',
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph>"
        "</table></mtext></math><p>t</p>",
        "<p>t<!--[if IE]><script>alert(1)</script><![endif]--></p>",
        '<?xml-stylesheet href="evil.xsl"?><!DOCTYPE html><p>t</p>',
    ],
)
def test_raw_text_and_active_elements_go_with_their_content(html: str) -> None:
    assert sanitize_html(html) == "<p>t</p>"


def test_a_base_element_cannot_redirect_relative_links() -> None:
    clean = sanitize_html('<base href="https://evil.example/"><a href="/x">t</a>')
    assert clean == '<a href="/x">t</a>'


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
         "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        ("<p>a &amp;lt; b</p>", "<p>a &amp;lt; b</p>"),
        ("<p>caf&eacute; &#8364; &euro;<i>x</i></p>", "<p>café € €<i>x</i></p>"),
        ('<a href="/x" title="&quot;><script>alert(1)</script>">t</a>',
         '<a href="/x" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">t</a>'),
    ],
)
def test_entities_stay_text_and_never_become_markup(html: str, expected: str) -> None:
    # when
    clean = sanitize_html(html)
    # then
    assert clean == expected
    assert sanitize_html(clean) == clean


def test_sizes_must_be_numbers() -> None:
    clean = sanitize_html(
        '<img src="a.png" width="100 onerror=alert(1)" height="50%">'
        '<table><tr><td colspan="2" rowspan="x">x</td></tr></table>'
    )
    assert _tree(clean) == _tree(
        '<img height="50%" src="a.png"/>'
        '<table><tbody><tr><td colspan="2">x</td></tr></tbody></table>'
    )
