"""``hubshop theme …`` commands: thin, documented, exit codes that scripts can trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli.context import AppContext
from sync.cli.theme import theme
from sync.paths import DEMO_DIR
from tests.site.theme_fixtures import synced_hub


def invoke(tmp_path: Path, *args: str):
    app = AppContext(flags={"home": str(tmp_path / "home")})
    try:
        return CliRunner().invoke(theme, list(args), obj=app, catch_exceptions=False)
    finally:
        app.close()


@pytest.mark.parametrize("command", sorted(theme.commands))
def test_every_theme_command_has_help_with_an_example(command: str, tmp_path: Path):
    result = invoke(tmp_path, command, "--help")
    assert result.exit_code == 0 and "Example:" in result.output


def test_validate_and_brand_check_pass_on_our_theme(tmp_path: Path):
    assert invoke(tmp_path, "validate").exit_code == 0
    result = invoke(tmp_path, "brand", "--check", "--json")
    assert result.exit_code == 0 and json.loads(result.output) == {"ok": True, "problems": []}


def test_build_renders_the_store_s_products_and_reports_counts(tmp_path: Path):
    # given the local store whose products the catalog sync wrote into the product table
    hub = synced_hub(tmp_path / "home")
    rows = hub.get_table("products")["rowCount"]
    hub.conn.close()
    # when
    result = invoke(tmp_path, "build", "--out", str(tmp_path / "site"), "--json",
                    "--static", f"demo={DEMO_DIR}")
    # then
    report = json.loads(result.output)
    assert result.exit_code == 0, result.output
    assert report["failed"] == 0 and report["rendered"] == len(report["pages"]) == 6 + rows
    assert (tmp_path / "site" / "demo" / "images").is_dir()


def test_build_without_a_product_table_renders_empty_pages_and_says_why(tmp_path: Path):
    # given a store that has never been synced
    # when
    result = invoke(tmp_path, "build", "--out", str(tmp_path / "site"), "--json")
    # then every page renders, product pages are skipped, and the note says why
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["failed"] == 0 and report["failures"] == []
    row_pages = [p for p in report["pages"] if p.startswith("products/") and p.count("/") > 1]
    assert report["rendered"] and not row_pages
    assert any("products" in note["why"] and "does not exist" in note["why"]
               for note in report["notes"])


def test_upload_without_hubspot_credentials_says_what_is_missing(tmp_path: Path):
    result = CliRunner().invoke(theme, ["upload", "--dry-run"],
                                obj=AppContext(flags={"home": str(tmp_path / "home")}))
    assert result.exit_code == 1 and "HubSpot is not configured" in result.output
