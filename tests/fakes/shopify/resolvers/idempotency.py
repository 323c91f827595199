"""``@idempotent(key:)`` as Shopify 2026-04 applies it to inventory mutations.

Same key and same input: the first response is replayed and nothing is applied
again. Same key, different input: ``IDEMPOTENCY_KEY_PARAMETER_MISMATCH``.
Required mutations without the directive fail before touching anything.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import graphql

from ..registry import fail, user_error


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
    store: dict[tuple[str, str], tuple[str, Any]] = info.context.idempotency
    remembered = store.get((field, key))
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
    store[(field, key)] = (fingerprint, result)
    return result
