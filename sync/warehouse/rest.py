"""The generic JSON REST warehouse: paths and field names come from ``[warehouse]``, not code.

``paths`` (relative to ``WAREHOUSE_URL``): ``snapshot`` (GET, all stock),
``changes`` (GET, with ``{since}`` replaced by an ISO time) and, optionally,
``adjust`` (POST one adjustment). A response is a JSON list of records, or an
object whose ``items`` (or ``records``/``data``) holds them, with an optional
``next`` URL for the next page. ``fields`` maps hubshop's field names to the
warehouse's. The API key goes in a header and never in a log or error, and
only ever to ``WAREHOUSE_URL``'s own origin: a page link or redirect to
another host (or from https to http) is refused rather than followed.

Every request goes through :func:`sync.plumbing.retry.send_with_retry`
(429/5xx and connection failures backed off, ``Retry-After`` honoured) within
the time budget the caller sets: :attr:`RestWarehouse.budget`, seconds per
call or one shared :class:`~sync.plumbing.deadline.Deadline` (the Lambda
consumer sets the invocation's remaining time less a margin), so a slow
warehouse ends a call with ``BudgetExceeded`` instead of outliving it.
Adjustments carry an ``Idempotency-Key``, so a retried POST applies once.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import requests

from sync.config import WarehouseSettings
from sync.errors import ConfigError, RemoteError
from sync.inventory.records import parse_records
from sync.model.stock import StockRecord, StockSnapshot
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.deadline import Deadline
from sync.plumbing.redact import redact, register_secret
from sync.plumbing.retry import RetryPolicy, send_with_retry

DEFAULT_PATHS = {"snapshot": "/stock", "changes": "/stock/changes?since={since}"}
KEY_HEADER = "X-Api-Key"
_LIST_KEYS = ("items", "records", "data", "stock")
MAX_PAGES = 10_000
MAX_REDIRECTS = 5
DEFAULT_BUDGET = 60.0  # seconds per call (retries and waits included) unless the caller says
RETRY_POLICY = RetryPolicy(max_attempts=5, base=0.5, cap=10.0, max_retry_after=30.0)


class RestWarehouse:
    """A :class:`sync.inventory.ports.Warehouse` over a JSON API."""

    def __init__(self, url: str, *, api_key: str | None = None,
                 fields: Mapping[str, str] | None = None, paths: Mapping[str, str] | None = None,
                 session: requests.Session | None = None, timeout: float = 30.0,
                 key_header: str = KEY_HEADER, clock: Clock = SYSTEM_CLOCK,
                 budget: float | Deadline | None = DEFAULT_BUDGET,
                 policy: RetryPolicy | None = None) -> None:
        self.url = url.rstrip("/") + "/"
        self.fields = dict(fields or {})
        self.paths = {**DEFAULT_PATHS, **(paths or {})}
        self.session = session or requests.Session()
        self.timeout = timeout
        self.clock = clock
        self.budget = budget  # seconds per call, or a Deadline shared by every call
        self.policy = policy or RETRY_POLICY
        self._headers = {"Accept": "application/json"}
        if api_key:
            register_secret(api_key)
            self._headers[key_header] = api_key
        self.can_adjust = "adjust" in self.paths

    def snapshot(self) -> StockSnapshot:
        return self._records(self.paths["snapshot"])

    def changes(self, since: datetime | None) -> list[StockRecord]:
        if since is None:
            return self.snapshot().records
        return self._records(self.paths["changes"].format(since=quote(since.isoformat()))).records

    def adjust(self, sku: str, location: str, delta: int, reason: str, reference: str) -> None:
        if not self.can_adjust:
            raise RemoteError("this warehouse has no [warehouse] paths.adjust; it cannot take"
                              " adjustments")
        body = {self.fields.get("sku", "sku"): sku,
                self.fields.get("location", "location"): location,
                "delta": delta, "reason": reason, "reference": reference}
        self._call("POST", self._url(self.paths["adjust"]), json=body,
                   headers={**self._headers, "Idempotency-Key": reference})

    @property
    def can_issue_keys(self) -> bool:
        """True when ``[warehouse] paths.rotate_key`` says where the warehouse issues keys."""
        return "rotate_key" in self.paths

    def issue_key(self) -> str:
        """Ask the warehouse for a new API key (POST ``paths.rotate_key`` with the current one).

        The warehouse answers ``{"api_key": "..."}`` (or ``"key"``) and must keep the
        current key working until the new one is in use: the rotation stores the new
        key as pending, tests it, then makes it current.

        Raises:
            RemoteError: no such path, a refusal, or an answer without a key.
        """
        if not self.can_issue_keys:
            raise RemoteError("this warehouse has no [warehouse] paths.rotate_key; it cannot"
                              " issue keys")
        url = self._url(self.paths["rotate_key"])
        data = _json(self._call("POST", url, headers=self._headers), url)
        key = data.get("api_key") or data.get("key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key.strip():
            raise RemoteError(f"warehouse POST {_where(url)} answered without an api_key")
        register_secret(key)
        return key

    # internals -------------------------------------------------------------------------

    def rows(self, path: str) -> list[Any]:
        """Every record the API lists at ``path`` (relative to WAREHOUSE_URL), all pages."""
        rows: list[Any] = []
        url: str | None = self._url(path)
        pages = 0
        while url and pages < MAX_PAGES:
            data = _json(self._call("GET", url, headers=self._headers), url)
            page, url = _page(data, url)
            rows += page
            pages += 1
        return rows

    def _records(self, path: str) -> StockSnapshot:
        good, rejected = parse_records(self.rows(path), fields=self.fields,
                                       source=self.paths["snapshot"].split("?")[0])
        return StockSnapshot(good, rejected)

    def _url(self, path: str) -> str:
        return urljoin(self.url, path.lstrip("/"))

    def _call(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        """One request; redirects are followed by hand so the key stays on our origin."""
        for _ in range(MAX_REDIRECTS + 1):
            self._same_origin(url, "a request")
            try:
                response = send_with_retry(self.session, method, url, timeout=self.timeout,
                                           allow_redirects=False, clock=self.clock,
                                           budget=self.budget, policy=self.policy, **kwargs)
            except requests.RequestException as exc:
                raise RemoteError(f"warehouse {method} {_where(url)}: "
                                  f"{type(exc).__name__}") from None
            if not response.is_redirect:
                break
            url = urljoin(url, response.headers.get("Location", ""))
            self._same_origin(url, f"a {response.status_code} redirect")
        else:
            raise RemoteError(f"warehouse {method} {_where(url)}: more than {MAX_REDIRECTS}"
                              " redirects")
        if response.status_code >= 400:
            raise RemoteError(f"warehouse {method} {_where(url)} answered "
                              f"{response.status_code}: {redact(response.text[:200])}")
        return response

    def _same_origin(self, url: str, what: str) -> None:
        if _origin(url) != _origin(self.url):
            raise RemoteError(f"warehouse sent {what} to {_where(url)}, outside WAREHOUSE_URL's"
                              f" origin {_where(self.url)}; not following it with the API key")


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme.lower())
    return parts.scheme.lower(), f"{parts.hostname or ''}:{port}"


def _where(url: str) -> str:
    """A URL fit for an error: no credentials, query or fragment."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{f':{parts.port}' if parts.port else ''}{parts.path}"


