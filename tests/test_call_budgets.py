"""Every adapter call ends within the time budget its caller gave it (virtual clock).

Retry-After waits, backoff, Shopify THROTTLED waits and pacer queues are all
checked against one deadline: a wait that would pass it is never slept, the
call ends with BudgetExceeded naming what it waited for.
"""

from __future__ import annotations

import logging
import random

import pytest
import responses

from sync.config import HubSpotSettings, Secret, ShopifySettings
from sync.errors import RemoteError
from sync.hubspot.client import HubSpotClient
from sync.plumbing.clock import VirtualClock
from sync.plumbing.deadline import BudgetExceeded, Deadline
from sync.plumbing.retry import Retry, RetryPolicy, retry, send_with_retry
from sync.shopify.client import ShopifyClient
from tests.fakes.hubdb_server import HubDBFake

URL = "https://brand.myshopify.com/admin/api/2026-04/graphql.json"
SETTINGS = ShopifySettings(store="brand.myshopify.com", access_token=Secret("shpat_secret"))


@pytest.fixture(autouse=True)
def _quiet(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


def test_a_retry_after_past_the_budget_ends_the_call_without_sleeping() -> None:
    # given a server asking for 120 s and a caller allowing 30
    clock = VirtualClock()
    outcomes = iter([Retry(after=2.0, reason="HTTP 503"), Retry(after=120.0, reason="HTTP 429")])
    # when
    with pytest.raises(BudgetExceeded) as ended:
        retry(lambda: "busy", classify=lambda _: next(outcomes), clock=clock, budget=30.0,
              what="GET https://warehouse.example/stock?access_token=s3cret-0123456789")
    # then only the 2 s wait happened, and the error says why it stopped
    assert clock.monotonic() == pytest.approx(2.0)
    assert ended.value.wait == 120.0 and ended.value.budget == 30.0
    assert "HTTP 429" in str(ended.value) and "s3cret" not in str(ended.value)
    assert isinstance(ended.value, RemoteError)


def test_a_shared_deadline_bounds_a_run_of_calls() -> None:
    # given one deadline for several calls, each retrying
    clock = VirtualClock()
    deadline = Deadline(10.0, clock)
    policy = RetryPolicy(max_attempts=50, base=1.0, cap=1.0, jitter="none")
    # when
    with pytest.raises(BudgetExceeded):
        for _ in range(20):
            retry(lambda: "busy", classify=lambda _: Retry(None, "HTTP 503"), policy=policy,
                  clock=clock, budget=deadline)
    # then
    assert clock.monotonic() <= 10.0


@responses.activate
def test_send_with_retry_never_outlives_its_budget_and_caps_the_timeout() -> None:
    # given a server that keeps failing
    clock = VirtualClock()
    responses.add(responses.GET, "https://warehouse.example/stock", status=503)
    policy = RetryPolicy(max_attempts=100, base=1.0, cap=8.0, rng=random.Random(3))
    # when
    with pytest.raises(BudgetExceeded):
        send_with_retry(
            __import__("requests").Session(), "GET", "https://warehouse.example/stock",
            clock=clock, policy=policy, budget=20.0,
        )
    # then
    assert clock.monotonic() <= 20.0
    assert len(responses.calls) >= 3


def _throttled(available: float = 0.0) -> dict:
    return {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED"}}],
        "extensions": {"cost": {"requestedQueryCost": 900, "actualQueryCost": None,
                                "throttleStatus": {"maximumAvailable": 2000.0,
                                                   "currentlyAvailable": available,
                                                   "restoreRate": 100.0}}},
    }


@responses.activate
def test_shopify_throttled_waits_stop_at_the_budget() -> None:
    # given a Shopify that keeps answering THROTTLED (a 900-point query needs 9 s a time)
    clock = VirtualClock()
    responses.add(responses.POST, URL, json=_throttled())
    client = ShopifyClient(SETTINGS, clock=clock, budget=20.0)
    # when
    with pytest.raises(BudgetExceeded) as ended:
        client.execute("query Shop { shop { name } }")
    # then: two 9 s waits fit in 20 s, a third would not and is not slept
    assert clock.monotonic() <= 20.0
    assert client.stats.throttled == 3 and len(responses.calls) == 3
    assert "THROTTLED" in str(ended.value)


@responses.activate
def test_shopify_retry_after_past_the_budget_ends_the_call() -> None:
    # given
    clock = VirtualClock()
    responses.add(responses.POST, URL, status=429, headers={"Retry-After": "90"})
    client = ShopifyClient(SETTINGS, clock=clock)
    # when
    with pytest.raises(BudgetExceeded):
        client.execute("query Shop { shop { name } }", budget=30.0)
    # then
    assert clock.monotonic() == 0.0 and len(responses.calls) == 1


def _hubspot(fake: HubDBFake, clock: VirtualClock, **kw) -> HubSpotClient:
    settings = HubSpotSettings(access_token=Secret(fake.token), api_base=fake.url, account_id="1")
    return HubSpotClient(settings, clock=clock, **kw)


def test_hubspot_retry_after_past_the_budget_ends_the_call() -> None:
    # given HubSpot answering 429 with Retry-After 30, and a 45 s budget
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _hubspot(fake, clock, budget=45.0)
        tables = client.api("cms.hubdb.tables_api")
        fake.fail_next(429, times=5, retry_after=30)
        # when
        with pytest.raises(BudgetExceeded):
            client.call("get_all_tables", tables.get_all_tables)
        # then one wait of 30 s fitted, the second would not
        assert clock.monotonic() == pytest.approx(30.0)
        assert [c.status for c in fake.calls] == [429, 429]


def test_hubspot_pacer_queue_counts_against_a_shared_deadline() -> None:
    # given 190 calls per 10 s and one 15 s deadline for a burst of 500 calls
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _hubspot(fake, clock)
        tables = client.api("cms.hubdb.tables_api")
        deadline = Deadline(15.0, clock)
        # when
        with pytest.raises(BudgetExceeded) as ended:
            for _ in range(500):
                client.call("get_all_tables", tables.get_all_tables, budget=deadline)
        # then the second window's calls ran; the third window would start after 15 s
        assert clock.monotonic() <= 15.0
        assert 190 < client.stats.calls <= 380
        assert "rate limit" in str(ended.value)


def test_a_lambda_deadline_is_the_remaining_time_less_a_margin() -> None:
    # given an invocation with 120 s left
    class Context:
        def get_remaining_time_in_millis(self) -> int:
            return 120_000

    clock = VirtualClock()
    # when
    deadline = Deadline.for_lambda(Context(), margin=15.0, clock=clock)
    clock.sleep(100.0)
    # then
    assert deadline.remaining() == pytest.approx(5.0)
    assert not deadline.allows(6.0)
