"""The one stack reader: every AWS failure is a named error with its fix, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from sync.aws.stack import StackReader, read_stack
from sync.cli import main
from sync.errors import ConfigError, RemoteError
from sync.jobs.doctor import doctor_probes
from sync.operator.doctor import FAIL, run_probes
from tests.test_deployed_stack import STACK, TEMPLATE
from tests.test_service_world import moto_aws


@pytest.fixture
def unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    """AWS answered by nothing: a closed local port, one attempt (no real waiting)."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_DEFAULT_REGION", "eu-west-1"),
                        ("AWS_ENDPOINT_URL", "http://127.0.0.1:9"), ("AWS_MAX_ATTEMPTS", "1")):
        monkeypatch.setenv(name, value)


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                 "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    for _ in moto_aws(monkeypatch):
        cfn = boto3.client("cloudformation")
        cfn.create_stack(StackName=STACK, TemplateBody=json.dumps(TEMPLATE))
        yield {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
               cfn.describe_stack_resources(StackName=STACK)["StackResources"]}


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_an_unreachable_aws_names_the_stack_and_region(unreachable: None) -> None:
    # when
    with pytest.raises(RemoteError) as raised:
        read_stack("hubshop-prod")
    # then
    assert "'hubshop-prod' in eu-west-1" in str(raised.value)
    assert "unreachable" in str(raised.value) and "network" in str(raised.value)


def test_the_doctor_names_an_unreachable_stack_with_its_fix(unreachable: None,
                                                            tmp_path: Path) -> None:
    # when
    report = run_probes(doctor_probes(_settings(tmp_path), stack="hubshop-prod"))
    # then one failed line, the fix beside it, no exception class in sight
    [check] = [c for c in report.checks if c.area == "aws"]
    assert check.status == FAIL and "hubshop-prod" in check.detail
    assert "EndpointConnectionError" not in check.detail
    assert "network" in check.fix and "endpoint" in check.fix


def test_the_deployed_commands_say_the_same_when_aws_is_unreachable(unreachable: None) -> None:
    # when
    result = _cli("--stack", "hubshop-prod", "inventory", "pause", "--json")
    # then
    assert result.exit_code == 1 and "Traceback" not in result.output
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "unreachable" and "'hubshop-prod' in eu-west-1" in error["message"]
    assert "network" in error["hint"]


def test_missing_credentials_are_a_setting_to_fix(no_credentials: None) -> None:
    # when
    with pytest.raises(ConfigError) as raised:
        StackReader("hubshop-prod").outputs()
    # then
    assert "'hubshop-prod' in eu-west-1" in str(raised.value)
    assert "credentials" in str(raised.value)


def test_an_unknown_stack_is_a_setting_naming_stack_and_region(stack: dict[str, str]) -> None:
    # when
    result = _cli("--stack", "nope", "status", "--json")
    # then
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "config"
    assert "no stack named 'nope' in eu-west-1" in error["message"]


def test_a_queue_gone_from_under_the_service_is_a_named_error(stack: dict[str, str]) -> None:
    # given the dead-letter queue deleted by hand
    boto3.client("sqs").delete_queue(QueueUrl=stack["EventsDeadLetterQueue"])
    # when
    result = _cli("--stack", STACK, "inventory", "dead-letters", "list")
    # then
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"stack {STACK!r}" in result.output and "ReceiveMessage" in result.output


def test_one_reader_serves_the_doctor_and_the_service(stack: dict[str, str]) -> None:
    # when
    facts = read_stack(STACK)
    # then the same resources the service resolves, with queue depths and alarms
    assert facts.resources["StateTable"] == stack["StateTable"]
    assert facts.queue is not None and facts.queue.visible == 0
    assert facts.dead_letters is not None and facts.alarms == []


def _settings(tmp_path: Path) -> Any:
    from sync.config import load_settings

    return load_settings(env={}, cwd=tmp_path)


class _StubbedSession:
    """A boto3 session whose CloudFormation client answers from botocore's Stubber."""

    region_name = "eu-west-1"

    def __init__(self, stub: Any) -> None:
        self.stub = stub

    def client(self, service: str) -> Any:
        assert service == "cloudformation"
        return self.stub.client


@pytest.mark.parametrize(("code", "kind"), [("ExpiredToken", ConfigError),
                                            ("AccessDenied", RemoteError)])
def test_refused_credentials_and_a_missing_permission_are_told_apart(
        unreachable: None, code: str, kind: type) -> None:
    # given CloudFormation refusing the call
    from botocore.stub import Stubber

    client = boto3.session.Session(region_name="eu-west-1").client("cloudformation")
    stubber = Stubber(client)
    stubber.add_client_error("describe_stacks", service_error_code=code,
                             service_message="not today")
    stubber.activate()
    # when
    with pytest.raises(kind) as raised:
        read_stack("hubshop-prod", session=_StubbedSession(stubber))
    # then both name the stack and region; expired credentials say to renew them
    text = str(raised.value)
    assert "'hubshop-prod' in eu-west-1" in text and code in text
    assert ("renew them" in text) == (code == "ExpiredToken")
