"""Every job records its run (kind, start, end, result, counts, API calls); status shows them."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from sync.cli import main
from sync.inventory.memory_state import MemoryState
from sync.jobs.runs import last_runs, latest_runs, recorded_run
from sync.jobs.status import next_midnight
from sync.plumbing.clock import VirtualClock
from tests.fakes.hubdb_server import HubDBFake
from tests.fakes.hubspot_source_code import add_source_code_routes
from tests.site.theme_fixtures import THEME

RUN_KEYS = {"kind", "start", "end", "result", "counts", "api_calls"}


def _cli(*args: str) -> dict:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("runs-home")
    assert CliRunner().invoke(main, ["--home", str(home), "demo"]).exit_code == 0
    return home / "hubshop.sqlite3"


@pytest.fixture
def home(tmp_path: Path, demo_store: Path) -> Path:
    target = tmp_path / "home"  # HUBSHOP_HOME (conftest)
    target.mkdir(exist_ok=True)
    shutil.copy(demo_store, target / "hubshop.sqlite3")
    return target


def test_status_is_one_object_with_each_jobs_state(home: Path) -> None:
    # when
    view = _cli("status", "--json")
    # then
    assert set(view) == {"catalog", "inventory", "nightly", "theme"}
    for job in view.values():
        assert {"last_run", "drift", "pending", "dead_letters", "paused", "keys",
                "next_run"} <= set(job)
    assert view["catalog"]["drift"]["count"] == 0  # the demo synced the table
    assert view["inventory"]["paused"] is False and view["inventory"]["drift"]["count"] == 0
    assert view["nightly"]["last_run"]["kind"] == "nightly"  # the demo runs one nightly cycle
    nightly = view["nightly"]["last_run"]
    assert set(nightly) >= RUN_KEYS and nightly["result"] == "ok"
    assert nightly["counts"]["import_created"] == 2 and nightly["start"] <= nightly["end"]
    assert all(isinstance(v, int) for v in nightly["counts"].values())
    theme = view["theme"]["last_run"]  # the demo builds the site: the embedded default's theme job
    assert set(theme) >= RUN_KEYS and theme["kind"] == "theme_build" and theme["result"] == "ok"
    assert theme["counts"]["pages"] > 0 and theme["counts"]["failed"] == 0


def test_catalog_and_inventory_runs_are_recorded_and_dry_runs_are_not(home: Path) -> None:
    # given
    _cli("inventory", "pause", "--json")
    _cli("inventory", "resume", "--json")
    before = _cli("status", "--json")
    # when
    _cli("catalog", "sync", "--dry-run", "--json")
    after_dry = _cli("status", "--json")
    _cli("catalog", "sync", "--json")
    _cli("inventory", "sync", "--json")
    after = _cli("status", "--json")
    # then
    assert after_dry["catalog"]["last_run"] == before["catalog"]["last_run"]
    catalog, stock = after["catalog"]["last_run"], after["inventory"]["last_run"]
    assert set(catalog) >= RUN_KEYS and set(stock) >= RUN_KEYS
    assert (catalog["kind"], catalog["result"]) == ("catalog_sync", "ok")
    assert catalog["counts"]["unchanged"] > 100 and set(catalog["api_calls"]) == {
        "shopify", "hubspot"}
    assert stock["kind"] == "reconcile" and stock["api_calls"]["shopify"] >= 1
    assert stock["start"] <= stock["end"]


@contextmanager
def _hubspot(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """HubSpot's Source Code API (the loopback fake) configured, then unset again."""
    with HubDBFake(clock=VirtualClock()) as server:
        add_source_code_routes(server)
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", server.token)
        monkeypatch.setenv("HUBSPOT_API_BASE", server.url)
        monkeypatch.setenv("HUBSPOT_ACCOUNT_ID", "1")
        yield
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")


