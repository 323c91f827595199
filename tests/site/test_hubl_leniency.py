"""Jinjava's leniency, rule by rule: what renders on with a warning, and what still fails.

Each case is a small template. Jinjava records undefined variables, unknown
properties and method calls on ``null`` as warnings and prints nothing; only
what HubSpot refuses (syntax errors, unknown functions/filters, missing
templates or modules) fails the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment, HublError


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    return HublEnvironment(tmp_path)


# (rule, template, expected output, expected warning at line 2)
LENIENT = [
    ("undefined variable prints nothing",
     "a\n[{{ nope }}]", "a\n[]", "undefined variable printed as empty: nope"),
    ("unknown property of a dict prints nothing",
     "{% set m = {'a': 1} %}\n[{{ m.b }}]", "\n[]", "unknown property printed as empty: b"),
    ("property of an undefined value prints nothing",
     "\n[{{ blog.name }}]", "\n[]", "property of an undefined value printed as empty: blog.name"),
    ("method call on an undefined value is a no-op",
     "x\n{% do rel.append('nofollow') %}{{ rel|join(' ') }}", "x\n",
     "method called on an undefined value: rel.append() did nothing"),
    ("method call on an undefined property is a no-op",
     "{% set m = {} %}\n{% do m.links.append(1) %}ok", "\nok",
     "method called on an undefined value: links.append() did nothing"),
    ("method call on null is a no-op",
     "{% set rel = null %}\n{% do rel.append('x') %}ok", "\nok",
     "method called on an undefined value: append() did nothing"),
    ("undefined value concatenated is empty",
     "\n{{ 'w-' ~ width ~ 'px' }}", "\nw-px", "undefined variable printed as empty: width"),
    ("undefined value through a filter is empty",
     "\n{{ title|upper }}", "\n", "undefined variable printed as empty: title"),
]


@pytest.mark.parametrize(("rule", "source", "html", "warning"), LENIENT,
                         ids=[case[0] for case in LENIENT])
def test_lenient_rule_renders_on_and_warns_with_template_and_line(
        env: HublEnvironment, rule: str, source: str, html: str, warning: str) -> None:
    # when the template renders
    output = env.render_string(source, name="templates/page.html")
    # then it renders as Jinjava would, and the warning names template:line
    assert output == html
    assert [str(w) for w in env.last_warnings] == [f"templates/page.html:2: {warning}"]


# Tests and defaults on undefined values are how templates guard; they stay silent.
SILENT = [
    ("{% if nope %}x{% endif %}", ""),
    ("{{ nope is defined }}", "False"),
    ("{{ nope|default('d') }}", "d"),
    ("{% for x in nope %}{{ x }}{% endfor %}", ""),
    ("{{ nope|length }}", "0"),
    ("{% if nope.deep.path == 'x' %}x{% endif %}", ""),
]


@pytest.mark.parametrize(("source", "html"), SILENT)
def test_guards_on_undefined_values_render_without_warnings(
        env: HublEnvironment, source: str, html: str) -> None:
    assert env.render_string(source) == html
    assert env.last_warnings == []


def test_a_warning_repeated_in_a_loop_is_recorded_once(env: HublEnvironment) -> None:
    env.render_string("{% for i in [1, 2, 3] %}{{ nope }}{% endfor %}")
    assert len(env.last_warnings) == 1


def test_a_warning_inside_a_module_names_the_module_file(
        env: HublEnvironment, tmp_path: Path) -> None:
    # given a module whose template calls a method on an unset variable at line 3
    module = tmp_path / "modules" / "links.module"
    module.mkdir(parents=True)
    (module / "module.html").write_text("<a\n\n{% do rel.append('x') %}>go</a>")
    # when a page uses it
    html = env.render_string('{% module "l" path="../modules/links" %}',
                             name="templates/page.html")
    # then the page renders and the warning points into the module
    assert ">go</a>" in html
    assert [w.where for w in env.last_warnings] == ["modules/links.module/module.html:3"]


STRICT = [
    ("unknown function", "\n{{ no_such_function() }}", "unknown function: no_such_function()"),
    ("unknown method of a value", "{% set l = [] %}\n{{ l.frobnicate() }}", "unknown method"),
    ("unknown filter", "\n{{ 1|no_such_filter }}", "unknown filter"),
    ("syntax error", "\n{% if %}", "syntax error"),
    ("missing module", '\n{% module "m" path="../modules/nope" %}', "module not found"),
    ("unknown built-in module", '\n{% module "m" path="@hubspot/nope" %}',
     "unknown HubSpot built-in module"),
    ("missing template", "\n{% include './nope.html' %}", "not found"),
]


@pytest.mark.parametrize(("rule", "source", "message"), STRICT, ids=[c[0] for c in STRICT])
def test_what_hubspot_refuses_still_fails_the_page(
        env: HublEnvironment, rule: str, source: str, message: str) -> None:
    with pytest.raises(HublError) as caught:
        env.render_string(source, name="templates/page.html")
    assert caught.value.where == "templates/page.html:2"
    assert message in caught.value.message


JAVA = [
    ("{% set h = 'https://x.io' %}{{ h.startsWith('http') }} {{ h.contains('x.') }}",
     "True True"),
    ("{{ 'Ab'.toLowerCase() }} {{ ' a '.trim() }} {{ 'abc'.length() }} {{ 'abc'.substring(1) }}",
     "ab a 3 bc"),
    ("{% set l = [1, 2] %}{{ l.size() }} {{ l.contains(2) }} {{ l.isEmpty() }}", "2 True False"),
    ("{% set m = {'a': 1} %}{{ m.containsKey('a') }} {{ m.size() }}", "True 1"),
]


@pytest.mark.parametrize(("source", "html"), JAVA)
def test_java_methods_jinjava_values_have_work(env: HublEnvironment, source: str,
                                               html: str) -> None:
    # given HubL written for HubSpot, whose strings, lists and maps are Java objects
    assert env.render_string(source) == html


def test_a_date_prints_as_jinjava_prints_it_and_the_localized_date_is_text(
        tmp_path: Path) -> None:
    # given a blog-post template printing its dates, as the boilerplate does
    env = HublEnvironment(tmp_path)
    source = "{{ content.publish_date }}|{{ content.publish_date_localized }}"
    # when
    html = env.render_string(source, name="templates/post.html")
    # then the date is PyishDate's yyyy-MM-dd HH:mm:ss and the localized one a date in words
    printed, localized = html.split("|")
    now = env.now()
    assert printed == now.strftime("%Y-%m-%d %H:%M:%S")
    assert localized == f"{now:%B} {now.day}, {now.year}"


def test_an_unset_style_field_has_an_empty_css_and_no_warning(tmp_path: Path) -> None:
    # given a module whose border, spacing and font fields have no default
    module = tmp_path / "modules" / "box.module"
    module.mkdir(parents=True)
    (module / "fields.json").write_text(
        '[{"name": "styles", "type": "group", "children": ['
        '{"name": "border", "type": "border"}, {"name": "spacing", "type": "spacing"},'
        '{"name": "font", "type": "font"}]}]')
    (module / "module.html").write_text(
        ".b { {{ module.styles.border.css }}{{ module.styles.spacing.css }}"
        "{{ module.styles.font.css }}{{ module.styles.font.style }} }")
    env = HublEnvironment(tmp_path)
    # when
    html = env.render_string('{% module "b" path="../modules/box" no_wrapper=True %}',
                             name="templates/page.html")
    # then each prints nothing, as HubSpot's empty field objects do, without a warning
    assert html == ".b {  }"
    assert env.last_warnings == []
