"""Retry transient failures with capped exponential backoff, jitter and Retry-After.

``retry`` knows nothing about HTTP: a *classifier* looks at each outcome (an
exception or a result) and says whether it is worth another try and, if the
server said so, after how long. Ready-made classifiers cover ``requests`` and
the HubSpot SDK; ``send_with_retry`` wires the first to a ``requests`` session.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar

import requests

from sync.errors import RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.deadline import BudgetExceeded, Deadline
from sync.plumbing.redact import redact

__all__ = ["BudgetExceeded", "Deadline", "Retry", "RetriesExhausted", "RetryPolicy", "retry",
           "send_with_retry"]

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Statuses that mean "not now": rate limited, or the server is briefly unwell."""

JITTERS = ("full", "equal", "none")


@dataclass(frozen=True)
class Retry:
    """A classifier's verdict that an outcome is worth retrying.

    Attributes:
        after: seconds the server asked us to wait (Retry-After), or None to back off.
        reason: what went wrong, for the log line and the final error ("HTTP 503").
    """

    after: float | None = None
    reason: str = ""


Classifier = Callable[[Any], Retry | None]


@dataclass
class RetryPolicy:
    """How hard to try: attempts, backoff curve, jitter and the longest wait we accept.

    Backoff before retry *k* (1-based) is ``min(cap, base * 2**(k-1))``, then
    jittered: "full" draws uniformly from [0, backoff] (AWS's advice: spreads a
    herd of clients best), "equal" from [backoff/2, backoff], "none" uses it as is.
    A server's Retry-After wins over backoff but is capped at ``max_retry_after``
    so a confused server cannot park a sync for an hour.

    Pass ``rng=random.Random(seed)`` to make the jitter repeatable in tests.
    """

    max_attempts: int = 6
    base: float = 0.5
    cap: float = 30.0
    jitter: str = "full"
    max_retry_after: float = 120.0
    rng: random.Random = field(default_factory=random.Random, repr=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"RetryPolicy.max_attempts must be >= 1, not {self.max_attempts}")
        if self.base <= 0 or self.cap < self.base:
            raise ValueError(f"RetryPolicy needs 0 < base <= cap, not {self.base}, {self.cap}")
        if self.jitter not in JITTERS:
            raise ValueError(f"RetryPolicy.jitter must be one of {JITTERS}, not {self.jitter!r}")
        if self.max_retry_after < 0:
            raise ValueError("RetryPolicy.max_retry_after must not be negative")

    def backoff(self, retry_number: int) -> float:
        """Seconds to wait before retry ``retry_number`` (1 = the first retry)."""
        ceiling = min(self.cap, self.base * 2 ** max(0, retry_number - 1))
        if self.jitter == "full":
            return self.rng.uniform(0.0, ceiling)
        if self.jitter == "equal":
            return self.rng.uniform(ceiling / 2, ceiling)
        return ceiling

    def wait_for(self, retry_number: int, verdict: Retry) -> float:
        """The wait before the next attempt: the server's word (capped) or our backoff."""
        if verdict.after is not None:
            return min(max(0.0, verdict.after), self.max_retry_after)
        return self.backoff(retry_number)


class RetriesExhausted(RemoteError):
    """Every attempt failed with something retryable; says how many, how long and the last."""

    def __init__(self, what: str, attempts: int, elapsed: float, last_reason: str) -> None:
        self.what = redact(what)
        self.attempts = attempts
        self.elapsed = elapsed
        self.last_reason = redact(last_reason)
        super().__init__(
            f"{self.what}: gave up after {attempts} attempt(s) over {elapsed:.1f} s; "
            f"last failure: {self.last_reason or 'unknown'}"
        )


