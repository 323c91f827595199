"""``hubshop products import`` and ``hubshop nightly``: CLI, report, lock, steps, schedule."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import main
from sync.config import load_settings
from sync.inventory.memory_state import MemoryState
from sync.jobs.nightly import LOCK, StepResult, run_at, run_nightly
from sync.local.db import connect
from sync.plumbing.clock import VirtualClock

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EXPORT = FIXTURES / "shopify_export_legacy.csv"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def settings(home: Path, **flags):
    return load_settings(flags={"home": str(home), **flags}, env={}, cwd=home.parent)


def invoke(home: Path, *args: str):
    return CliRunner().invoke(main, ["--home", str(home), *args])


def test_import_json_prints_integer_counts_and_api_calls_per_service(home):
    # when
    result = invoke(home, "products", "import", str(EXPORT), "--json")
    again = invoke(home, "products", "import", str(EXPORT), "--json")
    # then
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {k: data[k] for k in ("created", "updated", "archived", "unchanged", "invalid")} == {
        "created": 3, "updated": 0, "archived": 0, "unchanged": 0, "invalid": 0}
    assert data["api_calls"] == {"shopify": 0} and data["dry_run"] is False
    assert json.loads(again.stdout)["unchanged"] == 3


def test_a_feed_with_errors_is_refused_with_every_place_and_nothing_written(home, tmp_path):
    # given
    bad = tmp_path / "bad.csv"
    bad.write_text(EXPORT.read_text().replace("35.00", "35 EUR").replace("52.00", "lots"))
    # when
    result = invoke(home, "products", "import", str(bad))
    skipped = invoke(home, "products", "import", str(bad), "--skip-invalid", "--json")
    # then
    assert result.exit_code == 1
    assert f"{bad}:8:21 (Variant Price): '35 EUR' is not an amount of money" in result.output
    assert f"{bad}:7:21 (Variant Price): 'lots' is not an amount of money" in result.output
    assert "refused: 2 invalid product(s)" in result.output
    data = json.loads(skipped.stdout)
    assert (data["created"], data["invalid"]) == (1, 2)


def test_dry_run_lists_the_plan_and_writes_nothing(home):
    # when
    dry = invoke(home, "products", "import", str(EXPORT), "--dry-run")
    real = invoke(home, "products", "import", str(EXPORT), "--json")
    # then
    assert "create linen-shirt" in dry.output and "would create 3" in dry.output
    assert json.loads(real.stdout)["created"] == 3


def test_a_missing_feed_is_named_not_a_traceback(home):
    # when
    result = invoke(home, "products", "import", "nowhere.csv")
    # then
    assert result.exit_code == 1
    assert "nowhere.csv: the feed file does not exist" in result.output


def test_the_nightly_runs_import_catalog_and_inventory_and_stores_one_run_record(home):
    # given
    conn = connect(settings(home).database)
    state = MemoryState()
    # when
    report = run_nightly(settings(home), conn=conn, clock=VirtualClock(), feed=str(EXPORT),
                         state=state)
    # then
    assert [s.name for s in report.steps] == ["import", "catalog", "inventory"]
    assert report.ok, report.line()
    assert report.steps[0].counts["created"] == 3
    assert report.steps[1].counts["created"] == 3
    record = state.runs()[0]
    assert record["kind"] == "nightly" and record["ok"] is True
    assert set(record["api_calls"]) == {"shopify", "hubspot"} and "seconds" in record
    assert state.flag(LOCK) is None


def test_a_failed_import_skips_the_steps_that_need_it_and_says_so(home, tmp_path):
    # given
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"handle": "x", "title": "X", "variants": [{"price": "?"}]}\n')
    conn = connect(settings(home).database)
    # when
    report = run_nightly(settings(home), conn=conn, clock=VirtualClock(), feed=str(bad),
                         state=MemoryState())
    # then
    assert not report.ok
    assert report.steps[0].error.startswith("1 invalid product(s)")
    assert report.steps[0].failures[0]["where"].startswith(f"{bad}:1:")
    assert [s.skipped for s in report.steps[1:]] == ["skipped: import failed"] * 2


def test_an_overlapping_run_does_not_start_and_a_stale_lock_is_taken_over(home):
    # given a run holding the lock since 10 minutes ago
    clock = VirtualClock(datetime(2026, 3, 1, 23, 0, tzinfo=UTC))
    state = MemoryState()
    held = {"run": "earlier", "at": (clock.now() - timedelta(minutes=10)).isoformat()}
    state.set_flag(LOCK, json.dumps(held))
    steps = {name: (lambda n=name: StepResult(n, ok=True, line="done"))
             for name in ("import", "catalog", "inventory")}
    conn = connect(settings(home).database)
    # when
    blocked = run_nightly(settings(home), conn=conn, clock=clock, state=state, steps=steps)
    clock.advance(3 * 3600)
    stale = run_nightly(settings(home), conn=conn, clock=clock, state=state, steps=steps)
    # then
    assert blocked.locked_out.startswith("run earlier holds the lock")
    assert blocked.steps == []
    assert stale.ok and state.flag(LOCK) is None


def test_a_step_raising_is_reported_and_stops_its_dependents(home):
    # given
    from sync.errors import RemoteError

    def broken() -> StepResult:
        raise RemoteError("Shopify answered HTTP 503 to ImportProductSet")

    steps = {"import": broken, "catalog": lambda: StepResult("catalog", ok=True),
             "inventory": lambda: StepResult("inventory", ok=True)}
    conn = connect(settings(home).database)
    # when
    report = run_nightly(settings(home), conn=conn, clock=VirtualClock(), state=MemoryState(),
                         steps=steps)
    # then
    assert report.steps[0].error == "Shopify answered HTTP 503 to ImportProductSet"
    assert "catalog: skipped: import failed" in report.line()


def test_at_waits_for_midnight_in_the_store_time_zone(home, monkeypatch):
    # given 21:30 UTC = 22:30 in Amsterdam (winter)
    clock = VirtualClock(datetime(2026, 1, 10, 21, 30, tzinfo=UTC))
    ran: list[datetime] = []
    monkeypatch.setattr("sync.jobs.nightly.run_nightly",
                        lambda *a, **k: ran.append(clock.now()) or _Done())
    conn = connect(settings(home, **{"inventory.timezone": "Europe/Amsterdam"}).database)
    # when
    count = run_at(settings(home, **{"inventory.timezone": "Europe/Amsterdam"}), "00:00",
                   conn=conn, clock=clock, runs=2)
    # then
    assert count == 2
    assert ran == [datetime(2026, 1, 10, 23, 0, tzinfo=UTC), datetime(2026, 1, 11, 23, 0,
                                                                       tzinfo=UTC)]


class _Done:
    def line(self) -> str:
        return "ok"


def test_nightly_cli_json_and_help(home):
    # when
    result = invoke(home, "nightly", "--json", "--feed", str(EXPORT))
    bad = invoke(home, "nightly", "--at", "24:00")
    # then
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["kind"] == "nightly" and [s["name"] for s in data["steps"]] == [
        "import", "catalog", "inventory"]
    assert bad.exit_code == 2 and "HH:MM" in bad.output


def test_in_aws_the_reconcile_is_handed_to_the_inventory_function(home):
    # given
    from sync.jobs.nightly import lambda_steps

    handed: list[str] = []
    state = MemoryState()
    steps = lambda_steps(settings(home), clock=VirtualClock(), state=state, feed=None,
                         invoke_reconcile=lambda: handed.append("x") or "reconcile handed over")
    # when
    report = run_nightly(settings(home), conn=connect(":memory:"), clock=VirtualClock(),
                         state=state, steps=steps)
    # then
    assert handed == ["x"] and report.steps[2].line == "reconcile handed over"
    assert report.steps[0].line.startswith("no feed")
