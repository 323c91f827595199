"""The console page: App Bridge session tokens, the handler, its two actions, the local console."""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import jwt
import pytest

from sync.config import load_settings
from sync.operator.console_app import ConsoleApp, lambda_response
from sync.operator.console_page import ConsoleView, render_page
from sync.operator.payouts import PayoutsSummary
from sync.operator.session_token import (
    InvalidSessionToken,
    SessionKeys,
    issue_token,
    verify_token,
)
from sync.plumbing.clock import VirtualClock

SHOP = "fernhill-demo.myshopify.com"
KEYS = SessionKeys(client_id="client-123", secret="shpss_console_test_secret_0123456789abcdef",
                   shop=SHOP)


def _claims(clock: VirtualClock, **overrides: Any) -> dict[str, Any]:
    now = int(clock.now().timestamp())
    claims = {"iss": f"https://{SHOP}/admin", "dest": f"https://{SHOP}", "aud": KEYS.client_id,
              "sub": "42", "exp": now + 60, "nbf": now, "iat": now, "jti": "abc", "sid": "s"}
    claims.update(overrides)
    return {k: v for k, v in claims.items() if v is not None}


def _token(clock: VirtualClock, secret: str = KEYS.secret, **overrides: Any) -> str:
    return jwt.encode(_claims(clock, **overrides), secret, algorithm="HS256")


class Source:
    """A ConsoleSource holding figures in memory and recording the actions asked of it."""

    where = "test source"

    def __init__(self) -> None:
        self.actions: list[str] = []
        self.drift = [{"sku": "FH-1", "location": "Warehouse", "shopify": 3, "target": 5}]

    def inventory_status(self) -> dict[str, Any]:
        return {"paused": False, "pending": 2, "drift": self.drift, "dead_letters": 4,
                "last_run": {"kind": "reconcile", "at": "2026-11-01T08:00:00+00:00",
                             "written": 7}}

    def payouts(self) -> PayoutsSummary:
        from sync.local.payouts import LocalPayouts

        return LocalPayouts().read(3)

    def reconcile(self) -> str:
        self.actions.append("reconcile")
        return "Reconciled: 1 written."

    def retry_dead_letters(self) -> str:
        self.actions.append("retry")
        return "4 dead letters sent back to the queue."


@pytest.fixture
def source() -> Source:
    return Source()


@pytest.fixture
def app(source: Source, clock: VirtualClock) -> ConsoleApp:
    return ConsoleApp(source, KEYS, clock=clock)


# --------------------------------------------------------------- session tokens


def test_a_good_token_verifies(clock: VirtualClock) -> None:
    claims = verify_token(_token(clock), KEYS, clock=clock)
    assert claims["dest"] == f"https://{SHOP}" and claims["sub"] == "42"


@pytest.mark.parametrize("bad", [
    pytest.param({"secret": "someone-elses-secret-0123456789abcdef"}, id="forged"),
    pytest.param({"exp_in": -60}, id="expired"),
    pytest.param({"nbf_in": 60}, id="not-yet-valid"),
    pytest.param({"aud": "another-app"}, id="wrong-audience"),
    pytest.param({"dest": "https://other-shop.myshopify.com",
                  "iss": "https://other-shop.myshopify.com/admin"}, id="another-shop"),
    pytest.param({"iss": "https://evil.example/admin"}, id="iss-not-the-shop"),
    pytest.param({"dest": None}, id="no-dest"),
    pytest.param({"exp": None}, id="no-exp"),
    pytest.param({"nbf": None}, id="no-nbf"),
])
def test_bad_tokens_are_refused(clock: VirtualClock, bad: dict[str, Any]) -> None:
    # given
    secret = bad.pop("secret", KEYS.secret)
    now = int(clock.now().timestamp())
    if "exp_in" in bad:
        bad["exp"] = now + bad.pop("exp_in")
    if "nbf_in" in bad:
        bad["nbf"] = now + bad.pop("nbf_in")
    token = _token(clock, secret=secret, **bad)
    # when / then
    with pytest.raises(InvalidSessionToken):
        verify_token(token, KEYS, clock=clock)


