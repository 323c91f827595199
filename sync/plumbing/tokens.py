"""Short-lived access tokens fetched on demand, cached, and renewed before they expire.

HubSpot's personal access key and Shopify's client-credentials grant both hand
out tokens that die within hours; a long sync must never fail halfway because
one expired. A ``CachedToken`` asks its fetcher again a margin before expiry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.redact import register_secret


@dataclass(frozen=True)
class Token:
    """An access token and the monotonic-clock second it expires at."""

    value: str
    expires_at: float


Fetcher = Callable[[], tuple[str, float]]
"""Returns ``(token, lifetime_seconds)``."""


class CachedToken:
    """A token provider: ``get()`` returns a valid token, fetching only when needed."""

    def __init__(self, fetch: Fetcher, *, clock: Clock = SYSTEM_CLOCK, margin: float = 300.0):
        self._fetch = fetch
        self._clock = clock
        self._margin = margin
        self._token: Token | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def get(self) -> str:
        with self._lock:
            now = self._clock.monotonic()
            if self._token is None or now >= self._token.expires_at - self._margin:
                value, lifetime = self._fetch()
                register_secret(value)
                self.fetches += 1
                self._token = Token(value, now + lifetime)
            return self._token.value

    def invalidate(self) -> None:
        """Forget the token (after a 401), so the next ``get`` fetches a fresh one."""
        with self._lock:
            self._token = None


class StaticToken:
    """A long-lived token (private app, custom app) behind the same interface."""

    def __init__(self, value: str) -> None:
        register_secret(value)
        self._value = value

    def get(self) -> str:
        return self._value

    def invalidate(self) -> None:
        """Nothing to renew: a static token that stops working is a configuration problem."""
