"""Retries back off, honour Retry-After, give up clearly and never leak tokens."""

from __future__ import annotations

import logging
import random
from datetime import timedelta
from email.utils import format_datetime

import pytest
import requests
import responses
import urllib3.exceptions

from sync.errors import RemoteError
from sync.plumbing.clock import VirtualClock
from sync.plumbing.retry import (
    RetriesExhausted,
    Retry,
    RetryPolicy,
    classify_requests,
    hubspot_classifier,
    parse_retry_after,
    requests_classifier,
    retry,
    send_with_retry,
)

URL = "https://brand.myshopify.com/admin/api/2026-04/graphql.json"


def _policy(**kw) -> RetryPolicy:
    return RetryPolicy(rng=random.Random(7), **kw)


def test_backoff_doubles_up_to_the_cap_without_jitter():
    # given
    policy = RetryPolicy(base=0.5, cap=3.0, jitter="none")
    # when
    waits = [policy.backoff(n) for n in range(1, 7)]
    # then
    assert waits == [0.5, 1.0, 2.0, 3.0, 3.0, 3.0]


def test_full_jitter_stays_under_the_curve_and_is_repeatable_with_a_seed():
    # given
    a, b = _policy(cap=30.0), _policy(cap=30.0)
    # when
    waits_a = [a.backoff(n) for n in range(1, 20)]
    waits_b = [b.backoff(n) for n in range(1, 20)]
    # then
    assert waits_a == waits_b
    assert all(0 <= w <= min(30.0, 0.5 * 2 ** (n - 1)) for n, w in enumerate(waits_a, 1))
    assert len(set(waits_a)) > 10


def test_equal_jitter_keeps_at_least_half_the_backoff():
    policy = _policy(jitter="equal", base=1.0, cap=8.0)
    assert all(4.0 <= policy.backoff(4) <= 8.0 for _ in range(100))


@pytest.mark.parametrize(
    "kwargs", [{"max_attempts": 0}, {"base": 0}, {"base": 2, "cap": 1}, {"jitter": "wild"}]
)
def test_a_nonsensical_policy_is_refused(kwargs):
    with pytest.raises(ValueError, match="RetryPolicy"):
        RetryPolicy(**kwargs)


def test_retry_after_in_seconds_or_as_an_http_date():
    # given
    clock = VirtualClock()
    later = clock.now() + timedelta(seconds=42)
    # then
    assert parse_retry_after("7", clock.now()) == 7.0
    assert parse_retry_after("1.5", clock.now()) == 1.5
    assert parse_retry_after(format_datetime(later, usegmt=True), clock.now()) == 42.0
    assert parse_retry_after("Thu, 01 Jan 2015 00:00:00 GMT", clock.now()) == 0.0
    assert parse_retry_after("soon", clock.now()) is None
    assert parse_retry_after(None, clock.now()) is None


def test_retry_returns_once_the_operation_succeeds_and_waits_on_the_clock():
    # given
    clock = VirtualClock()
    outcomes = iter([ConnectionError("reset"), ConnectionError("reset"), "ok"])

    def flaky():
        outcome = next(outcomes)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def classify(o):
        return Retry(None, str(o)) if isinstance(o, ConnectionError) else None

    # when
    result = retry(flaky, classify=classify, policy=_policy(jitter="none"), clock=clock)
    # then
    assert result == "ok"
    assert clock.slept == pytest.approx(0.5 + 1.0)


def test_a_non_retryable_exception_is_raised_at_once():
    # given
    calls = []

    def broken():
        calls.append(1)
        raise KeyError("bug")

    # when / then
    with pytest.raises(KeyError):
        retry(broken, classify=lambda o: None, clock=VirtualClock())
    assert len(calls) == 1


def test_giving_up_says_how_many_attempts_how_long_and_the_last_failure(caplog):
    # given
    clock = VirtualClock()
    policy = _policy(max_attempts=4, jitter="none")
    # when
    with (
        caplog.at_level(logging.INFO, logger="sync.plumbing.retry"),
        pytest.raises(RetriesExhausted) as caught,
    ):
        retry(
            lambda: 503,
            classify=lambda s: Retry(None, f"HTTP {s}"),
            policy=policy,
            clock=clock,
            what="GET https://x.test/?access_token=abcdefgh1234",
        )
    # then
    error = caught.value
    assert isinstance(error, RemoteError)
    assert (error.attempts, error.elapsed) == (4, pytest.approx(3.5))
    assert str(error) == (
        "GET https://x.test/?access_token=***: gave up after 4 attempt(s) over 3.5 s; "
        "last failure: HTTP 503"
    )
    retries = [r for r in caplog.records if r.levelno == logging.INFO]  # shown at -v
    assert [r.attempt for r in retries] == [1, 2, 3]
    assert "attempt 1 of 4, retrying in 0.50 s" in retries[0].getMessage()
    assert all("abcdefgh1234" not in r.getMessage() for r in retries)


