"""HubL filters and functions: dates, money, text, colours, assets and page variables."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from sync.plumbing.clock import VirtualClock
from sync.site.hubl import HublEnvironment, HublError, RequestContext


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "main.css").write_text("body{}")
    (tmp_path / "fields.json").write_text(
        '[{"name": "colors", "type": "group", "children": ['
        '{"name": "primary", "type": "color", "default": {"color": "#112233"}}]}]')
    clock = VirtualClock(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC))
    return HublEnvironment(tmp_path, clock=clock, portal_id=42,
                           theme_settings={"shop": {"domain": "demo.myshopify.com"}},
                           request=RequestContext.from_url("https://shop.example/p?a=1&b=2"))


def render(env: HublEnvironment, source: str) -> str:
    return env.render_string(source, name="templates/page.html")


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ 1709532000000|datetimeformat('%B %e, %Y') }}", "March  4, 2024"),
    ("{{ '2024-03-04T06:00:00Z'|format_date('yyyy-MM-dd') }}", "2024-03-04"),
    ("{{ '2024-03-04T06:00:00Z'|format_date('long') }}", "March 4, 2024"),
    ("{{ '2024-03-04T06:00:00Z'|unixtimestamp }}", "1709532000000"),
    ("{{ '2024-01-01T00:00:00Z'|plus_time(2, 'days')|format_date('d') }}", "3"),
    ("{{ '2024-01-01T00:00:00Z'|between_times('2024-01-08T00:00:00Z', 'days') }}", "7"),
    ("{{ 1234.5|format_currency_value }}", "$1,234.50"),
    ("{{ 1234.5|format_currency('de-DE', 'EUR') }}", "€1.234,50"),
    ("{{ 'abc'|md5 }}", "900150983cd24fb0d6963f7d28e17f72"),
    ("{{ '<p>Hello <b>big</b> world</p>'|truncatehtml(9) }}", "<p>Hello <b>big...</b></p>"),
    ("{{ '<p onclick=\"x()\">Hi<script>bad()</script></p>'|sanitize_html }}", "<p>Hi</p>"),
    ("{{ '&lt;b&gt;'|unescape_html }}", "<b>"),
    ("{{ 'a b'|urlencode }}", "a%20b"),
    ("{{ '{\"a\": [1]}'|fromjson|tojson }}", '{"a": [1]}'),
    ("{{ 'a-b-c'|split('-', 2)|join('|') }}", "a|b-c"),
    ("{{ 'shoes 2024'|regex_replace('[0-9]+', 'X') }}", "shoes X"),
    ("{{ 'true'|bool }} {{ 'no'|bool }}", "True False"),
    ("{{ 'banana'|cut('an') }}", "ba"),
    ("{{ '10.0.0.1'|ipaddr }} {{ 'nope'|ipaddr }}", "True False"),
    ("{{ [{'n': 1}, {'n': 1}, {'n': 2}]|unique('n')|length }}", "2"),
    ("{{ [1, 2, 3]|shuffle|sort|join }}", "123"),
    ("{{ [1, 2]|union([2, 3])|join }}", "123"),
    ("{{ 'x'|pprint }}", "(str: x)"),
    ("{{ '#ff0000'|convert_rgb }}", "255, 0, 0"),
    ("{{ '{{ 1 + 1 }}'|render }}", "2"),
    ("{{ '{x}'|escape_jinjava }}", "&lbrace;x&rbrace;"),
])
def test_filters(env: HublEnvironment, source: str, expected: str) -> None:
    assert render(env, source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("{{ range(3)|join }}", "012"),
    ("{{ color_variant('#808080', -16) }}", "#707070"),
    ("{{ color_contrast('#000000', '#ffffff') }}", "True"),
    ("{{ today()|format_date('yyyy-MM-dd') }} {{ year }}", "2026-03-04 2026"),
    ("{{ unixtimestamp(local_dt) }}", "1772600767000"),
    ("{{ strtotime('2024-02-03', 'yyyy-MM-dd')|format_date('d MMM') }}", "3 Feb"),
    ("{{ personalization_token('contact.firstname', 'friend') }}", "friend"),
    ("{{ get_asset_url('../css/main.css') }}", "/css/main.css"),
    ("{{ get_asset_version('../css/main.css')|length }}", "8"),
    ("{{ resize_image_url('https://x/hubfs/a.png', 300) }}", "https://x/hubfs/a.png?width=300"),
    ("{{ type([]) }} {{ type('s') }}", "list str"),
    ("{{ blog_recent_posts('default', 3)|length }}", "0"),
])
def test_functions(env: HublEnvironment, source: str, expected: str) -> None:
    assert render(env, source) == expected


def test_page_variables(env: HublEnvironment) -> None:
    source = ("{{ request.path }}|{{ request.query_dict.b }}|{{ request.full_url }}|"
              "{{ request.domain }}|{{ hub_id }}|{{ portal_id }}|{{ theme.shop.domain }}|"
              "{{ theme.colors.primary.color }}|{{ content.html_title }}|"
              "{{ page_meta.meta_description }}|{{ content.absolute_url }}")
    html = env.render_string(source, content={"html_title": "T", "meta_description": "D"})
    assert html == ("/p|2|https://shop.example/p?a=1&b=2|shop.example|42|42|demo.myshopify.com|"
                    "#112233|T|D|https://shop.example/p")


def test_standard_header_includes_has_viewport_and_required_assets(env: HublEnvironment) -> None:
    html = render(env, "<head>{{ standard_header_includes }}</head>"
                  "{% require_css %}<style>.a{}</style>{% end_require_css %}"
                  "{{ require_js(get_asset_url('../css/main.css'), 'head') }}")
    assert html.startswith('<head><meta name="viewport"')
    assert "<style>.a{}</style>" in html and '<script src="/css/main.css"></script>' in html


def test_bad_date_is_an_error_with_line(env: HublEnvironment) -> None:
    with pytest.raises(HublError) as caught:
        render(env, "\n{{ 'soon'|datetimeformat }}")
    assert caught.value.where == "templates/page.html:2" and "not a date" in caught.value.message


def test_round_is_half_up_and_whole_at_precision_zero_like_jinjava(tmp_path: Path) -> None:
    # given pagination arithmetic as listing modules write it
    env = HublEnvironment(tmp_path)
    source = ("{{ 2.5|round }}|{{ (7 / 3)|round(0, 'ceil') }}|{{ (7 / 3)|round(0, 'floor') }}|"
              "{{ 1.005|round(2) }}|{% for i in range(0, (9 / 4)|round(0, 'ceil')) %}{{ i }}"
              "{% endfor %}|{{ range(3.0)|length }}")
    # when / then
    assert env.render_string(source) == "3|3|2|1.01|012|3"


def test_round_with_an_unknown_method_and_range_of_a_fraction_are_errors(tmp_path: Path) -> None:
    env = HublEnvironment(tmp_path)
    with pytest.raises(HublError, match="unknown method 'up'"):
        env.render_string("{{ 2.5|round(0, 'up') }}")
    with pytest.raises(HublError, match="not a whole number"):
        env.render_string("{{ range(2.5) }}")
