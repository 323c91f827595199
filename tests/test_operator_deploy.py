"""``hubshop deploy``: theme, products table, stack and webhooks, each done, dry or left."""

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
from sync.jobs.deploy import run_deploy
from sync.jobs.runs import last_runs
from sync.local.db import connect
from sync.local.ledger import SqliteState
from sync.operator.deploy import DONE, FAILED, LEFT, WOULD, sam_commands, sam_parameters
from sync.service.settings import WEBHOOK_TOPICS
from tests.catalog_world import world
from tests.fakes.hubspot_source_code import add_source_code_routes

REGION = "eu-west-1"
WEBHOOK_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/webhooks/shopify"
CONSOLE_URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/console"


class Commands:
    """Records the commands deploy runs, answering each with ``returncode``."""

    def __init__(self, returncode: int = 0) -> None:
        self.returncode = returncode
        self.ran: list[list[str]] = []

    def __call__(self, command: list[str], **_: Any) -> Any:
        self.ran.append(command)
        return type("Done", (), {"returncode": self.returncode})()


def _status(report: Any) -> dict[str, str]:
    return {s.name: s.status for s in report.steps}


def test_a_dry_run_on_the_embedded_default_says_what_is_left() -> None:
    # when
    result = CliRunner().invoke(main, ["deploy", "--dry-run", "--json"])
    # then
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["dry_run"] is True and data["ok"] is True and data["app_url"] is None
    assert {s["name"]: s["status"] for s in data["steps"]} == {
        "theme": LEFT, "products table": WOULD, "AWS stack": LEFT, "webhooks": LEFT}
    assert any(c.startswith("sam deploy --stack-name hubshop") for c in data["left"])
    assert "hubshop theme upload --env published" in data["left"]


def test_the_plain_text_lists_each_step_and_what_is_left() -> None:
    result = CliRunner().invoke(main, ["deploy", "--dry-run"])
    assert "left  theme: validated locally; to upload, set HUBSPOT_ACCESS_TOKEN" in result.stdout
    assert "Left to do: 3 step(s) above (theme, AWS stack, webhooks)." in result.stdout
    assert "Dry run: nothing was changed." in result.stdout


def test_sam_parameters_come_from_the_settings(tmp_path: Path) -> None:
    from sync.config import load_settings

    (tmp_path / "hubshop.toml").write_text(
        '[inventory]\ntimezone = "Europe/Amsterdam"\npoll_minutes = 5\n'
        '[warehouse]\nkind = "csv"\nfeed = "s3://fernhill-drop/stock/"\n')
    settings = load_settings(env={"SHOPIFY_STORE": "fernhill.myshopify.com"}, cwd=tmp_path)
    params = sam_parameters(settings)
    assert params == {"ShopDomain": "fernhill.myshopify.com", "StoreTimeZone": "Europe/Amsterdam",
                      "PollMinutes": "5", "WarehouseFeed": "s3://fernhill-drop/stock/",
                      "WarehouseFeedBucket": "fernhill-drop"}
    deploy = sam_commands("shop", params)[-1]
    assert deploy[:4] == ["sam", "deploy", "--stack-name", "shop"]
    assert "ShopDomain=fernhill.myshopify.com" in deploy and "--no-confirm-changeset" in deploy


@pytest.fixture
def live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Shopify and HubSpot fakes, the CMS source-code routes, and a moto stack with outputs."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with mock_aws(), world(tmp_path, products=3) as w:
        w.source_code = add_source_code_routes(w.hubdb)
        w.aws = boto3.session.Session(region_name=REGION)
        template = {"Resources": {"Q": {"Type": "AWS::SQS::Queue", "Properties": {}}},
                    "Outputs": {"WebhookUrl": {"Value": WEBHOOK_URL},
                                "ConsoleUrl": {"Value": CONSOLE_URL}}}
        w.aws.client("cloudformation").create_stack(StackName="hubshop",
                                                    TemplateBody=json.dumps(template))
        yield w


