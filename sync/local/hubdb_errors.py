"""HubDB's error: an HTTP status plus the JSON body HubSpot sends, naming table/row/column."""

from __future__ import annotations

import uuid
from typing import Any

from sync.errors import RemoteError

CATEGORY_BY_STATUS = {
    400: "VALIDATION_ERROR",
    401: "INVALID_AUTHENTICATION",
    404: "OBJECT_NOT_FOUND",
    409: "OBJECT_ALREADY_EXISTS",
    429: "RATE_LIMITS",
}


class HubDBError(RemoteError):
    """What HubDB v3 would answer for a bad request, raised by the local store.

    The local store and the loopback fake share it, so code written against the
    local store sees the same status, category and message the real API gives,
    and the fake can serialise it unchanged with :meth:`body`.

    Args:
        status: HTTP status HubSpot answers with (400, 404, 409 …).
        category: HubSpot's error category; derived from ``status`` when empty.
        message: human text naming the table, row and column at fault.
        context: HubSpot's ``context`` map (lists of strings per key).
    """

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        context: dict[str, list[str]] | None = None,
    ) -> None:
        self.status = status
        self.category = category or CATEGORY_BY_STATUS.get(status, "ERROR")
        self.message = message
        self.context = context or {}
        self.correlation_id = str(uuid.uuid4())
        super().__init__(f"HubDB {status} {self.category}: {message}")

    def body(self) -> dict[str, Any]:
        """The JSON body HubSpot sends with this error (``status: "error"`` shape)."""
        body: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": self.correlation_id,
            "category": self.category,
        }
        if self.context:
            body["context"] = self.context
        return body


def bad_request(message: str, **context: str) -> HubDBError:
    """A 400 VALIDATION_ERROR whose context names the table/row/column involved."""
    return HubDBError(400, "VALIDATION_ERROR", message, {k: [v] for k, v in context.items() if v})


def not_found(message: str, **context: str) -> HubDBError:
    """A 404 OBJECT_NOT_FOUND."""
    return HubDBError(404, "OBJECT_NOT_FOUND", message, {k: [v] for k, v in context.items() if v})
