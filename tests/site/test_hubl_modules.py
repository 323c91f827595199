"""Modules, built-in modules, dnd areas, partials and require_css/js collection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.site.hubl import HublEnvironment


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    theme = tmp_path / "theme"
    (theme / "templates" / "partials").mkdir(parents=True)
    (theme / "css").mkdir()
    (theme / "css" / "main.css").write_text("body{}")
    (theme / "templates" / "partials" / "footer.html").write_text("<footer>{{ year }}</footer>")
    hero = tmp_path / "src-modules" / "hero.module"
    hero.mkdir(parents=True)
    (hero / "fields.json").write_text(json.dumps([
        {"name": "heading", "type": "text", "default": "Default heading"},
        {"name": "style", "type": "group", "children": [
            {"name": "tone", "type": "choice", "default": "light"}]},
        {"name": "items", "type": "text", "occurrence": {"min": 0}, "default": ["a", "b"]},
    ]))
    (hero / "module.html").write_text(
        '<h1 class="hero hero--{{ module.style.tone }}">{{ module.heading }}</h1>'
        "{{ module.items|join('/') }}"
        "{% require_js %}<script>hero()</script>{% end_require_js %}")
    (hero / "module.css").write_text(".hero{}")
    return HublEnvironment(theme, modules_dirs=[tmp_path / "src-modules"])


def test_module_fields_default_and_tag_params_override(env: HublEnvironment) -> None:
    # given a module from a modules dir, addressed relative to the template
    html = env.render_string('{% module "top" path="../modules/hero" heading="Hi" %}',
                             name="templates/home.html")
    # then field defaults merge with tag params, inside HubSpot's wrapper
    assert html == (
        '<div id="hs_cos_wrapper_top" class="hs_cos_wrapper hs_cos_wrapper_widget '
        'hs_cos_wrapper_type_module" style="" data-hs-cos-general-type="widget" '
        'data-hs-cos-type="module"><h1 class="hero hero--light">Hi</h1>a/b</div>')


def test_module_css_and_require_js_land_in_the_includes_once(env: HublEnvironment) -> None:
    source = ("<head>{{ standard_header_includes }}</head>"
              '{% module "a" path="../modules/hero" %}{% module "b" path="../modules/hero" %}'
              "{{ require_css(get_asset_url('../css/main.css')) }}"
              "{{ standard_footer_includes }}")
    html = env.render_string(source, name="templates/home.html")
    assert html.count('href="/modules/hero.module/module.css"') == 1
    assert html.count("<script>hero()</script>") == 1
    assert html.index('href="/css/main.css"') < html.index("</head>")
    assert html.endswith("<script>hero()</script>")


def test_module_block_attributes_and_no_wrapper(env: HublEnvironment) -> None:
    source = ('{% module_block module "x" path="../modules/hero" no_wrapper=True %}'
              '{% module_attribute "heading" %}From block{% end_module_attribute %}'
              '{% module_attribute "items" is_json=True %}["z"]{% end_module_attribute %}'
              "{% end_module_block %}")
    html = env.render_string(source, name="templates/home.html")
    assert html == '<h1 class="hero hero--light">From block</h1>z'


def test_export_to_template_context(env: HublEnvironment) -> None:
    source = ('{% module "m" path="../modules/hero" heading="H" export_to_template_context=True %}'
              "[{{ widget_data.m.heading }}]")
    assert env.render_string(source, name="templates/home.html") == "[H]"


def test_builtin_modules_render_hubspot_markup(env: HublEnvironment) -> None:
    rich = env.render_string('{% module "r" path="@hubspot/rich_text" html="<p>Hi</p>" %}')
    assert 'hs_cos_wrapper_type_rich_text' in rich and "<p>Hi</p>" in rich
    image = env.render_string(
        '{% linked_image "l" src="/a.png" alt="A" link="/go" %}')
    assert '<a href="/go"><img src="/a.png" class="hs-image-widget" alt="A"' in image
    header = env.render_string('{% section_header "s" header="Big" subheader="Small" %}')
    assert "<h1>Big</h1>" in header and "Small" in header
    menu = env.render_string('{% simple_menu "m" menu_tree=[{"link_label": "Home", '
                             '"link_url": "/"}] %}')
    assert 'role="menuitem">Home</a>' in menu


def test_hosted_data_renders_as_placeholders(env: HublEnvironment) -> None:
    for source in ('{% form "f" %}', '{% module "f" path="@hubspot/form" %}',
                   '{% blog_subscribe "b" %}', '{% menu "main" %}', "{{ cta('abc') }}"):
        html = env.render_string(source)
        assert "data-hubshop-placeholder" in html, source
    form = env.render_string('{% form "f" %}')
    assert '<label id="label-email-f" for="email-f">' in form


def test_dnd_area_renders_hubspot_grid(env: HublEnvironment) -> None:
    source = ('{% dnd_area "main" class="body" %}'
              '{% dnd_section padding={top: 20} max_width=1000 %}'
              '{% dnd_column width=8 offset=0 %}{% dnd_row %}'
              '{% dnd_module path="@hubspot/rich_text" html="<p>A</p>" %}{% end_dnd_module %}'
              "{% end_dnd_row %}{% end_dnd_column %}"
              '{% dnd_module path="../modules/hero" offset=8 width=4 %}'
              '{% module_attribute "heading" %}Side{% end_module_attribute %}{% end_dnd_module %}'
              "{% end_dnd_section %}{% end_dnd_area %}{{ standard_header_includes }}")
    html = env.render_string(source, name="templates/home.html")
    assert '<div class="container-fluid body">' in html
    assert 'class="row-fluid-wrapper row-depth-1 row-number-1 main-row-0-padding dnd-section ' \
           'main-row-0-max-width-section-centering"' in html
    assert '<div class="span8 widget-span widget-type-cell dnd-column" style="" ' \
           'data-widget-type="cell" data-x="0" data-w="8">' in html
    assert 'row-depth-2 row-number-2 dnd-row' in html
    assert 'class="span4 widget-span widget-type-custom_widget dnd-module"' in html
    assert 'id="hs_cos_wrapper_main-module-2"' in html and ">Side</h1>" in html
    assert ".main-row-0-padding { padding-top: 20px !important; }" in html
    assert ".main-row-0-max-width-section-centering > .row-fluid { max-width: 1000px" in html


def test_partials_and_global_partials(env: HublEnvironment) -> None:
    html = env.render_string('{% global_partial path="./partials/footer.html" %}'
                             '{% include_dnd_partial path="./partials/footer.html" %}'
                             '{% include "./partials/footer.html" %}',
                             name="templates/home.html")
    year = env.now().year
    assert html == (f'<div data-global-resource-path="theme/templates/partials/footer.html">'
                    f"<footer>{year}</footer></div><footer>{year}</footer><footer>{year}</footer>")


def test_inline_text_reads_the_module_field(tmp_path: Path) -> None:
    mod = tmp_path / "modules" / "t.module"
    mod.mkdir(parents=True)
    (mod / "fields.json").write_text('[{"name": "title", "type": "text", "default": "T"}]')
    (mod / "module.html").write_text('{% inline_text field="title" %}')
    html = HublEnvironment(tmp_path).render_module("../modules/t")
    assert 'data-hs-cos-field="title">T</span>' in html


def test_a_group_typed_in_another_case_still_nests_its_defaults(tmp_path: Path) -> None:
    # given a module whose style group is typed "Group" (HubSpot reads types case-insensitively)
    theme = tmp_path / "theme"
    card = theme / "modules" / "card.module"
    card.mkdir(parents=True)
    (card / "fields.json").write_text(json.dumps([
        {"name": "style", "type": "Group", "children": [
            {"name": "tone", "type": "Choice", "default": "dark"}]}]))
    (card / "module.html").write_text("<p class='card--{{ module.style.tone }}'></p>")
    env = HublEnvironment(theme)
    # when
    html = env.render_string('{% module "c" path="../modules/card" no_wrapper=True %}',
                             name="templates/page.html")
    # then the group's children default as for "group"
    assert html == "<p class='card--dark'></p>"


def test_icon_and_text_widgets_sit_inline_in_a_span(env: HublEnvironment) -> None:
    # given an icon inside a link and a text module inside a heading, as themes write them
    source = ("<a href='/'>{% icon name='{{ which }}' style='SOLID' %}</a>"
              "<h1>{% module 'name' path='@hubspot/text' value='Hi' %}</h1>")
    # when
    html = env.render_string("{% set which = 'facebook-f' %}" + source, name="templates/p.html")
    # then HubSpot's wrapper for both is a span, so the line does not break
    assert '<a href=\'/\'><span id="hs_cos_wrapper_' in html
    assert 'hs_cos_wrapper_type_icon' in html and 'data-icon="facebook-f"' in html
    assert html.endswith('data-hs-cos-type="text">Hi</span></h1>')


def test_dnd_section_background_image_and_module_alignment_as_hubspot_lays_them_out(
        env: HublEnvironment) -> None:
    # given a section with HubSpot's background_image keys and modules aligned two ways
    source = ('{% dnd_area "main" %}'
              "{% dnd_section background_image={'backgroundPosition': 'MIDDLE_CENTER', "
              "'backgroundSize': 'cover', 'imageUrl': '/hero.png'} %}"
              '{% dnd_module path="@hubspot/rich_text" horizontal_alignment="CENTER" %}'
              "{% end_dnd_module %}"
              '{% dnd_module path="@hubspot/rich_text" flexbox_positioning="MIDDLE_RIGHT" %}'
              "{% end_dnd_module %}"
              "{% end_dnd_section %}{% end_dnd_area %}{{ standard_header_includes }}")
    # when
    html = env.render_string(source, name="templates/home.html")
    # then the image is the section's background, positioned as CSS says it
    assert ".main-row-0-background-image { background-image: url('/hero.png') !important; " \
           "background-size: cover !important; background-position: center center " \
           "!important; }" in html
    # and each module is a flex column aligned as asked, by HubSpot's class name
    assert 'widget-type-custom_widget main-module-1-flexbox-positioning dnd-module"' in html
    assert (".main-module-1-flexbox-positioning { display: -ms-flexbox !important; "
            "-ms-flex-direction: column !important; -ms-flex-align: center !important; "
            "display: flex !important; flex-direction: column !important; "
            "align-items: center !important; justify-content: flex-start; }") in html
    assert "align-items: flex-end !important; justify-content: center; }" in html
