"""Shopify's calculated query cost: requested (from the document) and actual (from the result).

Published rules: scalars and enums cost 0, objects 1, a connection 2 plus
``first``/``last`` times the cost of one node's selection (so nested
connections multiply), interfaces and unions the most expensive of their
fragments, and a mutation 10 plus its returned selection. ``pageInfo`` is free.
A plain list taking ``first`` (``Order.fulfillments(first: 5)``) is charged
like a connection: its objects and their nested connections multiply.
The actual cost walks the data that came back, counting the nodes returned.
Live shops differ from these rules: :mod:`.pricing` bends them per fake.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import graphql
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInt,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

MAX_QUERY_COST = 1000
MUTATION_COST = 10
CONNECTION_COST = 2

_ABSENT = object()


def find_operation(
    document: graphql.DocumentNode, operation_name: str | None = None
) -> OperationDefinitionNode:
    """The operation a request runs: the named one, or the only one."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation_name:
        for operation in operations:
            if operation.name and operation.name.value == operation_name:
                return operation
        raise ValueError(f"no operation named {operation_name!r} in the document")
    if len(operations) != 1:
        raise ValueError("the document has several operations: send operationName")
    return operations[0]


def requested_cost(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    page_info: int = 0,
) -> int:
    """The worst-case cost Shopify charges before running the document.

    ``page_info`` is what each selected ``pageInfo`` costs (0 by the rules).
    """
    walker = _Walker(schema, document, variables, page_info)
    return walker.operation(find_operation(document, operation_name))


def actual_cost(
    schema: graphql.GraphQLSchema,
    document: graphql.DocumentNode,
    data: Mapping[str, Any] | None,
    variables: Mapping[str, Any] | None = None,
    operation_name: str | None = None,
    *,
    page_info: int = 0,
) -> int:
    """The cost of what came back: connections count the nodes actually returned."""
    if data is None:
        return 0
    walker = _Walker(schema, document, variables, page_info)
    return walker.operation(find_operation(document, operation_name), data)


