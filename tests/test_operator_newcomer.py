"""Defects a fresh-clone newcomer met in doctor, deploy, payouts and the CLI contract."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from moto import mock_aws

from sync.cli import main
from sync.config import load_settings
from sync.errors import ConfigError


def _toml(tmp_path: Path, text: str) -> None:
    (tmp_path / "hubshop.toml").write_text(text, encoding="utf-8")


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch):
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield


# ------------------------------------------------------------ 1: WAREHOUSE_URL


def test_warehouse_url_makes_the_kind_rest_when_the_project_file_does_not_say(
        tmp_path: Path) -> None:
    # given
    _toml(tmp_path, "[warehouse]\nfields = { sku = \"sku\" }\n")
    # when
    settings = load_settings(env={"WAREHOUSE_URL": "https://wh.example.invalid"}, cwd=tmp_path)
    # then
    assert settings.warehouse.kind == "rest"


def test_doctor_names_kind_rest_when_the_file_says_csv_beside_a_warehouse_url(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    _toml(tmp_path, '[warehouse]\nkind = "csv"\n')
    monkeypatch.setenv("WAREHOUSE_URL", "https://wh.example.invalid")
    monkeypatch.setenv("WAREHOUSE_API_KEY", "wh-key-123")
    # when
    result = CliRunner().invoke(main, ["doctor"])
    # then
    assert result.exit_code == 1, result.output
    assert 'set [warehouse] kind = "rest" in hubshop.toml' in result.stdout
    assert "not configured" not in result.stdout.split("warehouse", 1)[1]
    assert "wh-key-123" not in result.output


def test_the_committed_project_file_lets_warehouse_url_choose_rest() -> None:
    # given the repository's own hubshop.toml
    repo = Path(__file__).resolve().parents[1]
    # when
    settings = load_settings(env={"WAREHOUSE_URL": "https://wh.example.invalid"}, cwd=repo)
    # then
    assert settings.warehouse.kind == "rest"


# ------------------------------------------------------------ 2/3: one AWS region


def test_region_comes_from_the_file_then_aws_region_then_aws_default_region(
        tmp_path: Path) -> None:
    assert load_settings(env={"AWS_REGION": "eu-west-1", "AWS_DEFAULT_REGION": "us-east-1"},
                         cwd=tmp_path).service.region == "eu-west-1"
    assert load_settings(env={"AWS_DEFAULT_REGION": "us-east-1"},
                         cwd=tmp_path).service.region == "us-east-1"
    _toml(tmp_path, '[service]\nregion = "eu-central-1"\n')
    assert load_settings(env={"AWS_REGION": "eu-west-1"},
                         cwd=tmp_path).service.region == "eu-central-1"


def test_a_non_string_region_is_a_bad_setting_naming_file_and_line(tmp_path: Path) -> None:
    # given
    _toml(tmp_path, '[service]\nstack = "x"\nregion = 5\n')
    # when / then
    with pytest.raises(ConfigError, match=r"hubshop.toml:3: \[service\].region = 5"):
        load_settings(env={}, cwd=tmp_path)


def test_doctor_reads_the_stack_in_the_configured_region(tmp_path: Path, aws: None) -> None:
    # given
    _toml(tmp_path, '[service]\nstack = "x"\nregion = "eu-west-1"\n')
    # when
    result = CliRunner().invoke(main, ["doctor"])
    # then
    assert "no stack named 'x' in eu-west-1" in result.stdout, result.output
    assert "no region" not in result.stdout


def test_doctor_honours_aws_region_which_botocore_ignores(
        tmp_path: Path, aws: None, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    # when
    result = CliRunner().invoke(main, ["doctor", "--stack", "x"])
    # then
    assert "in eu-west-1" in result.stdout, result.output


def test_deploy_dry_run_passes_the_region_to_sam_deploy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    _toml(tmp_path, '[service]\nstack = "x"\nregion = "eu-west-1"\n')
    monkeypatch.setenv("SHOPIFY_STORE", "fernhill.myshopify.com")
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", "shpat_x")
    # when
    result = CliRunner().invoke(main, ["deploy", "--dry-run", "--json"])
    # then
    text = json.dumps(json.loads(result.stdout))
    assert "sam deploy --stack-name x --region eu-west-1" in text, text


# ------------------------------------------------------------ 17: deploy --help


def test_deploy_help_has_no_stray_spaces() -> None:
    result = CliRunner().invoke(main, ["deploy", "--help"])
    assert "  is not installed" not in result.stdout.replace("\n     is", "")
    assert "CLI    is" not in result.stdout and "CLI  is" not in result.stdout


# ------------------------------------------------------------ 18: pause, resume, payouts


def test_pause_dry_run_changes_nothing_and_json_carries_dry_run() -> None:
    # when
    dry = CliRunner().invoke(main, ["inventory", "pause", "--dry-run", "--json"])
    # then
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {"paused": True, "was_paused": False,
                                      "where": "local store", "dry_run": True}
    status = json.loads(CliRunner().invoke(main, ["inventory", "status", "--json"]).stdout)
    assert status["paused"] is False


def test_pause_then_resume_json_carry_dry_run_false() -> None:
    paused = CliRunner().invoke(main, ["inventory", "pause", "--json"])
    assert json.loads(paused.stdout)["dry_run"] is False
    dry = CliRunner().invoke(main, ["inventory", "resume", "--dry-run", "--json"])
    assert json.loads(dry.stdout) == {"paused": True, "where": "local store", "queued": 0,
                                      "dry_run": True}
    resumed = CliRunner().invoke(main, ["inventory", "resume", "--json"])
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["dry_run"] is False


def test_resume_when_not_paused_says_nothing_to_resume() -> None:
    # when
    result = CliRunner().invoke(main, ["inventory", "resume"])
    # then
    assert result.exit_code == 0, result.output
    assert "not paused; nothing to resume" in result.stdout.replace(" (local store)", "")
    assert "Resumed" not in result.stdout


def test_payouts_json_and_csv_together_is_a_usage_error() -> None:
    result = CliRunner().invoke(main, ["payouts", "--json", "--csv"])
    assert result.exit_code == 2, result.output
    assert "--csv" in result.output and "--json" in result.output


# ------------------------------------------------------------ 4: payouts, half-configured


def test_payouts_refuse_a_half_configured_shop_naming_what_is_missing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # given a store but no token
    monkeypatch.setenv("SHOPIFY_STORE", "bogus-store.myshopify.com")
    # when
    result = CliRunner().invoke(main, ["payouts"])
    as_json = CliRunner().invoke(main, ["payouts", "--json"])
    # then
    assert result.exit_code == 1, result.output
    assert "SHOPIFY_ACCESS_TOKEN" in result.output and "demo" in result.output
    assert "Balance" not in result.stdout
    error = json.loads(as_json.stdout)["error"]
    assert error["kind"] == "config" and "SHOPIFY_ACCESS_TOKEN" in error["message"]


# ------------------------------------------------------------ 14/15: interrupts and pipes


def _hubshop(*args: str, **popen: Any) -> subprocess.Popen[str]:
    code = "from sync.cli import main; main(prog_name='hubshop')"
    return subprocess.Popen([sys.executable, "-c", code, *args], text=True, **popen)


def _interrupt_after(proc: subprocess.Popen[str], stream: Any, marker: str) -> tuple[int, str]:
    """Wait for ``marker`` on ``stream``, send SIGINT, return the exit code and stderr."""
    deadline = time.monotonic() + 60
    seen = ""
    while marker not in seen and time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen += line
    assert marker in seen, seen
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    return proc.returncode, (err or "") + (seen if stream is proc.stderr else "")


def test_console_exits_130_on_ctrl_c() -> None:
    # given
    proc = _hubshop("console", "--port", "0", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # when
    code, err = _interrupt_after(proc, proc.stdout, "hubshop console on")
    # then
    assert code == 130, err
    assert "Traceback" not in err and "Aborted!" not in err


def test_nightly_at_interrupted_exits_130_without_aborted_noise() -> None:
    # given
    proc = _hubshop("nightly", "--at", "03:00", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    # when
    code, err = _interrupt_after(proc, proc.stderr, "Ctrl-C stops")
    # then
    assert code == 130, err
    assert "Aborted!" not in err and "Traceback" not in err


def test_a_closed_stdout_pipe_ends_quietly_with_141() -> None:
    # given a reader that goes away before hubshop writes (`hubshop payouts | head -0`)
    proc = _hubshop("payouts", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.close()
    # when
    _, err = proc.communicate(timeout=60)
    # then
    assert proc.returncode == 141, err
    assert "Broken pipe" not in err and "Error" not in err and "Exception" not in err


# ------------------------------------------------------------ 16: doctor offline


def test_doctor_names_an_unreachable_hubspot_quickly_with_hubspots_settings_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # given a token and an address where nothing listens
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-bogus")
    monkeypatch.setenv("HUBSPOT_API_BASE", "http://127.0.0.1:9")
    # when
    started = time.monotonic()
    result = CliRunner().invoke(main, ["doctor", "--json"])
    seconds = time.monotonic() - started
    # then
    assert result.exit_code == 1, result.output
    checks = {c["name"]: c for c in json.loads(result.stdout)["checks"] if c["area"] == "hubspot"}
    token = checks["credentials"]
    assert token["status"] == "fail" and "2 attempt(s)" in token["detail"]
    assert "HUBSPOT_API_BASE" in token["fix"] and "network" in token["fix"]
    assert "SHOPIFY_STORE" not in token["fix"] and "WAREHOUSE_URL" not in token["fix"]
    table = checks["HubDB table products"]
    assert table["status"] == "info" and "not checked" in table["detail"]
    assert seconds < 5, seconds


# ------------------------------------------------------------ 8: error kinds


@pytest.mark.parametrize("args", [["theme", "upload", "--dry-run", "--json"],
                                  ["theme", "rollback", "--json"]])
def test_missing_hubspot_credentials_are_a_config_error_with_a_hint(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "config" and "HUBSPOT_ACCESS_TOKEN" in error["hint"]


def test_theme_coverage_without_the_catalogue_is_a_config_error_with_a_hint(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUBSHOP_CONTRACTS", str(tmp_path / "nowhere"))
    result = CliRunner().invoke(main, ["theme", "coverage", "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "config" and "HUBSHOP_CONTRACTS" in error["hint"]


# ------------------------------------------------------------ 19: nightly counts


def _only_integers(counts: dict[str, Any]) -> bool:
    return all(isinstance(v, int) and not isinstance(v, bool) for v in counts.values())


def test_nightly_step_counts_are_integers_and_api_calls_stand_apart() -> None:
    # given a nightly run on the embedded default
    ran = CliRunner().invoke(main, ["nightly", "--json"])
    assert ran.exit_code == 0, ran.output
    # when
    status = json.loads(CliRunner().invoke(main, ["status", "--json"]).stdout)
    # then
    last = status["nightly"]["last_run"]
    for report in (json.loads(ran.stdout), last):
        steps = {s["name"]: s for s in report["steps"]}
        assert "catalog" in steps and steps["catalog"]["api_calls"]
        for step in steps.values():
            assert _only_integers(step["counts"]), step
            assert "api_calls" not in step["counts"] and "dry_run" not in step["counts"]
            assert _only_integers(step["api_calls"])
    assert _only_integers(last["counts"])


def test_a_named_target_without_credentials_hints_the_settings_to_set() -> None:
    result = CliRunner().invoke(main, ["catalog", "sync", "--target", "hubdb", "--dry-run",
                                       "--json"])
    assert result.exit_code == 1, result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "config" and error["hint"].startswith("set HUBSPOT_ACCESS_TOKEN")
