"""``hubshop theme validate``: structure, field types, annotations and HubL syntax, as file:line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sync.site.validate import check_theme, validate_theme
from tests.site.theme_fixtures import MODULES, THEME


@pytest.fixture
def theme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "theme"
    shutil.copytree(THEME, target)
    shutil.copytree(MODULES, target / "modules")
    return target


def problems(theme: Path) -> list[str]:
    return [str(e) for e in validate_theme(theme)]


def test_our_theme_with_its_modules_is_valid():
    assert validate_theme(THEME, [MODULES]) == []


def test_broken_json_names_file_line_and_column(theme_copy: Path):
    # given a trailing comma on line 3 of a module's fields.json
    path = theme_copy / "modules" / "product-grid.module" / "fields.json"
    path.write_text('[\n  {"name": "title", "type": "text", "default": "x"},\n]\n')
    # when / then
    assert f"{path}:3:1: invalid JSON: Expecting value (fix the JSON syntax)" in problems(
        theme_copy)


def test_an_unknown_field_type_is_reported_at_its_field(theme_copy: Path):
    # given
    path = theme_copy / "fields.json"
    fields = json.loads(path.read_text())
    fields[2]["children"].append({"name": "opening_hours", "label": "Hours", "type": "clock"})
    path.write_text(json.dumps(fields, indent=2))
    # when
    found = [p for p in problems(theme_copy) if "opening_hours" in p]
    # then
    line = path.read_text().splitlines().index('        "name": "opening_hours",') + 1
    assert len(found) == 1
    assert found[0].startswith(f"{path}:{line}: field 'shop.opening_hours' has unknown type")


def test_a_choice_default_must_be_one_of_its_choices(theme_copy: Path):
    # given
    path = theme_copy / "modules" / "shopify-buy-button.module" / "fields.json"
    path.write_text(path.read_text().replace('"default": "vertical"', '"default": "diagonal"'))
    # when / then
    assert any("choice field 'layout' defaults to 'diagonal'" in p for p in problems(theme_copy))


def test_a_template_without_annotation_is_reported(theme_copy: Path):
    # given
    path = theme_copy / "templates" / "about.html"
    path.write_text("\n".join(path.read_text().splitlines()[5:]))
    # when / then
    assert any(p.startswith(f"{path}:1: no annotation header") for p in problems(theme_copy))


def test_an_unknown_template_type_is_reported(theme_copy: Path):
    # given
    path = theme_copy / "templates" / "contact.html"
    path.write_text(path.read_text().replace("templateType: page", "templateType: landing"))
    # when / then
    assert any(p.startswith(f"{path}:2: unknown templateType 'landing'")
               for p in problems(theme_copy))


def test_a_hubl_syntax_error_names_the_template_line(theme_copy: Path):
    # given an unclosed if on line 9
    path = theme_copy / "templates" / "home.html"
    lines = path.read_text().splitlines()
    lines.insert(8, "{% if content.name %}")
    path.write_text("\n".join(lines))
    # when
    found = [p for p in problems(theme_copy) if p.startswith(str(path))]
    # then
    assert len(found) == 1 and "if" in found[0]


def test_meta_json_needs_a_label_and_known_host_types(theme_copy: Path):
    # given
    path = theme_copy / "modules" / "shopify-collection.module" / "meta.json"
    meta = json.loads(path.read_text())
    del meta["label"]
    meta["host_template_types"] = ["PAGE", "SPACESHIP"]
    path.write_text(json.dumps(meta, indent=2))
    # when
    found = [p for p in problems(theme_copy) if p.startswith(str(path))]
    # then
    assert any("missing 'label'" in p for p in found)
    assert any("unknown host_template_types ['SPACESHIP']" in p for p in found)


def test_a_module_missing_its_html_is_reported(theme_copy: Path):
    # given
    (theme_copy / "modules" / "shopify-collection.module" / "module.html").unlink()
    # when / then
    assert any("shopify-collection.module/module.html: missing" in p for p in problems(theme_copy))


@pytest.mark.parametrize("kind", [
    "membership_login_page", "membership_register_page", "membership_reset_page",
    "membership_reset_request_page", "email_subscription_preferences_page",
    "email_subscriptions_confirmation_page", "email_backup_unsubscribe_page",
    "password_prompt_page", "search_results_page", "blog_listing", "blog_post",
])
def test_hubspot_system_page_template_types_are_accepted(theme_copy: Path, kind: str):
    # given a system template as real themes declare them
    path = theme_copy / "templates" / "system-page.html"
    path.write_text(f"<!--\n  templateType: {kind}\n  label: System\n"
                    "  isAvailableForNewContent: true\n-->\n<p>system</p>\n")
    # when / then
    assert [p for p in problems(theme_copy) if str(path) in p] == []


def test_a_module_whose_template_is_module_hubl_html_is_complete(theme_copy: Path):
    # given a module with only the newer file name
    folder = theme_copy / "modules" / "shopify-collection.module"
    (folder / "module.html").rename(folder / "module.hubl.html")
    # when / then
    assert [p for p in problems(theme_copy) if "shopify-collection.module" in p] == []


def test_a_colour_default_may_leave_its_colour_to_an_inherited_value(theme_copy: Path):
    # given an opacity-only default whose colour comes from another field
    path = theme_copy / "fields.json"
    fields = json.loads(path.read_text())
    fields.append({"name": "tint", "label": "Tint", "type": "color",
                   "inherited_value": {"property_value_paths": {"color": "theme.tone.color"}},
                   "default": {"opacity": 80}})
    fields.append({"name": "bare", "label": "Bare", "type": "color", "default": {"opacity": 80}})
    path.write_text(json.dumps(fields, indent=2))
    # when
    found = [p for p in problems(theme_copy) if "tint" in p or "bare" in p]
    # then only the colour with nowhere to take its colour from is reported
    assert len(found) == 1 and "field 'bare' (color)" in found[0]


@pytest.mark.parametrize("key", ["host_template_types", "content_types"])
def test_a_marketplace_module_for_any_content_type_is_accepted(theme_copy: Path, key: str):
    # given a module meta.json as published marketplace themes write it
    path = theme_copy / "modules" / "shopify-collection.module" / "meta.json"
    meta = json.loads(path.read_text())
    meta.update({"host_template_types": ["ANY"], "content_types": ["ANY"]})
    meta[key] = ["ANY", "LANDING_PAGE", "SITE_PAGE", "BLOG_LISTING"]
    path.write_text(json.dumps(meta, indent=2))
    # then it is valid
    assert [p for p in problems(theme_copy) if str(path) in p] == []


def test_an_unknown_content_type_is_still_an_error(theme_copy: Path):
    path = theme_copy / "modules" / "shopify-collection.module" / "meta.json"
    meta = json.loads(path.read_text())
    meta["content_types"] = ["ANY", "HOLOGRAM"]
    path.write_text(json.dumps(meta, indent=2))
    assert any("unknown content_types ['HOLOGRAM']" in p for p in problems(theme_copy))


def test_a_missing_preview_path_is_a_warning_not_an_error(theme_copy: Path):
    # given a theme.json whose preview template does not exist (HubSpot shows no preview)
    path = theme_copy / "theme.json"
    data = json.loads(path.read_text())
    data["preview_path"] = "./templates/gone.html"
    path.write_text(json.dumps(data, indent=2))
    # when
    report = check_theme(theme_copy)
    # then the theme stays valid and the warning names the file and line
    assert [str(e) for e in report.errors if "preview_path" in str(e)] == []
    assert any(str(w).startswith(f"{path}:") and "preview_path" in str(w)
               for w in report.warnings)
    assert validate_theme(theme_copy) == report.errors


def test_a_field_type_in_another_case_is_read_as_hubspot_reads_it(theme_copy: Path):
    # given a group typed "Group", as HubSpot's own boilerplate has shipped one
    path = theme_copy / "modules" / "shopify-collection.module" / "fields.json"
    fields = json.loads(path.read_text())
    fields.append({"name": "style", "label": "Style", "type": "Group",
                   "children": [{"name": "gap", "label": "Gap", "type": "number", "default": 8}]})
    path.write_text(json.dumps(fields, indent=2))
    # when
    report = check_theme(theme_copy)
    # then the theme stays valid and the case is a warning at the field
    assert [str(e) for e in report.errors if "style" in str(e)] == []
    assert any(str(w).startswith(f"{path}:") and "'Group'" in str(w) for w in report.warnings)
