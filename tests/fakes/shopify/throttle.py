"""Shopify's cost-based leaky bucket, on an injected clock so tests never really wait."""

from __future__ import annotations

from dataclasses import dataclass

from sync.plumbing.clock import Clock


@dataclass(frozen=True)
class Plan:
    """A shop plan's GraphQL Admin limits: bucket size and restore rate (points/second)."""

    name: str
    maximum: float
    restore_rate: float


# Restore rates are Shopify's published figures (shopify.dev "GraphQL Admin API rate
# limits": 100/200/1000/2000 points per second). The bucket holds 20 seconds of restore.
PLANS: dict[str, Plan] = {
    "standard": Plan("Standard", 2000.0, 100.0),
    "advanced": Plan("Advanced", 4000.0, 200.0),
    "plus": Plan("Shopify Plus", 20000.0, 1000.0),
    "enterprise": Plan("Enterprise", 40000.0, 2000.0),
}


def plan_named(name: str) -> Plan:
    """The preset for ``name`` (case-insensitive); unknown names fail listing the choices."""
    try:
        return PLANS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown Shopify plan {name!r}: choose one of {sorted(PLANS)}") from None


class LeakyBucket:
    """Points available now = what was left plus what leaked back since, capped at the maximum.

    A request takes its *requested* cost up front; after execution the difference
    to the *actual* cost is refunded, exactly as Shopify reports it.
    """

    def __init__(self, plan: Plan, clock: Clock) -> None:
        self.plan = plan
        self.clock = clock
        self._level = plan.maximum
        self._at = clock.monotonic()

    def currently_available(self) -> float:
        now = self.clock.monotonic()
        leaked = (now - self._at) * self.plan.restore_rate
        self._level = min(self.plan.maximum, self._level + leaked)
        self._at = now
        return self._level

    def try_take(self, points: float) -> bool:
        """Take ``points`` if that many are available; otherwise take nothing."""
        if self.currently_available() < points:
            return False
        self._level -= points
        return True

    def refund(self, points: float) -> None:
        self.currently_available()
        self._level = min(self.plan.maximum, self._level + max(0.0, points))

    def drain(self, to: float = 0.0) -> None:
        """Empty the bucket down to ``to`` points (tests that start throttled)."""
        self.currently_available()
        self._level = max(0.0, min(self._level, to))

    def status(self) -> dict:
        """Shopify's ``throttleStatus`` object."""
        return {
            "maximumAvailable": self.plan.maximum,
            "currentlyAvailable": round(self.currently_available()),
            "restoreRate": self.plan.restore_rate,
        }