class _Walker:
    def __init__(
        self,
        schema: graphql.GraphQLSchema,
        document: graphql.DocumentNode,
        variables: Mapping[str, Any] | None,
        page_info: int = 0,
    ) -> None:
        self.schema = schema
        self.page_info = page_info
        self.variables = dict(variables or {})
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }

    def operation(self, operation: OperationDefinitionNode, data: Any = _ABSENT) -> int:
        root = self.schema.get_root_type(operation.operation)
        if operation.operation is graphql.OperationType.MUTATION:
            total = 0
            for field in self._fields(operation.selection_set, root):
                fdef = root.fields.get(field.name.value)
                if fdef is None:
                    continue
                sub = self._child(data, field)
                payload = graphql.get_named_type(fdef.type)
                inner = 0
                if field.selection_set and sub is not None:
                    inner = self.selection(field.selection_set, payload, sub)
                total += MUTATION_COST + inner
            return total
        return self.selection(operation.selection_set, root, data)

    def selection(self, selection_set: SelectionSetNode, parent: Any, data: Any = _ABSENT) -> int:
        """Plain fields add up; fragments on other types count only the dearest one."""
        plain = 0
        conditional: dict[str, int] = {}
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                plain += self.field(selection, parent, data)
                continue
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner_set = selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                condition = fragment.type_condition
                inner_set = fragment.selection_set
            else:  # pragma: no cover - graphql has no other selection kinds
                continue
            target = self.schema.get_type(condition.name.value) if condition else parent
            cost = self.selection(inner_set, target, data)
            if target is parent:
                plain += cost
            else:
                conditional[target.name] = conditional.get(target.name, 0) + cost
        return plain + max(conditional.values(), default=0)

    def field(self, field: FieldNode, parent: Any, data: Any) -> int:
        name = field.name.value
        if name.startswith("__") or not hasattr(parent, "fields"):
            return 0
        fdef = parent.fields.get(name)
        if fdef is None:
            return 0
        named = graphql.get_named_type(fdef.type)
        if graphql.is_leaf_type(named) or field.selection_set is None:
            return 0
        sub = self._child(data, field)
        if sub is None:
            return 0
        if _is_connection(named):
            return self.connection(field, named, sub)
        if _is_list(fdef.type) and self._has_size(field):
            return self.sized_list(field, named, sub)
        if isinstance(sub, list):
            return 1 + max((self.selection(field.selection_set, named, i) for i in sub), default=0)
        return 1 + self.selection(field.selection_set, named, sub)

    def sized_list(self, field: FieldNode, named: Any, data: Any) -> int:
        """A plain list taking ``first``: 2 plus each object (1) with its selection."""
        if data is _ABSENT:
            return CONNECTION_COST + self._size(field) * (
                1 + self.selection(field.selection_set, named))
        items = data if isinstance(data, list) else []
        return CONNECTION_COST + sum(1 + self.selection(field.selection_set, named, item)
                                     for item in items)

    def connection(self, field: FieldNode, connection: Any, data: Any) -> int:
        nodes_fields, edge_node_fields = [], []
        page_info = 0
        for inner in self._fields(field.selection_set, connection):
            if inner.name.value == "pageInfo":
                page_info = self.page_info
            if inner.name.value == "nodes" and inner.selection_set:
                nodes_fields.append(inner)
            elif inner.name.value == "edges" and inner.selection_set:
                edge_type = graphql.get_named_type(connection.fields["edges"].type)
                for edge_field in self._fields(inner.selection_set, edge_type):
                    if edge_field.name.value == "node" and edge_field.selection_set:
                        edge_node_fields.append((inner, edge_field))
        node_type = graphql.get_named_type(connection.fields["nodes"].type)
        if data is _ABSENT:
            size = self._size(field)
            per_node = self._node_cost(nodes_fields, edge_node_fields, node_type)
            return CONNECTION_COST + page_info + size * per_node
        count = 0
        for key_field in nodes_fields:
            count = max(count, len(data.get(_key(key_field)) or []))
        for edges_field, _ in edge_node_fields:
            count = max(count, len(data.get(_key(edges_field)) or []))
        total = CONNECTION_COST + page_info
        for index in range(count):
            total += self._node_cost(nodes_fields, edge_node_fields, node_type, data, index)
        return total

    def _node_cost(self, nodes_fields, edge_node_fields, node_type, data=_ABSENT, index=0) -> int:
        costs = [0]
        for nodes_field in nodes_fields:
            item = _ABSENT
            if data is not _ABSENT:
                items = data.get(_key(nodes_field)) or []
                if index >= len(items):
                    continue
                item = items[index]
            costs.append(self.selection(nodes_field.selection_set, node_type, item))
        for edges_field, node_field in edge_node_fields:
            item = _ABSENT
            if data is not _ABSENT:
                edges = data.get(_key(edges_field)) or []
                if index >= len(edges):
                    continue
                item = (edges[index] or {}).get(_key(node_field))
            costs.append(self.selection(node_field.selection_set, node_type, item))
        return 1 + max(costs)

    @staticmethod
    def _has_size(field: FieldNode) -> bool:
        return any(a.name.value in ("first", "last") for a in field.arguments or ())

    def _size(self, field: FieldNode) -> int:
        size = 0
        for argument in field.arguments or ():
            if argument.name.value in ("first", "last"):
                value = graphql.value_from_ast(argument.value, GraphQLInt, self.variables)
                if isinstance(value, int):
                    size = max(size, value)
        return size

    def _fields(self, selection_set: SelectionSetNode, parent: Any) -> list[FieldNode]:
        """Fields of a selection set with fragments flattened (for connection levels)."""
        found: list[FieldNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                found.append(selection)
            elif isinstance(selection, InlineFragmentNode):
                found.extend(self._fields(selection.selection_set, parent))
            elif isinstance(selection, FragmentSpreadNode):
                fragment = self.fragments[selection.name.value]
                found.extend(self._fields(fragment.selection_set, parent))
        return found

    @staticmethod
    def _child(data: Any, field: FieldNode) -> Any:
        if data is _ABSENT:
            return _ABSENT
        if not isinstance(data, Mapping):
            return None
        return data.get(_key(field))


def _key(field: FieldNode) -> str:
    return field.alias.value if field.alias else field.name.value


def _is_list(field_type: Any) -> bool:
    inner = field_type.of_type if graphql.is_non_null_type(field_type) else field_type
    return graphql.is_list_type(inner)


def _is_connection(named: Any) -> bool:
    fields = getattr(named, "fields", None) or {}
    return named.name.endswith("Connection") and "nodes" in fields and "edges" in fields
