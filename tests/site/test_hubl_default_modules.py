"""Every HubSpot default module renders (markup or marked placeholder) and is in coverage."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.paths import contracts_dir
from sync.site.hubl import HublEnvironment, coverage_report
from sync.site.hubl.default_modules import DEFAULT_MODULES


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> HublEnvironment:
    return HublEnvironment(tmp_path_factory.mktemp("theme"))


def test_every_default_module_is_in_the_coverage_report_and_not_an_error() -> None:
    # given HubSpot's list of default modules and the coverage report
    rows = {r.name: r for r in coverage_report(contracts_dir()) if r.kind == "module"}
    # then each is reported, and none as an error
    assert sorted(rows) == sorted(f"@hubspot/{name}" for name in DEFAULT_MODULES)
    assert {name: r.status for name, r in rows.items() if r.status == "error"} == {}


@pytest.mark.parametrize("name", DEFAULT_MODULES)
def test_every_default_module_renders_in_a_page(env: HublEnvironment, name: str) -> None:
    # when a template uses the module, as themes do
    html = env.render_string(f'{{% module "m" path="@hubspot/{name}" %}}')
    # then the page renders HubSpot's wrapper around it
    assert f"hs_cos_wrapper_type_{name}" in html
    row = next(r for r in coverage_report(contracts_dir()) if r.name == f"@hubspot/{name}")
    if row.status == "placeholder":
        assert "data-hubshop-placeholder" in html


def test_blog_posts_and_pagination_follow_the_listing_page(env: HublEnvironment) -> None:
    # given a blog listing page laid out as the boilerplate's blog index (one page of posts)
    source = ('{% dnd_area "main" %}{% dnd_section %}{% dnd_column %}{% dnd_row %}'
              '{% dnd_module path="@hubspot/blog_posts" %}{% end_dnd_module %}'
              '{% end_dnd_row %}{% dnd_row %}'
              '{% dnd_module path="@hubspot/pagination" %}{% end_dnd_module %}'
              '{% end_dnd_row %}{% end_dnd_column %}{% end_dnd_section %}{% end_dnd_area %}')
    html = env.render_string(source)
    # then posts render as marked cards and the pagination marks page 1 as current
    assert 'data-hubshop-placeholder="blog_posts"' in html
    assert "Sample blog post 1" in html
    assert 'aria-current="page">1</a>' in html
    assert ">Prev</a>" not in html and ">Next</a>" not in html


def test_default_module_list_names_the_modules_the_boilerplate_uses() -> None:
    for name in ("blog_posts", "pagination", "blog_subscribe", "blog_comments", "logo",
                 "menu", "rich_text", "linked_image", "social_follow", "search_input"):
        assert name in DEFAULT_MODULES


def test_coverage_without_a_catalogue_names_the_variable_to_set(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as caught:
        coverage_report(tmp_path)
    assert "HUBSHOP_CONTRACTS" in str(caught.value)
