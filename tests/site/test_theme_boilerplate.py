"""HubSpot's cms-theme-boilerplate constructs build with no failed page, and say what is off.

The theme is rebuilt from the boilerplate's failing constructs (see
``boilerplate_theme.py``): ``{% do rel.append(…) %}`` with ``rel`` unset,
``@hubspot/blog_posts`` / ``@hubspot/pagination``, blog-only values, HubL in a
field default, ``host_template_types: ["ANY"]``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.context import AppContext
from sync.cli.theme import theme
from sync.site.build import BuildResult, build_site
from sync.site.build_summary import summary_json, summary_lines
from tests.site.boilerplate_theme import write_boilerplate_theme


@pytest.fixture(scope="module")
def boilerplate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_boilerplate_theme(tmp_path_factory.mktemp("themes"))


@pytest.fixture(scope="module")
def built(boilerplate: Path, tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build_site(boilerplate, tmp_path_factory.mktemp("site") / "out")


def invoke(tmp_path: Path, *args: str):
    app = AppContext(flags={"home": str(tmp_path / "home")})
    try:
        return CliRunner().invoke(theme, list(args), obj=app, catch_exceptions=False)
    finally:
        app.close()


def test_every_page_builds(built: BuildResult) -> None:
    assert built.failed == []
    assert sorted(built.rendered) == ["404.html", "blog-index/index.html",
                                      "blog-post/index.html", "index.html"]


def test_the_summary_names_each_warning_by_template_and_line(built: BuildResult) -> None:
    # when the build is summarised
    warnings = {(w["template"], w["line"]): w for w in summary_json(built)["warnings"]}
    # then the unset rel list is one warning at the module's line, seen on all four pages
    rel = warnings[("modules/social-links.module/module.html", 6)]
    assert "rel.append()" in rel["message"] and len(rel["pages"]) == 4
    assert ("templates/blog-index.html", 9) in warnings  # {{ group.public_title }}


def test_the_summary_counts_placeholders_by_page(built: BuildResult) -> None:
    placeholders = {p["page"]: p["kinds"] for p in summary_json(built)["placeholders"]}
    assert placeholders["templates/blog-index.html"]["blog_posts"] == 1
    assert placeholders["templates/blog-index.html"]["pagination"] == 1
    assert placeholders["templates/blog-post.html"]["blog_author_url()"] == 1  # a function
    assert summary_lines(built)[0].startswith("Summary: ")


def test_build_command_ends_with_the_summary(boilerplate: Path, tmp_path: Path) -> None:
    # when built from the command line, as text and as JSON
    text = invoke(tmp_path, "build", str(boilerplate), "--out", str(tmp_path / "a"))
    data = invoke(tmp_path, "build", str(boilerplate), "--out", str(tmp_path / "b"), "--json")
    # then both succeed and carry the summary
    assert text.exit_code == 0, text.output
    assert "0 failed" in text.output and "Summary: " in text.output
    assert "modules/social-links.module/module.html:6 method called" in text.output
    report = json.loads(data.stdout)
    assert report["failed"] == 0 and report["summary"]["warnings"] >= 1
    assert report["summary"]["placeholders"] >= 2


def test_coverage_of_a_theme_lists_the_names_it_uses(boilerplate: Path, tmp_path: Path) -> None:
    # when
    result = invoke(tmp_path, "coverage", str(boilerplate), "--json")
    # then each HubL name the theme uses is listed with its status, count and first place
    assert result.exit_code == 0, result.output
    rows = {(r["kind"], r["name"]): r for r in json.loads(result.stdout)["names"]}
    assert rows[("module", "@hubspot/blog_posts")]["status"] == "placeholder"
    assert rows[("module", "@hubspot/pagination")]["first"] == "templates/blog-index.html:17"
    assert rows[("module", "@hubspot/image")]["status"] == "supported"
    assert rows[("tag", "do")]["status"] == "supported"
    assert rows[("tag", "global_partial")]["status"] == "supported"
    assert rows[("filter", "join")]["uses"] == 1
    assert rows[("function", "blog_author_url")]["status"] in ("supported", "placeholder")
    text = invoke(tmp_path, "coverage", str(boilerplate))
    assert text.exit_code == 0
    assert "@hubspot/pagination" in text.output and "templates/blog-index.html:17" in text.output
    assert text.output.rstrip().splitlines()[-1].endswith("0 error, 0 unknown")


def test_validate_accepts_the_marketplace_meta_json(boilerplate: Path, tmp_path: Path) -> None:
    # given modules whose meta.json says host_template_types/content_types ["ANY"]
    result = invoke(tmp_path, "validate", str(boilerplate), "--json")
    # then the theme is valid
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "problems": [], "warnings": []}


def test_pages_are_titled_by_name_and_get_neutral_menus(built: BuildResult) -> None:
    # given the built home and blog listing pages of a theme that is not hubshop's
    home = (built.out_dir / "index.html").read_text()
    listing = (built.out_dir / "blog-index" / "index.html").read_text()
    # then each is titled by the name a page made from its template starts with …
    assert "<title>Home</title>" in home and "<title>Blog listing</title>" in listing
    # … its hosted menu is a neutral placeholder, not hubshop's shop links …
    assert 'data-hubshop-placeholder="menu"' in home and 'href="/products"' not in home
    # … and its capped hero image cannot overflow
    assert 'width="600" height="300" style="max-width: min(100%, 600px)' in home


def test_hubl_in_a_field_default_is_evaluated(built: BuildResult) -> None:
    home = (built.out_dir / "index.html").read_text()
    assert "{{ year }}" not in home
    assert re.search(r"<p>&copy;&nbsp;\d{4} Boilerplate</p>", home)


def test_a_system_page_is_titled_by_its_own_page_title(built: BuildResult) -> None:
    # given the 404 template, which sets pageTitle because HubSpot gives it no html_title
    page = (built.out_dir / "404.html").read_text()
    # then its title is the template's own, not its label
    assert "<title>Error 404 | Page not found</title>" in page
