"""The nightly Lambda handler on moto (DynamoDB, Secrets Manager) and the Shopify fake."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from sync import env_names as E
from sync.service import settings as S
from tests.fakes.shopify.fixtures import *  # noqa: F403 - pytest fixtures
from tests.test_service_world import LambdaContext, aws_client, create_tables, moto_aws

pytestmark = pytest.mark.usefixtures("contracts")


class Invoked:
    """Stands in for boto3's Lambda client: moto would need Docker to run the function."""

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def invoke(self, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {"StatusCode": 202}


@pytest.fixture
def moto(monkeypatch: pytest.MonkeyPatch):
    """moto first, so the Shopify fake's ``responses`` mock (started after) answers Shopify."""
    yield from moto_aws(monkeypatch)


@pytest.fixture
def aws(moto, shopify_fake, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    dynamodb = aws_client("dynamodb")
    table, _ = create_tables(dynamodb)
    secret = aws_client("secretsmanager").create_secret(
        Name="hubshop/shopify-nightly",
        SecretString=json.dumps({"access_token": shopify_fake.token}))["ARN"]
    feed = tmp_path / "products.jsonl"
    feed.write_text("".join(json.dumps({
        "handle": f"trail-cap-{n}", "title": f"Trail Cap {n}", "vendor": "Fernhill",
        "variants": [{"sku": f"TC-{n}", "price": "19.00", "quantity": 2}]}) + "\n"
        for n in range(3)))
    (tmp_path / "hubshop.toml").write_text("")
    for name, value in {E.STATE_TABLE: table, S.SHOPIFY_SECRET: secret,
                        E.RECONCILE_FUNCTION: "hubshop-ScheduleFunction",
                        E.NIGHTLY_FEED: str(feed), "LAMBDA_TASK_ROOT": str(tmp_path),
                        "HUBSHOP_HOME": str(tmp_path / "home"),
                        "SHOPIFY_STORE": "fernhill-demo.myshopify.com",
                        "SHOPIFY_ADMIN_URL": shopify_fake.base_url}.items():
        monkeypatch.setenv(name, value)
    from sync.site_refresh import nightly_handler

    invoked = Invoked()
    monkeypatch.setitem(nightly_handler._clients, "lambda", invoked)
    monkeypatch.setitem(nightly_handler._clients, "dynamodb", dynamodb)
    yield nightly_handler, invoked


def test_the_handler_imports_syncs_and_hands_the_reconcile_over(aws, shopify_fake):
    # given
    handler, invoked = aws
    # when
    result = handler.handler({"kind": "nightly"}, LambdaContext())
    again = handler.handler({"kind": "nightly"}, LambdaContext())
    # then
    steps = {s["name"]: s for s in result["steps"]}
    assert result["ok"] and steps["import"]["counts"]["created"] == 3
    assert steps["catalog"]["counts"]["created"] >= 3
    assert [c["FunctionName"] for c in invoked.calls] == ["hubshop-ScheduleFunction"] * 2
    assert json.loads(invoked.calls[0]["Payload"]) == {"kind": "reconcile"}
    assert shopify_fake.shop.get_product("trail-cap-2").title == "Trail Cap 2"
    assert {s["name"]: s for s in again["steps"]}["import"]["counts"]["unchanged"] == 3
    assert result["api_calls"]["shopify"] > 0


def test_every_step_records_its_run_where_the_nightly_does(aws, tmp_path):
    # given the state table the stack's status reads
    from sync.jobs.runs import last_runs
    from sync.service.dynamo_state import DynamoState

    handler, _ = aws
    # when the nightly runs in AWS
    handler.handler({"kind": "nightly"}, LambdaContext())
    # then the catalog's and the import's runs are in DynamoDB beside the nightly's,
    # and nothing went to the function's throwaway SQLite file
    state = DynamoState(os.environ[E.STATE_TABLE], client=aws_client("dynamodb"))
    kinds = [run["kind"] for run in state.runs(20)]
    assert {"nightly", "catalog_sync", "products_import"} <= set(kinds)
    assert last_runs(state)["catalog"]["kind"] == "catalog_sync"
    local = tmp_path / "home" / "hubshop.sqlite3"  # the local HubDB stand-in's file here
    if local.exists():
        from sync.local.db import connect
        from sync.local.ledger import SqliteState

        assert SqliteState(connect(local)).runs(20) == []


def test_a_refused_feed_fails_the_invocation_so_the_alarm_fires(aws, tmp_path):
    # given
    handler, invoked = aws
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"handle": "x", "title": "X", "variants": [{"price": "n/a"}]}\n')
    # when / then
    with pytest.raises(RuntimeError, match="import: refused: 1 invalid product"):
        handler.handler({"kind": "nightly", "feed": str(bad)}, LambdaContext())
    assert invoked.calls == []