def retry(
    fn: Callable[[], T],
    *,
    classify: Classifier,
    policy: RetryPolicy | None = None,
    clock: Clock = SYSTEM_CLOCK,
    what: str = "call",
    budget: float | Deadline | None = None,
) -> T:
    """Call ``fn`` until it succeeds, fails for good, the policy runs out, or time does.

    Args:
        fn: the operation; called with no arguments.
        classify: gets each exception or result; returns :class:`Retry` to try
            again, None to stop (an exception is then re-raised, a result returned).
        policy: attempts and backoff; the defaults suit Shopify and HubSpot.
        clock: waits happen on it, so tests pass a ``VirtualClock``.
        what: names the operation in logs and errors ("GET https://…"); redacted.
        budget: the call's total time budget: seconds from now, or a shared
            :class:`Deadline`. A wait (backoff or Retry-After) that would end
            past it is not slept: :class:`BudgetExceeded` is raised instead.

    Raises:
        RetriesExhausted: the last attempt was still retryable (chained to the
            last exception, if there was one).
        BudgetExceeded: the next wait would pass ``budget`` (chained likewise).
    """
    policy = policy or RetryPolicy()
    deadline = Deadline.of(budget, clock)
    started = clock.monotonic()
    for attempt in range(1, policy.max_attempts + 1):
        error: Exception | None = None
        try:
            outcome: Any = fn()
        except Exception as exc:
            error = exc
            outcome = exc
        verdict = classify(outcome)
        if verdict is None:
            if error is not None:
                raise error
            return outcome
        if attempt == policy.max_attempts:
            elapsed = clock.monotonic() - started
            raise RetriesExhausted(what, attempt, elapsed, verdict.reason) from error
        wait = policy.wait_for(attempt, verdict)
        if deadline is not None and not deadline.allows(wait):
            raise BudgetExceeded(what, deadline.budget, deadline.elapsed(), wait,
                                 verdict.reason) from error
        # INFO: the CLI shows one line per retry at -v; the final error says the rest
        log.info(
            "%s failed (%s); attempt %d of %d, retrying in %.2f s",
            redact(what),
            redact(verdict.reason),
            attempt,
            policy.max_attempts,
            wait,
            extra={"attempt": attempt, "wait_s": round(wait, 3)},
        )
        clock.sleep(wait)
    raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP-date.

    Returns None when the header is absent or unreadable (then we back off as
    usual), and 0 for a date already past.
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _header(headers: Mapping[str, str] | Any, name: str) -> str | None:
    if not headers:
        return None
    getter = getattr(headers, "get", None)
    value = getter(name) if getter else None
    if value is None and isinstance(headers, Mapping):
        lowered = name.lower()
        value = next((v for k, v in headers.items() if str(k).lower() == lowered), None)
    return None if value is None else str(value)


_HOST = re.compile(r"host='([^']+)'(?:, port=(\d+))?")


def connection_reason(exc: BaseException) -> str:
    """A connection failure in one short line naming the host: urllib3's message nests the
    pool, the URL and the socket error, and would be printed whole at every retry."""
    text = str(exc)
    found = _HOST.search(text)
    host = (found.group(1) + (f":{found.group(2)}" if found.group(2) else "")) if found \
        else "the server"
    lowered = text.lower()
    if "refused" in lowered:
        why = "connection refused"
    elif any(w in lowered for w in ("resolve", "name or service", "nodename", "getaddrinfo")):
        why = "name not found (DNS)"
    elif "timed out" in lowered or "timeout" in type(exc).__name__.lower():
        why = "timed out"
    elif "ssl" in lowered or "certificate" in lowered:
        why = "TLS/certificate error"
    else:
        why = type(exc).__name__
    return f"cannot reach {host}: {why}"