def test_a_theme_upload_is_recorded(home: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # given HubSpot's Source Code API (the loopback fake)
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    with _hubspot(monkeypatch):
        # when
        upload = _cli("theme", "upload", str(theme), "--json")
    view = _cli("status", "--json")
    # then the upload answers one object, and its run is the theme's last run
    assert upload["uploaded"] > 0 and upload["dry_run"] is False
    assert upload["api_calls"]["hubspot"] >= 1 and len(upload["files"]["upload"]) == \
        upload["uploaded"]
    run = view["theme"]["last_run"]
    assert (run["kind"], run["result"]) == ("theme_upload", "ok")
    assert run["counts"]["uploaded"] == upload["uploaded"]
    assert run["api_calls"] == upload["api_calls"]


def test_a_failed_run_is_recorded_as_failed_with_its_error() -> None:
    # given
    state, clock = MemoryState(), VirtualClock()
    # when
    with pytest.raises(RuntimeError), recorded_run(state, "nightly", clock) as run:
        run.counts = {"imported": 3}
        raise RuntimeError("feed unreachable")
    # then
    last = last_runs(state)["nightly"]
    assert last is not None and last["result"] == "failed"
    assert last["error"] == "feed unreachable" and last["counts"] == {"imported": 3}


def test_the_next_nightly_run_is_midnight_in_the_store_time_zone() -> None:
    # 23:30 UTC on 30 March is 01:30 on 31 March in Amsterdam (summer time began)
    now = datetime(2026, 3, 30, 23, 30, tzinfo=UTC)
    assert next_midnight("Europe/Amsterdam", now) == "2026-04-01T00:00:00+02:00"
    assert next_midnight("UTC", now) == "2026-03-31T00:00:00+00:00"


def test_the_nightly_shows_its_next_run_once_a_feed_is_set(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # given no feed: nothing schedules the nightly
    assert _cli("status", "--json")["nightly"]["next_run"] is None
    # when a product feed is set for the nightly import
    (tmp_path / "hubshop.toml").write_text('[import]\nfeed = "products.csv"\n', "utf-8")
    monkeypatch.chdir(tmp_path)
    nightly = _cli("status", "--json")["nightly"]
    # then its next run is the next midnight in the store's time zone
    assert nightly["next_run"].endswith(":00") and "T00:00:00" in nightly["next_run"]
    assert nightly["schedule"]["feed"] == "products.csv"


def test_a_products_import_is_recorded_and_a_refused_one_says_so(
        home: Path, tmp_path: Path) -> None:
    # given the nightly's feed format, one good and one with a bad price
    good = Path(__file__).parent / "fixtures" / "import" / "shopify_export_legacy.csv"
    bad = tmp_path / "bad.csv"
    bad.write_text(good.read_text().replace("35.00", "35 EUR"))
    # when
    _cli("products", "import", str(good), "--force", "--json")  # far fewer than the demo's
    imported = _cli("status", "--json")["nightly"]["last_run"]
    CliRunner().invoke(main, ["products", "import", str(bad), "--force"])
    refused = _cli("status", "--json")["nightly"]["last_run"]
    # then the import is the nightly job's last run, by hand or at night
    assert set(imported) >= RUN_KEYS and imported["kind"] == "products_import"
    assert imported["result"] == "ok" and imported["counts"]["created"] == 3
    assert imported["api_calls"] == {"shopify": 0}
    assert refused["result"] == "refused" and "invalid" in refused["error"]


def test_theme_rollback_is_the_themes_last_run(home: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # given two uploads of a theme to HubSpot (the loopback fake), the second changed
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    with _hubspot(monkeypatch):
        _cli("theme", "upload", str(theme), "--json")
        page = theme / "templates" / "home.html"
        page.write_text(page.read_text() + "\n{# v2 #}\n")
        _cli("theme", "upload", str(theme), "--json")
        # when
        _cli("theme", "rollback", "--dry-run", "--json")
        dry = _cli("status", "--json")["theme"]["last_run"]
        rolled = _cli("theme", "rollback", "--json")
    run = _cli("status", "--json")["theme"]["last_run"]
    # then
    assert dry["kind"] == "theme_upload"  # a dry run changed nothing
    assert (run["kind"], run["result"]) == ("theme_rollback", "ok")
    assert run["counts"] == {"uploaded": rolled["uploaded"], "deleted": rolled["deleted"]}
    assert run["counts"]["uploaded"] == 1 and run["api_calls"]["hubspot"] >= 1


def test_the_later_of_two_stores_runs_is_the_jobs_last_run() -> None:
    # given a local catalog sync and a later one a stack recorded, and a nightly only local
    local = {"catalog": {"kind": "catalog_sync", "end": "2026-12-01T09:00:00+00:00"},
             "nightly": {"kind": "nightly", "end": "2026-12-01T00:01:00+00:00"}}
    stack = {"catalog": {"kind": "catalog_sync", "end": "2026-12-01T11:00:00+01:00"},  # 10 UTC
             "nightly": None}
    # when
    merged = latest_runs(local, stack)
    # then
    assert merged["catalog"] is stack["catalog"] and merged["nightly"] is local["nightly"]
    assert merged["theme"] is None


def test_a_paused_demo_says_writes_are_paused_and_queues_no_duplicates(home: Path) -> None:
    # given the demo ran once and writes are paused
    _cli("inventory", "pause", "--json")
    # when the demo runs twice more
    for _ in range(2):
        result = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    status = _cli("inventory", "status", "--json")
    # then its inventory line says so, and only drift is queued (none: the demo is in step)
    assert "writes paused: 0 change(s) queued, nothing written" in result.stdout
    assert status["paused"] is True and status["pending"] == status["drift"]["count"] == 0


def test_a_catalog_run_names_the_target_it_ran_against(home: Path) -> None:
    # when
    _cli("catalog", "sync", "--json")
    view = _cli("status", "--json")
    # then
    assert view["catalog"]["last_run"]["target"] == "local table"


def test_after_the_demo_status_text_shows_every_jobs_last_run(home: Path) -> None:
    # when
    result = CliRunner().invoke(main, ["status"], catch_exceptions=False)
    # then
    assert "never run" not in result.stdout and "None" not in result.stdout
    assert "last run theme_build" in result.stdout


def test_a_theme_build_is_recorded(home: Path, tmp_path: Path) -> None:
    # when
    result = CliRunner().invoke(main, ["theme", "build", "--out", str(tmp_path / "site")],
                                catch_exceptions=False)
    # then
    assert result.exit_code == 0, result.output
    run = _cli("status", "--json")["theme"]["last_run"]
    assert run["kind"] == "theme_build" and run["out"] == str(tmp_path / "site")
    assert run["start"] > "2026-11-30"  # a real build runs on the real clock


def test_the_demos_runs_are_dated_yesterday_and_last_night_never_ahead(home: Path) -> None:
    from datetime import timedelta

    from sync.local.demo import demo_epoch

    # when
    view = _cli("status", "--json")
    now = datetime.now(UTC)
    # then every job's last run is from the demo's day (yesterday) or its night, in the past
    for job in ("catalog", "inventory", "nightly", "theme"):
        ended = datetime.fromisoformat(view[job]["last_run"]["end"])
        assert now - timedelta(days=2) < ended <= now, (job, ended)
    assert demo_epoch(datetime(2026, 12, 4, 0, 30, tzinfo=UTC)) == datetime(
        2026, 12, 3, 8, tzinfo=UTC)
