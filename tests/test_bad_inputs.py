"""Mistakes a user makes get a clear answer: each case's exit code and first line, no traceback.

One table of bad inputs (issue 10, "Mistakes a user makes"), each run through
the real ``hubshop`` command on the embedded default.
"""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sync.cli import main

MODE_LINE = "No Shopify or HubSpot credentials"


@dataclass(frozen=True)
class Case:
    name: str
    args: tuple[str, ...]
    exit_code: int
    first_line: str  # the start of the first line after the "which world" line
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, bytes] = field(default_factory=dict)
    max_lines: int = 20


HEADER = b"sku,location_code,qty_on_hand,qty_allocated,qty_available,last_movement_at\n"

CASES = [
    Case("missing feed (sync)", ("inventory", "sync"), 1,
         "Error: nope.csv: No such file or directory", env={"WAREHOUSE_FEED": "nope.csv"}),
    Case("missing feed (status)", ("inventory", "status"), 1,
         "Error: nope.csv: No such file or directory", env={"WAREHOUSE_FEED": "nope.csv"}),
    Case("Latin-1 feed", ("inventory", "sync"), 1,
         "Error: latin.csv:2: not UTF-8 (byte 0xe9) (save the feed as UTF-8)",
         env={"WAREHOUSE_FEED": "latin.csv"},
         files={"latin.csv": HEADER + b"CAF\xe9,WH-MAIN,3,0,3,\n"}),
    Case("empty feed", ("inventory", "sync"), 1,
         "Error: empty.csv:1: the feed is empty (no header line)",
         env={"WAREHOUSE_FEED": "empty.csv"}, files={"empty.csv": b""}),
    Case("feed with the wrong header", ("inventory", "sync"), 1,
         "Error: wrong.csv:1: the header lacks sku, location_code, qty_on_hand",
         env={"WAREHOUSE_FEED": "wrong.csv"}, files={"wrong.csv": b"foo,bar\n1,2\n"}),
    Case("bad location_map", ("inventory", "sync"), 1,
         "Inventory: wrote 0, unchanged 0, conflicts 0, skipped 1746",
         files={"hubshop.toml": b'[inventory]\nlocation_map = {"NOPE" = "Nowhere"}\n'},
         max_lines=3),
    Case("bad HubDB table name", ("catalog", "sync", "--table", "Bad Name", "--dry-run"), 1,
         "Error: table 'Bad Name': HubDB table names are lowercase letters, digits and "
         "underscores, not starting with a digit (e.g. bad_name)"),
    Case("theme folder without theme.json", ("theme", "build", "notheme", "--out", "site"), 1,
         "Error: ", files={"notheme/README.md": b"not a theme\n"}),
    Case("busy preview port", ("theme", "preview", "--port", "{busy_port}"), 1,
         "Error: cannot listen on 127.0.0.1:{busy_port}: Address already in use"),
    Case("unknown option", ("inventory", "sync", "--bogus"), 2,
         "Usage: hubshop inventory sync [OPTIONS]"),
]


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo store, made once (each test gets a copy in its own home)."""
    home = tmp_path_factory.mktemp("demo-home")
    result = CliRunner().invoke(main, ["--home", str(home), "demo"])
    assert result.exit_code == 0, result.output
    return home / "hubshop.sqlite3"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        demo_store: Path) -> Callable[..., Result]:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    shutil.copy(demo_store, home / "hubshop.sqlite3")

    def invoke(args: list[str], env: dict[str, str]) -> Result:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return CliRunner().invoke(main, args, prog_name="hubshop")

    return invoke


def _first_line(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if not line.startswith(MODE_LINE)]
    return lines[0] if lines else ""


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_a_bad_input_exits_non_zero_with_one_clear_line(case: Case, run, tmp_path: Path,
                                                        busy_port: int) -> None:
    # given
    for name, body in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    args = [a.format(busy_port=busy_port) for a in case.args]
    # when
    result = run(args, case.env)
    # then
    assert result.exit_code == case.exit_code, result.output
    assert _first_line(result).startswith(case.first_line.format(busy_port=busy_port)), \
        result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert len(result.output.splitlines()) <= case.max_lines + 1


@pytest.mark.parametrize("case", [c for c in CASES if c.exit_code], ids=lambda c: c.name)
def test_with_json_a_bad_input_is_one_error_object(case: Case, run, tmp_path: Path,
                                                   busy_port: int) -> None:
    # given
    for name, body in case.files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(body)
    if "preview" in case.args:
        pytest.skip("theme preview serves pages; it has no --json")
    args = [a.format(busy_port=busy_port) for a in case.args] + ["--json"]
    # when
    result = run(args, case.env)
    # then stdout is one JSON object; an error is {"error": {kind, message, hint}}
    assert result.exit_code == case.exit_code, result.output
    data = json.loads(result.stdout)
    if "error" in data:
        assert set(data["error"]) == {"kind", "message", "hint"}
        assert data["error"]["message"] and "Traceback" not in result.output
    else:  # the job ran and its report says why it failed (the unmapped locations)
        assert data["skipped"] > 0 and data["rejected"] > 0


def test_a_numeric_product_id_addresses_the_same_row_as_its_gid(run) -> None:
    # given the demo store, synced (the run fixture's copy)
    # when one product is synced by its numeric id, then by its gid
    by_number = run(["catalog", "sync", "--products", "7000000000084", "--json"], {})
    by_gid = run(["catalog", "sync", "--products", "gid://shopify/Product/7000000000084",
                  "--json"], {})
    # then both find the row the demo made: no second row, nothing to publish
    for result in (by_number, by_gid):
        data = json.loads(result.stdout)
        assert result.exit_code == 0, result.output
        assert (data["created"], data["unchanged"], data["published"]) == (0, 1, False)


def test_a_connection_failure_is_one_short_line_naming_the_host() -> None:
    import requests

    from sync.cli.errors import kind_of, words
    from sync.plumbing.retry import RetriesExhausted, connection_reason

    # given a real refused connection (nothing listens on a port just closed)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    try:
        requests.get(f"http://127.0.0.1:{port}/admin", timeout=2)
    except requests.ConnectionError as exc:
        refused = exc
    # when
    reason = connection_reason(refused)
    error = RetriesExhausted(f"POST http://127.0.0.1:{port}/admin", 6, 7.5, reason)
    # then: the host and what happened, not urllib3's nested message; the fix in the words
    assert reason == f"cannot reach 127.0.0.1:{port}: connection refused"
    line = words(error)
    assert "\n" not in line and line.count("cannot reach") == 1
    assert "check the address" in line and "HTTPConnectionPool" not in line
    assert kind_of(error)[0] == "unreachable"
