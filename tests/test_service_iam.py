"""Least privilege: each function names, reads and may read exactly the secrets it needs.

The static half reads template.yaml: a function's secret variables and the
secrets its IAM policies allow must be the same set. The other half runs each
inventory handler on moto with only the environment the template gives that
function and a secret reader that refuses, as IAM would, any secret outside
its policies — the way a deployed function would fail.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sync import env_names as E
from sync.service import console_handler, http_handler, queue_handler, schedule_handler
from sync.service import settings as S
from sync.service.secrets import CURRENT, SecretReader, staged_provider
from sync.service.signatures import sign
from tests.test_service_template import functions_of, load_template
from tests.test_service_world import (
    WEBHOOK_SECRET,
    LambdaContext,
    LocalShopWiring,
    World,
    event,
    make_world,
)

TEMPLATE = load_template()
FUNCTIONS = functions_of(TEMPLATE)
SECRET_RESOURCES = {name for name, r in TEMPLATE["Resources"].items()
                    if r["Type"] == "AWS::SecretsManager::Secret"}


def environment(function: str) -> dict[str, Any]:
    """The variables a function gets: the globals, then its own."""
    variables = dict(TEMPLATE["Globals"]["Function"]["Environment"]["Variables"])
    variables.update(FUNCTIONS[function].get("Environment", {}).get("Variables", {}))
    return variables


def named_secrets(function: str) -> set[str]:
    """The secret resources a function's variables name."""
    return {value["Ref"] for name, value in environment(function).items()
            if name in S.SECRET_VARIABLES}


def aged_secrets(function: str) -> set[str]:
    """Secrets whose age (version dates, not value) the function reports."""
    return {value["Ref"] for name, value in environment(function).items()
            if name in S.AGE_VARIABLES}


def rotated_secrets(function: str) -> set[str]:
    """Secrets this function rotates (Secrets Manager hands it their id in the event)."""
    return {r["Properties"]["SecretId"]["Ref"] for r in TEMPLATE["Resources"].values()
            if r["Type"] == "AWS::SecretsManager::RotationSchedule"
            and r["Properties"]["RotationLambdaARN"] == {"GetAtt": f"{function}.Arn"}}


def policy_secrets(function: str) -> tuple[set[str], set[str]]:
    """(secrets the policies let it read, secrets any secretsmanager action touches)."""
    readable: set[str] = set()
    touched: set[str] = set()
    for policy in _flatten(FUNCTIONS[function].get("Policies", [])):
        if "AWSSecretsManagerGetSecretValuePolicy" in policy:
            ref = policy["AWSSecretsManagerGetSecretValuePolicy"]["SecretArn"]["Ref"]
            readable.add(ref)
            touched.add(ref)
        for statement in policy.get("Statement", []):
            actions = statement["Action"]
            actions = [actions] if isinstance(actions, str) else actions
            resources = statement["Resource"]
            resources = resources if isinstance(resources, list) else [resources]
            refs = {r["Ref"] for r in resources if isinstance(r, dict) and "Ref" in r}
            if any(a.startswith("secretsmanager:") for a in actions):
                touched |= refs & SECRET_RESOURCES
                assert resources != ["*"] or actions == ["secretsmanager:GetRandomPassword"]
            if "secretsmanager:GetSecretValue" in actions:
                readable |= refs & SECRET_RESOURCES
    return readable, touched


def _flatten(policies: list[Any]) -> Iterator[dict[str, Any]]:
    for policy in policies:
        if isinstance(policy, dict) and "If" in policy:  # !If [condition, then, else]
            yield from _flatten([p for p in policy["If"][1:] if isinstance(p, dict)
                                 and p != {"Ref": "AWS::NoValue"}])
        elif isinstance(policy, dict):
            yield policy


@pytest.mark.parametrize("function", sorted(FUNCTIONS))
def test_each_function_may_read_exactly_the_secrets_it_names(function: str) -> None:
    # given what the function's variables name (and what it rotates)
    needed = named_secrets(function) | rotated_secrets(function)
    # when its policies are read
    readable, touched = policy_secrets(function)
    # then they allow reading those secrets and touch no other
    assert readable == needed, function
    assert touched <= needed | aged_secrets(function), function


