"""Jinjava syntax and semantics real HubSpot themes rely on, beyond what Jinja does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment, HublError, RequestContext


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "_helpers.css").write_text(
        "{% set flavour = 'mint' %}{% macro shout(word) %}{{ word|upper }}!{% endmacro %}")
    return HublEnvironment(tmp_path)


def test_double_ampersand_double_pipe_and_bang(env: HublEnvironment) -> None:
    # given Jinjava's C-style boolean operators
    source = ("{% set yes = true %}{% if yes && !no %}A{% endif %}{% if no || yes %}B{% endif %}"
              "{{ missing || 'fallback' }}{% if 1 != 2 %}C{% endif %}")
    # when / then
    assert env.render_string(source) == "ABfallbackC"


def test_ternary_operator_and_null_literal(env: HublEnvironment) -> None:
    source = ("{{ 2 > 1 ? 'big' : 'small' }} {% set n = null %}"
              "{{ n == null ? 'none' : 'some' }}")
    assert env.render_string(source) == "big none"


def test_expression_in_double_braces_as_a_tag_argument(env: HublEnvironment) -> None:
    # given a tag parameter written as {{ … }}, with a default through ||
    source = ("{% module 'm' path='@hubspot/text' no_wrapper=True "
              "value={{ context.title || 'Hello' }} %}")
    assert env.render_string(source) == "Hello"


def test_import_without_alias_brings_macros_and_variables_in(env: HublEnvironment) -> None:
    source = "{% import '../css/_helpers.css' %}{{ shout('hi') }} {{ flavour }}"
    assert env.render_string(source, name="templates/page.html") == "HI! mint"


def test_template_literals_with_expressions_are_interpreted(env: HublEnvironment) -> None:
    # given string literals that hold {{ … }}, as Jinjava's nested interpretation allows
    source = ("{% for w in [3] %}{% set attrs = 'width=\"{{ w }}0\"' %}<img {{ attrs }}>"
              "{% endfor %}{% set kind = 'leaf' %}"
              "{% icon name='{{ kind }}' purpose='decorative' %}")
    html = env.render_string(source)
    assert '<img width="30">' in html
    assert 'data-icon="leaf"' in html


def test_data_holding_braces_is_never_interpreted(env: HublEnvironment) -> None:
    # given a value from outside the template (query string) that looks like HubL
    request = RequestContext.from_url("https://shop.example/?q=%7B%7B%201%2B1%20%7D%7D")
    html = env.render_string("{{ request.query_dict.q }}", request=request)
    assert html == "{{ 1+1 }}"


def test_null_compares_false_and_counts_as_zero_in_arithmetic(env: HublEnvironment) -> None:
    source = ("{% set nothing = null %}{% if nothing >= 0 %}ge{% else %}no{% endif %} "
              "{{ nothing / 100 }} {{ 3 + nothing }} {{ 'a' + nothing }} "
              "{% if 2 < 3 < 4 %}chain{% endif %}")
    assert env.render_string(source) == "no 0.0 3 a chain"


def test_division_by_zero_names_the_line(env: HublEnvironment) -> None:
    with pytest.raises(HublError) as info:
        env.render_string("ok\n{{ 1 / 0 }}")
    assert info.value.where == "templates/inline.html:2"


def test_sequence_filters_return_lists(env: HublEnvironment) -> None:
    source = ("{% set rows = [{'on': true, 'n': 'a'}, {'on': false, 'n': 'b'}] %}"
              "{{ rows|selectattr('on')|length }} {{ (rows|map(attribute='n'))|last }}")
    assert env.render_string(source) == "1 b"


def test_default_replaces_null_and_int_of_null_is_zero(env: HublEnvironment) -> None:
    source = ("{% set nothing = null %}"
              "{{ nothing|default('d') }} {{ nothing|int }} {{ nothing|int(7) }}")
    assert env.render_string(source) == "d 0 7"


def test_annotation_header_is_not_served(env: HublEnvironment, tmp_path: Path) -> None:
    # given a page and a partial that both carry HubSpot's annotation header
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    (templates / "partials" / "bar.html").write_text(
        "<!--\n  templateType: global_partial\n-->\n<nav>bar</nav>")
    (templates / "page.html").write_text(
        "<!--\n  templateType: page\n  label: Page\n-->\n<main>{% include './partials/bar.html' %}"
        "{{ unknown_fn() }}</main>")
    # when it renders
    with pytest.raises(HublError) as info:
        env.render_template("templates/page.html")
    # then line numbers still count the header …
    assert info.value.where == "templates/page.html:5"
    (templates / "page.html").write_text(
        "<!-- templateType: page -->\n<main>{% include './partials/bar.html' %}</main>"
        "<!-- kept -->")
    html = env.render_template("templates/page.html")
    # … and neither header reaches the output, while other comments do
    assert "templateType" not in html
    assert "<nav>bar</nav></main><!-- kept -->" in html


def test_missing_query_parameter_is_null(env: HublEnvironment) -> None:
    request = RequestContext.from_url("https://shop.example/list?page=2")
    source = ("[{{ request.query_dict.missing_key }}]{{ request.query_dict.missing_key|int }}"
              "{{ request.query_dict['missing'] is none }}{{ request.query_dict.page }}")
    assert env.render_string(source, request=request) == "[]0True2"


def test_tojson_is_safe_inside_a_script_element(env: HublEnvironment) -> None:
    source = '<script type="application/ld+json">{{ {"name": content.name}|tojson }}</script>'
    html = env.render_string(source, content={"name": "</script><b>&'x"})
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"name": "</script><b>&'x"}


def test_request_domain_has_no_port_but_full_url_keeps_it(env: HublEnvironment) -> None:
    local = RequestContext.from_url("http://localhost:8000/a?b=1")
    assert env.render_string("{{ request.domain }} {{ request.full_url }}",
                             request=local) == "localhost http://localhost:8000/a?b=1"
    assert RequestContext(domain="shop.example:8443").domain == "shop.example"
