"""One CLI contract: every command's --json prints ONE object, in one shape.

Every command that takes ``--json`` is found by walking the command tree (a new
command is checked without editing this file) and run over the embedded
default: stdout is one JSON object; counts are integers; ``api_calls`` is an
object of integers per service; ``dry_run`` is present where the command
writes; an error is ``{"error": {"kind", "message", "hint"}}`` with a non-zero
exit. ``hubshop --version`` imports no command module and none of the heavy
libraries (deterministic: modules, not time; the time is benchmarks/cli_startup.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from sync.cli import main

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
COUNT_KEYS = {"created", "updated", "deleted", "unchanged", "written", "conflicts", "skipped",
              "queued", "rejected", "uploaded", "rendered", "failed", "retried", "count",
              "existing", "would_create", "schema_changes", "quantities_set"}
# what a command needs beyond --json to run on the embedded default
EXTRA_ARGS: dict[tuple[str, ...], list[str]] = {
    ("store", "load"): [str(FIXTURES / "current_products.csv"), "--dry-run"],
    ("webhooks", "subscribe"): ["--address", "https://example.com/webhooks/shopify"],
    ("theme", "brand"): ["--check"],  # without --check it rewrites the theme's files
    ("theme", "build"): ["--out", "site"],
    ("demo",): [],
}
HEAVY = ("bs4", "jinja2", "hubspot", "boto3", "botocore", "yaml", "requests")


def _json_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> Iterator[
        tuple[tuple[str, ...], click.Command]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        path = (*prefix, name)
        if isinstance(command, click.Group):
            yield from _json_commands(command, path)
        elif any(p.name == "as_json" for p in command.params):
            yield path, command


JSON_COMMANDS = list(_json_commands(main))


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("contract-home")
    result = CliRunner().invoke(main, ["--home", str(home), "demo"])
    assert result.exit_code == 0, result.output
    return home / "hubshop.sqlite3"


def _check_counts(data: dict[str, Any], where: str, *, top: bool = True) -> None:
    """Top-level counts are integers; ``api_calls`` at any depth is an object of integers."""
    for key, value in data.items():
        if top and key in COUNT_KEYS:
            assert isinstance(value, int) and not isinstance(value, bool), (where, key, value)
        if key == "api_calls":
            assert isinstance(value, dict), (where, value)
            assert all(isinstance(v, int) for v in value.values()), (where, value)
        if isinstance(value, dict):
            _check_counts(value, f"{where}.{key}", top=False)


def test_the_walk_finds_every_json_command() -> None:
    paths = {path for path, _ in JSON_COMMANDS}
    assert {("catalog", "sync"), ("inventory", "sync"), ("inventory", "status"),
            ("inventory", "pause"), ("status",), ("theme", "upload"),
            ("inventory", "dead-letters", "list")} <= paths


@pytest.mark.parametrize("path", [p for p, _ in JSON_COMMANDS], ids=" ".join)
def test_json_output_follows_the_contract(path: tuple[str, ...], tmp_path: Path,
                                          demo_store: Path) -> None:
    # given the demo store in this test's home
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    shutil.copy(demo_store, home / "hubshop.sqlite3")
    command = dict(JSON_COMMANDS)[path]
    # when
    result = CliRunner().invoke(main, [*path, *EXTRA_ARGS.get(path, []), "--json"])
    # then stdout is exactly one JSON object
    assert "Traceback" not in result.output
    data = json.loads(result.stdout)
    assert isinstance(data, dict), f"hubshop {' '.join(path)} --json printed {type(data)}"
    if "error" in data:
        assert result.exit_code != 0
        assert set(data) == {"error"} and set(data["error"]) == {"kind", "message", "hint"}
        return
    assert result.exit_code == 0 or data.get("ok") is False, result.output
    _check_counts(data, " ".join(path))
    if any(p.name == "dry_run" for p in command.params):
        assert isinstance(data.get("dry_run"), bool), f"{path}: no dry_run in {sorted(data)}"


def test_an_error_with_json_is_one_object_on_stdout(tmp_path: Path) -> None:
    # when the settings are wrong
    (tmp_path / "hubshop.toml").write_text("[catalog]\ntable = 'Bad Name'\n")
    result = CliRunner().invoke(main, ["catalog", "sync", "--dry-run", "--json"])
    # then
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "config" and "[catalog].table" in error["message"]
    assert error["hint"]


def test_version_imports_no_command_module_and_no_heavy_library() -> None:
    # when --version runs in a fresh interpreter
    code = ("import sys\nfrom sync.cli import main\nsys.argv = ['hubshop', '--version']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(' '.join(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.splitlines()[-1].split()
    # then
    loaded = set(out)
    assert not [m for m in loaded if m.split(".")[0] in HEAVY], sorted(loaded)
    assert not [m for m in loaded if m.startswith("sync.") and m not in {
        "sync.cli", "sync.cli.errors", "sync.cli.registry", "sync.errors"}], sorted(
        m for m in loaded if m.startswith("sync."))
