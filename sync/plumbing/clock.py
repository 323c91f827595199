"""Clocks: the real one, and a virtual one so rate limits cost no real time in tests.

Everything that waits (retries, pacers, throttles, fakes) takes a ``Clock``.
Tests and benchmarks share one :class:`VirtualClock` between client and fake,
so a 10-second rate-limit window passes instantly yet is still measured.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """What waiting code needs: wall time, a monotonic reading, and a way to wait."""

    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float) -> None: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class VirtualClock:
    """A clock that only moves when someone sleeps on it or calls :meth:`advance`.

    ``slept`` totals the simulated waiting, which benchmarks report as
    "simulated seconds". Thread-safe, because loopback fakes run in a thread.
    """

    def __init__(self, start: datetime | None = None) -> None:
        self._start = start or datetime(2026, 1, 1, tzinfo=UTC)
        self._elapsed = 0.0
        self.slept = 0.0
        self._lock = threading.Lock()

    def now(self) -> datetime:
        with self._lock:
            return self._start + timedelta(seconds=self._elapsed)

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            with self._lock:
                self._elapsed += seconds
                self.slept += seconds

    def advance(self, seconds: float) -> None:
        """Let time pass without anyone waiting (work that took time elsewhere)."""
        with self._lock:
            self._elapsed += max(0.0, seconds)


SYSTEM_CLOCK = SystemClock()
