"""The CLI against a deployed inventory service (moto): pause, status, dead letters."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner

from sync.cli import main
from sync.config import load_settings
from sync.inventory.run import is_paused
from sync.jobs.stack import DeployedService, StackResources
from sync.model.stock import StockRecord
from sync.plumbing.clock import VirtualClock
from sync.service.dynamo_state import DynamoState
from sync.service.messages import decode
from tests.test_service_world import moto_aws

STACK = "hubshop-prod"
TEMPLATE = {
    "Resources": {
        "StateTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"},
                                     {"AttributeName": "sk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                          {"AttributeName": "sk", "KeyType": "RANGE"}]}},
        "EventsDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "EventsQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
    },
}


def create_stack(name: str = STACK) -> dict[str, str]:
    """The service's stack in moto, as CloudFormation makes it: ``{logical id: physical id}``.

    CloudFormation names an alarm without AlarmName "<stack>-<logical id>-<suffix>";
    moto's CloudFormation has no alarms, so the alarm is made as the stack would.
    """
    cfn = boto3.client("cloudformation")
    cfn.create_stack(StackName=name, TemplateBody=json.dumps(TEMPLATE))
    resources = {r["LogicalResourceId"]: r["PhysicalResourceId"] for r in
                 cfn.describe_stack_resources(StackName=name)["StackResources"]}
    boto3.client("cloudwatch").put_metric_alarm(
        AlarmName=f"{name}-DeadLettersAlarm-X1Y2", Namespace="AWS/SQS",
        MetricName="ApproximateNumberOfMessagesVisible", Statistic="Maximum", Period=300,
        EvaluationPeriods=1, Threshold=0, ComparisonOperator="GreaterThanThreshold")
    return resources


@pytest.fixture
def stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    for _ in moto_aws(monkeypatch):
        resources = create_stack()
        monkeypatch.setenv("HUBSHOP_STACK", STACK)
        yield resources


def _state(stack: dict[str, Any]) -> DynamoState:
    return DynamoState(stack["StateTable"], client=boto3.client("dynamodb"))


def _cli(*args: str) -> Any:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_pause_against_a_deployed_stack_pauses_the_service(stack: dict[str, Any]) -> None:
    # when
    paused = _cli("inventory", "pause", "--json")
    # then the flag the Lambda functions read is set in the stack's table
    assert paused.exit_code == 0, paused.output
    assert json.loads(paused.stdout) == {"paused": True, "was_paused": False,
                                         "where": f"stack {STACK}", "dry_run": False}
    assert is_paused(_state(stack))
    # and resume lifts it there


def test_resume_hands_what_queued_to_the_services_consumer(stack: dict[str, Any]) -> None:
    # given a paused service holding two warehouse records
    state = _state(stack)
    state.set_flag("paused", "1")
    state.enqueue([StockRecord("SKU-1", "WH-MAIN", 5), StockRecord("SKU-2", "WH-MAIN", 7, 1)])
    # when
    resumed = _cli("inventory", "resume", "--json")
    # then the flag is lifted, the records travel as one stock message, none stay pending
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout) == {"paused": False, "where": f"stack {STACK}",
                                          "queued": 2, "dry_run": False}
    assert not is_paused(_state(stack)) and _state(stack).pending() == []
    body = boto3.client("sqs").receive_message(QueueUrl=stack["EventsQueue"])["Messages"][0]
    message = decode(json.loads(body["Body"]))
    assert message.kind == "stock" and message.source == "resume"
    assert [(r.sku, r.on_hand, r.allocated) for r in message.records] == [
        ("SKU-1", 5, 0), ("SKU-2", 7, 1)]


def test_the_root_flag_names_the_stack_too(stack: dict[str, Any],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # given no HUBSHOP_STACK, only --stack
    monkeypatch.delenv("HUBSHOP_STACK")
    # when
    result = _cli("--stack", STACK, "inventory", "pause")
    # then
    assert result.exit_code == 0 and f"stack {STACK}" in result.stdout
    assert is_paused(_state(stack))


def test_status_reads_the_deployed_state_queues_and_alarms(stack: dict[str, Any]) -> None:
    # given a paused service with a run recorded by the service and two dead letters
    state = _state(stack)
    state.set_flag("paused", "1")
    state.record_run({"kind": "reconcile", "end": "2026-12-01T00:00:05+00:00", "result": "ok",
                      "counts": {"written": 3}, "api_calls": {"shopify": 2}})
    sqs = boto3.client("sqs")
    for n in range(2):
        sqs.send_message(QueueUrl=stack["EventsDeadLetterQueue"],
                         MessageBody=json.dumps({"kind": "stock", "id": f"s:{n}"}))
    # when
    result = _cli("inventory", "status", "--json")
    # then
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["where"] == f"stack {STACK}" and view["paused"] is True
    assert view["dead_letters"]["depth"] == 2 and view["dead_letters"]["oldest_age_seconds"] >= 0
    assert view["queue"]["depth"] == 0
    assert view["last_run"]["counts"] == {"written": 3}
    assert [a["name"] for a in view["alarms"]] == [f"{STACK}-DeadLettersAlarm-X1Y2"]
    assert view["drift"] is None  # no Shopify credentials here: not guessed
    whole = json.loads(_cli("status", "--json").stdout)
    assert whole["inventory"]["dead_letters"]["depth"] == 2
    # and the text view names a firing alarm
    boto3.client("cloudwatch").set_alarm_state(
        AlarmName=f"{STACK}-DeadLettersAlarm-X1Y2", StateValue="ALARM", StateReason="2 > 0")
    text = _cli("status").stdout
    assert f"alarms 1 of 1 firing ({STACK}-DeadLettersAlarm-X1Y2)" in text
    assert "dead letters 2" in text


def test_dead_letters_are_listed_and_moved_back_to_the_events_queue(
        stack: dict[str, Any]) -> None:
    # given
    sqs = boto3.client("sqs")
    sqs.send_message(QueueUrl=stack["EventsDeadLetterQueue"],
                     MessageBody=json.dumps({"kind": "webhook", "id": "w:1"}))
    # when
    listed = json.loads(_cli("inventory", "dead-letters", "list", "--json").stdout)
    planned = json.loads(_cli("inventory", "dead-letters", "retry", "--dry-run",
                              "--json").stdout)
    retried = json.loads(_cli("inventory", "dead-letters", "retry", "--json").stdout)
    # then
    assert listed["count"] == 1 and listed["dead_letters"][0]["kind"] == "webhook"
    assert planned == {"where": f"stack {STACK}", "retried": 1, "dry_run": True}
    assert retried["retried"] == 1
    moved = sqs.receive_message(QueueUrl=stack["EventsQueue"])["Messages"]
    assert json.loads(moved[0]["Body"])["id"] == "w:1"
    depth = sqs.get_queue_attributes(QueueUrl=stack["EventsDeadLetterQueue"],
                                     AttributeNames=["ApproximateNumberOfMessages"])
    assert depth["Attributes"]["ApproximateNumberOfMessages"] == "0"


def test_a_local_reconcile_is_refused_while_the_service_runs(stack: dict[str, Any]) -> None:
    # when
    result = _cli("inventory", "sync", "--json")
    # then no second ledger: nothing written anywhere, a clear error object
    assert result.exit_code == 1
    error = json.loads(result.stdout)["error"]
    assert error["kind"] == "deployed" and STACK in error["message"]
    assert "/reconcile" in error["hint"]
    assert _state(stack).items() == [] and _state(stack).runs() == []


def test_a_dry_run_against_the_stack_needs_shopify_not_the_local_shop(
        stack: dict[str, Any]) -> None:
    # when no Shopify credentials are set here
    result = _cli("inventory", "sync", "--dry-run")
    # then the local stand-in is never compared with the service's ledger
    assert result.exit_code == 1 and "Shopify's credentials" in result.output
    assert "Traceback" not in result.output


def test_an_unknown_stack_is_one_clear_line(stack: dict[str, Any],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    monkeypatch.setenv("HUBSHOP_STACK", "no-such-stack")
    # when
    result = _cli("inventory", "pause")
    # then
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no-such-stack" in result.output and "AWS_REGION" in result.output


def _stack_secret(logical_id: str) -> str:
    """A secret as CloudFormation makes it: tagged with the stack and its logical id (moto's
    CloudFormation makes no secrets, so the test puts them as the stack would)."""
    return boto3.client("secretsmanager").create_secret(
        Name=f"{logical_id}-AbC123", SecretString="{}",
        Tags=[{"Key": "aws:cloudformation:stack-name", "Value": STACK},
              {"Key": "aws:cloudformation:logical-id", "Value": logical_id}])["ARN"]


def test_status_shows_every_keys_age_and_next_rotation(stack: dict[str, Any]) -> None:
    # given the stack's five secrets, the push key rotated by Secrets Manager every 30 days
    arns = {name: _stack_secret(name) for name in (
        "PushKeySecret", "ShopifySecret", "ShopifyWebhookSecret", "WarehouseSecret",
        "HubSpotSecret")}
    boto3.client("secretsmanager").rotate_secret(
        SecretId=arns["PushKeySecret"], RotationRules={"AutomaticallyAfterDays": 30})
    # when
    result = _cli("status", "--json")
    # then each job shows the keys it uses: ages in whole days, rotations as ISO dates
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    inventory = view["inventory"]["keys"]
    assert set(inventory) == {"push_key", "shopify", "shopify_webhook_secret",
                              "warehouse_api_key"}
    assert set(view["catalog"]["keys"]) == {"shopify", "hubspot_token"}
    assert set(view["theme"]["keys"]) == {"hubspot_token"}
    push = inventory["push_key"]
    assert push["age_days"] == 0 and push["rotation_days"] == 30
    next_rotation = datetime.fromisoformat(push["next_rotation"])
    assert 29 <= (next_rotation - datetime.now(UTC)).days <= 30
    assert datetime.fromisoformat(push["last_rotated"]) <= datetime.now(UTC)
    webhook = inventory["shopify_webhook_secret"]
    assert webhook["next_rotation"] is None and webhook["rotation_days"] is None
    assert isinstance(webhook["age_days"], int) and "not rotated" in webhook["rotation"]
    text = _cli("status").stdout
    assert "push_key: 0 day(s) old" in text and "next rotation" in text


def test_a_keys_age_is_counted_from_its_current_version(stack: dict[str, Any],
                                                        tmp_path: Path) -> None:
    # given a warehouse key put in its secret, and a day 40 days on
    _stack_secret("WarehouseSecret")
    later = VirtualClock(datetime.now(UTC) + timedelta(days=40, hours=1))
    settings = load_settings(env={"HUBSHOP_STACK": STACK}, cwd=tmp_path)
    # when
    keys = DeployedService(settings, later).keys()
    # then
    assert keys["warehouse_api_key"]["age_days"] == 40
    assert keys["warehouse_api_key"]["since"] is not None


def test_status_shows_the_runs_the_stacks_functions_recorded(stack: dict[str, Any]) -> None:
    # given the stack's nightly function recorded a run in its table (none ran locally)
    _state(stack).record_run({"kind": "nightly", "start": "2026-12-01T00:00:00+00:00",
                              "end": "2026-12-01T00:03:00+00:00", "result": "ok",
                              "counts": {}, "api_calls": {"shopify": 4}})
    # when
    result = _cli("status", "--json")
    # then the nightly's last run is the stack's, and the catalog's next sync is the nightly's
    assert result.exit_code == 0, result.output
    view = json.loads(result.stdout)
    assert view["nightly"]["last_run"]["end"] == "2026-12-01T00:03:00+00:00"
    assert view["nightly"]["next_run"] is not None
    assert view["catalog"]["next_run"] == view["nightly"]["next_run"]


def test_status_against_a_stack_reads_it_within_its_call_budget(
        stack: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    # given every AWS call counted, by service and operation
    from collections import Counter

    from botocore.client import BaseClient

    calls: Counter[str] = Counter()
    real = BaseClient._make_api_call

    def counted(client: Any, operation: str, params: Any) -> Any:
        calls[f"{client.meta.service_model.service_name}:{operation}"] += 1
        return real(client, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counted)
    # when
    result = _cli("status", "--json")
    # then the stack's resources are listed once, and the whole view costs a fixed budget
    assert result.exit_code == 0, result.output
    cloudformation = {k: v for k, v in calls.items() if k.startswith("cloudformation:")}
    assert cloudformation == {"cloudformation:ListStackResources": 1}, dict(calls)
    assert dict(calls) == STATUS_CALL_BUDGET


# hubshop --stack NAME status --json over a stack with no keys, schedules or runs; DynamoDB:
# the runs (every job's, then the inventory's), the ledger's 8 shards, the pending queue
# and the paused flag (drift needs Shopify settings: not read here)
STATUS_CALL_BUDGET = {
    "cloudformation:ListStackResources": 1, "dynamodb:Query": 11, "dynamodb:GetItem": 1,
    "sqs:GetQueueAttributes": 2, "cloudwatch:DescribeAlarms": 1,
    "secretsmanager:ListSecrets": 1, "scheduler:ListSchedules": 1,
}


def test_a_service_whose_resources_are_known_makes_no_cloudformation_call(
        stack: dict[str, Any]) -> None:
    # given the resources as a function inside the stack knows them
    boto3.client("sqs").send_message(QueueUrl=stack["EventsDeadLetterQueue"],
                                     MessageBody=json.dumps({"kind": "stock", "id": "s:1"}))
    known = StackResources(stack=STACK, state_table=stack["StateTable"],
                           events_queue_url=stack["EventsQueue"],
                           dead_letter_queue_url=stack["EventsDeadLetterQueue"])
    # when
    service = DeployedService.from_resources(known, VirtualClock(), session=_NoCloudFormation())
    # then it reads the queues and the state without asking CloudFormation
    assert [m.kind for m in service.dead_letters()] == ["stock"]
    assert service.queue(known.events_queue_url) == {"depth": 0, "in_flight": 0,
                                                     "oldest_age_seconds": None}
    assert service.state().items() == []


class _NoCloudFormation:
    """A session that fails the test if CloudFormation is asked anything."""

    region_name = "eu-west-1"

    def client(self, service: str) -> Any:
        assert service != "cloudformation", "CloudFormation was asked"
        return boto3.client(service)


def test_a_disabled_schedule_means_no_next_run(stack: dict[str, Any]) -> None:
    # given the stack's reconcile schedule on and its nightly import switched off
    scheduler = boto3.client("scheduler")
    for name, state in ((f"{STACK}-ScheduleFunctionNightly-AB12", "ENABLED"),
                        (f"{STACK}-NightlyFunctionNightly-CD34", "DISABLED")):
        scheduler.create_schedule(
            Name=name, ScheduleExpression="cron(0 0 * * ? *)", State=state,
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": "arn:aws:lambda:eu-west-1:123456789012:function:x",
                    "RoleArn": "arn:aws:iam::123456789012:role/x"})
    # when
    view = json.loads(_cli("status", "--json").stdout)
    # then
    assert view["inventory"]["next_run"] is not None
    assert view["inventory"]["schedules"][f"{STACK}-NightlyFunctionNightly-CD34"] == "DISABLED"
    assert view["nightly"]["next_run"] is None and view["nightly"]["schedule"]["state"] == \
        "DISABLED"
    assert view["catalog"]["next_run"] is None  # its sync rides on the nightly
