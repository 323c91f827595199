"""Brand guidelines as data: contrast, generated fields and tokens, no stray colours or fonts."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from sync.errors import InputError
from sync.site.brand import (
    check_brand,
    check_contrast,
    contrast_ratio,
    load_brand,
    regenerate,
    theme_fields,
    tokens_css,
)
from sync.site.css_tokens import find_literals
from tests.site.theme_fixtures import MODULES, THEME


@pytest.fixture
def theme_copy(tmp_path: Path) -> Path:
    target = tmp_path / "theme"
    shutil.copytree(THEME, target)
    return target


def test_contrast_ratio_matches_wcag_reference_values():
    # given / when / then: black on white is the maximum, equal colours the minimum
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#FFFFFF") == pytest.approx(4.54, abs=0.01)


def test_our_brand_and_theme_pass_the_whole_check():
    # given the shipped theme and modules / when checked / then nothing is wrong
    assert check_brand(THEME, (MODULES,)) == []


def test_a_pair_below_aa_is_reported_at_its_line(theme_copy: Path):
    # given muted text made too light
    brand_file = theme_copy / "brand.yml"
    brand_file.write_text(brand_file.read_text().replace('muted: "#55555F"', 'muted: "#9A9AA0"'))
    # when
    errors = check_contrast(load_brand(brand_file))
    # then both muted pairs fail, naming brand.yml and the contrast entry's line
    assert len(errors) == 2
    assert all("below WCAG AA 4.5:1" in str(e) for e in errors)
    line = brand_file.read_text().splitlines().index("  - [muted, background, text]") + 1
    assert errors[0].where == f"{brand_file}:{line}"


def test_fields_and_tokens_come_from_the_brand_file():
    # given
    brand = load_brand(THEME / "brand.yml")
    # when
    fields = {group["name"]: group for group in theme_fields(brand)}
    css = tokens_css(brand)
    # then every colour is a theme setting defaulting to the brand value, read by a token
    colours = {f["name"]: f["default"]["color"] for f in fields["colors"]["children"]}
    assert colours == brand.colors
    assert "--color-primary: {{ theme.colors.primary.color }};" in css
    shop = {f["name"]: f["default"] for f in fields["shop"]["children"]}
    assert shop["domain"] == brand.shop["domain"]
    assert "storefront_token" in shop
    assert json.loads((THEME / "fields.json").read_text()) == theme_fields(brand)


def test_regenerate_writes_once_then_changes_nothing(theme_copy: Path):
    # given a brand colour change
    brand_file = theme_copy / "brand.yml"
    brand_file.write_text(brand_file.read_text().replace("#1F4E79", "#123E69"))
    # when regenerated twice
    first = regenerate(theme_copy)
    second = regenerate(theme_copy)
    # then the first run rewrote fields.json only (tokens read settings), the second nothing
    assert [p.name for p in first] == ["fields.json"]
    assert second == []
    assert "#123E69" in (theme_copy / "fields.json").read_text()


def test_stale_generated_files_fail_the_check(theme_copy: Path):
    # given brand.yml edited without regenerating
    brand_file = theme_copy / "brand.yml"
    brand_file.write_text(brand_file.read_text().replace("#1F4E79", "#123E69"))
    # when / then
    problems = [str(e) for e in check_brand(theme_copy)]
    assert any("fields.json:1: out of date with brand.yml" in p for p in problems)


def test_literal_colours_and_fonts_in_css_are_found_with_line_and_column():
    # given
    css = (
        ".a {\n"
        "  color: #333;\n"
        "  background: var(--color-surface);\n"
        "  border: 1px solid rgba(0, 0, 0, 0.2);\n"
        "  font-family: Helvetica, sans-serif;\n"
        "  outline-color: red;\n"
        "}\n"
        "/* color: #fff in a comment is fine */\n"
        "#id:hover { color: currentColor; font-family: var(--font-body); }\n"
    )
    # when
    found = [(line, column, literal) for line, column, literal, _ in find_literals(css)]
    # then
    assert found == [
        (2, 10, "#333"),
        (4, 21, "rgba("),
        (5, 16, "Helvetica, sans-serif"),
        (6, 18, "red"),
    ]


def test_a_stray_colour_in_theme_css_fails_the_brand_check(theme_copy: Path):
    # given a component with a hard-coded brand colour
    css = theme_copy / "css" / "components" / "_footer.css"
    css.write_text(css.read_text() + "\n.footer__x {\n  color: #1F4E79;\n}\n")
    # when
    problems = check_brand(theme_copy)
    # then the error names the file, line and column and says which token it is
    assert len(problems) == 1
    assert isinstance(problems[0], InputError)
    assert problems[0].where.endswith("_footer.css:" + str(len(css.read_text().splitlines()) - 1)
                                      + ":10")
    assert "the brand's 'primary'" in str(problems[0])
