"""The CLI face: help with examples everywhere, demo reproducibility, store loading."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from sync import __version__
from sync.cli import main
from sync.local.db import connect
from sync.local.shop import LocalShop

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


def _commands(group: click.Group, prefix: tuple[str, ...] = ()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # the root loads its commands lazily
        command = group.get_command(ctx, name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output


@pytest.mark.parametrize("path", [p for p, _ in _commands(main)], ids=" ".join)
def test_every_command_has_help_with_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"hubshop {' '.join(path)} --help has no example"


def test_writing_commands_offer_dry_run() -> None:
    writers = {("store", "load")}
    for path, command in _commands(main):
        if path in writers:
            assert any(p.name == "dry_run" for p in command.params), path


def _snapshot(home: Path) -> dict:
    conn = connect(home / "hubshop.sqlite3")
    try:
        return LocalShop(conn).snapshot()
    finally:
        conn.close()


def test_demo_twice_gives_the_same_store(tmp_path: Path) -> None:
    # given
    home = tmp_path / "home"
    runner = CliRunner()
    # when
    first = runner.invoke(main, ["--home", str(home), "demo", "--json"])
    snap_first = _snapshot(home)
    second = runner.invoke(main, ["--home", str(home), "demo", "--json"])
    snap_second = _snapshot(home)
    reset = runner.invoke(main, ["--home", str(home), "demo", "--reset", "--json"])
    snap_reset = _snapshot(home)
    # then
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0 and reset.exit_code == 0
    assert snap_first == snap_second == snap_reset
    store = json.loads(first.stdout)["store"]
    assert store["created"] is True and json.loads(second.stdout)["store"]["created"] is False
    assert store["products"] >= 150 and len(store["categories"]) >= 8
    assert len(store["locations"]) == 2 and store["out_of_stock"] > 0


def test_demo_prints_what_it_holds_and_what_to_try(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "demo"])
    assert result.exit_code == 0, result.output
    assert "Created the demo store" in result.output
    assert "Try next:" in result.output
    assert "embedded default" in result.stderr


def _a_csv() -> Path:
    candidates = sorted(FIXTURES.glob("*.csv"))
    assert candidates, "CSV fixtures missing"
    return next(p for p in candidates if "legacy" in p.name and "bad" not in p.name)


def test_store_load_dry_run_changes_nothing_then_load_is_idempotent(tmp_path: Path) -> None:
    # given
    home = tmp_path / "home"
    runner = CliRunner()
    csv_path = str(_a_csv())
    # when
    load = ["--home", str(home), "store", "load", csv_path, "--json"]
    dry = runner.invoke(main, [*load, "--dry-run"])
    conn = connect(home / "hubshop.sqlite3")
    empty_after_dry = LocalShop(conn).count_products() == 0
    conn.close()
    real = runner.invoke(main, load)
    again = runner.invoke(main, load)
    # then
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["created"] > 0 and empty_after_dry
    assert json.loads(real.stdout)["created"] == json.loads(dry.stdout)["created"]
    assert json.loads(again.stdout)["created"] == 0
    assert json.loads(again.stdout)["updated"] == 0
    assert json.loads(again.stdout)["unchanged"] == json.loads(real.stdout)["created"]


def test_store_load_bad_csv_names_file_line_column(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "Handle,Title,Variant SKU,Variant Price\n"
        "tee,Tee,TEE-1,12.00\n"
        "tee,,TEE-2,12,5O\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "store", "load", str(bad)])
    assert result.exit_code != 0
    assert "bad.csv:3:" in result.output


def test_demo_never_talks_to_configured_services(tmp_path: Path, monkeypatch) -> None:
    # given credentials for a real store and HubSpot account (nothing answers them here)
    monkeypatch.setenv("SHOPIFY_STORE", "real-brand.myshopify.com")
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", "shpat_live_token_value")
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-live-token-value")
    # when
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "demo", "--json"])
    # then the demo ran locally, end to end
    assert result.exit_code == 0, result.output
    steps = json.loads(result.stdout)["steps"]
    assert steps["catalog"]["api_calls"]["shopify"] == 0
    assert steps["inventory"]["written"] > 0


def test_library_errors_are_one_redacted_line(tmp_path: Path, monkeypatch) -> None:
    # given a store domain that is really a pasted token
    monkeypatch.setenv("SHOPIFY_STORE", "shpat_0123456789abcdef0123456789abcdef")
    # when
    result = CliRunner().invoke(main, ["--home", str(tmp_path / "h"), "store", "load", "x.csv"])
    # then
    assert result.exit_code != 0
    assert "shpat_0123456789abcdef" not in result.output


def test_unwritable_home_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    result = CliRunner().invoke(main, ["--home", str(blocker / "home"), "demo"])
    assert result.exit_code == 1
    assert "cannot open the local store" in result.output
    assert "Traceback" not in result.output


def test_theme_coverage_without_the_contracts_names_the_setting(tmp_path: Path,
                                                                monkeypatch) -> None:
    # given a clone without the maintainers' contracts folder
    monkeypatch.setenv("HUBSHOP_CONTRACTS", str(tmp_path / "no-contracts"))
    # when
    result = CliRunner().invoke(main, ["theme", "coverage"])
    # then a clear message, not a traceback: what is missing and the setting that points at it
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "HUBSHOP_CONTRACTS" in result.output and "HubL catalogue" in result.output
    assert "not shipped" in result.output