def test_unsigned_and_garbage_tokens_are_refused(clock: VirtualClock) -> None:
    unsigned = jwt.encode(_claims(clock), None, algorithm="none")
    for token in (unsigned, "not.a.jwt", "", None):
        with pytest.raises(InvalidSessionToken):
            verify_token(token, KEYS, clock=clock)


def test_expiry_follows_the_injected_clock_with_a_little_leeway(clock: VirtualClock) -> None:
    token = _token(clock)
    clock.advance(60 + 4)
    verify_token(token, KEYS, clock=clock)  # inside the 5 s leeway
    clock.advance(2)
    with pytest.raises(InvalidSessionToken):
        verify_token(token, KEYS, clock=clock)


def test_issued_form_tokens_verify_like_app_bridge_ones(clock: VirtualClock) -> None:
    claims = verify_token(issue_token(KEYS, SHOP, clock=clock), KEYS, clock=clock)
    assert claims["aud"] == KEYS.client_id and claims["exp"] - claims["nbf"] == 600


def test_keys_never_show_the_secret() -> None:
    assert KEYS.secret not in repr(KEYS)


# --------------------------------------------------------------- the handler


@pytest.mark.parametrize("case", ["none", "forged", "expired", "not-yet-valid", "audience"])
def test_every_bad_token_is_a_bare_401(app: ConsoleApp, source: Source, clock: VirtualClock,
                                       case: str) -> None:
    now = int(clock.now().timestamp())
    token = {
        "none": "",
        "forged": _token(clock, secret="a-guessed-secret-0123456789abcdef"),
        "expired": _token(clock, exp=now - 120),
        "not-yet-valid": _token(clock, nbf=now + 120),
        "audience": _token(clock, aud="other"),
    }[case]
    for method, path, body in (("GET", "/", b""), ("POST", "/actions/reconcile",
                                                    urlencode({"id_token": token}).encode())):
        response = app.handle(method, path, f"id_token={token}", {}, body)
        assert response.status == 401 and response.body == b"Unauthorized"
    assert source.actions == []


def test_the_page_shows_status_drift_dead_letters_and_payouts(app: ConsoleApp,
                                                               clock: VirtualClock) -> None:
    # when
    response = app.handle("GET", "/", f"id_token={_token(clock)}&shop={SHOP}", {})
    # then
    page = response.body.decode()
    assert response.status == 200
    assert response.headers["Content-Security-Policy"] == (
        f"frame-ancestors https://{SHOP} https://admin.shopify.com")
    assert "FH-1" in page and "Dead letters" in page and "<dd>4</dd>" in page
    assert "677.90 EUR" in page and "no API to start a withdrawal" in page
    assert 'name="shopify-api-key" content="client-123"' in page
    assert KEYS.secret not in page


def test_app_bridge_fetch_sends_a_bearer_token(app: ConsoleApp, clock: VirtualClock) -> None:
    response = app.handle("GET", "/", "", {"Authorization": f"Bearer {_token(clock)}"})
    assert response.status == 200


def _form_token(page: str) -> str:
    return page.split('name="id_token" value="')[1].split('"')[0]


def _follow(app: ConsoleApp, response: Any) -> str:
    """What the browser does with a 303: GET the page the Location names."""
    assert response.status == 303, response
    path, _, query = response.headers["Location"].partition("?")
    page = app.handle("GET", path, query, {})
    assert page.status == 200
    return page.body.decode()


def test_actions_are_posts_carrying_the_forms_token(app: ConsoleApp, source: Source,
                                                    clock: VirtualClock) -> None:
    # given the page as loaded
    page = app.handle("GET", "/", f"id_token={_token(clock)}", {}).body.decode()
    form_token = _form_token(page)
    # when, two minutes later (the App Bridge token has expired, the form's has not)
    clock.advance(120)
    reconcile = app.handle("POST", "/actions/reconcile", "",
                           {"Content-Type": "application/x-www-form-urlencoded"},
                           urlencode({"id_token": form_token}).encode())
    retry = app.handle("POST", "/actions/retry-dead-letters", "", {},
                       urlencode({"id_token": form_token}).encode())
    # then each answers POST-redirect-GET: the page it sends to says what happened
    assert "Reconciled: 1 written." in _follow(app, reconcile)
    assert "4 dead letters sent back" in _follow(app, retry)
    assert source.actions == ["reconcile", "retry"]