def test_a_full_deploy_does_every_step_and_a_second_changes_nothing(live: Any) -> None:
    # given the SAM CLI on the path
    commands = Commands()
    # when
    first = run_deploy(live.settings, clock=live.clock, run_command=commands,
                       which=lambda _: "/usr/local/bin/sam", aws_session=live.aws)
    # then
    assert _status(first) == {"theme": DONE, "products table": DONE, "AWS stack": DONE,
                              "webhooks": DONE}, first.lines()
    assert "hubshop/templates/home.html" in live.source_code.files["published"]
    assert live.hubdb.hubdb.get_table("products")["rowCount"] == 3
    assert [c[:2] for c in commands.ran] == [["scripts/build_lambda.sh", "all"],
                                             ["sam", "deploy"]]
    assert "ShopDomain=fernhill-demo.myshopify.com" in commands.ran[-1]
    subscribed = {w["uri"] for w in live.shopify.state.webhooks.values()}
    assert subscribed == {WEBHOOK_URL}
    assert len(live.shopify.state.webhooks) == len(WEBHOOK_TOPICS)
    # when run again
    second = run_deploy(live.settings, clock=live.clock, run_command=commands,
                        which=lambda _: "/usr/local/bin/sam", aws_session=live.aws)
    steps = {s.name: s for s in second.steps}
    # and the app's URL is information, not a step left: the second deploy leaves nothing
    for report in (first, second):
        assert report.app_url == CONSOLE_URL and report.as_dict()["app_url"] == CONSOLE_URL
        assert report.as_dict()["left"] == []
        assert any(CONSOLE_URL in line and "App URL" in line for line in report.lines())
    assert second.lines()[-1] == "Nothing left to do."
    assert steps["theme"].counts["uploaded"] == 0
    assert steps["products table"].counts["created"] == 0
    assert steps["webhooks"].counts == {"created": 0, "existing": len(WEBHOOK_TOPICS)}
    # and the theme and table it wrote are the jobs' last runs in status
    conn = connect(live.settings.database)
    try:
        runs = last_runs(SqliteState(conn))
    finally:
        conn.close()
    assert runs["theme"] is not None and runs["theme"]["kind"] == "theme_upload"
    assert runs["theme"]["counts"]["uploaded"] == 0  # the second deploy's
    assert runs["catalog"] is not None and runs["catalog"]["kind"] == "catalog_sync"
    conn = connect(live.settings.database)
    try:
        deploys = [r for r in SqliteState(conn).runs(50) if r["kind"] == "deploy"]
    finally:
        conn.close()
    assert len(deploys) == 2 and deploys[0]["result"] == "ok"
    assert deploys[0]["counts"] == {"done": 4} and deploys[0]["stack"] == "hubshop"


def test_a_dry_run_against_live_services_writes_nothing(live: Any) -> None:
    commands = Commands()
    report = run_deploy(live.settings, dry_run=True, clock=live.clock, run_command=commands,
                        which=lambda _: "/usr/local/bin/sam", aws_session=live.aws)
    assert set(_status(report).values()) == {WOULD}
    assert commands.ran == [] and live.source_code.files.get("published", {}) == {}
    assert live.shopify.state.webhooks == {}
    assert report.as_dict()["dry_run"] is True
    assert report.app_url is None  # a dry run reads no stack outputs


def test_without_sam_the_commands_are_printed_and_a_failing_sam_is_named(live: Any) -> None:
    missing = run_deploy(live.settings, clock=live.clock, which=lambda _: None,
                         run_command=Commands(), aws_session=live.aws)
    stack = next(s for s in missing.steps if s.name == "AWS stack")
    assert stack.status == LEFT and "not installed" in stack.detail
    assert any(c.startswith("sam deploy") for c in stack.commands)
    failing = run_deploy(live.settings, clock=live.clock, which=lambda _: "/bin/sam",
                         run_command=Commands(returncode=2), aws_session=live.aws)
    stack = next(s for s in failing.steps if s.name == "AWS stack")
    assert stack.status == FAILED and "exited with 2" in stack.detail and not failing.ok
    # and the failed deploy is recorded as failed, naming the step
    conn = connect(live.settings.database)
    try:
        last = next(r for r in SqliteState(conn).runs(50) if r["kind"] == "deploy")
    finally:
        conn.close()
    assert last["result"] == "failed" and last["steps"]["AWS stack"] == FAILED
