"""A total time budget for one call (or a run of calls), measured on the injectable clock.

Retries, Retry-After waits, throttle waits and pacer queues each look sensible
alone, yet together they can outlive the process that started them (a Lambda
with 120 s left, a queue message about to become visible again). A
:class:`Deadline` is the one number they all consult: a wait that would end
past it is not slept; the call ends at once with :class:`BudgetExceeded`,
which names what was waited for, so the caller can hand the work back (return
the message to its queue) instead of being killed mid-sleep.
"""

from __future__ import annotations

from typing import Any

from sync.errors import RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.redact import redact


class BudgetExceeded(RemoteError):
    """The next wait would pass the call's time budget; nothing was slept.

    Attributes:
        what: the call ("POST https://…/graphql.json", "HubSpot get_table"), redacted.
        budget: the seconds the caller allowed.
        elapsed: seconds already spent when the call gave up.
        wait: the wait that would have passed the budget.
        reason: why it had to wait ("HTTP 429", "THROTTLED", "rate limit").
    """

    def __init__(self, what: str, budget: float, elapsed: float, wait: float,
                 reason: str = "") -> None:
        self.what = redact(what)
        self.budget = budget
        self.elapsed = elapsed
        self.wait = wait
        self.reason = redact(reason)
        super().__init__(
            f"{self.what}: out of time budget ({budget:.1f} s): {elapsed:.1f} s spent, the next"
            f" wait ({wait:.1f} s{', ' + self.reason if self.reason else ''}) would pass it;"
            " gave up without waiting"
        )


class Deadline:
    """``budget`` seconds from now on ``clock``; share one between calls to bound them all.

    >>> d = Deadline(30.0, clock)   # doctest: +SKIP
    >>> d.check(wait=5.0, what="GET …", reason="HTTP 503")  # raises once 5 s would pass 30
    """

    def __init__(self, budget: float, clock: Clock = SYSTEM_CLOCK) -> None:
        if budget <= 0:
            raise ValueError(f"a time budget must be positive, not {budget}")
        self.budget = float(budget)
        self.clock = clock
        self.started = clock.monotonic()

    @classmethod
    def of(cls, budget: float | Deadline | None, clock: Clock) -> Deadline | None:
        """A deadline from seconds (starting now), an existing deadline (shared), or None."""
        if budget is None or isinstance(budget, Deadline):
            return budget
        return cls(budget, clock)

    @classmethod
    def for_lambda(cls, context: Any, *, margin: float = 10.0,
                   clock: Clock = SYSTEM_CLOCK) -> Deadline:
        """The invocation's remaining time less ``margin`` seconds (at least one second).

        What is left after the margin lets the handler record the failure and
        return the message to its queue before Lambda would kill it.
        """
        remaining = context.get_remaining_time_in_millis() / 1000.0
        return cls(max(1.0, remaining - margin), clock)

    def elapsed(self) -> float:
        return self.clock.monotonic() - self.started

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(0.0, self.budget - self.elapsed())

    def allows(self, wait: float) -> bool:
        """True when sleeping ``wait`` seconds now still ends within the budget."""
        return self.elapsed() + max(0.0, wait) <= self.budget

    def check(self, wait: float, *, what: str, reason: str = "") -> None:
        """Raise :class:`BudgetExceeded` if ``wait`` seconds would pass the deadline."""
        if not self.allows(wait):
            raise BudgetExceeded(what, self.budget, self.elapsed(), wait, reason)


def check_budget(deadline: Deadline | None, wait: float, *, what: str, reason: str = "") -> None:
    """:meth:`Deadline.check` when there is a deadline; nothing otherwise."""
    if deadline is not None:
        deadline.check(wait, what=what, reason=reason)
