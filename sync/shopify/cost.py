"""Estimate a GraphQL document's cost the way Shopify's published rules do.

Knowing the cost before sending lets the pacer wait just long enough and lets
readers choose the largest page that stays under the 1,000-point cap. Rules
(shopify.dev, "GraphQL Admin API rate limits"): scalars and enums cost 0,
objects 1, a connection (a field taking ``first`` or ``last``) 2 plus ``first``
times the cost of one node, where each node is an object (1) plus its own
selection, so nested connections multiply (a plain list taking ``first``, such
as ``Order.fulfillments``, is priced the same way: live shops charge it so);
a mutation field 10 (in place of an object's 1), plus what it selects on its
payload under the same rules, so
``productSet { product { id } userErrors { field } }`` is 10 + 1 + 1 = 12.
The Shopify fake in ``tests/fakes/shopify/cost.py`` charges the same by
default. Shopify says running a query is the only way to know its cost, and
live shops differ from these rules both ways: the client corrects this
estimate by what Shopify reports (``sync/shopify/calibration.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    parse,
    value_from_ast_untyped,
)

MAX_QUERY_COST = 1000
MUTATION_COST = 10
PAGE_CAP = 250
"""Shopify's largest ``first``/``last``."""
CONNECTION_FIELDS = frozenset({"nodes", "edges", "pageInfo"})


def estimate_cost(document: str | DocumentNode, variables: Mapping[str, Any] | None = None) -> int:
    """The requested cost of the document's (first) operation, before it is sent."""
    doc = parse(document) if isinstance(document, str) else document
    fragments = {d.name.value: d for d in doc.definitions if hasattr(d, "type_condition")}
    operation = next(d for d in doc.definitions if isinstance(d, OperationDefinitionNode))
    variables = dict(variables or {})
    if operation.operation == OperationType.MUTATION:
        return sum(MUTATION_COST + _selection_cost(field.selection_set, fragments, variables)
                   for field in _flatten(operation.selection_set, fragments))
    return _selection_cost(operation.selection_set, fragments, variables)


def _selection_cost(
    selection_set: SelectionSetNode | None, fragments: dict, variables: dict[str, Any]
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(selection, fragments, variables)
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set, fragments, variables)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            total += _selection_cost(fragment.selection_set, fragments, variables)
    return total


def _field_cost(field: FieldNode, fragments: dict, variables: dict[str, Any]) -> int:
    if field.selection_set is None:
        return 0
    size = _page_size(field, variables)
    if size is None:
        return 1 + _selection_cost(field.selection_set, fragments, variables)
    return 2 + size * _node_cost(field.selection_set, fragments, variables)


def _node_cost(
    connection: SelectionSetNode, fragments: dict, variables: dict[str, Any]
) -> int:
    """One node of a connection: the object itself (1) plus what is selected on it.

    ``nodes { … }`` and ``edges { node { … } }`` select the same node, so the
    dearer of the two counts; ``pageInfo`` and ``cursor`` are free. A plain
    list taking ``first`` (``Order.fulfillments(first: 5) { … }``) has no
    ``nodes``: each of its objects is the selection itself, nested
    connections included, so they multiply like a connection's.
    """
    fields = _flatten(connection, fragments)
    if not any(f.name.value in CONNECTION_FIELDS for f in fields):
        return 1 + _selection_cost(connection, fragments, variables)
    selections: list[SelectionSetNode] = []
    for item in fields:
        if item.name.value == "nodes" and item.selection_set:
            selections.append(item.selection_set)
        elif item.name.value == "edges" and item.selection_set:
            for inner in _flatten(item.selection_set, fragments):
                if inner.name.value == "node" and inner.selection_set:
                    selections.append(inner.selection_set)
    return 1 + max((_selection_cost(s, fragments, variables) for s in selections), default=0)


def _flatten(selection_set: SelectionSetNode, fragments: dict) -> list[FieldNode]:
    found: list[FieldNode] = []
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            found.append(selection)
        elif isinstance(selection, InlineFragmentNode):
            found.extend(_flatten(selection.selection_set, fragments))
        elif isinstance(selection, FragmentSpreadNode):
            found.extend(_flatten(fragments[selection.name.value].selection_set, fragments))
    return found


def _page_size(field: FieldNode, variables: dict[str, Any]) -> int | None:
    for argument in field.arguments or ():
        if argument.name.value in ("first", "last"):
            if isinstance(argument.value, VariableNode):
                value = variables.get(argument.value.name.value)
            else:
                value = value_from_ast_untyped(argument.value)
            return int(value) if value is not None else 0
    return None


def largest_page(
    document: str | DocumentNode,
    variable: str = "first",
    *,
    ratio: float = 1.0,
    limit: int = MAX_QUERY_COST,
    **variables: Any,
) -> int:
    """The largest ``first`` (≤ 250, Shopify's page cap) keeping the document ≤ ``limit`` points.

    ``ratio`` scales the estimate by what Shopify has been seen to charge for
    this document (see :class:`sync.shopify.calibration.CostCalibration`).
    """
    doc = parse(document) if isinstance(document, str) else document
    low, high = 1, PAGE_CAP
    while low < high:
        mid = (low + high + 1) // 2
        if estimate_cost(doc, {**variables, variable: mid}) * ratio <= limit:
            low = mid
        else:
            high = mid - 1
    return low
