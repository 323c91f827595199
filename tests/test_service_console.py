"""The console page as the deployed service serves it: DynamoDB, SQS, CloudWatch (moto), Shopify.

The stack is made in moto's CloudFormation, so ``hubshop inventory pause --stack``
finds it as it would a real one; the console function gets only the environment
template.yaml gives it and reads its resources from there. Shopify is the fake
(client-credentials grant, payouts); session tokens are minted with the app's
client secret, as App Bridge does.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import boto3
import jwt
import pytest
import responses
from click.testing import CliRunner

from sync import env_names as E
from sync.cli import main
from sync.plumbing.clock import VirtualClock
from sync.service import console_handler
from sync.service.aws import AwsWiring
from sync.service.console_source import NOT_CONFIGURED, DeployedConsole
from sync.service.messages import ReconcileMessage, decode
from sync.service.secrets import SecretReader, staged_provider
from tests.fakes.shopify.fake import ShopifyFake
from tests.test_deployed_stack import create_stack
from tests.test_service_world import FEED, TOML, LambdaContext, event, moto_aws

STACK = "hubshop-prod"
ROTATED = "shpss_" + "0d2f4b6c8e1a3c5e7f9b0d2a4c6e8f1b"
SHOP = "fernhill-demo.myshopify.com"


@dataclass
class Stack:
    """The deployed stack in moto, the console function's wiring and the Shopify fake."""

    resources: dict[str, str]
    wiring: AwsWiring
    clock: VirtualClock
    fake: Any
    sqs: Any
    secrets: Any
    shopify_secret: str

    def token(self, secret: str | None = None, **overrides: Any) -> str:
        """An App Bridge session token (HS256 with the app's client secret) for the shop."""
        now = int(self.clock.now().timestamp())
        claims = {"iss": f"https://{SHOP}/admin", "dest": f"https://{SHOP}",
                  "aud": self.fake.client_id, "sub": "74", "exp": now + 60, "nbf": now - 1,
                  "iat": now - 1, "jti": "7b1e", "sid": "f0a1"}
        claims.update(overrides)
        return jwt.encode(claims, secret or self.fake.client_secret, algorithm="HS256")

    def get(self, token: str) -> dict[str, Any]:
        request = event("apigw_console_page")
        request["rawQueryString"] = request["rawQueryString"].replace("SESSION_TOKEN", token)
        return console_handler.handler(request, LambdaContext())

    def post(self, action: str, token: str) -> dict[str, Any]:
        request = event("apigw_console_action")
        request["rawPath"] = f"/console/actions/{action}"
        request["body"] = base64.b64encode(urlencode({"id_token": token}).encode()).decode()
        return console_handler.handler(request, LambdaContext())

    def queued(self, url: str) -> list[dict[str, Any]]:
        bodies: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                                   VisibilityTimeout=30).get("Messages"):
            bodies += [json.loads(m["Body"]) for m in messages]
        return bodies


@pytest.fixture
def stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shopify_schema: Any,
          shopify_shop: Any, shopify_clock: VirtualClock) -> Iterator[Stack]:
    for _ in moto_aws(monkeypatch):
        yield from _stack(tmp_path, monkeypatch, shopify_shop, shopify_clock)


