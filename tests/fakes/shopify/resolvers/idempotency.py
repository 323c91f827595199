"""``@idempotent(key:)`` as Shopify 2026-04 applies it to inventory mutations.

Same key and same input: the first response is replayed and nothing is applied
again. Same key, different input: ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``.
Required mutations without the directive fail before touching anything.

Shopify keeps a key only for a retention window ("Implementing idempotency",
shopify.dev); past it the same key is a new request and applies again. The
24 hours used here come from a summary of that page, not its own words: one
constant to change if Shopify's figure differs. The window runs on the fake's
clock. ``IDEMPOTENCY_CONCURRENT_REQUEST`` (same key while the first request is
still running) is not produced: the fake runs one request at a time to the end.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import graphql

from ..registry import fail, user_error

RETENTION = timedelta(hours=24)


def idempotency_key(info: graphql.GraphQLResolveInfo) -> str | None:
    """The ``@idempotent(key:)`` on this field, variables resolved; None when absent."""
    directive = info.schema.get_directive("idempotent")
    if directive is None:
        return None
    values = graphql.get_directive_values(directive, info.field_nodes[0], info.variable_values)
    return None if values is None else values["key"]


def run_idempotent(
    info: graphql.GraphQLResolveInfo,
    arguments: dict,
    apply: Callable[[], dict],
    *,
    required: bool = True,
) -> dict:
    """Apply once per key; replay or refuse on reuse."""
    field = info.field_name
    key = idempotency_key(info)
    if key is None:
        if required:
            raise fail(
                f"An idempotency key is required for {field}: add"
                ' @idempotent(key: "<unique key>") to the mutation field.',
                "BAD_REQUEST",
            )
        return apply()
    if not key.strip():
        raise fail("The idempotency key cannot be an empty string or whitespace only.",
                   "BAD_REQUEST")
    fingerprint = json.dumps(arguments, sort_keys=True, default=str)
    store: dict[tuple[str, str], tuple[str, Any, Any]] = info.context.idempotency
    now = info.context.now()
    remembered = store.get((field, key))
    if remembered is not None and now - remembered[2] >= RETENTION:
        del store[(field, key)]
        remembered = None
    if remembered is not None:
        if remembered[0] != fingerprint:
            message = "The same idempotency key cannot be used with different operation parameters."
            return {
                "inventoryAdjustmentGroup": None,
                "inventoryLevel": None,
                "userErrors": [user_error(message, None, "IDEMPOTENCY_KEY_PARAMETER_MISMATCH")],
            }
        return remembered[1]
    result = apply()
    store[(field, key)] = (fingerprint, result, now)
    return result
