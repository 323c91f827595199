"""The one transport to Shopify's Admin GraphQL API: auth, pacing, retries, errors.

Every Shopify read and write in hubshop goes through :class:`ShopifyClient`, so
the cost-based throttle is steered in one place (from each response's
``extensions.cost.throttleStatus``), 429/5xx are retried with backoff, and
calls are counted, which is what rate limits charge and what tests budget.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from sync.config import ShopifySettings
from sync.errors import ConfigError, RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.pacer import CostPacer
from sync.plumbing.retry import RetryPolicy, send_with_retry
from sync.plumbing.tokens import CachedToken, StaticToken
from sync.shopify.auth import token_provider
from sync.shopify.cost import estimate_cost

log = logging.getLogger(__name__)

QUERIES_DIR = Path(__file__).with_name("queries")
MAX_THROTTLED_RETRIES = 8
DEPRECATION_HEADER = "X-Shopify-API-Deprecated-Reason"


def load_document(name: str) -> str:
    """A GraphQL document shipped in ``sync/shopify/queries/<name>.graphql``."""
    return (QUERIES_DIR / f"{name}.graphql").read_text(encoding="utf-8")


class ShopifyGraphQLError(RemoteError):
    """Shopify answered with top-level GraphQL errors that retrying will not fix."""

    def __init__(self, operation: str, errors: list[dict[str, Any]]) -> None:
        self.errors = errors
        messages = "; ".join(str(e.get("message", e)) for e in errors)
        super().__init__(f"Shopify rejected {operation}: {messages}")


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
    """What this client has spent: HTTP calls, THROTTLED answers, and cost points."""

    calls: int = 0
    throttled: int = 0
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
    ) -> None:
        if not settings.configured:
            raise ConfigError("Shopify is not configured: missing " + ", ".join(settings.missing()))
        self.settings = settings
        self.session = session or requests.Session()
        self.clock = clock
        self.tokens = tokens or token_provider(settings, session=self.session, clock=clock)
        self.pacer = pacer or CostPacer(clock)
        self.policy = policy
        self.stats = CallStats()
        self._warned: set[str] = set()

    def execute(
        self,
        document: str,
        variables: Mapping[str, Any] | None = None,
        *,
        operation: str | None = None,
    ) -> dict[str, Any]:
        """Run ``document`` and return its ``data``; waits instead of being throttled.

        Raises:
            ShopifyGraphQLError: top-level errors other than THROTTLED.
            ConfigError: bad credentials or a missing access scope (named).
            RetriesExhausted: still failing after the retry policy's attempts.
        """
        variables = dict(variables or {})
        name = operation or _operation_name(document)
        cost = estimate_cost(document, variables)
        for _ in range(MAX_THROTTLED_RETRIES + 1):
            self.pacer.before(cost)
            body = self._post({"query": document, "variables": variables}, name)
            extensions = body.get("extensions", {}).get("cost")
            if extensions:
                self.pacer.after(extensions)
                self.stats.requested_cost += int(extensions.get("requestedQueryCost") or 0)
                self.stats.actual_cost += int(extensions.get("actualQueryCost") or 0)
            errors = body.get("errors")
            if not errors:
                return body.get("data") or {}
            if isinstance(errors, list) and _code(errors) == "THROTTLED":
                self.stats.throttled += 1
                self._wait_for_points(cost, extensions or {})
                continue
            self._raise_for(name, errors)
        raise RemoteError(f"Shopify kept throttling {name} after {MAX_THROTTLED_RETRIES} waits")

    def mutate(
        self, document: str, variables: Mapping[str, Any] | None = None, *, root: str
    ) -> dict[str, Any]:
        """Run a mutation and return its payload; ``userErrors`` raise, shown whole."""
        data = self.execute(document, variables)
        payload = data.get(root) or {}
        if payload.get("userErrors"):
            raise ShopifyUserErrors(root, payload["userErrors"])
        return payload

    def _post(self, payload: dict[str, Any], name: str) -> dict[str, Any]:
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
                policy=self.policy,
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

    def _wait_for_points(self, cost: int, extensions: Mapping[str, Any]) -> None:
        status = extensions.get("throttleStatus") or {}
        available = float(status.get("currentlyAvailable", 0))
        rate = float(status.get("restoreRate") or self.pacer.restore_rate)
        # One point more than the shortfall: the reported figure is rounded.
        wait = max(0.0, cost - available) / rate + 1.0 / rate
        log.warning("Shopify throttled the call; waiting %.1f s for %d points", wait, cost)
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


def _operation_name(document: str) -> str:
    for token in ("query", "mutation"):
        head = document.split("{", 1)[0].strip()
        if head.startswith(token):
            parts = head[len(token):].strip().split("(")[0].strip()
            return parts or token
    return "query"
