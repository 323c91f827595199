"""Resolver dispatch: one function per (parent type, field); plain dict values otherwise.

Objects the fake returns are dicts carrying ``__typename`` (so interfaces and
unions resolve) plus their simple fields; fields that take arguments or reach
back into the store (connections, ``inventoryLevel(locationId)``) are
registered here with :func:`resolves`, each in the module for its area.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import graphql

Resolver = Callable[..., Any]

_RESOLVERS: dict[tuple[str, str], Resolver] = {}


def resolves(type_name: str, field_name: str) -> Callable[[Resolver], Resolver]:
    """Register ``fn(source, info, **args)`` as the resolver of ``type_name.field_name``."""

    def register(fn: Resolver) -> Resolver:
        key = (type_name, field_name)
        if key in _RESOLVERS and _RESOLVERS[key] is not fn:
            raise ValueError(f"{type_name}.{field_name} already has a resolver")
        _RESOLVERS[key] = fn
        return fn

    return register


def registered() -> set[tuple[str, str]]:
    """Every (type, field) with its own resolver: what the fake supports beyond plain values."""
    return set(_RESOLVERS)


def field_resolver(source: Any, info: graphql.GraphQLResolveInfo, **args: Any) -> Any:
    """graphql-core's ``field_resolver``: the registered function, else the dict's value."""
    fn = _RESOLVERS.get((info.parent_type.name, info.field_name))
    if fn is not None:
        return fn(source, info, **args)
    if isinstance(source, Mapping):
        value = source.get(info.field_name)
    else:
        value = getattr(source, info.field_name, None)
    if callable(value):
        return value(info, **args)
    return value


def type_resolver(value: Any, info: graphql.GraphQLResolveInfo, abstract: Any) -> str | None:
    """Interfaces and unions: every object the fake builds says its ``__typename``."""
    if isinstance(value, Mapping):
        return value.get("__typename")
    return None


def user_error(message: str, field: list[str] | None = None, code: str | None = None) -> dict:
    """A ``userErrors`` entry; ``code`` must come from the payload's own error-code enum."""
    return {"message": message, "field": field, "code": code}


def fail(message: str, code: str) -> graphql.GraphQLError:
    """A top-level GraphQL error with Shopify's ``extensions.code``."""
    return graphql.GraphQLError(message, extensions={"code": code})
