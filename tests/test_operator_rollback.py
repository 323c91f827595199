"""``catalog sync --no-publish``, ``catalog rollback`` and ``theme rollback``."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sync.catalog.rollback import plan_rollback
from sync.cli import main
from sync.config import HubSpotSettings, Secret
from sync.errors import InputError
from sync.hubspot.client import HubSpotClient
from sync.hubspot.source_code import SourceCode
from sync.local.db import connect
from sync.local.hubdb import LocalHubDB
from sync.local.hubdb_errors import HubDBError
from sync.local.shop import LocalShop
from sync.plumbing.clock import VirtualClock
from sync.site.rollback import previous_path, rollback_theme, upload_keeping_history
from sync.site.upload import Manifest, manifest_path
from tests.fakes.hubdb_server import HubDBFake
from tests.fakes.hubspot_source_code import SourceCodeStore, add_source_code_routes
from tests.site.theme_fixtures import MODULES, THEME


def _run(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _home() -> Path:
    return Path(os.environ["HUBSHOP_HOME"])


def _published_title(table: str, handle: str) -> str:
    conn = connect(_home() / "hubshop.sqlite3")
    try:
        rows = LocalHubDB(conn).rows(table, query={"limit": 1000})["results"]
        return next(r["values"]["title"] for r in rows if r["path"] == handle)
    finally:
        conn.close()


def _retitle(handle: str, title: str) -> None:
    conn = connect(_home() / "hubshop.sqlite3")
    try:
        shop = LocalShop(conn)
        product = shop.get_product(handle)
        assert product is not None
        shop.upsert_product(dataclasses.replace(product, title=title))
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, built once for this file and copied into each test's home."""
    home = tmp_path_factory.mktemp("demo") / "home"
    result = CliRunner().invoke(main, ["--home", str(home), "demo", "--json"])
    assert result.exit_code == 0, result.output
    return home


@pytest.fixture
def demo(demo_template: Path) -> str:
    shutil.copytree(demo_template, _home(), dirs_exist_ok=True)
    conn = connect(_home() / "hubshop.sqlite3")
    try:
        return next(iter(LocalShop(conn).list_products(limit=1))).handle
    finally:
        conn.close()


def test_no_publish_writes_the_draft_only(demo: str) -> None:
    # when a new table is synced without publishing
    data = json.loads(_run("catalog", "sync", "--table", "products_b", "--no-publish",
                           "--json").stdout)
    # then the draft holds the rows and nothing is live
    assert data["created"] > 100 and data["published"] is False and data["dry_run"] is False
    conn = connect(_home() / "hubshop.sqlite3")
    try:
        hubdb = LocalHubDB(conn)
        assert len(hubdb.rows("products_b", draft=True, query={"limit": 1000})["results"]) > 100
        with pytest.raises(HubDBError):
            hubdb.get_table("products_b")
    finally:
        conn.close()
    # and a plain sync publishes it
    assert json.loads(_run("catalog", "sync", "--table", "products_b", "--json").stdout)[
        "published"] is True


def test_rollback_restores_the_previous_published_rows_and_again_goes_forward(demo: str) -> None:
    # given a change synced and published
    before = _published_title("products", demo)
    _retitle(demo, "Renamed By Mistake")
    synced = json.loads(_run("catalog", "sync", "--json").stdout)
    assert synced["updated"] == 1 and synced["published"] is True
    assert _published_title("products", demo) == "Renamed By Mistake"
    # when rolled back, first dry
    dry = json.loads(_run("catalog", "rollback", "--dry-run", "--json").stdout)
    assert dry["updated"] == 1 and dry["created"] == dry["deleted"] == 0
    assert dry["dry_run"] is True and _published_title("products", demo) == "Renamed By Mistake"
    done = json.loads(_run("catalog", "rollback", "--json").stdout)
    # then the live table has the old title again
    assert done["published"] is True and done["updated"] == 1
    assert _published_title("products", demo) == before
    # and a second rollback goes forward again
    _run("catalog", "rollback")
    assert _published_title("products", demo) == "Renamed By Mistake"


def test_rollback_without_a_snapshot_names_the_file(demo: str) -> None:
    result = CliRunner().invoke(main, ["catalog", "rollback"])
    assert result.exit_code == 1 and "no previous published version is kept" in result.output
    assert "Traceback" not in result.output


def test_the_rollback_plan_by_row_id() -> None:
    snapshot = {"table": "t", "taken_at": "x", "rows": [
        {"id": "1", "path": "a", "name": "A", "values": {"price_min": 5.0}},
        {"id": "2", "path": "b", "name": "B", "values": {"price_min": 7}},
    ]}
    draft = [{"id": "1", "path": "a", "name": "A", "values": {"price_min": 5}},
             {"id": "3", "path": "c", "name": "C", "values": {}}]
    plan = plan_rollback(snapshot, draft)
    assert plan.unchanged == 1 and plan.purge == ["3"]
    assert plan.create == [{"path": "b", "name": "B", "values": {"price_min": 7}}]