def requests_classifier(
    *, clock: Clock = SYSTEM_CLOCK, statuses: frozenset[int] = RETRY_STATUSES
) -> Classifier:
    """A classifier for ``requests``: retry 429/5xx responses, connection errors and timeouts.

    ``clock`` turns an HTTP-date Retry-After into seconds. Any other exception
    or response is final (a 400 or 404 comes back to the caller untouched).
    """

    def classify(outcome: Any) -> Retry | None:
        if isinstance(outcome, requests.Response):
            if outcome.status_code not in statuses:
                return None
            after = parse_retry_after(_header(outcome.headers, "Retry-After"), clock.now())
            return Retry(after, f"HTTP {outcome.status_code} {outcome.reason or ''}".strip())
        if isinstance(outcome, _TRANSIENT_REQUESTS_ERRORS):
            return Retry(None, connection_reason(outcome))
        return None

    return classify


_TRANSIENT_REQUESTS_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)

classify_requests = requests_classifier()
"""The ``requests`` classifier on the system clock."""


def _is_daily_limit(body: Any) -> bool:
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    return isinstance(body, str) and '"DAILY"' in body.replace(" ", "")


def hubspot_classifier(
    *, clock: Clock = SYSTEM_CLOCK, statuses: frozenset[int] = RETRY_STATUSES
) -> Classifier:
    """A classifier for the HubSpot SDK's ``ApiException`` (each API has its own class).

    Matched by shape (``status``, ``headers``, ``body``) so this module never
    imports the SDK, which the Lambda package must not need. A 429 whose body
    names the ``DAILY`` policy is final: no retry helps before tomorrow. The
    SDK's urllib3 connection failures are retried too.
    """
    import urllib3.exceptions as u3

    transient = (u3.ProtocolError, u3.MaxRetryError, u3.TimeoutError, u3.NewConnectionError)

    def classify(outcome: Any) -> Retry | None:
        if isinstance(outcome, transient):
            return Retry(None, connection_reason(outcome))
        if not isinstance(outcome, Exception) or type(outcome).__name__ != "ApiException":
            return None
        status = getattr(outcome, "status", None)
        if status not in statuses:
            return None
        if status == 429 and _is_daily_limit(getattr(outcome, "body", None)):
            return None
        headers = getattr(outcome, "headers", None)
        after = parse_retry_after(_header(headers, "Retry-After"), clock.now())
        return Retry(after, f"HTTP {status} {getattr(outcome, 'reason', '') or ''}".strip())

    return classify


DEFAULT_TIMEOUT = 30.0
"""Seconds; ``requests`` would otherwise wait forever on a silent server."""


def send_with_retry(
    session: requests.Session,
    method: str,
    url: str,
    *,
    policy: RetryPolicy | None = None,
    clock: Clock = SYSTEM_CLOCK,
    classify: Classifier | None = None,
    budget: float | Deadline | None = None,
    **kwargs: Any,
) -> requests.Response:
    """``session.request(method, url, **kwargs)`` with retries; returns the final response.

    A non-retryable response (200, 404, 422, …) is returned for the caller to
    judge; only exhausted retries (or budget) raise. ``timeout`` defaults to
    30 s and never exceeds what is left of ``budget`` (seconds or a shared
    :class:`Deadline`). Bodies must be re-sendable (bytes, str, dict,
    ``json=``), not one-shot streams. Any adapter's HTTP call looks like::

        send_with_retry(session, "POST", url, json=body, clock=clock, budget=25.0)

    Raises:
        RetriesExhausted: still 429/5xx or unreachable after the last attempt.
        BudgetExceeded: the next wait would pass ``budget``.
    """
    kwargs.setdefault("timeout", DEFAULT_TIMEOUT)
    deadline = Deadline.of(budget, clock)

    def attempt() -> requests.Response:
        options = kwargs
        if deadline is not None and isinstance(kwargs["timeout"], int | float):
            options = {**kwargs, "timeout": max(0.1, min(kwargs["timeout"], deadline.remaining()))}
        return session.request(method, url, **options)

    return retry(
        attempt,
        classify=classify or requests_classifier(clock=clock),
        policy=policy,
        clock=clock,
        what=f"{method.upper()} {url}",
        budget=deadline,
    )
