"""``hubshop doctor``: one line per check, the fix for each failure, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from click.testing import CliRunner
from moto import mock_aws

from sync.cli import main
from sync.config import Settings, load_settings
from sync.jobs.doctor import doctor_probes
from sync.operator.doctor import FAIL, INFO, OK, DoctorReport, run_probes
from sync.paths import DEMO_DIR
from sync.shopify.client import QUERIES_DIR
from tests.fakes.hubdb_server import HubDBFake
from tests.fakes.hubspot_token_info import serve_token_info
from tests.fakes.shopify.schema import assert_valid


def _settings(tmp_path: Path, **env: str) -> Settings:
    return load_settings(flags={"home": str(tmp_path / "home")}, env=env, cwd=tmp_path)


def _check(report: DoctorReport, area: str, name: str) -> Any:
    found = [c for c in report.checks if c.area == area and c.name == name]
    assert found, f"no check {area}: {name} in {[(c.area, c.name) for c in report.checks]}"
    return found[0]


def test_the_scopes_document_is_valid_2026_04(shopify_schema: Any) -> None:
    assert_valid((QUERIES_DIR / "app_scopes.graphql").read_text(), name="app_scopes.graphql")


# --------------------------------------------------------------- embedded default


def test_the_embedded_default_passes_and_names_each_missing_credential() -> None:
    # when
    result = CliRunner().invoke(main, ["doctor"])
    # then
    assert result.exit_code == 0, result.output
    assert "all checks passed" in result.stdout
    for name in ("SHOPIFY_ACCESS_TOKEN", "HUBSPOT_ACCESS_TOKEN", "WAREHOUSE_URL",
                 "HUBSHOP_STACK"):
        assert name in result.stdout


def test_json_is_one_object_with_every_check() -> None:
    result = CliRunner().invoke(main, ["doctor", "--json"])
    data = json.loads(result.stdout)
    assert data["ok"] is True and data["failed"] == 0
    assert {c["area"] for c in data["checks"]} == {"local", "shopify", "hubspot", "warehouse",
                                                  "aws"}
    assert all(set(c) == {"area", "name", "status", "detail", "fix"} for c in data["checks"])
    assert data["passed"] + data["info"] == len(data["checks"])


def test_a_half_configured_shopify_fails_with_its_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    # given a store but no token
    monkeypatch.setenv("SHOPIFY_STORE", "fernhill-demo.myshopify.com")
    # when
    result = CliRunner().invoke(main, ["doctor"])
    # then
    assert result.exit_code == 1
    assert "FAIL  shopify: credentials" in result.stdout
    assert "fix: set SHOPIFY_ACCESS_TOKEN" in result.stdout


def test_a_bad_setting_is_a_failed_check_not_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "hubshop.toml").write_text("[catalog]\ntable = \"Bad Name\"\n")
    result = CliRunner().invoke(main, ["doctor", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["checks"][0]["area"] == "settings" and "table" in data["checks"][0]["detail"]


# --------------------------------------------------------------- Shopify


def _shopify_env(fake: Any) -> dict[str, str]:
    # a real shop needs a real warehouse setting (no silent demo fallback): the demo's feed file
    return {"SHOPIFY_STORE": "fernhill-demo.myshopify.com", "SHOPIFY_ACCESS_TOKEN": fake.token,
            "SHOPIFY_ADMIN_URL": fake.base_url,
            "WAREHOUSE_FEED": str(DEMO_DIR / "warehouse_stock.csv")}


def test_shopify_scopes_are_checked_per_feature(shopify_fake: Any, tmp_path: Path) -> None:
    # given an app granted everything hubshop asks for
    env = {**_shopify_env(shopify_fake), "SHOPIFY_STOREFRONT_TOKEN": "public-storefront-token"}
    report = run_probes(doctor_probes(_settings(tmp_path, **env)))
    # then
    assert _check(report, "shopify", "credentials").status == OK
    assert _check(report, "shopify", "scopes for payouts").status == OK
    assert report.ok, [c for c in report.checks if c.status == "fail"]
    assert len(shopify_fake.calls.named("AppScopes")) == 1


def test_a_missing_scope_names_the_feature_and_the_fix(shopify_fake: Any, tmp_path: Path) -> None:
    # given an app without the payouts and inventory write scopes
    shopify_fake.state.access_scopes = ("read_products", "read_inventory", "read_locations",
                                        "read_orders", "read_fulfillments",
                                        "read_merchant_managed_fulfillment_orders")
    # when
    report = run_probes(doctor_probes(_settings(tmp_path, **_shopify_env(shopify_fake))))
    # then
    payouts = _check(report, "shopify", "scopes for payouts")
    assert payouts.status == FAIL and "read_shopify_payments_payouts" in payouts.detail
    assert "reinstall" in payouts.fix
    assert "write_inventory" in _check(report, "shopify", "scopes for inventory sync").detail
    assert _check(report, "shopify", "scopes for catalog sync").status == OK
    assert not report.ok


def test_a_missing_storefront_token_fails_the_buy_button_check(shopify_fake: Any,
                                                               tmp_path: Path) -> None:
    report = run_probes(doctor_probes(_settings(tmp_path, **_shopify_env(shopify_fake))))
    check = _check(report, "settings", "Buy Button token")
    assert check.status == FAIL and "SHOPIFY_STOREFRONT_TOKEN" in check.fix
    assert _check(report, "settings", "webhook secret").status == INFO


def test_a_wrong_shopify_token_is_named_with_its_fix(shopify_fake: Any, tmp_path: Path) -> None:
    env = {**_shopify_env(shopify_fake), "SHOPIFY_ACCESS_TOKEN": "shpat_wrong"}
    report = run_probes(doctor_probes(_settings(tmp_path, **env)))
    check = _check(report, "shopify", "credentials")
    assert check.status == FAIL and "refused the credentials" in check.detail
    assert "SHOPIFY_ACCESS_TOKEN" in check.fix and "shpat_wrong" not in check.detail


# --------------------------------------------------------------- HubSpot


@pytest.fixture
def hubdb(clock: Any) -> Iterator[HubDBFake]:
    with HubDBFake(clock=clock) as fake:
        yield fake


def _hubspot_env(fake: HubDBFake, token: str | None = None) -> dict[str, str]:
    return {"HUBSPOT_ACCESS_TOKEN": token or fake.token, "HUBSPOT_API_BASE": fake.url}


def _publish_table(fake: HubDBFake, name: str = "products", publish: bool = True) -> None:
    fake.hubdb.create_table({"name": name, "label": name,
                             "columns": [{"name": "title", "label": "Title", "type": "TEXT"}]})
    if publish:
        fake.hubdb.publish(name)


def test_hubspot_token_scopes_and_published_table_pass(hubdb: HubDBFake, tmp_path: Path,
                                                       clock: Any) -> None:
    # given
    serve_token_info(hubdb)
    _publish_table(hubdb)
    # when
    report = run_probes(doctor_probes(_settings(tmp_path, **_hubspot_env(hubdb)), clock=clock))
    # then: two calls (token info, the published table)
    assert [(c.method, c.path) for c in hubdb.calls] == [
        ("POST", "/oauth/v2/private-apps/get/access-token-info"),
        ("GET", "/cms/v3/hubdb/tables/products")]
    assert _check(report, "hubspot", "credentials").status == OK
    assert _check(report, "hubspot", "scopes for catalog sync (HubDB)").status == OK
    assert _check(report, "hubspot", "HubDB table products").status == OK
    assert report.ok, report.lines()


def test_missing_cms_scope_and_unpublished_table_are_named(hubdb: HubDBFake, tmp_path: Path,
                                                           clock: Any) -> None:
    serve_token_info(hubdb, scopes=("hubdb",))
    _publish_table(hubdb, publish=False)
    report = run_probes(doctor_probes(_settings(tmp_path, **_hubspot_env(hubdb)), clock=clock))
    scope = _check(report, "hubspot", "scopes for theme upload (CMS source code)")
    assert scope.status == FAIL and "content" in scope.detail and "Private Apps" in scope.fix
    table = _check(report, "hubspot", "HubDB table products")
    assert table.status == FAIL and "never published" in table.detail
    assert "hubshop" in table.fix


def test_a_missing_table_and_a_wrong_portal_are_named(hubdb: HubDBFake, tmp_path: Path,
                                                      clock: Any) -> None:
    serve_token_info(hubdb)
    env = {**_hubspot_env(hubdb), "HUBSPOT_ACCOUNT_ID": "999"}
    report = run_probes(doctor_probes(_settings(tmp_path, **env), clock=clock))
    portal = _check(report, "hubspot", "portal")
    assert portal.status == FAIL and "999" in portal.detail
    assert str(hubdb.portal_id) in portal.detail
    assert _check(report, "hubspot", "HubDB table products").detail == "missing"


def test_an_expired_hubspot_token_is_one_line_with_its_fix(hubdb: HubDBFake, tmp_path: Path,
                                                           clock: Any) -> None:
    serve_token_info(hubdb)
    env = _hubspot_env(hubdb, token="pat-na1-expired")
    report = run_probes(doctor_probes(_settings(tmp_path, **env), clock=clock))
    check = _check(report, "hubspot", "credentials")
    assert check.status == FAIL and "401" in check.detail
    assert "HUBSPOT_ACCESS_TOKEN" in check.fix and "pat-na1-expired" not in check.detail
    table = _check(report, "hubspot", "HubDB table products")
    assert table.detail == "HubSpot refused the token (HTTP 401)"
    assert "HUBSPOT_ACCESS_TOKEN" in table.fix


def test_an_unreachable_hubspot_is_named_as_such_and_stdout_stays_clean(
        tmp_path: Path, clock: Any, capsys: pytest.CaptureFixture[str]) -> None:
    # given HubSpot's address answering nothing (a closed local port)
    env = {"HUBSPOT_ACCESS_TOKEN": "pat-na1-x", "HUBSPOT_API_BASE": "http://127.0.0.1:9"}
    # when
    report = run_probes(doctor_probes(_settings(tmp_path, **env), clock=clock))
    # then the fix is about the address, not the token, and the SDK printed nothing to
    # stdout (where --json's one object goes)
    check = _check(report, "hubspot", "credentials")
    assert check.status == FAIL and "cannot reach 127.0.0.1:9" in check.detail
    assert "HUBSPOT_API_BASE" in check.fix and "token is wrong" not in check.fix
    # and the table probe does not wait on the same dead host again
    table = _check(report, "hubspot", "HubDB table products")
    assert table.status == INFO and "not checked" in table.detail
    assert capsys.readouterr().out == ""


# --------------------------------------------------------------- warehouse


def test_a_refused_warehouse_key_is_named(tmp_path: Path) -> None:
    import responses

    (tmp_path / "hubshop.toml").write_text('[warehouse]\nkind = "rest"\n')
    with responses.RequestsMock() as mock:
        mock.get("https://wh.example/stock", status=401, json={"error": "bad key"})
        settings = _settings(tmp_path, WAREHOUSE_URL="https://wh.example/",
                             WAREHOUSE_API_KEY="wrong-key")
        report = run_probes(doctor_probes(settings))
    check = _check(report, "warehouse", "reachable")
    assert check.status == FAIL and "401" in check.detail and "WAREHOUSE_API_KEY" in check.fix


def test_a_rest_warehouse_without_url_fails(tmp_path: Path) -> None:
    (tmp_path / "hubshop.toml").write_text('[warehouse]\nkind = "rest"\n')
    report = run_probes(doctor_probes(_settings(tmp_path)))
    assert _check(report, "warehouse", "settings").status == FAIL


# --------------------------------------------------------------- AWS (moto)

REGION = "eu-west-1"
TEMPLATE = {
    "Resources": {
        "EventsDeadLetterQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "EventsQueue": {"Type": "AWS::SQS::Queue", "Properties": {}},
        "StateTable": {"Type": "AWS::DynamoDB::Table", "Properties": {
            "BillingMode": "PAY_PER_REQUEST",
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}]}},
    },
    "Outputs": {
        "WebhookUrl": {"Value": "https://abc.execute-api.eu-west-1.amazonaws.com/webhooks/shopify"},
        "StockPushUrl": {"Value": "https://abc.execute-api.eu-west-1.amazonaws.com/warehouse/stock"},
        "DeadLetterQueueUrl": {"Value": {"Ref": "EventsDeadLetterQueue"}},
        "ConsoleUrl": {"Value": "https://abc.execute-api.eu-west-1.amazonaws.com/console"},
    },
}
APP_KEYS = {"access_token": "shpat_x", "client_id": "id-1", "client_secret": "shpss_never_shown"}


def _shopify_secret(session: Any, stack: str, fields: dict[str, str]) -> str:
    """The stack's Shopify secret as CloudFormation makes it (tagged; moto's CloudFormation
    makes no secrets, so the test puts it as the stack would)."""
    return session.client("secretsmanager").create_secret(
        Name=f"{stack}-ShopifySecret-AbC123", SecretString=json.dumps(fields),
        Tags=[{"Key": "aws:cloudformation:stack-name", "Value": stack},
              {"Key": "aws:cloudformation:logical-id", "Value": "ShopifySecret"}])["ARN"]


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws():
        session = boto3.session.Session(region_name=REGION)
        session.client("cloudformation").create_stack(StackName="hubshop",
                                                      TemplateBody=json.dumps(TEMPLATE))
        scheduler = session.client("scheduler")
        for name, state in (("hubshop-Nightly", "ENABLED"), ("hubshop-Poll", "DISABLED")):
            scheduler.create_schedule(
                Name=name, ScheduleExpression="cron(0 0 * * ? *)", State=state,
                FlexibleTimeWindow={"Mode": "OFF"},
                Target={"Arn": f"arn:aws:lambda:{REGION}:123456789012:function:x",
                        "RoleArn": "arn:aws:iam::123456789012:role/x"})
        _shopify_secret(session, "hubshop", APP_KEYS)
        yield session


def test_a_healthy_stack_passes(aws: Any, tmp_path: Path) -> None:
    report = run_probes(doctor_probes(_settings(tmp_path), stack="hubshop", aws_session=aws))
    assert _check(report, "aws", "stack").status == OK
    assert _check(report, "aws", "stack outputs").status == OK
    assert _check(report, "aws", "dead-letter queue").detail == "empty"
    assert _check(report, "aws", "schedule hubshop-Nightly").status == OK
    assert _check(report, "aws", "schedule hubshop-Poll").status == INFO
    assert _check(report, "aws", "console").status == OK
    assert report.ok, report.lines()


def test_a_console_without_its_url_or_app_keys_is_named_with_the_fix(aws: Any,
                                                                      tmp_path: Path) -> None:
    # given a stack deployed before the console (no ConsoleUrl output), whose Shopify
    # secret holds only the access token
    template = {**TEMPLATE, "Outputs": {k: v for k, v in TEMPLATE["Outputs"].items()
                                        if k != "ConsoleUrl"}}
    aws.client("cloudformation").create_stack(StackName="older", TemplateBody=json.dumps(
        template))
    arn = _shopify_secret(aws, "older", {"access_token": "shpat_secret_value"})
    # when
    report = run_probes(doctor_probes(_settings(tmp_path), stack="older", aws_session=aws))
    # then the missing output and the missing app keys each fail with their fix
    outputs = _check(report, "aws", "stack outputs")
    assert outputs.status == FAIL and "ConsoleUrl" in outputs.detail
    console = _check(report, "aws", "console")
    assert console.status == FAIL
    assert "client_id" in console.detail and "client_secret" in console.detail
    assert arn in console.fix and "put-secret-value" in console.fix
    assert "shpat_secret_value" not in json.dumps(report.as_dict())  # values never shown


def test_a_stack_without_a_shopify_secret_fails_the_console_check(aws: Any,
                                                                  tmp_path: Path) -> None:
    aws.client("cloudformation").create_stack(StackName="bare",
                                              TemplateBody=json.dumps(TEMPLATE))
    report = run_probes(doctor_probes(_settings(tmp_path), stack="bare", aws_session=aws))
    console = _check(report, "aws", "console")
    assert console.status == FAIL and "ShopifySecret" in console.detail
    assert "deploy" in console.fix


def test_dead_letters_and_a_disabled_nightly_schedule_fail(aws: Any, tmp_path: Path) -> None:
    # given a message in the DLQ and the nightly schedule switched off
    outputs = aws.client("cloudformation").describe_stacks(StackName="hubshop")["Stacks"][0]
    dlq = {o["OutputKey"]: o["OutputValue"] for o in outputs["Outputs"]}["DeadLetterQueueUrl"]
    aws.client("sqs").send_message(QueueUrl=dlq, MessageBody="{}")
    aws.client("scheduler").update_schedule(
        Name="hubshop-Nightly", ScheduleExpression="cron(0 0 * * ? *)", State="DISABLED",
        FlexibleTimeWindow={"Mode": "OFF"},
        Target={"Arn": f"arn:aws:lambda:{REGION}:123456789012:function:x",
                "RoleArn": "arn:aws:iam::123456789012:role/x"})
    # when
    report = run_probes(doctor_probes(_settings(tmp_path), stack="hubshop", aws_session=aws))
    # then
    dead = _check(report, "aws", "dead-letter queue")
    assert dead.status == FAIL and "1 dead letter" in dead.detail
    assert "start-message-move-task" in dead.fix
    nightly = _check(report, "aws", "schedule hubshop-Nightly")
    assert nightly.status == FAIL and "--state ENABLED" in nightly.fix


def test_a_firing_alarm_fails_with_its_reason(aws: Any, tmp_path: Path) -> None:
    # given one of the stack's alarms (named as CloudFormation names them) in ALARM
    cloudwatch = aws.client("cloudwatch")
    cloudwatch.put_metric_alarm(
        AlarmName="hubshop-ErrorsAlarm-Q1", Namespace="AWS/Lambda", MetricName="Errors",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=0,
        ComparisonOperator="GreaterThanThreshold")
    assert _check(run_probes(doctor_probes(_settings(tmp_path), stack="hubshop",
                                           aws_session=aws)), "aws", "alarms").status == OK
    cloudwatch.set_alarm_state(AlarmName="hubshop-ErrorsAlarm-Q1", StateValue="ALARM",
                               StateReason="3 errors in 5 minutes")
    # when
    report = run_probes(doctor_probes(_settings(tmp_path), stack="hubshop", aws_session=aws))
    # then
    check = _check(report, "aws", "alarms")
    assert check.status == FAIL and "hubshop-ErrorsAlarm-Q1: 3 errors in 5 minutes" in check.detail
    assert "hubshop status" in check.fix


def test_an_unknown_stack_is_named_with_its_fix(aws: Any, tmp_path: Path) -> None:
    report = run_probes(doctor_probes(_settings(tmp_path), stack="nope", aws_session=aws))
    check = _check(report, "aws", "stack")
    assert check.status == FAIL and "no stack named 'nope'" in check.detail
    assert "--stack" in check.fix