def test_a_reload_after_an_action_does_not_run_it_again(app: ConsoleApp, source: Source,
                                                        clock: VirtualClock) -> None:
    # given an action's redirect
    form_token = _form_token(app.handle("GET", "/", f"id_token={_token(clock)}", {}).body.decode())
    answer = app.handle("POST", "/actions/reconcile", "", {},
                        urlencode({"id_token": form_token}).encode())
    # when the owner reloads the page it led to, twice
    first, again = _follow(app, answer), _follow(app, answer)
    # then the action ran once; the page still says what it did
    assert source.actions == ["reconcile"]
    assert "Reconciled: 1 written." in first and "Reconciled: 1 written." in again
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_get_on_an_action_path_leads_to_the_page(app: ConsoleApp, source: Source,
                                                   clock: VirtualClock) -> None:
    # when (a bookmarked or reloaded action address)
    answer = app.handle("GET", "/actions/reconcile", f"id_token={_token(clock)}", {})
    # then
    assert answer.status == 303 and answer.headers["Location"].startswith("/?id_token=")
    assert "Reconcile now" in _follow(app, answer) and source.actions == []


def test_a_form_token_lasts_as_long_as_the_link_that_loaded_the_page(
        app: ConsoleApp, source: Source, clock: VirtualClock) -> None:
    # given the page opened from a 12-hour link (what hubshop console prints)
    link = issue_token(KEYS, SHOP, clock=clock, seconds=12 * 3600)
    form_token = _form_token(app.handle("GET", "/", f"id_token={link}", {}).body.decode())
    # when the owner presses an action after an 11-hour lunch
    clock.advance(11 * 3600)
    late = app.handle("POST", "/actions/reconcile", "", {},
                      urlencode({"id_token": form_token}).encode())
    # then it works; once the link's own time is up, the form is a bare 401 like the link
    assert late.status == 303 and source.actions == ["reconcile"]
    after = _form_token(_follow(app, late))
    clock.advance(2 * 3600)
    stale = app.handle("POST", "/actions/reconcile", "", {},
                       urlencode({"id_token": after}).encode())
    assert stale.status == 401 and stale.body == b"Unauthorized"
    assert source.actions == ["reconcile"]


def test_the_embedded_page_takes_a_fresh_app_bridge_token_for_each_action(
        app: ConsoleApp, clock: VirtualClock) -> None:
    page = app.handle("GET", "/", f"id_token={_token(clock)}&shop={SHOP}&host=aG9zdA",
                      {}).body.decode()
    assert "shopify.idToken()" in page
    assert 'action="/actions/reconcile?shop=' in page and "host=aG9zdA" in page


def test_a_failing_source_shows_a_problem_not_a_traceback(app: ConsoleApp, source: Source,
                                                          clock: VirtualClock) -> None:
    from sync.errors import RemoteError

    def broken() -> str:
        raise RemoteError("Shopify answered HTTP 503 to Payouts")

    source.payouts = broken  # type: ignore[method-assign]
    page = app.handle("GET", "/", f"id_token={_token(clock)}", {}).body.decode()
    assert "payouts are unavailable: Shopify answered HTTP 503" in page
    assert "Traceback" not in page and "FH-1" in page


def test_values_are_escaped(source: Source) -> None:
    source.drift = [{"sku": "<script>alert(1)</script>", "location": "A&B", "shopify": 1,
                     "target": 2}]
    html = render_page(ConsoleView(shop=SHOP, where="x", inventory=source.inventory_status(),
                                   payouts=None, form_token='"><b>'))
    assert "<script>alert" not in html and "&lt;script&gt;" in html and "A&amp;B" in html
    assert 'value="&quot;&gt;&lt;b&gt;"' in html


