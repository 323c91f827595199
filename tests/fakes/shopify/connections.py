"""Relay connections as Shopify serves them: ``edges``/``nodes``, ``pageInfo``, opaque cursors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from typing import Any

from .registry import fail

MAX_PAGE = 250


def cursor_for(node_id: str) -> str:
    """An opaque cursor naming a node (Shopify's are base64 JSON too)."""
    raw = json.dumps({"last_id": node_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def id_from_cursor(cursor: str) -> str:
    """The node id a cursor names; a cursor this fake never issued is a GraphQL error."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        return str(json.loads(base64.urlsafe_b64decode(padded))["last_id"])
    except (ValueError, KeyError, TypeError):
        message = f"Invalid cursor {cursor!r} for current pagination sort."
        raise fail(message, "BAD_REQUEST") from None


def check_window(first: int | None, last: int | None, *, bulk: bool = False) -> None:
    """Shopify's rules: one of ``first``/``last`` is required, neither above 250."""
    if bulk:
        return
    if first is None and last is None:
        raise fail("you must provide one of first or last", "BAD_REQUEST")
    for name, value in (("first", first), ("last", last)):
        if value is not None and value > MAX_PAGE:
            raise fail(
                f"{name} cannot exceed {MAX_PAGE}. To query larger amounts of data with fewer"
                " limits, bulk operations should be used instead.",
                "BAD_REQUEST",
            )
        if value is not None and value < 0:
            raise fail(f"{name} must be a positive integer", "BAD_REQUEST")


def paginate(
    items: Sequence[Any],
    *,
    view: Callable[[Any], dict],
    key: Callable[[Any], str],
    first: int | None = None,
    after: str | None = None,
    last: int | None = None,
    before: str | None = None,
    reverse: bool = False,
    bulk: bool = False,
    **_ignored: Any,
) -> dict:
    """One page of ``items`` (already sorted) as a connection; ``bulk`` returns everything."""
    check_window(first, last, bulk=bulk)
    ordered = list(reversed(items)) if reverse else list(items)
    if bulk:
        return _connection([(key(i), view(i)) for i in ordered], False, False)
    ids = [key(item) for item in ordered]
    start, end = 0, len(ordered)
    if after is not None:
        start = _position(ids, id_from_cursor(after)) + 1
    if before is not None:
        end = _position(ids, id_from_cursor(before))
    window = list(range(start, max(start, end)))
    has_previous = start > 0
    has_next = end < len(ordered)
    if first is not None and len(window) > first:
        window, has_next = window[:first], True
    if last is not None and len(window) > last:
        window, has_previous = window[-last:], True
    return _connection([(ids[i], view(ordered[i])) for i in window], has_next, has_previous)


def store_page(
    fetched: Sequence[Any],
    *,
    view: Callable[[Any], dict],
    key: Callable[[Any], str],
    first: int,
    after: str | None,
) -> dict:
    """A forward page read straight from the store with ``limit=first + 1``."""
    has_next = len(fetched) > first
    rows = list(fetched[:first])
    return _connection([(key(r), view(r)) for r in rows], has_next, after is not None)


def _position(ids: list[str], wanted: str) -> int:
    try:
        return ids.index(wanted)
    except ValueError:
        raise fail("Invalid cursor for current pagination sort.", "BAD_REQUEST") from None


def _connection(rows: list[tuple[str, dict]], has_next: bool, has_previous: bool) -> dict:
    edges = [{"cursor": cursor_for(node_id), "node": node} for node_id, node in rows]
    return {
        "edges": edges,
        "nodes": [node for _, node in rows],
        "pageInfo": {
            "hasNextPage": has_next,
            "hasPreviousPage": has_previous,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
    }
