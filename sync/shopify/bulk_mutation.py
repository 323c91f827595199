"""Shopify bulk mutations: upload JSONL variables, run one mutation per line, read results per line.

Steps, as Shopify documents them: wait for any bulk mutation still running
(one at a time per app and shop in older versions), ``stagedUploadsCreate``
with ``BULK_MUTATION_VARIABLES``, POST the file to the staged target,
``bulkOperationRunMutation`` with the target's ``key``, poll, then stream the
result file, whose every line carries ``__lineNumber`` (0-based, the variables
line it answers) and either ``data`` or ``errors``. A failed operation may
still leave a partial file; its lines are reported like the others.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sync.errors import RemoteError
from sync.shopify.bulk import FINISHED_BADLY, stream_lines, wait_for_operation
from sync.shopify.client import ShopifyClient, load_document

log = logging.getLogger(__name__)

UPLOAD_TIMEOUT_S = 300
RUNNING = ("CREATED", "RUNNING", "CANCELING")
MAX_FILE_BYTES = 100 * 1024 * 1024
"""Shopify's documented cap on a bulk mutation's variables file."""


@dataclass
class BulkResult:
    """How a bulk mutation ended, and its result lines (streamed by :func:`result_lines`)."""

    operation_id: str
    status: str
    error_code: str | None
    url: str | None


def run_bulk_mutation(client: ShopifyClient, mutation: str, variables: Iterable[dict[str, Any]],
                      *, client_identifier: str | None = None,
                      on_started: Callable[[str], None] | None = None,
                      deadline: float | None = None) -> BulkResult:
    """Upload ``variables`` (one dict per line) and run ``mutation`` over them; wait for the end.

    Raises:
        ShopifyUserErrors: Shopify refused the upload target or the operation.
        RemoteError: the upload failed, or the file is over Shopify's size cap.
    """
    wait_for_running(client, deadline=deadline)
    body = "".join(json.dumps(v, separators=(",", ":")) + "\n" for v in variables).encode()
    if len(body) > MAX_FILE_BYTES:
        raise RemoteError(f"the bulk import file is {len(body)} bytes, over Shopify's "
                          f"{MAX_FILE_BYTES}; lower [import] bulk_threshold to split it")
    path = upload(client, body)
    payload = client.mutate(load_document("bulk_run_mutation"),
                            {"mutation": mutation, "stagedUploadPath": path,
                             "clientIdentifier": client_identifier},
                            root="bulkOperationRunMutation")
    op_id = (payload.get("bulkOperation") or {}).get("id")
    if not op_id:
        raise RemoteError("Shopify started no bulk mutation and gave no reason")
    if on_started is not None:  # the caller journals it: a run that dies now is settled later
        on_started(op_id)
    final = wait_for_operation(client, op_id, deadline=deadline)
    status = str(final.get("status"))
    if status in FINISHED_BADLY:
        log.warning("bulk mutation %s ended %s (%s)", op_id, status, final.get("errorCode"))
    return BulkResult(op_id, status, final.get("errorCode"),
                      final.get("url") or final.get("partialDataUrl"))


def wait_for_running(client: ShopifyClient, *, deadline: float | None = None) -> None:
    """If a bulk mutation is still running (a killed earlier run's), let it finish first."""
    current = client.execute(load_document("bulk_current_mutation")).get("currentBulkOperation")
    if current and current.get("status") in RUNNING:
        log.info("bulk mutation %s is still running; waiting for it", current["id"])
        wait_for_operation(client, current["id"], deadline=deadline)


def upload(client: ShopifyClient, body: bytes) -> str:
    """Stage ``body`` as a JSONL file; returns the path ``bulkOperationRunMutation`` takes."""
    staged = client.mutate(load_document("import_staged_upload"), {"input": [{
        "resource": "BULK_MUTATION_VARIABLES", "filename": "products.jsonl",
        "mimeType": "text/jsonl", "httpMethod": "POST"}]}, root="stagedUploadsCreate")
    targets = staged.get("stagedTargets") or []
    if not targets:
        raise RemoteError("Shopify gave no staged upload target for the bulk import")
    target = targets[0]
    fields = {p["name"]: p["value"] for p in target.get("parameters") or []}
    response = client.session.post(target["url"], data=fields,
                                   files={"file": ("products.jsonl", body, "text/jsonl")},
                                   timeout=UPLOAD_TIMEOUT_S)
    if not response.ok:
        raise RemoteError(f"uploading the bulk import file failed with HTTP "
                          f"{response.status_code}")
    return fields.get("key") or str(target.get("resourceUrl") or "")


def result_lines(client: ShopifyClient, result: BulkResult) -> Iterator[dict[str, Any]]:
    """The result file's lines (none when Shopify wrote no file)."""
    if result.url:
        yield from stream_lines(client, result.url)
