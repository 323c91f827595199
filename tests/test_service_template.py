"""template.yaml: cfn-lint clean, and it wires what the code expects (handlers, env, schedule)."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from sync import env_names as E
from sync.paths import REPO_DIR
from sync.service import settings as S

TEMPLATE = REPO_DIR / "template.yaml"


class _CfnLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !GetAtt, !Sub, !If …) read as plain data."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {suffix: value}


_CfnLoader.add_multi_constructor("!", _tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template()


def load_template() -> dict[str, Any]:
    """template.yaml as plain data (CloudFormation's short tags become one-key dicts)."""
    return yaml.load(TEMPLATE.read_text(encoding="utf-8"), Loader=_CfnLoader)  # noqa: S506


def functions_of(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in template["Resources"].items()
            if r["Type"] == "AWS::Serverless::Function"}


def test_cfn_lint_finds_nothing() -> None:
    lint = shutil.which("cfn-lint") or str(Path(sys.executable).parent / "cfn-lint")
    if not Path(lint).exists():
        pytest.skip("cfn-lint is not installed")
    result = subprocess.run([lint, str(TEMPLATE)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_handler_in_the_template_exists(template: dict[str, Any]) -> None:
    for name, props in functions_of(template).items():
        module, _, attribute = props["Handler"].rpartition(".")
        assert callable(getattr(importlib.import_module(module), attribute)), name


def test_the_nightly_reconcile_runs_at_midnight_store_time(template: dict[str, Any]) -> None:
    events = functions_of(template)["ScheduleFunction"]["Events"]
    nightly = events["Nightly"]
    assert nightly["Type"] == "ScheduleV2"
    assert nightly["Properties"]["ScheduleExpression"] == "cron(0 0 * * ? *)"
    assert nightly["Properties"]["ScheduleExpressionTimezone"] == {"Ref": "StoreTimeZone"}
    assert nightly["Properties"]["Input"] == '{"kind": "reconcile"}'
    assert events["Poll"]["Properties"]["Input"] == '{"kind": "poll"}'


def test_the_consumer_reports_partial_failures_and_the_queue_dead_letters(
    template: dict[str, Any]
) -> None:
    queue_event = functions_of(template)["ConsumerFunction"]["Events"]["Queue"]["Properties"]
    assert queue_event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    redrive = template["Resources"]["EventsQueue"]["Properties"]["RedrivePolicy"]
    assert redrive["deadLetterTargetArn"] == {"GetAtt": "EventsDeadLetterQueue.Arn"}


def test_the_environment_names_are_the_ones_the_code_reads(template: dict[str, Any]) -> None:
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    for name in (E.STATE_TABLE, E.IDEMPOTENCY_TABLE, E.EVENTS_QUEUE_URL):
        assert name in variables, name
    # secrets are named per function (tests/test_service_iam.py checks them against IAM)
    assert not set(S.SECRET_VARIABLES) & set(variables)
    functions = functions_of(template)
    assert E.HUBSPOT_SECRET in functions["SiteRefreshFunction"]["Environment"]["Variables"]
    assert E.DEAD_LETTER_QUEUE_URL in functions["ScheduleFunction"]["Environment"]["Variables"]


def test_alarms_go_to_the_sns_topic(template: dict[str, Any]) -> None:
    alarms = {name: r["Properties"] for name, r in template["Resources"].items()
              if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert {"DeadLettersAlarm", "ConsumerErrorsAlarm", "DriftAlarm"} <= set(alarms)
    for props in alarms.values():
        assert props["AlarmActions"] == [{"Ref": "AlarmTopic"}]


def test_every_function_has_an_errors_alarm(template: dict[str, Any]) -> None:
    # given the Lambda Errors alarms and the functions they watch
    watched = {d["Value"]["Ref"] for r in template["Resources"].values()
               if r["Type"] == "AWS::CloudWatch::Alarm"
               and r["Properties"]["Namespace"] == "AWS/Lambda"
               and r["Properties"]["MetricName"] == "Errors"
               for d in r["Properties"]["Dimensions"] if d["Name"] == "FunctionName"}
    # then no function fails unheard (the console's page included)
    assert watched == set(functions_of(template))


def test_functions_that_record_runs_may_write_run_items(template: dict[str, Any]) -> None:
    # given the site-freshness function, whose catalog syncs hubshop status shows
    function = functions_of(template)["SiteRefreshFunction"]
    statements = [s for p in function["Policies"] if isinstance(p, dict)
                  for s in p.get("Statement", [])]
    (state,) = [s for s in statements if s["Resource"] == {"GetAtt": "StateTable.Arn"}]
    # then it may put "run" items as well as take its "product" marks
    assert "dynamodb:PutItem" in state["Action"]
    keys = state["Condition"]["ForAllValues:StringEquals"]["dynamodb:LeadingKeys"]
    assert set(keys) == {"product", "run"}


def test_the_two_functions_ship_separate_packages(template: dict[str, Any]) -> None:
    # the inventory functions use the global CodeUri; the site function has its own
    assert template["Globals"]["Function"]["CodeUri"] == "build/lambda/inventory"
    assert functions_of(template)["SiteRefreshFunction"]["CodeUri"] == "build/lambda/site"


def test_the_nightly_import_runs_at_midnight_store_time_with_retries_dlq_and_alarms(
    template: dict[str, Any]
) -> None:
    # given
    function = functions_of(template)["NightlyFunction"]
    nightly = function["Events"]["Nightly"]["Properties"]
    alarms = {json.dumps(d["Value"]) for r in template["Resources"].values()
              if r["Type"] == "AWS::CloudWatch::Alarm" for d in r["Properties"]["Dimensions"]}
    # then
    assert function["Events"]["Nightly"]["Type"] == "ScheduleV2"
    assert nightly["ScheduleExpression"] == "cron(0 0 * * ? *)"
    assert nightly["ScheduleExpressionTimezone"] == {"Ref": "StoreTimeZone"}
    assert nightly["RetryPolicy"]["MaximumRetryAttempts"] >= 1
    assert nightly["DeadLetterConfig"] == {"Arn": {"GetAtt": "NightlyDeadLetterQueue.Arn"}}
    assert function["DeadLetterQueue"]["TargetArn"] == {"GetAtt": "NightlyDeadLetterQueue.Arn"}
    assert function["Timeout"] == 900 and function["CodeUri"] == "build/lambda/site"
    watched = {'{"Ref": "NightlyFunction"}', '{"GetAtt": "NightlyDeadLetterQueue.QueueName"}'}
    assert watched <= alarms
    variables = function["Environment"]["Variables"]
    assert variables[E.RECONCILE_FUNCTION] == {"Ref": "ScheduleFunction"}
    assert E.NIGHTLY_FEED in variables


def test_webhooks_pushes_and_the_rest_have_separate_throttles(template: dict[str, Any]) -> None:
    # given the HTTP API's route settings
    api = template["Resources"]["HttpApi"]["Properties"]
    routes = api["RouteSettings"]
    # then webhooks and pushes each have their own limit, and the rest share a smaller one
    assert routes["POST /webhooks/shopify"]["ThrottlingRateLimit"] == {"Ref": "WebhookRateLimit"}
    assert routes["POST /warehouse/stock"]["ThrottlingRateLimit"] == {"Ref": "PushRateLimit"}
    assert api["DefaultRouteSettings"]["ThrottlingRateLimit"] == {"Ref": "OtherRateLimit"}
    limits = {name: template["Parameters"][name]["Default"]
              for name in ("WebhookRateLimit", "PushRateLimit", "OtherRateLimit")}
    assert limits["OtherRateLimit"] < limits["PushRateLimit"] < limits["WebhookRateLimit"]


def test_s3_access_is_read_the_feed_and_write_adjustments_only(template: dict[str, Any]) -> None:
    text = TEMPLATE.read_text(encoding="utf-8")
    # no CRUD policy (delete, ACLs) anywhere
    assert "S3CrudPolicy" not in text and "S3FullAccess" not in text
    actions: set[str] = set()
    for function in functions_of(template).values():
        for policy in function.get("Policies", []):
            branches = policy["If"][1:] if isinstance(policy, dict) and "If" in policy else [policy]
            for branch in branches:
                for statement in (branch.get("Statement", []) if isinstance(branch, dict) else []):
                    found = statement["Action"]
                    actions |= {found} if isinstance(found, str) else set(found)
    s3 = {a for a in actions if a.startswith("s3:")}
    assert s3 == {"s3:ListBucket", "s3:GetObject", "s3:PutObject"}
    assert "${WarehouseFeedPrefix}adjustments/*" in text


def test_the_console_function_serves_the_apps_page_with_a_read_only_role(
    template: dict[str, Any]
) -> None:
    # given
    from sync.operator.console_app import ConsoleApp
    from sync.operator.session_token import SessionKeys
    from sync.service.console_source import ROUTE_CONSOLE

    function = functions_of(template)["ConsoleFunction"]
    routes = {(e["Properties"]["Method"], e["Properties"]["Path"])
              for e in function["Events"].values() if e["Type"] == "HttpApi"}
    source = SimpleNamespace(where="", reconcile=str, retry_dead_letters=str)
    actions = ConsoleApp(source, SessionKeys("id", "secret")).actions  # type: ignore[arg-type]
    statements = [s for p in function["Policies"] if isinstance(p, dict)
                  for s in p.get("Statement", [])]
    granted = {a for s in statements
               for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    # then it answers the page and every action the app routes, on the service's HTTP API
    assert function["Handler"] == "sync.service.console_handler.handler"
    assert routes == {("GET", ROUTE_CONSOLE), ("POST", f"{ROUTE_CONSOLE}/actions/{{action}}")}
    assert all(path.startswith("/actions/") and path.count("/") == 2 for path in actions)
    assert function["Timeout"] < 30  # an HTTP API integration gives up at 30 s
    assert template["Outputs"]["ConsoleUrl"]["Value"]["Sub"].endswith(ROUTE_CONSOLE)
    # and it reads the state without writing it, moves dead letters, reads only its alarms
    kinds = {next(iter(p)) for p in function["Policies"] if isinstance(p, dict)}
    assert "DynamoDBReadPolicy" in kinds and "DynamoDBCrudPolicy" not in kinds
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "cloudwatch:DescribeAlarms"} <= granted
    (alarms,) = [s for s in statements if s["Action"] == "cloudwatch:DescribeAlarms"]
    assert alarms["Resource"]["Sub"].endswith(":alarm:${AWS::StackName}-*")
    variables = function["Environment"]["Variables"]
    assert variables[E.STACK_NAME] == {"Ref": "AWS::StackName"}
    assert variables[E.DEAD_LETTER_QUEUE_URL] == {"Ref": "EventsDeadLetterQueue"}
