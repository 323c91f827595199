"""One HubSpot client and one rate pacer per account, shared by every caller.

HubSpot's private-app limit (190 requests per rolling 10 s) is per account, not
per caller: the catalog writer, theme upload and any other HubSpot call in the
same process must draw from the same pacer, or together they earn 429s. Calls
go through the official SDK; :meth:`HubSpotClient.request` covers what the SDK
cannot express (HubDB column filters, HubSpot/hubspot-api-python#245).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from hubspot import HubSpot
from urllib3.util.retry import Retry

from sync.config import HubSpotSettings
from sync.errors import ConfigError
from sync.hubspot.auth import token_provider
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.deadline import Deadline
from sync.plumbing.pacer import RollingWindowPacer
from sync.plumbing.retry import RetryPolicy, hubspot_classifier, retry
from sync.plumbing.tokens import CachedToken, StaticToken

T = TypeVar("T")

RATE_LIMIT = 190
RATE_WINDOW = 10.0
DEFAULT_CALL_BUDGET = 300.0
"""Seconds one call may spend waiting (rate limit, Retry-After, backoff) unless the caller says."""


@dataclass
class HubSpotStats:
    calls: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)


class HubSpotClient:
    """The official SDK for one account, paced and retried; counts every call."""

    def __init__(
        self,
        settings: HubSpotSettings,
        *,
        clock: Clock = SYSTEM_CLOCK,
        tokens: CachedToken | StaticToken | None = None,
        pacer: RollingWindowPacer | None = None,
        policy: RetryPolicy | None = None,
        budget: float | Deadline | None = DEFAULT_CALL_BUDGET,
    ) -> None:
        """``budget``: each call's time budget in seconds, or one shared :class:`Deadline`."""
        if not settings.configured:
            raise ConfigError("HubSpot is not configured: missing " + ", ".join(settings.missing()))
        self.settings = settings
        self.clock = clock
        self.tokens = tokens or token_provider(settings, clock=clock)
        self.pacer = pacer or RollingWindowPacer(RATE_LIMIT, RATE_WINDOW, clock=clock)
        self.policy = policy
        self.budget = budget
        self.stats = HubSpotStats()
        # The SDK's generated APIs read ``host``; its generic ``api_request`` reads ``base_url``.
        # ``retry=Retry(total=0)``: the SDK would otherwise sleep through 429s itself, in
        # real time and unseen; our pacer and retry policy own that decision.
        self.sdk = HubSpot(
            access_token=self.tokens.get(),
            host=settings.api_base,
            base_url=settings.api_base,
            retry=Retry(total=0),
        )
        self._apis: dict[str, Any] = {}

    def api(self, dotted: str) -> Any:
        """A cached SDK API object, e.g. ``api("cms.hubdb.rows_batch_api")``.

        The SDK builds a new connection pool on every attribute access; caching
        keeps one per API for the life of the client.
        """
        if dotted not in self._apis:
            target: Any = self.sdk
            for part in dotted.split("."):
                target = getattr(target, part)
            self._apis[dotted] = target
        return self._apis[dotted]

    def deadline(self, budget: float | Deadline | None = None) -> Deadline | None:
        """The deadline of one call: ``budget`` if given, else the client's."""
        return Deadline.of(self.budget if budget is None else budget, self.clock)

    def call(self, name: str, fn: Callable[..., T], *args: Any,
             budget: float | Deadline | None = None, **kwargs: Any) -> T:
        """Run one SDK call under the account's pacer, retrying 429/5xx per Retry-After.

        ``budget`` (seconds or a shared :class:`Deadline`; default the
        client's) bounds the whole call, pacer queue and retries included:
        a wait that would pass it raises ``BudgetExceeded`` instead.
        """
        deadline = self.deadline(budget)

        def attempt() -> T:
            self.pacer.acquire(deadline, what=f"HubSpot {name}")
            self._refresh_token()
            self.stats.calls += 1
            self.stats.by_operation[name] = self.stats.by_operation.get(name, 0) + 1
            return fn(*args, **kwargs)

        return retry(
            attempt,
            classify=hubspot_classifier(clock=self.clock),
            policy=self.policy,
            clock=self.clock,
            what=f"HubSpot {name}",
            budget=deadline,
        )

    def request(
        self, method: str, path: str, *, qs: dict[str, Any] | None = None, body: Any = None,
        budget: float | Deadline | None = None,
    ) -> Any:
        """A raw call through the SDK's ``api_request`` (paced, retried, budgeted); parsed JSON."""
        from sync.plumbing.retry import requests_classifier

        options: dict[str, Any] = {"method": method, "path": path}
        if qs:
            options["qs"] = qs
        if body is not None:
            options["body"] = body

        deadline = self.deadline(budget)

        def attempt() -> Any:
            self.pacer.acquire(deadline, what=f"HubSpot {method} {path}")
            self._refresh_token()
            self.stats.calls += 1
            key = f"{method} {path.split('?')[0]}"
            self.stats.by_operation[key] = self.stats.by_operation.get(key, 0) + 1
            return self.sdk.api_request(options)

        response = retry(
            attempt,
            classify=requests_classifier(clock=self.clock),
            policy=self.policy,
            clock=self.clock,
            what=f"HubSpot {method} {path}",
            budget=deadline,
        )
        if not response.ok:
            from sync.hubspot.errors import hubspot_error

            raise hubspot_error(response.status_code, response.text, what=f"{method} {path}")
        return response.json() if response.content else None

    def _refresh_token(self) -> None:
        token = self.tokens.get()
        if token != self.sdk.access_token:
            self.sdk.access_token = token
            for api in self._apis.values():
                api.api_client.configuration.access_token = token


def _quiet_sdk_prints() -> None:
    """The SDK ``print``s each connection error to stdout before raising it; send it to the log.

    stdout is where ``--json`` prints its one object, and the error is retried
    and then reported by :func:`sync.plumbing.retry.retry` anyway. Shadowing
    ``print`` in that one SDK module is thread-safe, unlike redirecting stdout.
    """
    import logging

    from hubspot.utils.requests import http_request_builder

    log = logging.getLogger("hubspot.sdk")
    http_request_builder.print = lambda *args, **_: log.debug(" ".join(map(str, args)))  # type: ignore[attr-defined]


_quiet_sdk_prints()

_SHARED: dict[tuple[str, str], HubSpotClient] = {}
_SHARED_LOCK = threading.Lock()


def shared_client(settings: HubSpotSettings, *, clock: Clock = SYSTEM_CLOCK) -> HubSpotClient:
    """The process's one client for this account (same pacer for every caller)."""
    key = (settings.api_base, settings.account_id or settings.source or "default")
    with _SHARED_LOCK:
        client = _SHARED.get(key)
        if client is None or client.clock is not clock:
            client = HubSpotClient(settings, clock=clock)
            _SHARED[key] = client
        return client
