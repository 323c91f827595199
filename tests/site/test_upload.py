"""``hubshop theme upload``: the official SDK's Source Code API, skipping unchanged files."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sync.config import HubSpotSettings, Secret
from sync.errors import InputErrors
from sync.hubspot.client import HubSpotClient
from sync.hubspot.source_code import SourceCode
from sync.plumbing.clock import VirtualClock
from sync.site.upload import Manifest, manifest_path, plan_upload, theme_files, upload_theme
from tests.fakes.hubdb_server import HubDBFake
from tests.fakes.hubspot_source_code import SourceCodeStore, add_source_code_routes
from tests.site.theme_fixtures import MODULES, THEME

DEST = "hubshop"


@pytest.fixture
def fake() -> Iterator[tuple[HubDBFake, SourceCodeStore, HubSpotClient]]:
    clock = VirtualClock()
    with HubDBFake(clock=clock) as server:
        store = add_source_code_routes(server)
        settings = HubSpotSettings(access_token=Secret(server.token), api_base=server.url,
                                   account_id="1")
        yield server, store, HubSpotClient(settings, clock=clock)


@pytest.fixture
def theme(tmp_path: Path) -> Path:
    target = tmp_path / "theme"
    shutil.copytree(THEME, target)
    return target


def run(theme: Path, client: HubSpotClient, tmp_path: Path, env: str = "draft", **kw):
    manifest = Manifest(manifest_path(tmp_path / "home", "1", env))
    return upload_theme(theme, SourceCode(client, env), dest=DEST, manifest=manifest,
                        modules_dirs=[MODULES], **kw)


def test_first_upload_sends_every_file_with_modules_merged(fake, theme: Path, tmp_path: Path):
    # given
    _, store, client = fake
    # when
    report = run(theme, client, tmp_path)
    # then every theme file and module is in the design manager, byte for byte
    draft = store.files["draft"]
    assert set(report.uploaded) == set(draft)
    assert draft["hubshop/templates/home.html"] == (theme / "templates" / "home.html").read_bytes()
    assert "hubshop/modules/shopify-buy-button.module/module.html" in draft
    assert "hubshop/brand.yml" not in draft and "hubshop/README.md" not in draft


def test_a_second_upload_sends_only_what_changed(fake, theme: Path, tmp_path: Path):
    # given a first upload, then one edited template
    server, store, client = fake
    run(theme, client, tmp_path)
    about = theme / "templates" / "about.html"
    about.write_text(about.read_text().replace("About us", "About Fernhill"))
    puts_before = sum(1 for c in server.calls if c.method == "PUT")
    # when
    report = run(theme, client, tmp_path)
    # then one PUT, and running again sends nothing
    assert report.uploaded == ["hubshop/templates/about.html"]
    assert sum(1 for c in server.calls if c.method == "PUT") == puts_before + 1
    assert run(theme, client, tmp_path).uploaded == []


def test_a_file_changed_in_the_design_manager_is_uploaded_again(fake, theme: Path,
                                                                 tmp_path: Path):
    # given someone edited a file in HubSpot after our upload
    _, store, client = fake
    run(theme, client, tmp_path)
    store.files["draft"]["hubshop/theme.json"] = b'{"label": "edited in HubSpot"}'
    # when
    report = run(theme, client, tmp_path)
    # then ours wins again
    assert report.uploaded == ["hubshop/theme.json"]
    assert store.files["draft"]["hubshop/theme.json"] == (theme / "theme.json").read_bytes()


def test_prune_deletes_remote_files_removed_locally_and_dry_run_changes_nothing(
        fake, theme: Path, tmp_path: Path):
    # given an uploaded theme whose about page is then deleted locally
    _, store, client = fake
    run(theme, client, tmp_path)
    (theme / "templates" / "about.html").unlink()
    # when planned without applying
    dry = run(theme, client, tmp_path, prune=True, dry_run=True)
    # then it says what it would do and does nothing
    assert dry.plan.delete == ["hubshop/templates/about.html"] and not dry.applied
    assert "hubshop/templates/about.html" in store.files["draft"]
    # when applied
    report = run(theme, client, tmp_path, prune=True)
    # then
    assert report.deleted == ["hubshop/templates/about.html"]
    assert "hubshop/templates/about.html" not in store.files["draft"]


def test_publishing_validates_first_and_uploads_nothing_if_hubspot_rejects(
        fake, theme: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    # given HubSpot's validator rejects one file the local checks accept
    server, store, client = fake
    original = SourceCode.validate

    def strict(self, remote_path, local_file):
        if remote_path.endswith("templates/contact.html"):
            return ["Form module is not available in this account"]
        return original(self, remote_path, local_file)

    monkeypatch.setattr(SourceCode, "validate", strict)
    # when / then
    with pytest.raises(InputErrors, match="Form module is not available"):
        run(theme, client, tmp_path, env="published")
    assert store.files["published"] == {}
    assert any("/validate/" in c.path for c in server.calls)


def test_publishing_a_valid_theme_validates_each_file_with_hubspot(fake, theme: Path,
                                                                   tmp_path: Path):
    server, store, client = fake
    report = run(theme, client, tmp_path, env="published")
    validated = [c for c in server.calls if "/validate/" in c.path]
    assert len(validated) == len(report.uploaded) > 0
    assert all(c.path.startswith("/cms/v3/source-code/published/validate/") for c in validated)
    assert set(store.files["published"]) == set(report.uploaded)


def test_a_locally_invalid_theme_is_never_uploaded(fake, theme: Path, tmp_path: Path):
    _, store, client = fake
    (theme / "fields.json").write_text("[{")
    with pytest.raises(InputErrors, match="fields.json:1:3: invalid JSON"):
        run(theme, client, tmp_path)
    assert store.files["draft"] == {}


def test_plan_is_pure_and_keyed_by_hashes(tmp_path: Path):
    # given two files, one recorded as uploaded with HubSpot's hash "h1"
    (tmp_path / "a.css").write_text("a{}")
    (tmp_path / "b.css").write_text("b{}")
    files = theme_files(tmp_path, "t")
    manifest = {"t/a.css": {"sha256": files[0].sha256, "hash": "h1"}, "t/gone.css": {}}
    # when
    plan = plan_upload(files, manifest, {"t/a.css": "h1", "t/old.js": "x"},
                       environment="draft", dest="t", prune=True)
    # then
    assert [f.remote for f in plan.unchanged] == ["t/a.css"]
    assert [f.remote for f in plan.upload] == ["t/b.css"]
    assert plan.delete == ["t/old.js"]