# --------------------------------------------------------------- theme


@pytest.fixture
def source_code() -> Iterator[tuple[SourceCodeStore, HubSpotClient]]:
    clock = VirtualClock()
    with HubDBFake(clock=clock) as server:
        store = add_source_code_routes(server)
        settings = HubSpotSettings(access_token=Secret(server.token), api_base=server.url,
                                   account_id="1")
        yield store, HubSpotClient(settings, clock=clock)


def test_theme_rollback_reuploads_the_previous_release(source_code: Any, tmp_path: Path) -> None:
    # given two uploads, the second changing one template and adding a file
    store, client = source_code
    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    files = SourceCode(client, "draft")

    def manifest() -> Manifest:
        return Manifest(manifest_path(tmp_path / "home", "1", "draft"))

    upload_keeping_history(theme, files, dest="hubshop", manifest=manifest(),
                           modules_dirs=[MODULES])
    assert not previous_path(manifest()).exists()  # nothing before the first release
    home = theme / "templates" / "home.html"
    original = home.read_bytes()
    home.write_bytes(original + b"\n{# v2 #}\n")
    extra = theme / "templates" / "partials" / "v2-only.html"
    extra.write_text("<!--\n  templateType: global_partial\n  label: New in v2\n-->\n"
                     "<p>new in v2</p>\n")
    second = upload_keeping_history(theme, files, dest="hubshop", manifest=manifest(),
                                    modules_dirs=[MODULES])
    assert len(second.uploaded) == 2
    draft = store.files["draft"]
    assert b"v2" in draft["hubshop/templates/home.html"]
    # when
    dry = rollback_theme(files, manifest(), dry_run=True)
    report = rollback_theme(files, manifest())
    # then
    assert dry.uploaded == ["hubshop/templates/home.html"] and dry.dry_run
    assert report.uploaded == ["hubshop/templates/home.html"]
    assert report.deleted == ["hubshop/templates/partials/v2-only.html"]
    assert draft["hubshop/templates/home.html"] == original
    assert "hubshop/templates/partials/v2-only.html" not in draft
    # and rolling back again goes forward to v2
    forward = rollback_theme(files, manifest())
    assert forward.uploaded == ["hubshop/templates/home.html",
                                "hubshop/templates/partials/v2-only.html"]
    assert b"v2" in draft["hubshop/templates/home.html"]


def test_theme_rollback_without_history_is_a_named_error(source_code: Any,
                                                         tmp_path: Path) -> None:
    _, client = source_code
    with pytest.raises(InputError, match="no previous theme upload is kept"):
        rollback_theme(SourceCode(client, "draft"),
                       Manifest(manifest_path(tmp_path / "home", "1", "draft")))


def test_theme_rollback_needs_hubspot() -> None:
    result = CliRunner().invoke(main, ["theme", "rollback", "--dry-run"])
    assert result.exit_code == 1 and "HUBSPOT_ACCESS_TOKEN" in result.output


def test_a_catalog_rollback_is_the_catalogs_last_run(demo: str) -> None:
    # given a change synced and published
    _retitle(demo, "Renamed By Mistake")
    _run("catalog", "sync")
    # when
    _run("catalog", "rollback", "--dry-run")
    after_dry = json.loads(_run("status", "--json").stdout)["catalog"]["last_run"]
    _run("catalog", "rollback")
    run = json.loads(_run("status", "--json").stdout)["catalog"]["last_run"]
    # then
    assert after_dry["kind"] == "catalog_sync"
    assert (run["kind"], run["result"]) == ("catalog_rollback", "ok")
    assert run["counts"] == {"created": 0, "updated": 1, "deleted": 0,
                             "unchanged": run["counts"]["unchanged"]}
    assert set(run["api_calls"]) == {"hubspot"} and run["table"] == "products"


def test_status_shows_a_draft_left_unpublished_as_pending(demo: str) -> None:
    # given a change synced to the draft only
    _retitle(demo, "Draft Only")
    _run("catalog", "sync", "--no-publish")
    # when
    catalog = json.loads(_run("status", "--json").stdout)["catalog"]
    # then the draft matches the shop (no drift) but waits to be published
    assert catalog["drift"]["count"] == 0
    assert catalog["pending"] == {"unpublished_draft": True}
    # and once published nothing waits
    _run("catalog", "sync")
    assert json.loads(_run("status", "--json").stdout)["catalog"]["pending"] == {
        "unpublished_draft": False}
