"""HubL in field defaults is evaluated in the page, as HubSpot renders it; data never is."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sync.plumbing.clock import VirtualClock
from sync.site.hubl import HublEnvironment, RequestContext


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    # given a theme field and module fields whose defaults hold HubL
    (tmp_path / "fields.json").write_text(json.dumps([
        {"name": "footer", "type": "group", "children": [
            {"name": "copyright", "type": "richtext", "default": "© {{ year }} Fernhill"},
            {"name": "money_format", "type": "text", "default": "€{{amount}}"}]}]))
    module = tmp_path / "modules" / "footer.module"
    module.mkdir(parents=True)
    (module / "fields.json").write_text(json.dumps([
        {"name": "text", "type": "richtext", "default": "<p>&copy;&nbsp;{{ year }}</p>"},
        {"name": "title", "type": "richtext", "default": "{{ blog.name }}"},
        {"name": "plain", "type": "text", "default": "no hubl"},
        {"name": "links", "type": "group", "occurrence": {"min": 1}, "children": [
            {"name": "label", "type": "richtext"}],
         "default": [{"label": "{{ content.name }} home"}]},
        {"name": "broken", "type": "richtext", "default": "{{ oops( }}"}]))
    (module / "module.html").write_text(
        "{{ module.text }}|{{ module.title }}|{{ module.plain }}|"
        "{% for l in module.links %}{{ l.label }}{% endfor %}|{{ module.broken }}")
    return HublEnvironment(tmp_path, clock=VirtualClock())


def test_module_defaults_holding_hubl_render_in_the_page(env: HublEnvironment) -> None:
    # when a page uses the module
    html = env.render_string('{% module "f" path="../modules/footer" no_wrapper=True %}',
                             content={"name": "Shop"})
    # then each default's HubL is evaluated in the page; broken HubL prints as written
    text, title, plain, links, broken = html.split("|")
    assert text == "<p>&copy;&nbsp;2026</p>"
    assert title == "" and plain == "no hubl" and links == "Shop home"
    assert broken == "{{ oops( }}"
    # and what rendered empty or as written is a warning naming the module's fields.json
    messages = [str(w) for w in env.last_warnings]
    assert any(m.startswith("modules/footer.module/fields.json") and "blog.name" in m
               for m in messages)
    assert any("printed as written" in m for m in messages)


def test_theme_field_defaults_holding_hubl_render_too(env: HublEnvironment) -> None:
    assert env.render_string("{{ theme.footer.copyright }}") == "© 2026 Fernhill"


def test_plain_text_defaults_print_as_written(env: HublEnvironment) -> None:
    # given a text field whose braces are a Shopify money format, not HubL
    assert env.render_string("{{ theme.footer.money_format }}") == "€{{amount}}"
    assert env.last_warnings == []


def test_values_from_data_are_never_interpreted(env: HublEnvironment) -> None:
    # given a value that looks like HubL arriving in the request, passed as a field value
    request = RequestContext.from_url("https://shop.example/?q=%7B%7B%20year%20%7D%7D")
    html = env.render_string('{% module "f" path="../modules/footer" no_wrapper=True '
                             'title=request.query_dict.q %}', request=request)
    # then it prints as written
    assert html.split("|")[1] == "{{ year }}"