def test_server_retry_after_wins_over_backoff_but_is_capped():
    # given
    clock = VirtualClock()
    verdicts = iter([Retry(after=12.0), Retry(after=9999.0), None])
    # when
    retry(
        lambda: "x",
        classify=lambda o: next(verdicts),
        policy=_policy(max_retry_after=60.0),
        clock=clock,
    )
    # then
    assert clock.slept == pytest.approx(12.0 + 60.0)


def _response(status: int, headers: dict | None = None) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.headers.update(headers or {})
    return response


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_requests_classifier_retries_rate_limits_and_server_trouble(status):
    verdict = classify_requests(_response(status, {"retry-after": "3"}))
    assert verdict == Retry(3.0, f"HTTP {status}")


@pytest.mark.parametrize("status", [200, 201, 400, 401, 404, 422])
def test_requests_classifier_leaves_other_statuses_to_the_caller(status):
    assert classify_requests(_response(status)) is None


def test_requests_classifier_retries_connection_errors_and_timeouts_only():
    assert classify_requests(requests.ConnectionError("refused")) is not None
    assert classify_requests(requests.ReadTimeout("slow")) is not None
    assert classify_requests(requests.exceptions.InvalidURL("bad")) is None
    assert classify_requests(ValueError("bug")) is None


def test_requests_classifier_reads_an_http_date_against_its_clock():
    # given
    clock = VirtualClock()
    when = format_datetime(clock.now() + timedelta(seconds=20), usegmt=True)
    # when
    verdict = requests_classifier(clock=clock)(_response(503, {"Retry-After": when}))
    # then
    assert verdict.after == 20.0


class ApiException(Exception):
    """The HubSpot SDK's shape: every API module has a class of this name."""

    def __init__(self, status, headers=None, body=None):
        super().__init__(f"({status})")
        self.status, self.headers, self.body, self.reason = status, headers, body, "Too Many"


def test_hubspot_classifier_retries_a_ten_second_429_after_its_retry_after():
    # given
    error = ApiException(429, {"Retry-After": "2"}, b'{"policyName":"TEN_SECONDLY_ROLLING"}')
    # when
    verdict = hubspot_classifier(clock=VirtualClock())(error)
    # then
    assert verdict == Retry(2.0, "HTTP 429 Too Many")


def test_hubspot_classifier_does_not_retry_the_daily_limit_or_client_errors():
    classify = hubspot_classifier()
    assert classify(ApiException(429, {}, b'{"policyName": "DAILY"}')) is None
    assert classify(ApiException(400)) is None
    assert classify(ValueError("not an api error")) is None


def test_hubspot_classifier_retries_server_errors_and_dropped_connections():
    classify = hubspot_classifier()
    assert classify(ApiException(502)).after is None
    assert classify(urllib3.exceptions.ProtocolError("reset")) is not None


@responses.activate
def test_send_with_retry_gets_through_a_burst_of_429s_and_503s():
    # given
    responses.post(URL, status=429, headers={"Retry-After": "1"})
    responses.post(URL, status=503)
    responses.post(URL, json={"data": {"shop": {"name": "Brand"}}})
    clock = VirtualClock()
    # when
    response = send_with_retry(
        requests.Session(), "post", URL, json={"query": "{shop{name}}"},
        policy=_policy(jitter="none"), clock=clock,
    )
    # then
    assert response.json() == {"data": {"shop": {"name": "Brand"}}}
    assert len(responses.calls) == 3
    assert clock.slept == pytest.approx(1.0 + 1.0)
    assert responses.calls[0].request.body == responses.calls[2].request.body


@responses.activate
def test_send_with_retry_returns_a_client_error_untouched():
    responses.get(URL, status=404)
    response = send_with_retry(requests.Session(), "GET", URL, clock=VirtualClock())
    assert response.status_code == 404
    assert len(responses.calls) == 1


@responses.activate
def test_send_with_retry_gives_up_naming_the_status_but_not_the_token():
    # given
    url = "https://warehouse.test/stock?access_token=supersecret123"
    responses.get(url, status=502)
    # when
    with pytest.raises(RetriesExhausted) as caught:
        send_with_retry(requests.Session(), "GET", url, policy=_policy(max_attempts=3),
                        clock=VirtualClock())
    # then
    message = str(caught.value)
    assert "gave up after 3 attempt(s)" in message and "HTTP 502" in message
    assert "supersecret123" not in message
    assert len(responses.calls) == 3
