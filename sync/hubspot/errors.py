"""HubSpot error bodies turned into messages that name the table, row and column."""

from __future__ import annotations

import json
from typing import Any

from sync.errors import RemoteError


class HubSpotError(RemoteError):
    """A HubSpot 4xx/5xx that retrying did not fix; ``body`` is HubSpot's error object."""

    def __init__(self, status: int, message: str, body: dict[str, Any] | None = None) -> None:
        self.status = status
        self.body = body or {}
        super().__init__(message)


def hubspot_error(status: int, text: str, *, what: str, where: str = "") -> HubSpotError:
    """Build a readable error from HubSpot's ``{status, message, category, context}`` body."""
    try:
        body = json.loads(text) if text else {}
    except json.JSONDecodeError:
        body = {"message": text[:300]}
    message = body.get("message") or f"HTTP {status}"
    category = body.get("category")
    context = body.get("context") or {}
    details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in context.items()) if isinstance(
        context, dict
    ) else ""
    place = f" ({where})" if where else ""
    text_out = f"HubSpot {what}{place} failed with HTTP {status}: {message}"
    if category:
        text_out += f" [{category}]"
    if details:
        text_out += f" — {details}"
    return HubSpotError(status, text_out, body)
