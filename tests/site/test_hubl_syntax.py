"""HubL syntax on Jinja2: Jinjava's statements, literals and printing rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    (tmp_path / "templates" / "partials").mkdir(parents=True)
    (tmp_path / "templates" / "partials" / "macros.html").write_text(
        "{% macro price(v) %}<b>{{ v }}</b>{% endmacro %}")
    (tmp_path / "templates" / "layouts").mkdir()
    (tmp_path / "templates" / "layouts" / "base.html").write_text(
        "<main>{% block body %}base{% endblock %}</main>")
    return HublEnvironment(tmp_path)


def test_bare_dict_keys_are_strings_and_keys_win_over_methods(env: HublEnvironment) -> None:
    # given a Jinjava dict literal with bare keys, one named like a dict method
    source = "{% set d = {r: 1, items: 'x'} %}{{ d.r }}-{{ d.items }}-{{ d['r'] }}"
    # when / then
    assert env.render_string(source) == "1-x-1"


def test_unless_ifchanged_cycle_and_print(env: HublEnvironment) -> None:
    source = ("{% unless false %}U{% else %}no{% endunless %}"
              "{% for x in [1, 1, 2] %}{% ifchanged x %}{{ x }}{% endifchanged %}{% endfor %}"
              "{% for x in range(3) %}{% cycle 'a','b' %}{% endfor %}{% print 'p' %}")
    assert env.render_string(source) == "U12abap"


def test_none_and_undefined_print_nothing(env: HublEnvironment) -> None:
    assert env.render_string("[{{ none }}{{ missing.deeper.still }}]") == "[]"


def test_loop_filters_do_break_and_set_scope(env: HublEnvironment) -> None:
    source = ("{% set items = [] %}{% for x in range(10) if x is odd %}"
              "{% if x > 5 %}{% break %}{% endif %}{% do items.append(x) %}{% endfor %}"
              "{{ items|join(',') }}")
    assert env.render_string(source) == "1,3,5"


def test_relative_imports_and_super(env: HublEnvironment) -> None:
    # given a page importing a macro and extending a layout by relative paths
    source = ('{% extends "./layouts/base.html" %}'
              '{% from "./partials/macros.html" import price %}'
              "{% block body %}{{ super() }}+{{ price(3) }}{% endblock %}")
    # when / then
    assert env.render_string(source, name="templates/page.html") == "<main>base+<b>3</b></main>"


def test_filters_with_arguments_and_expression_tests(env: HublEnvironment) -> None:
    source = ("{{ 'a,b,c'|split(',')|length }} {{ [3,1,2]|sort(true)|join }}"
              "{% if 'shoes' is string_containing 'oe' %} y{% endif %}"
              "{% if 2 is within [1, 2] %} w{% endif %}{% if 'x' is truthy %} t{% endif %}")
    assert env.render_string(source) == "3 321 y w t"


def test_no_autoescape_by_default_like_hubspot(env: HublEnvironment) -> None:
    assert env.render_string("{{ v }}|{{ v|escape }}", content={}) == "|"
    page = env.render_string("{% set v = '<b>' %}{{ v }}|{{ v|escape }}")
    assert page == "<b>|&lt;b&gt;"
