"""Bulk query operations: CREATED → RUNNING → COMPLETED on the clock, JSONL in Shopify's shape.

The query runs with every connection unpaged; each node becomes one JSONL line
and nodes of nested connections get their own lines with ``__parentId`` (the
enclosing node's id). The order of the lines follows ``groupObjects`` as
Shopify documents it since 2026-01: grouped (``true``) writes each object's
children directly below it, each connection in its own order, the
connections interleaved; ungrouped (``false``, the default) promises no order,
so the fake shuffles every line (children before, after and among other
objects, siblings out of order), seeded by the operation for repeatable runs.
``FakeState.bulk_order`` overrides it with one of :data:`ORDERS`.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import graphql

from sync.model.shop import numeric_id

from ..connections import paginate
from ..registry import field_resolver, resolves, type_resolver, user_error
from ..state import timestamp

ORDERS = ("grouped", "ungrouped", "roots_first", "children_first")
"""Line orders: as groupObjects true/false asks; every root before any child; every child
before any root (deepest first)."""
MAX_CONCURRENT = 5
BASE_SECONDS = 1.0
OBJECTS_PER_SECOND = 5000.0


class BulkQueryError(ValueError):
    """The bulk query cannot run (Shopify answers with a userError of code INVALID)."""


@resolves("Mutation", "bulkOperationRunQuery")
def run_query(_: Any, info: Any, query: str, groupObjects: bool = False) -> dict:  # noqa: N803
    state = info.context
    running = [op for op in state.bulk_operations.values()
               if op["type"] == "QUERY" and _status(state, op) in ("CREATED", "RUNNING")]
    if len(running) >= MAX_CONCURRENT:
        error = user_error(f"A shop can run at most {MAX_CONCURRENT} bulk queries at once.",
                           None, "LIMIT_REACHED")
        return {"bulkOperation": None, "userErrors": [error]}
    try:
        tree = _tree(state, query)
    except BulkQueryError as problem:
        return {"bulkOperation": None, "userErrors": [user_error(str(problem), ["query"],
                                                                 "INVALID")]}
    op_id = state.next_gid("BulkOperation")
    order = state.bulk_order or ("grouped" if groupObjects else "ungrouped")
    lines, roots = arrange(tree, order, seed=int(numeric_id(op_id))), len(tree)
    content = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
    url = f"{state.bulk_host}/{numeric_id(op_id)}.jsonl"
    if lines:
        state.bulk_files[url] = content
    record = {
        "_started": state.clock.monotonic(),
        "_created": state.now(),
        "_seconds": BASE_SECONDS + len(lines) / OBJECTS_PER_SECOND,
        "type": "QUERY",
        "id": op_id,
        "query": query,
        "objectCount": len(lines),
        "rootObjectCount": roots,
        "fileSize": len(content) if lines else None,
        "url": url if lines else None,
    }
    state.bulk_operations[op_id] = record
    return {"bulkOperation": view(state, record), "userErrors": []}


@resolves("QueryRoot", "currentBulkOperation")
def current(_: Any, info: Any, type: str = "QUERY") -> dict | None:  # noqa: A002
    state = info.context
    mine = [op for op in state.bulk_operations.values() if op["type"] == (type or "QUERY")]
    return view(state, mine[-1]) if mine else None


@resolves("QueryRoot", "bulkOperations")
def listing(_: Any, info: Any, query: str | None = None, reverse: bool = False,
            **window: Any) -> dict:
    """The app's operations, newest first; ``query`` filters ``operation_type:`` and ``status:``.

    Terms are ANDed; ``status:`` may be repeated with OR (``status:running OR status:created``).
    """
    state = info.context
    kinds, statuses = set(), set()
    for term in (query or "").replace("(", " ").replace(")", " ").split():
        name, _, value = term.partition(":")
        if name == "operation_type":
            kinds.add(value.upper())
        elif name == "status":
            statuses.add(value.upper())
    records = [r for r in reversed(list(state.bulk_operations.values()))
               if (not kinds or r["type"] in kinds)
               and (not statuses or _status(state, r) in statuses)]
    return paginate(records, view=lambda r: view(state, r), key=lambda r: r["id"],
                    reverse=reverse, bulk=state.bulk, **window)


@resolves("QueryRoot", "bulkOperation")
def by_id(_: Any, info: Any, id: str) -> dict | None:  # noqa: A002
    record = info.context.bulk_operations.get(id)
    return view(info.context, record) if record else None


def view(state: Any, record: dict) -> dict:
    """The ``BulkOperation`` as of now on the fake's clock."""
    status = _status(state, record)
    done = status == "COMPLETED"
    completed = record["_created"] + timedelta(seconds=record["_seconds"])
    return {
        "__typename": "BulkOperation",
        "id": record["id"],
        "type": record["type"],
        "query": record["query"],
        "status": status,
        "errorCode": None,
        "createdAt": timestamp(record["_created"]),
        "completedAt": timestamp(completed) if done else None,
        "objectCount": str(record["objectCount"] if done else 0),
        "rootObjectCount": str(record["rootObjectCount"] if done else 0),
        "fileSize": str(record["fileSize"]) if done and record["fileSize"] else None,
        "url": record["url"] if done else None,
        "partialDataUrl": None,
    }


