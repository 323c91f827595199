"""``hubshop inventory``: sync, status, pause and resume on the embedded default."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sync.cli import main


@pytest.fixture
def cli():
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(main, ["inventory", *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result

    return invoke


def _counts(result) -> dict:
    return json.loads(result.stdout)


def test_sync_json_prints_integer_counts_and_a_second_sync_writes_nothing(cli):
    # when
    first = _counts(cli("sync", "--json"))
    second = _counts(cli("sync", "--json"))
    # then
    assert {"written", "unchanged", "conflicts", "skipped", "stale", "api_calls",
            "dry_run"} <= set(first)
    assert all(isinstance(first[k], int) for k in ("written", "unchanged", "conflicts",
                                                   "skipped", "stale", "queued", "rejected"))
    assert first["api_calls"] == {"shopify": first["api_calls"]["shopify"]}
    assert first["dry_run"] is False
    assert first["written"] > 0 and second["written"] == 0
    assert second["unchanged"] == first["unchanged"] + first["written"]


def test_a_dry_run_shows_the_plan_and_changes_nothing(cli):
    # when
    plan = cli("sync", "--dry-run")
    after = _counts(cli("sync", "--dry-run", "--json"))
    # then
    assert "would write" in plan.stdout and "->" in plan.stdout
    assert after["written"] > 0 and after["dry_run"] is True


def test_pause_holds_writes_until_resume(cli):
    # given
    cli("pause")
    # when
    paused = cli("sync")
    again = cli("sync")
    status = json.loads(cli("status", "--json").stdout)
    resumed = json.loads(cli("resume", "--json").stdout)
    # then (two paused syncs queue only the drift, one change per SKU@location)
    assert "writes paused: " in paused.stdout and "nothing written" in paused.stdout
    assert f"writes paused: {status['pending']} change(s) queued" in again.stdout
    assert status["paused"] is True and status["pending"] > 0
    assert status["pending"] == status["drift"]["count"]
    assert resumed["written"] > 0 and resumed["queued"] == status["pending"]
    assert json.loads(cli("status", "--json").stdout)["drift"]["count"] == 0


def test_every_inventory_command_has_help_with_an_example(cli):
    for command in ("sync", "status", "pause", "resume"):
        assert "Example:" in cli(command, "--help").stdout


def test_an_empty_store_with_a_real_feed_is_said_and_never_seeded(tmp_path, monkeypatch):
    # given a project with its own warehouse feed (not the demo's) and an empty local store
    feed = tmp_path / "stock.csv"
    feed.write_text("sku,location_code,qty_on_hand,qty_allocated,qty_available,"
                    "last_movement_at\n")
    monkeypatch.setenv("WAREHOUSE_FEED", str(feed))
    # when a command runs on it
    result = CliRunner().invoke(main, ["inventory", "sync", "--json"])
    # then it says what to do, and no demo store appeared behind the user's back
    assert "The local store is empty: run `hubshop demo`" in result.stderr
    assert json.loads(result.stdout)["written"] == 0


def test_resume_says_what_it_wrote(cli):
    # given a paused sync that queued the drift
    cli("pause")
    cli("sync")
    # when
    resumed = cli("resume")
    # then
    assert "written" in resumed.stdout and "already in step" in resumed.stdout
