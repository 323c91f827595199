"""Failures a test queues for the next calls: HTTP statuses, timeouts, GraphQL errors."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import requests

KINDS = ("http", "read_timeout", "connection_error", "graphql_error", "lost_response")

_HTTP_BODIES = {
    429: "Exceeded 2 calls per second for api client. Reduce request rates to resume"
    " uninterrupted service.",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


@dataclass(frozen=True)
class Fault:
    """One queued failure.

    ``http`` answers with ``status`` (and ``Retry-After`` when set);
    ``read_timeout``/``connection_error`` raise what ``requests`` would;
    ``graphql_error`` answers 200 with an ``errors`` entry of ``code``;
    ``lost_response`` runs the request, then raises a read timeout (the client
    never learns that Shopify acted: the case that makes re-sending unsafe).
    """

    kind: str
    status: int = 503
    retry_after: float | None = None
    message: str | None = None
    code: str = "INTERNAL_SERVER_ERROR"

    def http_body(self) -> dict:
        return {"errors": self.message or _HTTP_BODIES.get(self.status, "Error")}

    def http_headers(self) -> dict[str, str]:
        if self.retry_after is None:
            return {}
        return {"Retry-After": f"{self.retry_after:g}"}

    def exception(self) -> Exception:
        text = self.message or f"fake Shopify {self.kind.replace('_', ' ')}"
        if self.kind in ("read_timeout", "lost_response"):
            return requests.exceptions.ReadTimeout(text)
        return requests.exceptions.ConnectionError(text)

    def graphql_error(self) -> dict:
        message = self.message or "Internal error. Looks like something went wrong on our end."
        return {"message": message, "extensions": {"code": self.code}}


class FaultQueue:
    """First in, first out; each queued fault answers exactly one call."""

    def __init__(self) -> None:
        self._queue: deque[Fault] = deque()

    def push(self, fault: Fault, times: int = 1) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}: choose one of {KINDS}")
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        self._queue.extend([fault] * times)

    def pop(self, *, transport: bool) -> Fault | None:
        """The next fault if it belongs at this layer.

        ``transport=True`` (the HTTP callback) takes HTTP statuses and raised
        exceptions; ``transport=False`` (GraphQL execution) takes GraphQL errors.
        """
        if not self._queue:
            return None
        if (self._queue[0].kind == "graphql_error") == transport:
            return None
        return self._queue.popleft()

    def __len__(self) -> int:
        return len(self._queue)
