"""Pace calls so rate limits are respected up front instead of discovered as 429s.

Three shapes, one per kind of limit we meet: a token bucket (a steady rate with
bursts, e.g. the warehouse), a rolling-window counter (HubSpot's "190 per
rolling 10 s") and Shopify's cost-based leaky bucket, which we steer from the
``throttleStatus`` every GraphQL response reports. All wait on an injected
clock and are thread-safe: a caller *reserves* its slot under a lock and then
sleeps outside it, so concurrent callers queue fairly instead of stampeding.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Mapping
from typing import Any

from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.deadline import Deadline

HEADROOM_S = 0.001
"""Added to waits so float rounding never lands a call a hair too early."""


class TokenBucket:
    """``rate_per_s`` tokens a second, holding at most ``capacity``; starts full."""

    def __init__(self, rate_per_s: float, capacity: float, clock: Clock = SYSTEM_CLOCK) -> None:
        if rate_per_s <= 0 or capacity <= 0:
            raise ValueError(f"TokenBucket needs a positive rate and capacity, "
                             f"not rate={rate_per_s} capacity={capacity}")
        self.rate = rate_per_s
        self.capacity = capacity
        self._clock = clock
        self._tokens = float(capacity)
        self._stamp = clock.monotonic()
        self._lock = threading.Lock()

    def _refill(self, now: float) -> None:
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    def _check(self, n: float) -> None:
        if n <= 0 or n > self.capacity:
            raise ValueError(f"cannot take {n} token(s) from a bucket of {self.capacity}")

    def reserve(self, n: float = 1) -> float:
        """Take ``n`` tokens now, possibly on credit; return how long to wait before using them."""
        self._check(n)
        with self._lock:
            self._refill(self._clock.monotonic())
            self._tokens -= n
            return max(0.0, -self._tokens / self.rate)

    def try_acquire(self, n: float = 1) -> bool:
        """Take ``n`` tokens if they are there right now; never waits."""
        self._check(n)
        with self._lock:
            self._refill(self._clock.monotonic())
            if self._tokens < n:
                return False
            self._tokens -= n
            return True

    def acquire(self, n: float = 1) -> float:
        """Wait on the clock until ``n`` tokens are ours; returns the seconds waited."""
        wait = self.reserve(n)
        self._clock.sleep(wait)
        return wait


class RollingWindowPacer:
    """At most ``limit`` calls in any ``window`` seconds, counted the way HubSpot does.

    Keeps the grant times of the last ``limit`` calls; call *k* may start no
    earlier than ``window + margin`` after call *k - limit*. The default margin
    of 1 ms keeps float rounding from putting call *k - limit* back inside the
    window; raise it for slack against network jitter on a real clock.
    """

    def __init__(
        self,
        limit: int = 190,
        window: float = 10.0,
        clock: Clock = SYSTEM_CLOCK,
        *,
        margin: float = HEADROOM_S,
    ) -> None:
        if limit < 1 or window <= 0 or margin < 0:
            raise ValueError(f"RollingWindowPacer needs limit >= 1, window > 0 and margin >= 0, "
                             f"not {limit}, {window}, {margin}")
        self.limit = limit
        self.window = window
        self.margin = margin
        self._clock = clock
        self._grants: deque[float] = deque(maxlen=limit)
        self._lock = threading.Lock()

    def _next_slot(self, now: float) -> float:
        if len(self._grants) < self.limit:
            return now
        return max(now, self._grants[0] + self.window + self.margin)

    def reserve(self) -> float:
        """Book the next free slot; return how long to wait until it starts."""
        with self._lock:
            now = self._clock.monotonic()
            slot = self._next_slot(now)
            self._grants.append(slot)
            return slot - now

    def try_acquire(self) -> bool:
        """Take a slot only if one is free right now."""
        with self._lock:
            now = self._clock.monotonic()
            if self._next_slot(now) > now:
                return False
            self._grants.append(now)
            return True

    def acquire(self, deadline: Deadline | None = None, *, what: str = "call") -> float:
        """Wait on the clock for a slot; returns the seconds waited.

        With ``deadline``, a slot that starts too late is not booked:
        :class:`~sync.plumbing.deadline.BudgetExceeded` is raised instead.
        """
        if deadline is None:
            wait = self.reserve()
        else:
            with self._lock:
                now = self._clock.monotonic()
                slot = self._next_slot(now)
                deadline.check(slot - now, what=what, reason="rate limit")
                self._grants.append(slot)
                wait = slot - now
        self._clock.sleep(wait)
        return wait


ROUNDING_POINTS = 1.0
"""How far a reported ``currentlyAvailable`` may be above the true figure."""


class CostPacer:
    """Shopify's cost-based leaky bucket, steered by each response's ``throttleStatus``.

    Call :meth:`before` with a query's estimated cost (its ``requestedQueryCost``
    or a pessimistic guess) and :meth:`after` with the response's
    ``extensions.cost`` or its ``throttleStatus``. Between responses we assume
    the bucket refills at ``restoreRate`` and subtract what we have sent, so
    queries wait just long enough instead of being THROTTLED and retried.
    Until the first response, it assumes Shopify's Standard plan figures.
    """

    def __init__(
        self,
        clock: Clock = SYSTEM_CLOCK,
        *,
        maximum_available: float = 2000.0,
        restore_rate: float = 100.0,
    ) -> None:
        if maximum_available <= 0 or restore_rate <= 0:
            raise ValueError("CostPacer needs a positive maximum_available and restore_rate")
        self.maximum_available = float(maximum_available)
        self.restore_rate = float(restore_rate)
        self._available = float(maximum_available)
        self._clock = clock
        self._stamp = clock.monotonic()
        self._lock = threading.Lock()

    @property
    def currently_available(self) -> float:
        """Our estimate of the points in the bucket now (negative while calls are queued)."""
        with self._lock:
            self._refill(self._clock.monotonic())
            return self._available

    def _refill(self, now: float) -> None:
        restored = (now - self._stamp) * self.restore_rate
        self._available = min(self.maximum_available, self._available + restored)
        self._stamp = now

    def before(self, cost_estimate: float, deadline: Deadline | None = None, *,
               what: str = "query") -> float:
        """Wait until ``cost_estimate`` points are available, then spend them; returns the wait.

        A cost above the bucket's size is treated as a full bucket, so it runs
        (and Shopify explains the problem) instead of waiting forever. With
        ``deadline``, a wait that would pass it spends nothing and raises
        :class:`~sync.plumbing.deadline.BudgetExceeded`.
        """
        if cost_estimate < 0:
            raise ValueError(f"a query cannot cost {cost_estimate} points")
        with self._lock:
            now = self._clock.monotonic()
            self._refill(now)
            cost = min(float(cost_estimate), self.maximum_available)
            deficit = cost - self._available
            wait = deficit / self.restore_rate + HEADROOM_S if deficit > 0 else 0.0
            if deadline is not None:
                deadline.check(wait, what=what, reason=f"{cost:.0f} query cost points")
            self._available -= cost
        self._clock.sleep(wait)
        return wait

    def after(self, throttle_status: Mapping[str, Any]) -> None:
        """Adopt Shopify's own account of the bucket from a response.

        Accepts ``extensions.cost`` or ``extensions.cost.throttleStatus``, i.e.
        ``{maximumAvailable, currentlyAvailable, restoreRate}``; missing fields
        keep their last known values. Shopify's figure replaces our estimate,
        so points reserved by calls still in flight on other threads are
        briefly forgotten; a rare THROTTLED answer is left to the retry layer.
        """
        status = throttle_status.get("throttleStatus", throttle_status)
        if not isinstance(status, Mapping):
            raise ValueError(f"throttleStatus should be an object, not {status!r}")
        with self._lock:
            self._refill(self._clock.monotonic())
            if status.get("maximumAvailable"):
                self.maximum_available = float(status["maximumAvailable"])
            if status.get("restoreRate"):
                self.restore_rate = float(status["restoreRate"])
            if status.get("currentlyAvailable") is not None:
                # Shopify reports whole points: 991.6 shows as 992. Read it one point
                # low so a page sized to the figure is never THROTTLED by the rounding.
                reported = float(status["currentlyAvailable"]) - ROUNDING_POINTS
                self._available = min(self.maximum_available, max(reported, 0.0))
