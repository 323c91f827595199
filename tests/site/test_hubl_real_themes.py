"""Constructs real HubSpot themes use: derived field CSS, inherited values, hubl files, nulls."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment


def _theme(tmp_path: Path) -> Path:
    fields = [
        {"name": "colors", "type": "group", "children": [
            {"name": "main", "type": "color", "default": {"color": "#102030"}}]},
        {"name": "type", "type": "group", "children": [
            {"name": "base", "type": "font",
             "default": {"font": "Open Sans", "fallback": "sans-serif", "variant": "700italic"}},
            {"name": "heading", "type": "font",
             "inherited_value": {"property_value_paths": {
                 "font": "theme.type.base.font", "color": "theme.colors.main.color"}},
             "default": {"size": 40, "size_unit": "px", "styles": {"text-transform": "none"}}}]},
        {"name": "box", "type": "spacing", "default": {"padding": {
            "top": {"value": 8, "units": "px"}, "left": {"value": 1, "units": "rem"}}}},
        {"name": "edge", "type": "border", "default": {"top": {
            "width": {"value": 2, "units": "px"}, "style": "solid", "color": "#ff0000",
            "opacity": 50}}},
    ]
    (tmp_path / "fields.json").write_text(json.dumps(fields))
    module = tmp_path / "modules" / "badge.module"
    module.mkdir(parents=True)
    (module / "fields.json").write_text(json.dumps(
        [{"name": "label", "type": "text", "default": "New"}]))
    (module / "meta.json").write_text('{"label": "Badge"}')
    (module / "module.hubl.html").write_text("<em>{{ module.label }}</em>")
    return tmp_path


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    return HublEnvironment(_theme(tmp_path))


def test_font_style_and_css_are_derived_from_the_value(env: HublEnvironment) -> None:
    # given a font field; .style is used as "{{ f.style }};", .css as a whole declaration list
    style = env.render_string("{{ theme.type.base.style }}")
    css = env.render_string("{{ theme.type.heading.css }}")
    assert style == "font-family: 'Open Sans', sans-serif; font-style: italic; font-weight: 700"
    assert css == ("font-family: 'Open Sans'; text-transform: none; color: #102030; "
                   "font-size: 40px;")


def test_inherited_values_fill_what_a_field_leaves_unset(env: HublEnvironment) -> None:
    assert env.render_string("{{ theme.type.heading.font }} {{ theme.type.heading.color }}"
                             ) == "Open Sans #102030"


def test_spacing_and_border_css(env: HublEnvironment) -> None:
    assert env.render_string("{{ theme.box.css }}") == "padding-top: 8px; padding-left: 1rem;"
    assert env.render_string("{{ theme.edge.css }}") == (
        "border-top: 2px solid rgba(255, 0, 0, 0.5);")


def test_css_of_a_tag_parameter_value_is_derived_too(env: HublEnvironment) -> None:
    source = "{% set p = {'padding': {'bottom': {'value': 4, 'units': 'px'}}} %}{{ p.css }}"
    assert env.render_string(source) == "padding-bottom: 4px;"


def test_module_hubl_html_is_a_module_template(env: HublEnvironment) -> None:
    html = env.render_string("{% module 'b' path='../modules/badge' %}")
    assert "<em>New</em>" in html


def test_null_hubdb_table_answers_nothing(env: HublEnvironment) -> None:
    # given a theme that ships with testing ids left null (no HubDB source at all)
    source = ("{% set t = null %}{{ hubdb_table_rows(t)|length }}"
              "{{ hubdb_table_row(t, null) is none }}{{ hubdb_table(t).columns|length }}")
    assert env.render_string(source) == "0True0"


def test_builtin_module_version_and_search_input(env: HublEnvironment) -> None:
    source = ("{{ get_asset_version('@hubspot/language_switcher') }}"
              "{% module 's' path='@hubspot/search_input' field_label='Find' %}")
    html = env.render_string(source)
    assert html.startswith("1")
    assert 'role="search"' in html and 'name="term"' in html and ">Find</label>" in html
    # HubSpot's defaults: placeholder "Search", no button unless include_search_button
    assert 'placeholder="Search"' in html and "<button" not in html
    with_button = env.render_string("{% module 's' path='@hubspot/search_input' "
                                    "include_search_button=True placeholder='' %}")
    assert '<button aria-label="Search">' in with_button and 'placeholder=""' in with_button


@pytest.mark.parametrize("builtin", ["search_results", "password_prompt", "email_subscriptions",
                                     "email_subscriptions_confirmation",
                                     "email_simple_subscription"])
def test_system_page_builtins_render_as_placeholders(env: HublEnvironment, builtin: str) -> None:
    html = env.render_string(f"{{% module 'x' path='@hubspot/{builtin}' %}}")
    assert "data-hubshop-placeholder" in html


def test_menu_function_gives_neutral_sample_nodes_for_a_hosted_menu(
        env: HublEnvironment) -> None:
    # given any theme (not hubshop's): a menu only HubSpot hosts shows neutral links
    source = ("{% for link in menu('main', 'site_root').children %}"
              "{{ link.label }}={{ link.url }};{% endfor %}")
    assert env.render_string(source) == "Menu link 1=#;Menu link 2=#;Menu link 3=#;"
    html = env.render_string("{% module 'nav' path='@hubspot/menu' %}")
    assert 'data-hubshop-placeholder="menu"' in html and "/products" not in html


def test_linked_image_honours_size_type_and_max_width(env: HublEnvironment) -> None:
    # given an image capped at 600px wide, and one sized automatically
    capped = env.render_string(
        "{% module 'i' path='@hubspot/linked_image' img={'src': 'a.png', 'alt': 'A', "
        "'size_type': 'auto_custom_max', 'max_width': 600, 'width': 1200, 'height': 600} %}")
    auto = env.render_string("{% module 'i' path='@hubspot/linked_image' img={'src': 'a.png', "
                             "'alt': 'A', 'width': 1200, 'height': 600} %}")
    # then the capped one is 600 wide (height scaled) and neither can overflow its column
    assert 'width="600" height="300"' in capped
    assert 'style="max-width: min(100%, 600px); height: auto;"' in capped
    assert 'width="1200" height="600" style="max-width: 100%; height: auto;"' in auto


def test_unknown_constructs_still_fail_with_template_and_line(env: HublEnvironment) -> None:
    from sync.site.hubl import HublError

    with pytest.raises(HublError) as info:
        env.render_string("a\n{{ 1 ?? 2 }}")
    assert info.value.where == "templates/inline.html:2"
