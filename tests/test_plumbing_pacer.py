"""Pacers keep us under rate limits on a virtual clock, losing no more time than the limit costs."""

from __future__ import annotations

import bisect
import random
import threading

import pytest

from sync.plumbing.clock import VirtualClock
from sync.plumbing.pacer import CostPacer, RollingWindowPacer, TokenBucket


class RollingWindowServer:
    """An exact "limit per rolling window" counter, as HubSpot keeps: answers 200 or 429."""

    def __init__(self, limit: int, window: float) -> None:
        self.limit, self.window = limit, window
        self.arrivals: list[float] = []

    def call(self, now: float) -> int:
        self.arrivals.append(now)
        first_in_window = bisect.bisect_right(self.arrivals, now - self.window)
        return 429 if len(self.arrivals) - first_in_window > self.limit else 200


class LeakyBucketServer:
    """Shopify's cost bucket: refuses a query when its requested cost exceeds what is available."""

    def __init__(self, clock: VirtualClock, maximum: float, restore: float) -> None:
        self.clock, self.maximum, self.restore = clock, maximum, restore
        self.available, self.stamp, self.throttled = maximum, clock.monotonic(), 0

    def query(self, requested: float, actual: float) -> dict:
        now = self.clock.monotonic()
        self.available = min(self.maximum, self.available + (now - self.stamp) * self.restore)
        self.stamp = now
        if requested > self.available:
            self.throttled += 1
        else:
            self.available -= actual
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": {
                "maximumAvailable": self.maximum,
                "currentlyAvailable": self.available,
                "restoreRate": self.restore,
            },
        }


def test_token_bucket_allows_a_burst_then_the_steady_rate():
    # given
    clock = VirtualClock()
    bucket = TokenBucket(rate_per_s=10, capacity=5, clock=clock)
    # when
    waits = [bucket.acquire() for _ in range(1005)]
    # then
    assert waits[:5] == [0.0] * 5
    assert waits[5] == pytest.approx(0.1)
    assert clock.monotonic() == pytest.approx(100.0)


def test_token_bucket_try_acquire_never_waits():
    # given
    clock = VirtualClock()
    bucket = TokenBucket(rate_per_s=2, capacity=2, clock=clock)
    # when / then
    assert bucket.try_acquire() and bucket.try_acquire()
    assert not bucket.try_acquire()
    clock.advance(0.5)
    assert bucket.try_acquire()
    assert clock.slept == 0


def test_token_bucket_refills_only_up_to_capacity():
    clock = VirtualClock()
    bucket = TokenBucket(rate_per_s=1, capacity=3, clock=clock)
    clock.advance(1000)
    assert [bucket.try_acquire() for _ in range(4)] == [True, True, True, False]


def test_token_bucket_refuses_requests_it_could_never_grant():
    bucket = TokenBucket(1, 3, VirtualClock())
    with pytest.raises(ValueError, match="bucket of 3"):
        bucket.acquire(4)
    with pytest.raises(ValueError, match="positive rate"):
        TokenBucket(0, 3, VirtualClock())


def test_rolling_window_pacer_sends_thousands_of_calls_with_no_429_in_minimal_time():
    # given
    clock = VirtualClock()
    pacer = RollingWindowPacer(limit=190, window=10.0, clock=clock)
    server = RollingWindowServer(limit=190, window=10.0)
    calls = 5000
    # when
    statuses = []
    for _ in range(calls):
        pacer.acquire()
        statuses.append(server.call(clock.monotonic()))
    # then
    assert statuses.count(429) == 0
    assert clock.monotonic() == pytest.approx(calls / 190 * 10.0, abs=10.0)


def test_rolling_window_pacer_stays_under_the_limit_when_work_takes_uneven_time():
    # given
    clock = VirtualClock()
    rng = random.Random(3)
    pacer = RollingWindowPacer(limit=50, window=2.0, clock=clock)
    server = RollingWindowServer(limit=50, window=2.0)
    # when
    statuses = []
    for _ in range(3000):
        pacer.acquire()
        statuses.append(server.call(clock.monotonic()))
        clock.advance(rng.choice([0.0, 0.0, 0.001, 0.05, 0.3]))
    # then
    assert statuses.count(429) == 0