def test_the_lambda_http_function_can_serve_it(app: ConsoleApp, clock: VirtualClock) -> None:
    token = _token(clock)
    body = base64.b64encode(urlencode({"id_token": token}).encode()).decode()
    event = {"version": "2.0", "rawPath": "/console/actions/reconcile", "rawQueryString": "",
             "headers": {"content-type": "application/x-www-form-urlencoded"},
             "requestContext": {"http": {"method": "POST", "path": "/console/actions/reconcile"}},
             "body": body, "isBase64Encoded": True}
    answer = lambda_response(app, event)
    assert answer["statusCode"] == 303
    location = answer["headers"]["Location"]
    assert location.startswith("/console/?id_token=")
    page = lambda_response(app, {**event, "rawPath": "/console/", "body": "",
                                 "rawQueryString": location.partition("?")[2],
                                 "requestContext": {"http": {"method": "GET"}}})
    assert page["statusCode"] == 200 and "Reconciled" in page["body"]
    forged = lambda_response(app, {**event, "body": "id_token=x", "isBase64Encoded": False})
    assert forged == {"statusCode": 401, "headers": forged["headers"], "body": "Unauthorized",
                      "isBase64Encoded": False}


# --------------------------------------------------------------- the local console


@pytest.fixture
def local_console_server(tmp_path: Any, clock: VirtualClock) -> Iterator[tuple[str, Any]]:
    """``hubshop console``'s app over a fresh embedded default, on a loopback port."""
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from sync.jobs.console import local_console

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    settings = load_settings(flags={"home": str(tmp_path / "home")}, env={}, cwd=tmp_path)
    app, keys, shop = local_console(settings, clock=clock)
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    token = issue_token(keys, shop, clock=clock, seconds=3600)
    try:
        yield f"http://127.0.0.1:{server.server_port}/?id_token={token}", app
    finally:
        server.shutdown()
        server.server_close()


def test_the_local_console_serves_the_embedded_default(local_console_server: Any) -> None:
    import requests

    url, _ = local_console_server
    # when
    page = requests.get(url, timeout=30)
    bare = requests.get(url.split("?")[0], timeout=30)
    # then
    assert page.status_code == 200 and "embedded default" in page.text
    assert "Balance (demo figures)" in page.text and "Reconcile now" in page.text
    assert bare.status_code == 401 and bare.text == "Unauthorized"


@pytest.mark.browser
def test_the_console_page_is_axe_clean_and_its_action_works(local_console_server: Any) -> None:
    from tests.site.browser_support import require_browser_tools

    chromium = require_browser_tools()
    url, _ = local_console_server
    seen = _in_own_thread(lambda: _press_reconcile(chromium, url))
    assert seen["title"] == "hubshop console"
    assert seen["axe_before"] == [] and seen["axe_after"] == []
    assert "Reconciled with the warehouse" in seen["status"]


def _press_reconcile(chromium: str, url: str) -> dict[str, Any]:
    """Load the page, run axe, press "Reconcile now", run axe again."""
    from playwright.sync_api import sync_playwright

    from tests.site.browser_support import CHROMIUM_ARGS, run_axe

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.goto(url)
            seen = {"title": page.locator("h1").inner_text(), "axe_before": run_axe(page)}
            page.get_by_role("button", name="Reconcile now").click()
            page.wait_for_load_state()
            seen["status"] = page.get_by_role("status").inner_text()
            seen["axe_after"] = run_axe(page)
            return seen
        finally:
            browser.close()


def _in_own_thread(fn: Any) -> Any:
    """Playwright's sync API refuses a thread whose event loop another test's browser holds."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            outcome["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=120)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]

def test_json_shape_of_the_status_block_is_what_inventory_status_prints(
        local_console_server: Any) -> None:
    _, app = local_console_server
    status = app.source.inventory_status()
    assert {"paused", "pending", "drift", "dead_letters", "last_run"} <= set(status)
    json.dumps(status, default=str)



def test_the_console_command_names_a_busy_port() -> None:
    import socket

    from click.testing import CliRunner

    from sync.cli import main

    # given a port already taken
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        # when
        result = CliRunner().invoke(main, ["console", "--port", str(port)])
    # then
    assert result.exit_code == 1 and f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output