def _stack(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shop: Any,
           clock: VirtualClock) -> Iterator[Stack]:
    # the Shopify fake's mock starts inside moto's, so Shopify's calls reach the fake
    shopify_fake = ShopifyFake(shop, clock, client_id="3f9a1c0e7b5d4e2a8c6b1d0f9e8a7c6b",
                               client_secret="shpss_" + "5c1e9a7f3b2d4c6e8a0f1b3d5e7c9a2b")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        shopify_fake.install(mock)
        resources = create_stack(STACK)
        secrets = boto3.client("secretsmanager")
        shopify = secrets.create_secret(Name="hubshop/shopify", SecretString=json.dumps(
            {"client_id": shopify_fake.client_id,
             "client_secret": shopify_fake.client_secret}))["ARN"]
        warehouse = secrets.create_secret(Name="hubshop/warehouse",
                                          SecretString=json.dumps({"api_key": "unused"}))["ARN"]
        feed = tmp_path / "feed.csv"
        feed.write_text(FEED, encoding="utf-8")
        (tmp_path / "hubshop.toml").write_text(TOML.format(feed=feed), encoding="utf-8")
        environ = {  # template.yaml's globals and ConsoleFunction's own variables
            "SHOPIFY_STORE": SHOP, "SHOPIFY_ADMIN_URL": shopify_fake.base_url,
            E.STATE_TABLE: resources["StateTable"],
            E.EVENTS_QUEUE_URL: resources["EventsQueue"],
            E.DEAD_LETTER_QUEUE_URL: resources["EventsDeadLetterQueue"],
            E.SHOPIFY_SECRET: shopify, E.WAREHOUSE_SECRET: warehouse, E.STACK_NAME: STACK,
            "LAMBDA_TASK_ROOT": str(tmp_path), "HUBSHOP_HOME": str(tmp_path / "home"),
        }
        wiring = AwsWiring(environ, secrets=SecretReader(staged_provider(
            boto3_client=secrets), max_age=0), dynamodb=boto3.client("dynamodb"),
            sqs=boto3.client("sqs"), clock=clock)
        monkeypatch.setattr(console_handler, "CONSOLE", DeployedConsole(wiring))
        monkeypatch.setenv("HUBSHOP_STACK", STACK)
        yield Stack(resources, wiring, clock, shopify_fake, boto3.client("sqs"),
                    secrets, shopify)


def _page(answer: dict[str, Any]) -> str:
    """The page an answer shows: an action's 303 is followed as a browser would."""
    if answer["statusCode"] == 303:
        request = event("apigw_console_page")
        location = answer["headers"]["Location"]
        assert location.startswith("/console/?")
        request["rawQueryString"] = location.partition("?")[2]
        answer = console_handler.handler(request, LambdaContext())
    assert answer["statusCode"] == 200, answer
    return answer["body"]


def test_the_page_shows_the_pause_set_through_the_cli_and_the_drift(stack: Stack) -> None:
    # given the operator paused the service for a stocktake from the CLI
    paused = CliRunner().invoke(main, ["--stack", STACK, "inventory", "pause"],
                                catch_exceptions=False)
    assert paused.exit_code == 0, paused.output
    # when the owner opens the app in Shopify's admin
    answer = stack.get(stack.token())
    # then the page shows the paused flag, the drift against the feed, the stack's alarm
    page = _page(answer)
    assert "<dt>Writes</dt><dd>paused</dd>" in page
    assert f"stack {STACK} (AWS)" in page
    assert "Drift: Shopify against the warehouse" in page and "TEE-S" in page
    assert f"{STACK}-DeadLettersAlarm-X1Y2" in page
    headers = answer["headers"]
    assert headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{SHOP} https://admin.shopify.com")
    assert f'name="shopify-api-key" content="{stack.fake.client_id}"' in page
    assert stack.fake.client_secret not in page


def test_the_payouts_summary_comes_from_shopify_payments(stack: Stack) -> None:
    page = _page(stack.get(stack.token()))
    assert '<h2 id="pay">Payouts</h2>' in page and "no API to start a withdrawal" in page
    assert "(demo figures)" not in page and "Payouts are unavailable" not in page
    assert "admin.shopify.com/store/fernhill-demo/settings/payments" in page


def test_dead_letters_are_listed_then_retried_by_the_action(stack: Stack) -> None:
    # given two messages that failed five times
    dlq, queue = stack.resources["EventsDeadLetterQueue"], stack.resources["EventsQueue"]
    for n in range(2):
        stack.sqs.send_message(QueueUrl=dlq, MessageBody=json.dumps(
            {"kind": "stock", "id": f"stock:wms-{n}", "source": "push", "records": []}))
    page = _page(stack.get(stack.token()))
    assert "<dt>Dead letters</dt><dd>2</dd>" in page
    assert "stock:wms-0" in page and "stock:wms-1" in page
    form_token = page.split('name="id_token" value="')[1].split('"')[0]
    # when the owner presses "Retry dead letters" (the form carries the page's token)
    after = _page(stack.post("retry-dead-letters", form_token))
    # then both went back to the events queue and the page says so
    assert "2 dead letter(s) sent back to the events queue" in after
    assert sorted(m["id"] for m in stack.queued(queue)) == ["stock:wms-0", "stock:wms-1"]
    assert stack.queued(dlq) == []