def test_rolling_window_pacer_is_not_fooled_by_float_rounding():
    # given a start where (t + 10) - 10 < t in floating point
    clock = VirtualClock()
    clock.advance(0.1)
    pacer = RollingWindowPacer(limit=3, window=10.0, clock=clock)
    server = RollingWindowServer(limit=3, window=10.0)
    # when
    statuses = []
    for _ in range(30):
        pacer.acquire()
        statuses.append(server.call(clock.monotonic()))
    # then
    assert statuses.count(429) == 0


def test_rolling_window_pacer_without_pacing_would_have_been_throttled():
    # given the same traffic as above, unpaced
    clock = VirtualClock()
    server = RollingWindowServer(limit=190, window=10.0)
    # when
    statuses = [server.call(clock.monotonic()) for _ in range(400)]
    # then the counter really does catch excess
    assert statuses.count(429) == 210


def test_rolling_window_pacer_try_acquire_and_margin():
    # given
    clock = VirtualClock()
    pacer = RollingWindowPacer(limit=2, window=1.0, clock=clock, margin=0.25)
    # when / then
    assert pacer.try_acquire() and pacer.try_acquire()
    assert not pacer.try_acquire()
    clock.advance(1.0)
    assert not pacer.try_acquire()
    assert pacer.acquire() == pytest.approx(0.25)


def test_rolling_window_pacer_books_fair_slots_across_threads():
    # given a clock that never moves, so each reservation's wait is its slot time
    clock = VirtualClock()
    pacer = RollingWindowPacer(limit=100, window=10.0, clock=clock)
    slots: list[float] = []
    lock = threading.Lock()

    def worker():
        mine = [pacer.reserve() for _ in range(500)]
        with lock:
            slots.extend(mine)

    # when
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    server = RollingWindowServer(limit=100, window=10.0)
    assert [server.call(t) for t in sorted(slots)].count(429) == 0
    assert max(slots) == pytest.approx((4000 / 100 - 1) * 10.0, abs=0.1)


def test_cost_pacer_keeps_a_long_run_of_queries_clear_of_throttling():
    # given
    clock = VirtualClock()
    shopify = LeakyBucketServer(clock, maximum=2000, restore=100)
    pacer = CostPacer(clock)
    rng = random.Random(5)
    spent = 0.0
    # when
    for _ in range(600):
        requested = rng.choice([12, 52, 102, 252])
        actual = requested - rng.choice([0, 2, 10])
        pacer.before(requested)
        pacer.after(shopify.query(requested, actual))
        spent += actual
    # then
    assert shopify.throttled == 0
    assert clock.monotonic() == pytest.approx((spent - 2000) / 100, abs=5.0)


def test_cost_pacer_adopts_the_plan_reported_by_shopify():
    # given a Plus shop that restores 1000 points a second
    clock = VirtualClock()
    pacer = CostPacer(clock)
    # when
    pacer.after({"throttleStatus": {"maximumAvailable": 20000.0, "currentlyAvailable": 0,
                                    "restoreRate": 1000.0}})
    waited = pacer.before(500)
    # then
    assert waited == pytest.approx(0.5, abs=0.002)
    assert pacer.maximum_available == 20000.0


def test_cost_pacer_waits_for_a_full_bucket_at_most():
    # given
    clock = VirtualClock()
    pacer = CostPacer(clock, maximum_available=1000, restore_rate=50)
    pacer.after({"currentlyAvailable": 0})
    # when
    waited = pacer.before(5000)
    # then
    assert waited == pytest.approx(20.0, abs=0.002)


def test_cost_pacer_does_not_wait_while_points_remain():
    clock = VirtualClock()
    pacer = CostPacer(clock)
    assert [pacer.before(100) for _ in range(20)] == [0.0] * 20
    assert pacer.before(100) == pytest.approx(1.0, abs=0.002)


def test_cost_pacer_rejects_a_malformed_status():
    with pytest.raises(ValueError, match="throttleStatus"):
        CostPacer(VirtualClock()).after({"throttleStatus": "busy"})