def _json(response: requests.Response, url: str) -> Any:
    try:
        return response.json()
    except ValueError:  # requests.JSONDecodeError, and ints past Python's digit limit
        kind = response.headers.get("Content-Type") or "no content type"
        raise RemoteError(f"warehouse GET {_where(url)} answered {response.status_code} with"
                          f" a body that is not JSON ({kind}): "
                          f"{redact(response.text[:120])!r}") from None


def _page(data: Any, url: str) -> tuple[list[Any], str | None]:
    if isinstance(data, list):
        return data, None
    if isinstance(data, dict):
        for key in _LIST_KEYS:
            if isinstance(data.get(key), list):
                following = data.get("next")
                return data[key], urljoin(url, following) if isinstance(following, str) else None
    raise RemoteError("warehouse answered with neither a list of records nor an object holding"
                      f" one under {', '.join(_LIST_KEYS)}")


def from_settings(settings: WarehouseSettings) -> RestWarehouse:
    """The adapter for ``[warehouse] kind = "rest"`` (the composition layer's registry calls it).

    Raises:
        ConfigError: no ``WAREHOUSE_URL``.
    """
    if not settings.url:
        raise ConfigError("[warehouse] kind = \"rest\" needs WAREHOUSE_URL")
    return RestWarehouse(settings.url,
                         api_key=settings.api_key.reveal() if settings.api_key else None,
                         fields=settings.fields, paths=settings.paths)