def test_reconcile_now_queues_the_reconcile_post_reconcile_queues(stack: Stack) -> None:
    # when
    page = _page(stack.post("reconcile", stack.token()))
    # then the consumer gets a full reconcile message, nothing ran in the console itself
    assert "A full reconcile is queued" in page
    (body,) = stack.queued(stack.resources["EventsQueue"])
    message = decode(body)
    assert isinstance(message, ReconcileMessage) and message.skus is None
    assert message.id.startswith("reconcile:console:")


@pytest.mark.parametrize("case", ["none", "forged", "expired", "not-yet-valid",
                                  "wrong-audience", "another-shop", "alg-none"])
def test_a_bad_session_token_is_a_bare_401_and_does_nothing(stack: Stack, case: str) -> None:
    # given
    now = int(stack.clock.now().timestamp())
    token = {
        "none": lambda: "",
        "forged": lambda: stack.token(secret="a-guessed-secret-0123456789abcdef"),
        "expired": lambda: stack.token(exp=now - 120, nbf=now - 180),
        "not-yet-valid": lambda: stack.token(nbf=now + 120, exp=now + 180),
        "wrong-audience": lambda: stack.token(aud="someone-elses-app"),
        "another-shop": lambda: stack.token(dest="https://other-shop.myshopify.com",
                                            iss="https://other-shop.myshopify.com/admin"),
        "alg-none": lambda: jwt.encode(jwt.decode(stack.token(), options={
            "verify_signature": False}), None, algorithm="none"),
    }[case]()
    stack.sqs.send_message(QueueUrl=stack.resources["EventsDeadLetterQueue"],
                           MessageBody=json.dumps({"kind": "stock", "id": "s:1"}))
    # when
    answers = [stack.get(token), stack.post("reconcile", token),
               stack.post("retry-dead-letters", token)]
    # then each is 401 with no detail, and no action happened
    for answer in answers:
        assert (answer["statusCode"], answer["body"]) == (401, "Unauthorized"), answer
    assert stack.queued(stack.resources["EventsQueue"]) == []
    assert len(stack.queued(stack.resources["EventsDeadLetterQueue"])) == 1


def test_a_shopify_secret_without_the_client_secret_is_a_503_naming_no_secret(
    stack: Stack, caplog: pytest.LogCaptureFixture
) -> None:
    # given an app configured with an access token only (it cannot be embedded)
    stack.secrets.put_secret_value(SecretId=stack.shopify_secret,
                                   SecretString=json.dumps({"access_token": "shpat_only"}))
    # when
    answer = stack.get(stack.token())
    # then the owner is told where to look, and the log names the fix, never a value
    assert (answer["statusCode"], answer["body"]) == (503, NOT_CONFIGURED)
    assert "client_id and client_secret" in caplog.text and "shpat_only" not in caplog.text


def test_a_rotated_client_secret_is_taken_without_a_cold_start(stack: Stack) -> None:
    # given the page works with the current secret
    assert stack.get(stack.token())["statusCode"] == 200
    # when the app's client secret is rotated and put in the secret
    stack.secrets.put_secret_value(SecretId=stack.shopify_secret, SecretString=json.dumps(
        {"client_id": stack.fake.client_id, "client_secret": ROTATED}))
    # then tokens signed with the new one are taken and the old one's refused
    assert stack.get(stack.token(secret=ROTATED))["statusCode"] == 200
    assert stack.get(stack.token())["statusCode"] == 401