def _status(state: Any, record: dict) -> str:
    elapsed = state.clock.monotonic() - record["_started"]
    if elapsed <= 0:
        return "CREATED"
    return "COMPLETED" if elapsed >= record["_seconds"] else "RUNNING"


@dataclass
class Entry:
    """One object of the result: its line, and its children per nested connection."""

    line: dict
    connections: list[list[Entry]] = field(default_factory=list)


def arrange(tree: list[Entry], order: str, *, seed: int = 0) -> list[dict]:
    """The result's lines in ``order`` (one of :data:`ORDERS`)."""
    if order == "grouped":
        return [line for entry in tree for line in _grouped(entry)]
    if order == "ungrouped":
        lines = [line for entry in tree for line in _grouped(entry)]
        random.Random(seed).shuffle(lines)
        return lines
    levels: list[list[dict]] = []
    level = tree
    while level:
        levels.append([entry.line for entry in level])
        level = [child for entry in level for group in entry.connections for child in group]
    if order == "roots_first":
        return [line for lines in levels for line in lines]
    if order == "children_first":
        return [line for lines in reversed(levels) for line in lines]
    raise ValueError(f"unknown bulk line order {order!r}: choose one of {ORDERS}")


def _grouped(entry: Entry) -> list[dict]:
    """The object, then its children directly below it, the connections interleaved."""
    lines = [entry.line]
    longest = max((len(group) for group in entry.connections), default=0)
    for index in range(longest):
        for group in entry.connections:
            if index < len(group):
                lines += _grouped(group[index])
    return lines


def _tree(state: Any, query: str) -> list[Entry]:
    try:
        document = graphql.parse(query)
    except graphql.GraphQLError as error:
        raise BulkQueryError(f"Invalid bulk query: {error.message}") from None
    problems = graphql.validate(state.schema, document)
    if problems:
        raise BulkQueryError(f"Invalid bulk query: {problems[0].message}")
    operation = next(d for d in document.definitions
                     if isinstance(d, graphql.OperationDefinitionNode))
    if operation.operation is not graphql.OperationType.QUERY:
        raise BulkQueryError("Invalid bulk query: bulkOperationRunQuery takes a query.")
    result = graphql.execute(state.schema, document, context_value=state.for_bulk(),
                             field_resolver=field_resolver, type_resolver=type_resolver)
    if result.errors:
        raise BulkQueryError(f"Invalid bulk query: {result.errors[0].message}")
    tree: list[Entry] = []
    for value in (result.data or {}).values():
        nodes = _nodes(value)
        if nodes is None:
            raise BulkQueryError("Bulk queries must contain at least one connection.")
        tree += [_entry(node, None) for node in nodes]
    return tree


def _entry(node: dict, parent_id: str | None) -> Entry:
    line: dict[str, Any] = {}
    connections: list[list[dict]] = []
    for key, value in node.items():
        nested = _nodes(value)
        if nested is None:
            line[key] = value
        else:
            connections.append(nested)
    if any(connections) and "id" not in node:
        raise BulkQueryError("The parent 'node' field for a nested connection must select the"
                             " 'id' field.")
    if parent_id is not None:
        line["__parentId"] = parent_id
    return Entry(line, [[_entry(child, node["id"]) for child in group]
                        for group in connections])


def _nodes(value: Any) -> list[dict] | None:
    """A connection's nodes (from ``nodes`` or ``edges.node``); None for anything else."""
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("edges"), list):
        return [edge["node"] for edge in value["edges"] if edge.get("node") is not None]
    if isinstance(value.get("nodes"), list):
        return list(value["nodes"])
    return None
