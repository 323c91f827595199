"""Bulk imports: ``stagedUploadsCreate`` targets, the upload itself, ``bulkOperationRunMutation``.

The staged target is a form POST to ``state.upload_host`` (answered through
``responses`` by :mod:`..transport`), keyed by the ``key`` parameter as S3 is.
``bulkOperationRunMutation`` runs the mutation once per JSONL line, as
Shopify does, over the local shop, and writes the result file in Shopify's
shape: one object per line with ``data`` and/or ``errors`` and the
``__lineNumber`` (0-based) of the variables line it answers. Its status
follows the clock like a bulk query's. ``collectionCreate`` makes the manual
collections an import's category mapping names.
"""

from __future__ import annotations

import json
from typing import Any

import graphql

from sync.model.shop import Collection, numeric_id

from ..registry import field_resolver, resolves, type_resolver, user_error
from . import bulk

ROWS_PER_SECOND = 200.0
"""How fast the fake 'runs' an import; only the virtual clock sees it."""


@resolves("Mutation", "stagedUploadsCreate")
def staged_uploads_create(_: Any, info: Any, input: list[dict]) -> dict:  # noqa: A002
    state = info.context
    targets = []
    for item in input:
        number = state.next_gid("StagedUpload").rsplit("/", 1)[-1]
        key = f"tmp/fake-shop/bulk/{number}/{item['filename']}"
        targets.append({
            "__typename": "StagedMediaUploadTarget",
            "url": f"{state.upload_host}/",
            "resourceUrl": None,
            "parameters": [{"name": "key", "value": key},
                           {"name": "Content-Type", "value": item["mimeType"]},
                           {"name": "success_action_status", "value": "201"},
                           {"name": "acl", "value": "private"}],
        })
    return {"stagedTargets": targets, "userErrors": []}


@resolves("Mutation", "bulkOperationRunMutation")
def run_mutation(_: Any, info: Any, mutation: str, stagedUploadPath: str,  # noqa: N803
                 clientIdentifier: str | None = None, groupObjects: bool | None = None) -> dict:
    state = info.context
    running = [op for op in state.bulk_operations.values() if op["type"] == "MUTATION"
               and bulk._status(state, op) in ("CREATED", "RUNNING")]
    if len(running) >= bulk.MAX_CONCURRENT:
        return _refuse("A bulk mutation operation is already running for this app and shop.",
                       None, "OPERATION_IN_PROGRESS")
    content = state.staged_uploads.get(stagedUploadPath)
    if content is None:
        return _refuse("The JSONL file could not be found. Try uploading the file again.",
                       ["stagedUploadPath"], "NO_SUCH_FILE")
    try:
        document = graphql.parse(mutation)
    except graphql.GraphQLError as error:
        return _refuse(f"Failed to parse the mutation - {error.message}", ["mutation"],
                       "INVALID_MUTATION")
    operation = next((d for d in document.definitions
                      if isinstance(d, graphql.OperationDefinitionNode)), None)
    if operation is None or operation.operation is not graphql.OperationType.MUTATION \
            or graphql.validate(state.schema, document):
        return _refuse("Invalid mutation: give one valid mutation.", ["mutation"],
                       "INVALID_MUTATION")
    lines = [_line(state, document, raw, number)
             for number, raw in enumerate(content.decode("utf-8").splitlines())]
    op_id = state.next_gid("BulkOperation")
    body = "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines).encode()
    url = f"{state.bulk_host}/{numeric_id(op_id)}.jsonl"
    state.bulk_files[url] = body
    record = {
        "_started": state.clock.monotonic(),
        "_created": state.now(),
        "_seconds": bulk.BASE_SECONDS + len(lines) / ROWS_PER_SECOND,
        "type": "MUTATION",
        "id": op_id,
        "query": mutation,
        "objectCount": len(lines),
        "rootObjectCount": len(lines),
        "fileSize": len(body),
        "url": url,
        "clientIdentifier": clientIdentifier,
    }
    state.bulk_operations[op_id] = record
    return {"bulkOperation": bulk.view(state, record), "userErrors": []}


@resolves("Mutation", "collectionCreate")
def collection_create(_: Any, info: Any, input: dict) -> dict:  # noqa: A002
    shop = info.context.shop
    if not input.get("title"):
        return {"collection": None,
                "userErrors": [{"field": ["title"], "message": "Title can't be blank"}]}
    handle = input.get("handle") or input["title"].lower().replace(" ", "-")
    if any(c.handle == handle for c in shop.list_collections()):
        return {"collection": None, "userErrors": [
            {"field": ["handle"], "message": f"Handle '{handle}' has already been taken"}]}
    stored = shop.upsert_collection(Collection(handle=handle, title=input["title"],
                                               body_html=input.get("descriptionHtml") or ""))
    return {"collection": {"__typename": "Collection", "_record": stored, "id": stored.id,
                           "handle": stored.handle, "title": stored.title},
            "userErrors": []}


def _line(state: Any, document: graphql.DocumentNode, raw: str, number: int) -> dict:
    try:
        variables = json.loads(raw)
    except json.JSONDecodeError as error:
        return {"errors": [{"message": f"Invalid JSON on line {number + 1}: {error.msg}"}],
                "__lineNumber": number}
    result = graphql.execute(state.schema, document, variable_values=variables,
                             context_value=state, field_resolver=field_resolver,
                             type_resolver=type_resolver)
    line: dict[str, Any] = {}
    if result.data is not None:
        line["data"] = result.data
    if result.errors:
        line["errors"] = [e.formatted for e in result.errors]
    line["__lineNumber"] = number
    return line


def _refuse(message: str, field: list[str] | None, code: str) -> dict:
    return {"bulkOperation": None, "userErrors": [user_error(message, field, code)]}