def test_drift_that_cannot_be_read_is_unknown_and_the_rest_still_shows(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given Shopify refuses the inventory read (the payouts read after it as well)
    stack.fake.fail_next("http", status=503, times=50)
    # when
    page = _page(stack.get(stack.token()))
    # then
    assert "<dt>SKUs off the warehouse (drift)</dt><dd>unknown</dd>" in page
    assert "Drift is unknown right now" in page and "<dt>Writes</dt><dd>running</dd>" in page
    assert "Traceback" not in page


# --------------------------------------------------------------- the page in Chromium


def _lambda_as_wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """What API Gateway does: each request as an HTTP API (v2) event to the console handler."""
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items()
               if k.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    request = {"version": "2.0", "rawPath": environ["PATH_INFO"],
               "rawQueryString": environ.get("QUERY_STRING", ""), "headers": headers,
               "requestContext": {"http": {"method": environ["REQUEST_METHOD"],
                                           "path": environ["PATH_INFO"]}},
               "body": base64.b64encode(body).decode(), "isBase64Encoded": True}
    answer = console_handler.handler(request, LambdaContext())
    start_response(f"{answer['statusCode']} -", list(answer["headers"].items()))
    return [answer["body"].encode("utf-8")]


@pytest.mark.browser
def test_the_page_the_lambda_serves_is_axe_clean_and_retries_dead_letters(stack: Stack) -> None:
    import threading
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from tests.site.browser_support import require_browser_tools
    from tests.test_operator_console import _in_own_thread

    chromium = require_browser_tools()

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    # given a dead letter, and the function behind a loopback "API Gateway"
    stack.sqs.send_message(QueueUrl=stack.resources["EventsDeadLetterQueue"],
                           MessageBody=json.dumps({"kind": "stock", "id": "stock:wms-7"}))
    server = make_server("127.0.0.1", 0, _lambda_as_wsgi, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    token = stack.token(exp=int(stack.clock.now().timestamp()) + 3600)
    url = f"http://127.0.0.1:{server.server_port}/console?id_token={token}&shop={SHOP}"
    try:
        # when the page is opened, checked, and "Retry dead letters" pressed
        seen = _in_own_thread(lambda: _press(chromium, url, "Retry dead letters"))
    finally:
        server.shutdown()
        server.server_close()
    # then
    assert seen["title"] == "hubshop console" and "stock:wms-7" in seen["text"]
    assert seen["axe_before"] == [] and seen["axe_after"] == []
    assert "1 dead letter(s) sent back" in seen["status"]


def _press(chromium: str, url: str, button: str) -> dict[str, Any]:
    """Load the page (App Bridge's script served empty: offline), axe, press, axe again."""
    from playwright.sync_api import sync_playwright

    from tests.site.browser_support import CHROMIUM_ARGS, run_axe

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("https://cdn.shopify.com/**", lambda route: route.fulfill(
                status=200, content_type="text/javascript", body=""))
            page.goto(url)
            seen = {"title": page.locator("h1").inner_text(), "text": page.inner_text("main"),
                    "axe_before": run_axe(page)}
            page.get_by_role("button", name=button).click()
            page.wait_for_load_state()
            seen["status"] = page.get_by_role("status").inner_text()
            seen["axe_after"] = run_axe(page)
            return seen
        finally:
            browser.close()


def test_a_throttled_shopify_past_the_functions_time_is_unknown_drift_not_a_timeout(
    stack: Stack
) -> None:
    # given Shopify asks for a wait longer than the invocation has left (60 s, virtual time)
    stack.fake.fail_next("http", status=429, retry_after=300, times=2)
    started = stack.clock.monotonic()
    # when
    page = _page(stack.get(stack.token(exp=int(stack.clock.now().timestamp()) + 600)))
    # then nothing slept past the budget, and the page says what it could not read
    assert stack.clock.monotonic() - started < 60
    assert "<dt>SKUs off the warehouse (drift)</dt><dd>unknown</dd>" in page
    assert "<dt>Writes</dt><dd>running</dd>" in page
