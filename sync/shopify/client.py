"""The one transport to Shopify's Admin GraphQL API: auth, pacing, retries, errors.

Every Shopify read and write in hubshop goes through :class:`ShopifyClient`, so
the cost-based throttle is steered in one place (from each response's
``extensions.cost``), 429/5xx are retried with backoff, and calls are counted,
which is what rate limits charge and what tests budget. Costs are learned, not
assumed: each answer's ``requestedQueryCost`` calibrates the estimate for its
document (:class:`~sync.shopify.calibration.CostCalibration`), which sizes
pages and throttle waits; a page Shopify finds over its 1,000-point cap is
shrunk by the reported ratio and sent again. Every call has a time budget
(:class:`~sync.plumbing.deadline.Deadline`) that no wait may pass.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests

from sync.config import ShopifySettings
from sync.errors import ConfigError, RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.deadline import Deadline
from sync.plumbing.pacer import CostPacer
from sync.plumbing.retry import RetryPolicy, send_with_retry
from sync.plumbing.tokens import CachedToken, StaticToken
from sync.shopify.auth import token_provider
from sync.shopify.calibration import CostCalibration
from sync.shopify.cost import MAX_QUERY_COST, PAGE_CAP, estimate_cost, largest_page
from sync.shopify.documents import QUERIES_DIR, load_document

__all__ = [  # the documents are loaded through the client module, as they always were
    "QUERIES_DIR", "CallStats", "QueryCostExceeded", "ShopifyClient", "ShopifyGraphQLError",
    "ShopifyUserErrors", "load_document",
]

log = logging.getLogger(__name__)

MAX_THROTTLED_RETRIES = 8
MAX_SHRINKS = 8
"""Page shrinks after MAX_COST_EXCEEDED; each divides by the reported ratio, so 1-2 suffice."""
DEFAULT_CALL_BUDGET = 600.0
"""Seconds one call may spend waiting (throttle, Retry-After, backoff) unless the caller says."""
DEPRECATION_HEADER = "X-Shopify-API-Deprecated-Reason"
_COST_IN_MESSAGE = re.compile(r"Query cost is (\d+)")
_OPERATION = re.compile(r"^\s*(query|mutation)\b\s*(\w+)?", re.MULTILINE)


class ShopifyGraphQLError(RemoteError):
    """Shopify answered with top-level GraphQL errors that retrying will not fix."""

    def __init__(self, operation: str, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        messages = "; ".join(str(e.get("message", e)) for e in errors)
        super().__init__(f"Shopify rejected {operation}: {messages}")


class QueryCostExceeded(ShopifyGraphQLError):
    """Shopify priced a document over its single-query cap and it has no page to shrink.

    Attributes:
        cost: the cost Shopify reported; ``limit``: its cap (1,000).
    """

    def __init__(self, operation: str, errors: list[dict[str, Any]], cost: int,
                 limit: int) -> None:
        self.cost = cost
        self.limit = limit
        super().__init__(operation, errors)


class ShopifyUserErrors(RemoteError):
    """A mutation's ``userErrors``, shown whole: each names its field and code."""

    def __init__(self, operation: str, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        lines = "\n".join(
            f"  - {'.'.join(map(str, e.get('field') or [])) or '(input)'}: {e.get('message')}"
            + (f" [{e['code']}]" if e.get("code") else "")
            for e in errors
        )
        super().__init__(f"Shopify refused {operation}:\n{lines}")


@dataclass
class CallStats:
    """What this client has spent: HTTP calls, THROTTLED answers, pages shrunk, cost points."""

    calls: int = 0
    throttled: int = 0
    shrunk: int = 0
    requested_cost: int = 0
    actual_cost: int = 0
    by_operation: dict[str, int] = field(default_factory=dict)


class ShopifyClient:
    """Executes GraphQL documents against one shop, pacing by cost and retrying safely."""

    def __init__(
        self,
        settings: ShopifySettings,
        *,
        session: requests.Session | None = None,
        clock: Clock = SYSTEM_CLOCK,
        tokens: CachedToken | StaticToken | None = None,
        pacer: CostPacer | None = None,
        policy: RetryPolicy | None = None,
        budget: float | Deadline | None = DEFAULT_CALL_BUDGET,
        calibration: CostCalibration | None = None,
    ) -> None:
        """Args (beyond the obvious):
            budget: each call's time budget in seconds, or one :class:`Deadline`
                shared by every call (a Lambda: its remaining time minus a margin).
            calibration: share one between clients of the same shop to keep
                what was learned about its prices.
        """
        if not settings.configured:
            raise ConfigError("Shopify is not configured: missing " + ", ".join(settings.missing()))
        self.settings = settings
        self.session = session or requests.Session()
        self.clock = clock
        self.tokens = tokens or token_provider(settings, session=self.session, clock=clock)
        self.pacer = pacer or CostPacer(clock)
        self.policy = policy
        self.budget = budget
        self.calibration = calibration or CostCalibration()
        self.stats = CallStats()
        self._warned: set[str] = set()

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation: str | None = None,
        page: str | None = None,
        budget: float | Deadline | None = None,
        policy: RetryPolicy | None = None,
    ) -> dict[str, Any]:
        """Run ``document`` and return its ``data``; waits instead of being throttled.

        Args:
            page: the Int variable that sizes the page (``"first"``). Left out
                or None, it is set to the largest page Shopify's calibrated cost
                allows; on ``MAX_COST_EXCEEDED`` it is shrunk by the reported
                ratio and the call is sent again.
            budget: this call's time budget (default: the client's).
            policy: retry policy for this call (default: the client's).

        Raises:
            ShopifyGraphQLError: top-level errors other than THROTTLED.
            QueryCostExceeded: over Shopify's cap with no ``page`` to shrink.
            ConfigError: bad credentials or a missing access scope (named).
            RetriesExhausted: still failing after the retry policy's attempts.
            BudgetExceeded: the next wait would pass the call's time budget.
        """
        variables = dict(variables or {})
        name = operation or _operation_name(document)
        deadline = Deadline.of(self.budget if budget is None else budget, self.clock)
        if page is not None and variables.get(page) is None:
            variables[page] = self.page_size(document, page, **variables)
        throttled = shrinks = 0
        while True:
            estimate = estimate_cost(document, variables)
            expected = self.calibration.expected(document, estimate)
            self.pacer.before(min(expected, MAX_QUERY_COST), deadline, what=f"Shopify {name}")
            body = self._post({"query": document, "variables": variables}, name, deadline,
                              policy)
            cost = (body.get("extensions") or {}).get("cost") or {}
            self._account(document, name, estimate, cost)
            errors = body.get("errors")
            if not errors:
                return body.get("data") or {}
            code = _code(errors) if isinstance(errors, list) else None
            if code == "THROTTLED" and throttled < MAX_THROTTLED_RETRIES:
                throttled += 1
                self.stats.throttled += 1
                charged = int(cost.get("requestedQueryCost") or expected)
                self._wait_for_points(charged, cost, deadline, name)
                continue
            if code == "MAX_COST_EXCEEDED":
                reported = _reported_cost(errors, cost)
                if reported:
                    self.calibration.observe(document, estimate, reported, name=name)
                size = variables.get(page) if page else None
                if isinstance(size, int) and size > 1 and reported and shrinks < MAX_SHRINKS:
                    shrinks += 1
                    self.stats.shrunk += 1
                    calibrated = self.page_size(document, page, **variables)
                    variables[page] = min(_shrunk(size, reported), calibrated)
                    log.info("Shopify priced %s at %d points; page %d -> %d", name, reported,
                             size, variables[page])
                    continue
                raise QueryCostExceeded(name, errors, reported or estimate, MAX_QUERY_COST)
            if code == "THROTTLED":
                raise RemoteError(f"Shopify kept throttling {name} after "
                                  f"{MAX_THROTTLED_RETRIES} waits")
            self._raise_for(name, errors)

    def page_size(self, document: str, variable: str = "first", **variables: Any) -> int:
        """The largest ``variable`` (≤ 250) that Shopify's calibrated cost keeps ≤ 1,000 points."""
        variables.pop(variable, None)
        ratio = self.calibration.ratio(document)
        return largest_page(document, variable, ratio=ratio, **variables)

    def _account(self, document: str, name: str, estimate: int,
                 cost: Mapping[str, Any]) -> None:
        """Pacer, stats and calibration from one answer's ``extensions.cost``."""
        if not cost:
            return
        if cost.get("throttleStatus"):
            self.pacer.after(cost)
        requested = cost.get("requestedQueryCost")
        self.stats.requested_cost += int(requested or 0)
        self.stats.actual_cost += int(cost.get("actualQueryCost") or 0)
        if requested is not None:
            self.calibration.observe(document, estimate, int(requested), name=name)

    def mutate(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        root: str,
        budget: float | Deadline | None = None,
        policy: RetryPolicy | None = None,
    ) -> dict[str, Any]:
        """Run a mutation and return its payload; ``userErrors`` raise, shown whole.

        ``policy=RetryPolicy(max_attempts=1)`` sends it once: for mutations that
        are not safe to repeat, whose caller looks before sending again.
        """
        data = self.execute(document, variables, budget=budget, policy=policy)
        payload = data.get(root) or {}
        if payload.get("userErrors"):
            raise ShopifyUserErrors(root, payload["userErrors"])
        return payload

    def _post(self, payload: dict[str, Any], name: str, deadline: Deadline | None = None,
              policy: RetryPolicy | None = None) -> dict[str, Any]:
        for attempt in (1, 2):
            response = send_with_retry(
                self.session,
                "POST",
                self.settings.graphql_url,
                json=payload,
                headers={
                    "X-Shopify-Access-Token": self.tokens.get(),
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                },
                clock=self.clock,
                policy=policy or self.policy,
                budget=deadline,
            )
            self.stats.calls += 1
            self.stats.by_operation[name] = self.stats.by_operation.get(name, 0) + 1
            self._note_deprecation(response, name)
            renewable = isinstance(self.tokens, CachedToken)
            if response.status_code == 401 and attempt == 1 and renewable:
                self.tokens.invalidate()
                continue
            if response.status_code in (401, 403):
                raise ConfigError(
                    f"Shopify refused the credentials for {self.settings.store} "
                    f"(HTTP {response.status_code}): check SHOPIFY_ACCESS_TOKEN or the app's "
                    "client credentials, and that the app is installed"
                )
            if not response.ok:
                raise RemoteError(f"Shopify answered HTTP {response.status_code} to {name}")
            try:
                return response.json()
            except json.JSONDecodeError:
                raise RemoteError(f"Shopify sent a non-JSON answer to {name}") from None
        raise AssertionError("unreachable")

    def _wait_for_points(self, cost: int, extensions: Mapping[str, Any],
                         deadline: Deadline | None, name: str) -> None:
        """Wait until the bucket holds ``cost`` (what Shopify said it charges), if in budget."""
        status = extensions.get("throttleStatus") or {}
        available = float(status.get("currentlyAvailable", 0))
        rate = float(status.get("restoreRate") or self.pacer.restore_rate)
        # One point more than the shortfall: the reported figure is rounded.
        wait = max(0.0, cost - available) / rate + 1.0 / rate
        if deadline is not None:
            deadline.check(wait, what=f"Shopify {name}", reason="THROTTLED")
        log.warning("Shopify throttled %s; waiting %.1f s for %d points", name, wait, cost)
        self.clock.sleep(wait)

    def _raise_for(self, name: str, errors: Any) -> None:
        if isinstance(errors, str):
            errors = [{"message": errors}]
        if _code(errors) == "ACCESS_DENIED":
            messages = "; ".join(e.get("message", "") for e in errors)
            raise ConfigError(
                f"Shopify denied {name}: {messages} Grant the app that scope and reinstall it."
            )
        raise ShopifyGraphQLError(name, errors)

    def _note_deprecation(self, response: requests.Response, name: str) -> None:
        reason = response.headers.get(DEPRECATION_HEADER)
        if reason and name not in self._warned:
            self._warned.add(name)
            log.warning("Shopify says %s uses a deprecated field: %s", name, reason)


def _code(errors: list[dict[str, Any]]) -> str | None:
    for error in errors:
        code = (error.get("extensions") or {}).get("code")
        if code:
            return str(code)
    return None


def _reported_cost(errors: list[dict[str, Any]], cost: Mapping[str, Any]) -> int | None:
    """The cost a MAX_COST_EXCEEDED answer names: in the error, its message, or extensions."""
    for error in errors:
        extensions = error.get("extensions") or {}
        if extensions.get("cost") is not None:
            return int(extensions["cost"])
        found = _COST_IN_MESSAGE.search(str(error.get("message", "")))
        if found:
            return int(found.group(1))
    requested = cost.get("requestedQueryCost")
    return int(requested) if requested else None


def _shrunk(size: int, reported: int) -> int:
    """A page scaled by cap ÷ reported cost (rounded down), always smaller, at least 1."""
    scaled = math.floor(size * MAX_QUERY_COST / reported)
    return max(1, min(size - 1, scaled, PAGE_CAP))


def _operation_name(document: str) -> str:
    found = _OPERATION.search(document)
    if found:
        return found.group(2) or found.group(1)
    return "query"