def test_the_http_function_is_not_given_the_warehouse_or_hubspot_secret() -> None:
    # nor the Shopify app's credentials: only the webhook-signing secret
    assert named_secrets("HttpFunction") == {"PushKeySecret", "ShopifyWebhookSecret"}
    assert named_secrets("ConsumerFunction") == {"ShopifySecret", "WarehouseSecret"}


# --- the handlers, with only their own environment and IAM ------------------------------

class IamSecretReader(SecretReader):
    """A secret reader that refuses what the function's policies do not allow, as IAM does."""

    def __init__(self, provider: Any, allowed: set[str]) -> None:
        super().__init__(provider, max_age=0)
        self.allowed = allowed
        self.read: set[str] = set()

    def value(self, secret_id: str, stage: str = CURRENT, *, force: bool = False) -> str:
        if secret_id not in self.allowed:
            raise PermissionError(f"AccessDeniedException: not authorized to read {secret_id}")
        self.read.add(secret_id)
        return super().value(secret_id, stage, force=force)


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


def deployed(world: World, function: str) -> tuple[LocalShopWiring, IamSecretReader, dict]:
    """The wiring as ``function`` would have it in AWS: its variables, its IAM."""
    env = world.wiring.environ
    resources = {"StateTable": env[E.STATE_TABLE], "IdempotencyTable": env[E.IDEMPOTENCY_TABLE],
                 "EventsQueue": env[E.EVENTS_QUEUE_URL],
                 "EventsDeadLetterQueue": env[E.DEAD_LETTER_QUEUE_URL],
                 "PushKeySecret": env[E.PUSH_KEY_SECRET], "ShopifySecret": env[E.SHOPIFY_SECRET],
                 "WarehouseSecret": env[E.WAREHOUSE_SECRET],
                 "ShopifyWebhookSecret": env[E.WEBHOOK_SECRET],
                 "HubSpotSecret": "hubshop/hubspot-unused",
                 "ShopDomain": "hubshop-test.myshopify.com", "WarehouseUrl": "",
                 "AWS::StackName": "hubshop-test",
                 "WarehouseFeed": str(world.root / "feed.csv")}
    environ = {name: resources[value["Ref"]] if isinstance(value, dict) else str(value)
               for name, value in environment(function).items()}
    environ.update(LAMBDA_TASK_ROOT=str(world.root), HUBSHOP_HOME=str(world.root / "home"))
    readable, _ = policy_secrets(function)
    reader = IamSecretReader(staged_provider(boto3_client=world.secrets),
                             {resources[name] for name in readable})
    wiring = LocalShopWiring(environ, secrets=reader, dynamodb=world.dynamodb, sqs=world.sqs,
                             clock=world.clock)
    wiring.shop = world.shop
    names = {resources[name]: name for name in SECRET_RESOURCES if name in resources}
    return wiring, reader, names


