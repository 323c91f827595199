"""Every catalogue filter, function and tag the renderer calls supported renders a minimal call.

The list of names comes from ``coverage_report()``, not from this file: a name
that becomes supported without a call here fails, so the catalogue and the
renderer's tests cannot drift apart.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from sync.paths import contracts_dir
from sync.plumbing.clock import VirtualClock
from sync.site.hubl import HublEnvironment, RequestContext, coverage_report

HAVE_CATALOGUE = (contracts_dir() / "hubl").is_dir()
SUPPORTED = sorted((r.kind, r.name) for r in coverage_report()
                   if r.status == "supported" and r.kind in ("filter", "function", "tag")
                   ) if HAVE_CATALOGUE else []
EMPTY = ""  # the call renders nothing where it stands (it sets, requires or declares)
T = "'2024-03-04T06:00:00Z'"

# (kind, name) -> (HubL source, text the output must contain; EMPTY allows no output)
CALLS: dict[tuple[str, str], tuple[str, str]] = {
    # ------------------------------------------------------------------ filters
    ("filter", "abs"): ("{{ -3|abs }}", "3"),
    ("filter", "add"): ("{{ 2|add(3) }}", "5"),
    ("filter", "allow_snake_case"): ("{{ ({'a_b': 1}|allow_snake_case).a_b }}", "1"),
    ("filter", "attr"): ("{% set o = namespace(a='x') %}{{ o|attr('a') }}", "x"),
    ("filter", "b64decode"): ("{{ 'aGk='|b64decode }}", "hi"),
    ("filter", "b64encode"): ("{{ 'hi'|b64encode }}", "aGk="),
    ("filter", "batch"): ("{{ [1, 2, 3]|batch(2)|list|length }}", "2"),
    ("filter", "between_times"): (f"{{{{ {T}|between_times('2024-03-06T06:00:00Z', 'days') }}}}",
                                  "2"),
    ("filter", "bool"): ("{{ 'true'|bool }}", "True"),
    ("filter", "capitalize"): ("{{ 'shop'|capitalize }}", "Shop"),
    ("filter", "center"): ("[{{ 'a'|center(3) }}]", "[ a ]"),
    ("filter", "convert_rgb"): ("{{ '#ff0000'|convert_rgb }}", "255"),
    ("filter", "count"): ("{{ [1, 2]|count }}", "2"),
    ("filter", "cut"): ("{{ 'a-b'|cut('-') }}", "ab"),
    ("filter", "d"): ("{{ none|d('dflt') }}", "dflt"),
    ("filter", "date"): (f"{{{{ {T}|date('%Y') }}}}", "2024"),
    ("filter", "datetimeformat"): ("{{ 1709532000000|datetimeformat('%Y') }}", "2024"),
    ("filter", "default"): ("{{ none|default('dflt') }}", "dflt"),
    ("filter", "dictsort"): ("{{ {'b': 1, 'a': 2}|dictsort|first|first }}", "a"),
    ("filter", "difference"): ("{{ [1, 2, 3]|difference([2]) }}", "3"),
    ("filter", "divide"): ("{{ 9|divide(3) }}", "3"),
    ("filter", "divisible"): ("{{ 9|divisible(3) }}", "True"),
    ("filter", "e"): ("{{ '<b>'|e }}", "&lt;b&gt;"),
    ("filter", "escape"): ("{{ '<b>'|escape }}", "&lt;b&gt;"),
    ("filter", "escape_attr"): ("{{ '\"x'|escape_attr }}", "x"),
    ("filter", "escape_html"): ("{{ '<b>'|escape_html }}", "&lt;b&gt;"),
    ("filter", "escape_jinjava"): ("{{ ('{' ~ '{ x }' ~ '}')|escape_jinjava }}", "x"),
    ("filter", "escape_js"): ("{{ 'a\"b'|escape_js }}", "a"),
    ("filter", "escape_url"): ("{{ 'a b'|escape_url }}", "a"),
    ("filter", "escapejs"): ("{{ 'a\"b'|escapejs }}", "a"),
    ("filter", "escapejson"): ("{{ 'a\"b'|escapejson }}", "a"),
    ("filter", "filesizeformat"): ("{{ 2048|filesizeformat }}", "kB"),
    ("filter", "first"): ("{{ [7, 8]|first }}", "7"),
    ("filter", "flatten"): ("{{ [[1], [2]]|flatten|length }}", "2"),
    ("filter", "float"): ("{{ '1.5'|float }}", "1.5"),
    ("filter", "forceescape"): ("{{ '<b>'|forceescape }}", "&lt;b&gt;"),
    ("filter", "format"): ("{{ '%s!'|format('hi') }}", "hi!"),
    ("filter", "format_currency"): ("{{ 3|format_currency('en-US', 'USD') }}", "$3.00"),
    ("filter", "format_currency_value"): ("{{ 3|format_currency_value }}", "$3.00"),
    ("filter", "format_date"): (f"{{{{ {T}|format_date('yyyy') }}}}", "2024"),
    ("filter", "format_datetime"): (f"{{{{ {T}|format_datetime('yyyy') }}}}", "2024"),
    ("filter", "format_number"): ("{{ 1234.5|format_number('en-US') }}", "1,234.5"),
    ("filter", "format_time"): (f"{{{{ {T}|format_time('HH') }}}}", "06"),
    ("filter", "fromjson"): ("{{ ('{\"a\": 5}'|fromjson).a }}", "5"),
    ("filter", "fromyaml"): ("{{ ('a: 5'|fromyaml).a }}", "5"),
    ("filter", "geo_distance"): ("{{ {'lat': 0, 'lon': 0}|geo_distance(0, 1, 'KM')|int }}",
                                 "111"),
    ("filter", "groupby"): ("{{ [{'k': 1}, {'k': 1}]|groupby('k')|length }}", "1"),
    ("filter", "indent"): ("{{ 'a\nb'|indent(2) }}", "  b"),
    ("filter", "int"): ("{{ '7'|int }}", "7"),
    ("filter", "intersect"): ("{{ [1, 2]|intersect([2, 3]) }}", "2"),
    ("filter", "ipaddr"): ("{{ '10.0.0.1'|ipaddr }}", "True"),
    ("filter", "ipv4"): ("{{ '10.0.0.1'|ipv4 }}", "True"),
    ("filter", "ipv6"): ("{{ '::1'|ipv6 }}", "True"),
    ("filter", "join"): ("{{ ['a', 'b']|join('-') }}", "a-b"),
    ("filter", "last"): ("{{ [7, 8]|last }}", "8"),
    ("filter", "length"): ("{{ 'abc'|length }}", "3"),
    ("filter", "list"): ("{{ 'ab'|list|length }}", "2"),
    ("filter", "log"): ("{{ 100|log(10) }}", "2"),
    ("filter", "lower"): ("{{ 'AB'|lower }}", "ab"),
    ("filter", "map"): ("{{ [{'a': 'x'}]|map(attribute='a')|join }}", "x"),
    ("filter", "md5"): ("{{ 'abc'|md5 }}", "900150983cd24fb0d6963f7d28e17f72"),
    ("filter", "minus_time"): (f"{{{{ {T}|minus_time(1, 'days')|format_date('d') }}}}", "3"),
    ("filter", "multiply"): ("{{ 3|multiply(4) }}", "12"),
    ("filter", "plus_time"): (f"{{{{ {T}|plus_time(1, 'days')|format_date('d') }}}}", "5"),
    ("filter", "pprint"): ("{{ 'x'|pprint }}", "x"),
    ("filter", "random"): ("{{ [5]|random }}", "5"),
    ("filter", "regex_replace"): ("{{ 'a1'|regex_replace('[0-9]', '') }}", "a"),
    ("filter", "reject"): ("{{ [1, 2, 3]|reject('odd')|join }}", "2"),
    ("filter", "rejectattr"): ("{{ [{'a': 0, 'n': 'x'}, {'a': 1, 'n': 'y'}]|rejectattr('a')"
                               "|map(attribute='n')|join }}", "x"),
    ("filter", "render"): ("{{ '{{ 1 + 1 }}'|render }}", "2"),
    ("filter", "replace"): ("{{ 'ab'|replace('b', 'c') }}", "ac"),
    ("filter", "reverse"): ("{{ 'ab'|reverse }}", "ba"),
    ("filter", "root"): ("{{ 27|root(3) }}", "3"),
    ("filter", "round"): ("{{ 2.5|round }}", "3"),
    ("filter", "safe"): ("{{ '<b>x</b>'|safe }}", "<b>x</b>"),
    ("filter", "sanitize_html"): ("{{ '<b>x</b><script>y</script>'|sanitize_html }}", "x"),
    ("filter", "select"): ("{{ [1, 2, 3]|select('odd')|join }}", "13"),
    ("filter", "selectattr"): ("{{ [{'a': 0, 'n': 'x'}, {'a': 1, 'n': 'y'}]|selectattr('a')"
                               "|map(attribute='n')|join }}", "y"),
    ("filter", "shuffle"): ("{{ [5]|shuffle|join }}", "5"),
    ("filter", "slice"): ("{{ [1, 2, 3]|slice(3)|list|length }}", "3"),
    ("filter", "sort"): ("{{ [2, 1]|sort|join }}", "12"),
    ("filter", "split"): ("{{ 'a,b'|split(',')|last }}", "b"),
    ("filter", "string"): ("{{ 5|string }}", "5"),
    ("filter", "striptags"): ("{{ '<b>x</b>'|striptags }}", "x"),
    ("filter", "strtodate"): ("{{ '2024-03-04'|strtodate('yyyy-MM-dd')|format_date('yyyy') }}",
                              "2024"),
    ("filter", "strtotime"): ("{{ '2024-03-04'|strtotime('yyyy-MM-dd')|format_date('yyyy') }}",
                              "2024"),
    ("filter", "sum"): ("{{ [1, 2]|sum }}", "3"),
    ("filter", "symmetric_difference"): ("{{ [1, 2]|symmetric_difference([2, 3])|join }}", "13"),
    ("filter", "title"): ("{{ 'a b'|title }}", "A B"),
    ("filter", "tojson"): ("{{ {'a': 1}|tojson }}", "\"a\""),
    ("filter", "toyaml"): ("{{ {'a': 1}|toyaml }}", "a: 1"),
    ("filter", "trim"): ("[{{ ' a '|trim }}]", "[a]"),
    ("filter", "truncate"): ("{{ 'abcdefghijklmnopqrstuvwxyz'|truncate(5) }}", "ab..."),
    ("filter", "truncatehtml"): ("{{ '<p>abcdefghij klm</p>'|truncatehtml(5) }}", "</p>"),
    ("filter", "unescape_html"): ("{{ '&amp;'|unescape_html }}", "&"),
    ("filter", "union"): ("{{ [1]|union([2])|join }}", "12"),
    ("filter", "unique"): ("{{ [1, 1]|unique|join }}", "1"),
    ("filter", "unixtimestamp"): (f"{{{{ {T}|unixtimestamp }}}}", "1709532000000"),
    ("filter", "upper"): ("{{ 'ab'|upper }}", "AB"),
    ("filter", "urldecode"): ("{{ 'a%20b'|urldecode }}", "a b"),
    ("filter", "urlencode"): ("{{ 'a b'|urlencode }}", "a"),
    ("filter", "urlize"): ("{{ 'see https://example.com'|urlize }}", "<a href"),
    ("filter", "wordcount"): ("{{ 'a b c'|wordcount }}", "3"),
    ("filter", "wordwrap"): ("{{ 'aaa bbb'|wordwrap(3) }}", "aaa"),
    ("filter", "xmlattr"): ("<p{{ {'id': 'x'}|xmlattr }}>", 'id="x"'),
    # ---------------------------------------------------------------- functions
    ("function", "color_contrast"): ("{{ color_contrast('#000000', '#ffffff') }}", "True"),
    ("function", "color_variant"): ("{{ color_variant('#808080', 10) }}", "#"),
    ("function", "datetimeformat"): ("{{ datetimeformat(1709532000000, '%Y') }}", "2024"),
    ("function", "footer_js"): ("{{ require_js('//c.io/a.js') }}{{ footer_js() }}", "c.io/a.js"),
    ("function", "format_address"): ("{{ format_address('en-US', {'address': '1 Main St', "
                                     "'city': 'Town', 'zip': '12345'}) }}", "1 Main St, Town"),
    ("function", "format_company_name"): ("{{ format_company_name('Acme') }}", "Acme"),
    ("function", "format_date"): (f"{{{{ format_date({T}, 'yyyy') }}}}", "2024"),
    ("function", "format_datetime"): (f"{{{{ format_datetime({T}, 'yyyy') }}}}", "2024"),
    ("function", "format_name"): ("{{ format_name('Ada', 'Lovelace') }}", "Ada"),
    ("function", "format_time"): (f"{{{{ format_time({T}, 'HH') }}}}", "06"),
    ("function", "geo_distance"): ("{{ geo_distance({'lat': 0, 'lon': 0}, 0, 1, 'KM')|int }}",
                                   "111"),
    ("function", "get_asset_url"): ("{{ get_asset_url('../css/main.css') }}", "main.css"),
    ("function", "get_asset_version"): ("{{ get_asset_version('../css/main.css') }}", EMPTY),
    ("function", "get_public_template_url"): (
        "{{ get_public_template_url('../css/main.css') }}", "main.css"),
    ("function", "head_css"): ("{{ require_css('//c.io/a.css') }}{{ head_css() }}", "c.io/a.css"),
    ("function", "head_elements"): (
        "{{ require_css('//c.io/a.css') }}{{ head_elements() }}", "c.io/a.css"),
    ("function", "head_js"): (
        "{{ require_js('//c.io/a.js', 'head') }}{{ head_js() }}", "c.io/a.js"),
    ("function", "hubdb_table"): ("{{ hubdb_table('items').name }}", "items"),
    ("function", "hubdb_table_column"): ("{{ hubdb_table_column('items', 'title').type }}",
                                         "TEXT"),
    ("function", "hubdb_table_row"): ("{{ hubdb_table_row('items', ROW_ID).title }}", "Anvil"),
    ("function", "hubdb_table_rows"): ("{{ hubdb_table_rows('items')|map(attribute='title')"
                                       "|join }}", "Anvil"),
    ("function", "i18n_getlanguage"): ("{{ i18n_getlanguage() }}", "en"),
    ("function", "include_css"): ("{{ include_css('//c.io/a.css') }}", "c.io/a.css"),
    ("function", "include_javascript"): ("{{ include_javascript('//c.io/a.js') }}", "c.io/a.js"),
    ("function", "locale_name"): ("{{ locale_name('de') }}", "German"),
    ("function", "menu"): ("{{ menu('main').children is defined }}", "True"),
    ("function", "module_asset_url"): ("{{ module_asset_url('x') is defined }}", "True"),
    ("function", "namespace"): ("{% set ns = namespace(a=3) %}{{ ns.a }}", "3"),
    ("function", "personalization_token"): ("{{ personalization_token('contact.firstname', "
                                            "'friend') }}", "friend"),
    ("function", "range"): ("{{ range(3)|join }}", "012"),
    ("function", "require_css"): (
        "{{ require_css('//c.io/a.css') }}{{ head_css() }}", "c.io/a.css"),
    ("function", "require_js"): ("{{ require_js('//c.io/a.js') }}{{ footer_js() }}", "c.io/a.js"),
    ("function", "resize_image_url"): ("{{ resize_image_url('https://f.example/a.png', 100) }}",
                                       "a.png"),
    ("function", "set_response_code"): ("{{ set_response_code(404) }}", EMPTY),
    ("function", "strtodate"): ("{{ strtodate('2024-03-04', 'yyyy-MM-dd')|format_date('yyyy') }}",
                                "2024"),
    ("function", "strtotime"): ("{{ strtotime('2024-03-04', 'yyyy-MM-dd')|format_date('yyyy') }}",
                                "2024"),
    ("function", "super"): ("{% extends 'templates/base.html' %}{% block b %}child "
                           "{{ super() }}{% endblock %}", "parent"),
    ("function", "to_local_time"): (f"{{{{ to_local_time({T})|format_date('yyyy') }}}}", "2024"),
    ("function", "today"): ("{{ today()|format_date('yyyy') }}", "2026"),
    ("function", "truncate"): ("{{ truncate('abcdefghij', 5) }}", "ab..."),
    ("function", "type"): ("{{ type('a') }}", "str"),
    ("function", "unique_string"): ("{{ unique_string() }}", ""),
    ("function", "unixtimestamp"): (f"{{{{ unixtimestamp({T}) }}}}", "1709532000000"),
    # --------------------------------------------------------------------- tags
    ("tag", "block"): ("{% block b %}in block{% endblock %}", "in block"),
    ("tag", "boolean"): ('{% boolean "b" label="B" value=True %}', ""),
    ("tag", "break"): ("{% for i in [1, 2] %}{{ i }}{% break %}{% endfor %}", "1"),
    ("tag", "call"): ("{% macro m() %}[{{ caller() }}]{% endmacro %}"
                      "{% call m() %}in{% endcall %}", "[in]"),
    ("tag", "choice"): ('{% choice "c" label="C" value="a" choices="a,b" %}', ""),
    ("tag", "color"): ('{% color "c" label="C" color="#112233" %}', ""),
    ("tag", "content_attribute"): (
        '{% content_attribute "html_title" %}T{% end_content_attribute %}', EMPTY),
    ("tag", "continue"): ("{% for i in [1, 2] %}{% if i == 1 %}{% continue %}{% endif %}"
                          "{{ i }}{% endfor %}", "2"),
    ("tag", "custom_widget"): ('{% custom_widget "w" path="@hubspot/rich_text" html="<p>w</p>" %}',
                               "<p>w</p>"),
    ("tag", "cycle"): ("{% for i in [1, 2] %}{% cycle 'a','b' %}{% endfor %}", "ab"),
    ("tag", "dnd_area"): ('{% dnd_area "a" %}{% end_dnd_area %}', "container-fluid"),
    ("tag", "dnd_column"): ('{% dnd_area "a" %}{% dnd_section %}{% dnd_column %}'
                            '{% end_dnd_column %}{% end_dnd_section %}{% end_dnd_area %}',
                            "dnd-column"),
    ("tag", "dnd_grid_area"): ('{% dnd_grid_area "g" %}{% end_dnd_grid_area %}', EMPTY),
    ("tag", "dnd_grid_container"): ('{% dnd_area "a" %}{% dnd_grid_container %}'
                                    '{% end_dnd_grid_container %}{% end_dnd_area %}', EMPTY),
    ("tag", "dnd_grid_module"): ('{% dnd_area "a" %}{% dnd_grid_module path="@hubspot/rich_text" '
                                 'html="<p>g</p>" %}{% end_dnd_grid_module %}{% end_dnd_area %}',
                                 "<p>g</p>"),
    ("tag", "dnd_grid_section"): ('{% dnd_area "a" %}{% dnd_grid_section %}'
                                  '{% end_dnd_grid_section %}{% end_dnd_area %}', EMPTY),
    ("tag", "dnd_module"): ('{% dnd_area "a" %}{% dnd_module path="@hubspot/rich_text" '
                            'html="<p>m</p>" %}{% end_dnd_module %}{% end_dnd_area %}', "<p>m</p>"),
    ("tag", "dnd_row"): ('{% dnd_area "a" %}{% dnd_section %}{% dnd_column %}{% dnd_row %}'
                         '{% end_dnd_row %}{% end_dnd_column %}{% end_dnd_section %}'
                         '{% end_dnd_area %}', "dnd-row"),
    ("tag", "dnd_section"): ('{% dnd_area "a" %}{% dnd_section %}{% end_dnd_section %}'
                             '{% end_dnd_area %}', "dnd-section"),
    ("tag", "do"): ("{% set l = [] %}{% do l.append(4) %}{{ l|join }}", "4"),
    ("tag", "extends"): ("{% extends 'templates/base.html' %}{% block b %}kid{% endblock %}",
                         "kid"),
    ("tag", "flip"): ("{% flip %}a{% endflip %}", EMPTY),
    ("tag", "for"): ("{% for i in [1, 2] %}{{ i }}{% endfor %}", "12"),
    ("tag", "from"): ("{% from 'templates/macros.html' import hi %}{{ hi() }}", "hello"),
    ("tag", "global_block"): ('{% global_block "g" path="@hubspot/rich_text" html="<p>gb</p>" %}',
                              "<p>gb</p>"),
    ("tag", "global_module"): ('{% global_module "g" path="@hubspot/rich_text" html="<p>gm</p>" %}',
                               "<p>gm</p>"),
    ("tag", "global_widget"): ('{% global_widget "g" path="@hubspot/rich_text" html="<p>gw</p>" %}',
                               "<p>gw</p>"),
    ("tag", "header"): ('{% header "h" header_tag="h2", value="Title" %}', "Title"),
    ("tag", "if"): ("{% if 1 %}yes{% endif %}", "yes"),
    ("tag", "image"): ('{% image "i" src="https://f.example/a.png" alt="A" %}', "a.png"),
    ("tag", "image_src"): ('{% image_src "i" src="https://f.example/a.png" %}', "a.png"),
    ("tag", "import"): ("{% import 'templates/macros.html' as m %}{{ m.hi() }}", "hello"),
    ("tag", "include"): ("{% include 'templates/part.html' %}", "partial"),
    ("tag", "include_dnd_grid_partial"): (
        "{% include_dnd_grid_partial path='templates/part.html' %}", EMPTY),
    ("tag", "include_dnd_partial"): ("{% include_dnd_partial path='templates/part.html' %}",
                                     "partial"),
    ("tag", "inline_image_field"): ('{% inline_image_field field="img" value="x" %}', EMPTY),
    ("tag", "inline_rich_text"): ('{% inline_rich_text field="t" value="<p>r</p>" %}', "<p>r</p>"),
    ("tag", "inline_richtext_field"): ('{% inline_richtext_field field="t" value="<p>r</p>" %}',
                                       "<p>r</p>"),
    ("tag", "inline_text"): ('{% inline_text field="t" value="words" %}', "words"),
    ("tag", "inline_text_field"): ('{% inline_text_field field="t" value="words" %}', "words"),
    ("tag", "linked_image"): ('{% linked_image "l" src="https://f.example/a.png" alt="A" '
                              'link="https://example.com" %}', "a.png"),
    ("tag", "logo"): ('{% logo "logo" %}', EMPTY),
    ("tag", "macro"): ("{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(1) }}", "<1>"),
    ("tag", "module"): ('{% module "m" path="../modules/box" %}', "box"),
    ("tag", "module_attribute"): ('{% module_block module "b" path="../modules/box" %}'
                                  '{% module_attribute "text" %}attr{% end_module_attribute %}'
                                  '{% end_module_block %}', "attr"),
    ("tag", "print"): ("{% print 'printed' %}", "printed"),
    ("tag", "raw"): ("{% raw %}{{ x }}{% endraw %}", "{{ x }}"),
    ("tag", "raw_html"): ('{% raw_html "r" value="<i>raw</i>" %}', "raw"),
    ("tag", "require_css"): ("{% require_css %}<style>.a{}</style>{% end_require_css %}"
                             "{{ head_css() }}", ".a{}"),
    ("tag", "require_head"): ("{% require_head %}<meta name=x>{% end_require_head %}"
                              "{{ head_elements() }}", "<meta name=x>"),
    ("tag", "require_js"): ("{% require_js %}<script>var a;</script>{% end_require_js %}"
                            "{{ footer_js() }}", "var a;"),
    ("tag", "rich_text"): ('{% rich_text "r" html="<p>rt</p>" %}', "<p>rt</p>"),
    ("tag", "section_header"): ('{% section_header "s" header="Head" %}', "Head"),
    ("tag", "set"): ("{% set x = 9 %}{{ x }}", "9"),
    ("tag", "simple_menu"): ('{% simple_menu "s" %}', EMPTY),
    ("tag", "space"): ('{% space "s" %}', EMPTY),
    ("tag", "style_settings"): ('{% style_settings %}{% end_style_settings %}', EMPTY),
    ("tag", "targeted_module_attribute"): (
        '{% module_block module "b" path="../modules/box" %}'
        '{% targeted_module_attribute "text" %}t{% end_targeted_module_attribute %}'
        '{% end_module_block %}', "<div>t</div>"),
    ("tag", "targeted_widget_attribute"): (
        '{% widget_block rich_text "w" %}'
        '{% targeted_widget_attribute "html" %}t{% end_targeted_widget_attribute %}'
        '{% end_widget_block %}', EMPTY),
    ("tag", "text"): ('{% text "t" label="T" value="txt" %}', "txt"),
    ("tag", "textarea"): ('{% textarea "t" label="T" value="area" %}', "area"),
    ("tag", "unless"): ("{% unless false %}shown{% endunless %}", "shown"),
    ("tag", "widget_attribute"): ('{% widget_block rich_text "w" %}'
                                  '{% widget_attribute "html" %}<p>wa</p>{% end_widget_attribute %}'
                                  '{% end_widget_block %}', "<p>wa</p>"),
    ("tag", "widget_block"): ('{% widget_block rich_text "w" %}'
                              '{% widget_attribute "html" %}<p>wb</p>{% end_widget_attribute %}'
                              '{% end_widget_block %}', "<p>wb</p>"),
    ("tag", "widget_container"): ('{% widget_container "c" %}{% end_widget_container %}', EMPTY),
    ("tag", "widget_wrapper"): ('{% widget_wrapper %}ww{% end_widget_wrapper %}', EMPTY),
}


class _Items:
    """A tiny published HubDB table for the hubdb_* functions."""

    def __init__(self) -> None:
        from sync.local.hubdb import LocalHubDB

        self.hub = LocalHubDB.in_memory()
        self.hub.create_table({"name": "items", "label": "Items", "columns": [
            {"name": "title", "label": "Title", "type": "TEXT"}]})
        self.hub.batch_create("items", {"inputs": [{"values": {"title": "Anvil"}}]})
        self.hub.publish("items")
        self.row_id = self.hub.rows("items")["results"][0]["id"]


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> tuple[HublEnvironment, str]:
    from sync.site.hubl import LocalHubDBSource

    theme = tmp_path_factory.mktemp("theme")
    (theme / "css").mkdir()
    (theme / "css" / "main.css").write_text("body{}")
    (theme / "templates").mkdir()
    (theme / "templates" / "base.html").write_text("<main>{% block b %}parent{% endblock %}</main>")
    (theme / "templates" / "macros.html").write_text("{% macro hi() %}hello{% endmacro %}")
    (theme / "templates" / "part.html").write_text("<p>partial</p>")
    box = theme / "modules" / "box.module"
    box.mkdir(parents=True)
    (box / "meta.json").write_text(json.dumps({"label": "Box", "host_template_types": ["PAGE"]}))
    (box / "fields.json").write_text(json.dumps([
        {"name": "text", "label": "Text", "type": "text", "default": "box"}]))
    (box / "module.html").write_text("<div>{{ module.text }}</div>")
    items = _Items()
    hub_env = HublEnvironment(
        theme, hubdb=LocalHubDBSource(items.hub), portal_id=42,
        clock=VirtualClock(datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)),
        request=RequestContext.from_url("https://shop.example/p?a=1"))
    return hub_env, items.row_id


@pytest.mark.skipif(not HAVE_CATALOGUE, reason="HubL catalogue not found (set HUBSHOP_CONTRACTS)")
@pytest.mark.parametrize(("kind", "name"), SUPPORTED, ids=[f"{k}:{n}" for k, n in SUPPORTED])
def test_every_supported_catalogue_name_renders_a_minimal_call(
        env: tuple[HublEnvironment, str], kind: str, name: str) -> None:
    # given the minimal sensible call for this catalogue name
    assert (kind, name) in CALLS, f"no call for supported {kind} {name!r}: add one to CALLS"
    source, expected = CALLS[(kind, name)]
    hub_env, row_id = env
    # when it renders
    html = hub_env.render_string(source.replace("ROW_ID", repr(row_id)), name="templates/page.html")
    # then without error, with real (not placeholder) output holding what the call means
    assert "data-hubshop-placeholder" not in html
    if expected:
        assert expected in html, html
