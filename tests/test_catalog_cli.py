"""``hubshop catalog sync`` on the embedded default: local shop -> local HubDB."""

from __future__ import annotations

import json

from click.testing import CliRunner

from sync.cli import main


def _run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_sync_then_resync_changes_nothing_the_second_time() -> None:
    # given the demo store
    assert _run("demo").exit_code == 0
    # when
    first = json.loads(_run("catalog", "sync", "--json").output)
    second = json.loads(_run("catalog", "sync", "--json").output)
    # then
    assert first["created"] == 0 and first["unchanged"] > 100  # the demo already synced
    assert {k: second[k] for k in ("created", "updated", "deleted", "schema_changes")} == {
        "created": 0, "updated": 0, "deleted": 0, "schema_changes": 0,
    }
    assert second["api_calls"] == {"shopify": 0, "hubspot": 2}
    assert second["published"] is False


def test_dry_run_prints_the_plan_and_writes_nothing() -> None:
    # given a store whose table does not exist yet
    _run("demo")
    # when
    result = _run("catalog", "sync", "--table", "products_preview", "--dry-run")
    # then
    assert result.exit_code == 0
    assert "Would change table products_preview" in result.output
    assert "create the table with 24 columns" in result.output
    again = json.loads(_run("catalog", "sync", "--table", "products_preview", "--json").output)
    assert again["created"] > 100 and again["published"] is True


def test_a_csv_source_syncs_by_handle(tmp_path) -> None:
    # given
    from sync.paths import DEMO_DIR

    csv = DEMO_DIR / "products.csv"
    # when
    result = _run("catalog", "sync", "--source", f"csv:{csv}", "--table", "from_csv", "--json")
    # then
    data = json.loads(result.output)
    assert data["created"] > 100 and data["source"] == f"csv:{csv}"


def test_explicit_hubdb_target_without_credentials_names_the_missing_settings() -> None:
    result = CliRunner().invoke(main, ["catalog", "sync", "--target", "hubdb"])
    assert result.exit_code == 1
    assert "HUBSPOT_ACCESS_TOKEN" in result.output


def test_the_command_has_help_with_an_example() -> None:
    result = _run("catalog", "sync", "--help")
    assert "Example:" in result.output and "--products" in result.output


def test_since_limits_the_sync_to_recent_products_and_keeps_the_rest() -> None:
    # given the demo store and a new table
    _run("demo")
    # when only products updated after every demo product's last update are synced, then
    # products updated since long before
    late = json.loads(_run("catalog", "sync", "--table", "recent", "--since", "2099-01-01",
                           "--json").output)
    early = json.loads(_run("catalog", "sync", "--table", "recent", "--since",
                            "2000-01-01T00:00:00", "--json").output)
    # then the first reads none (and deletes nothing as gone), the second all of them
    assert late["created"] == late["deleted"] == 0
    assert early["created"] > 100


def test_rebuild_text_re_sanitises_yet_changes_nothing_when_the_text_is_current() -> None:
    # given the demo store synced
    _run("demo")
    # when every description is sanitised anew
    data = json.loads(_run("catalog", "sync", "--rebuild-text", "--dry-run", "--json").output)
    # then the same text comes out: nothing to update
    assert data["updated"] == 0 and data["unchanged"] > 100


def test_a_bad_source_is_worded_with_its_flag() -> None:
    # when / then: the library's typed error, in the CLI's words
    result = CliRunner().invoke(main, ["catalog", "sync", "--source", "ftp"])
    assert result.exit_code == 1
    assert "--source: 'ftp' is not a source; choose shopify, local or csv:PATH" in result.output