def test_the_http_function_works_with_only_its_own_secrets(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the HTTP function as deployed (push key and webhook-signing secret only)
    wiring, reader, names = deployed(world, "HttpFunction")
    monkeypatch.setattr(http_handler, "WIRING", wiring)
    # when a warehouse push and a webhook arrive
    push = http_handler.handler(event("apigw_stock_push"), LambdaContext())
    hook = event("apigw_webhook_inventory_levels_update")
    hook["headers"]["x-shopify-hmac-sha256"] = sign(hook["body"].encode(), WEBHOOK_SECRET)
    webhook = http_handler.handler(hook, LambdaContext())
    # then both are queued, having read the two secrets and nothing else
    assert (push["statusCode"], webhook["statusCode"]) == (202, 200), push["body"]
    assert {names[s] for s in reader.read} == {"PushKeySecret", "ShopifyWebhookSecret"}


def test_the_consumer_and_the_schedule_work_with_only_their_own_secrets(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given the consumer and the schedule function as deployed
    consumer, consumer_reads, names = deployed(world, "ConsumerFunction")
    scheduled, schedule_reads, _ = deployed(world, "ScheduleFunction")
    monkeypatch.setattr(queue_handler, "WIRING", consumer)
    monkeypatch.setattr(schedule_handler, "WIRING", scheduled)
    world.sqs.send_message(QueueUrl=world.queue_url, MessageBody=json.dumps({
        "kind": "stock", "id": "stock:iam", "source": "test", "records": [
            {"sku": "TEE-S", "location": "WH-MAIN", "on_hand": 6, "allocated": 0}]}))
    # when each runs
    answer = queue_handler.handler(world.sqs_event(), LambdaContext())
    result = schedule_handler.handler(event("scheduler_nightly_reconcile"), LambdaContext())
    # then each did its work, reading only the secrets its policies allow
    assert answer == {"batchItemFailures": []} and result["kind"] == "reconcile"
    for reads in (consumer_reads, schedule_reads):
        assert {names[s] for s in reads.read} == {"ShopifySecret", "WarehouseSecret"}


def test_the_edge_reads_no_credentials_even_where_more_secrets_are_named(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given every secret variable set (an older stack) but the HTTP function's IAM
    wiring, reader, names = deployed(world, "HttpFunction")
    wiring.environ.update({name: world.wiring.environ[name]
                           for name in (E.WAREHOUSE_SECRET, E.SHOPIFY_SECRET)})
    monkeypatch.setattr(http_handler, "WIRING", wiring)
    # when the warehouse pushes
    push = http_handler.handler(event("apigw_stock_push"), LambdaContext())
    # then the edge never asked for the warehouse's (or Shopify's app) credentials
    assert push["statusCode"] == 202, push["body"]
    assert {names[s] for s in reader.read} == {"PushKeySecret"}


def test_the_console_works_with_only_its_own_secrets(
    world: World, monkeypatch: pytest.MonkeyPatch, shopify_schema: Any
) -> None:
    # given the console function as deployed, Shopify's payouts answered by the fake
    import base64
    from urllib.parse import urlencode

    import responses

    from sync.operator.session_token import SessionKeys, issue_token
    from sync.service.console_source import DeployedConsole
    from tests.fakes.shopify.fake import ShopifyFake

    wiring, reader, names = deployed(world, "ConsoleFunction")
    monkeypatch.setattr(console_handler, "CONSOLE", DeployedConsole(wiring))
    shop = "hubshop-test.myshopify.com"
    token = issue_token(SessionKeys("app", WEBHOOK_SECRET), shop, clock=world.clock)
    page, action = event("apigw_console_page"), event("apigw_console_action")
    page["rawQueryString"] = page["rawQueryString"].replace("SESSION_TOKEN", token)
    action["rawPath"] = "/console/actions/reconcile"
    action["body"] = base64.b64encode(urlencode({"id_token": token}).encode()).decode()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        ShopifyFake(world.shop, world.clock, base_url=f"https://{shop}", client_id="app",
                    client_secret=WEBHOOK_SECRET).install(mock)
        # when the page is opened and "reconcile now" pressed
        shown = console_handler.handler(page, LambdaContext())
        pressed = console_handler.handler(action, LambdaContext())
        assert pressed["statusCode"] == 303  # POST-redirect-GET: the browser follows it
        after = event("apigw_console_page")
        after["rawQueryString"] = pressed["headers"]["Location"].partition("?")[2]
        landed = console_handler.handler(after, LambdaContext())
    # then both worked, reading Shopify's secret (keys, payouts) and the warehouse's (drift)
    assert shown["statusCode"] == landed["statusCode"] == 200, shown["body"][-2000:]
    assert "unavailable" not in shown["body"] and "A full reconcile is queued" in landed["body"]
    assert {names[s] for s in reader.read} == {"ShopifySecret", "WarehouseSecret"}
    assert [m["kind"] for m in world.queued()] == ["reconcile"]
