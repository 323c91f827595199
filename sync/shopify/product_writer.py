"""Products into Shopify with ``productSet``: one keyed call each, or one bulk mutation.

Small imports call ``productSet`` per product with an ``@idempotent`` key made
of the handle and the content digest, so a retried or re-run call applies
once. From ``[import] bulk_threshold`` changes on, the whole import is one
bulk mutation (:mod:`sync.shopify.bulk_mutation`): 20,000 products cost a
handful of calls instead of 20,000. Either way each product's ``userErrors``
come back with their field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from sync.catalog.import_plan import ProductChange
from sync.catalog.import_run import WriteOutcome
from sync.shopify.bulk import wait_for_operation
from sync.shopify.bulk_mutation import BulkResult, result_lines, run_bulk_mutation
from sync.shopify.client import ShopifyClient, ShopifyGraphQLError, load_document
from sync.shopify.product_input import identifier, product_set_input

log = logging.getLogger(__name__)

COLLECTIONS_PAGE = 250


class ShopifyProductWriter:
    """The ``shopify`` import target; ``calls`` counts only the GraphQL calls it made.

    ``deadline`` (a ``client.clock.monotonic()`` reading) bounds the waiting for a
    bulk operation: past it the run ends and the next one settles the operation.
    """

    name = "shopify"

    def __init__(self, client: ShopifyClient, *, bulk_threshold: int = 250,
                 mode: str = "handle", custom_id: str = "hubshop.product_id",
                 location: str | None = None, deadline: float | None = None) -> None:
        self.client = client
        self.deadline = deadline
        self.bulk_threshold = bulk_threshold
        self.mode, self.custom_id, self.location = mode, custom_id, location
        self.calls = 0
        self.used_bulk = False
        self.on_operation: Callable[[str], None] | None = None
        self._collections: dict[str, str] = {}
        self._location_id: str | None = None

    def ensure_collections(self, handles: Sequence[str]) -> None:
        before = self.client.stats.calls
        self._collections = self._existing_collections()
        for handle in handles:
            if handle in self._collections:
                continue
            title = handle.replace("-", " ").title()
            payload = self.client.mutate(load_document("import_collection_create"),
                                         {"input": {"handle": handle, "title": title}},
                                         root="collectionCreate")
            self._collections[handle] = payload["collection"]["id"]
        self.calls += self.client.stats.calls - before

    def write(self, changes: Sequence[ProductChange]) -> Iterator[WriteOutcome]:
        if not changes:
            return
        before = self.client.stats.calls
        location = self._location() if any(c.new_variants for c in changes) else None
        try:
            if len(changes) >= self.bulk_threshold:
                yield from self._bulk(changes, location)
            else:
                for change in changes:
                    yield self._one(change, location)
        finally:
            self.calls += self.client.stats.calls - before

    def _variables(self, change: ProductChange, location: str | None) -> dict[str, Any]:
        return {
            "identifier": identifier(change, mode=self.mode, custom_id=self.custom_id),
            "input": product_set_input(change, collection_ids=self._collections,
                                       location_id=location, mode=self.mode,
                                       custom_id=self.custom_id),
        }

    def _one(self, change: ProductChange, location: str | None) -> WriteOutcome:
        variables = self._variables(change, location)
        variables["key"] = f"hubshop-import-{change.action}-{change.handle}-{change.digest}"[:255]
        try:
            data = self.client.execute(load_document("import_product_set"), variables)
        except ShopifyGraphQLError as error:
            return WriteOutcome(change.handle, False, errors=(("", str(error)),))
        return outcome(change.handle, data.get("productSet") or {})

    def _bulk(self, changes: Sequence[ProductChange], location: str | None
              ) -> Iterator[WriteOutcome]:
        self.used_bulk = True
        result = run_bulk_mutation(self.client, load_document("import_product_set_bulk"),
                                   (self._variables(c, location) for c in changes),
                                   client_identifier="hubshop-product-import",
                                   on_started=self.on_operation, deadline=self.deadline)
        yield from self._outcomes(result, [c.handle for c in changes])

    def settle(self, operation: str, handles: Sequence[str]) -> Iterator[WriteOutcome]:
        """An earlier run's bulk operation, waited for if still running, read per line."""
        before = self.client.stats.calls
        try:
            final = wait_for_operation(self.client, operation, deadline=self.deadline)
            result = BulkResult(operation, str(final.get("status")), final.get("errorCode"),
                                final.get("url") or final.get("partialDataUrl"))
            yield from self._outcomes(result, handles)
        finally:
            self.calls += self.client.stats.calls - before

    def _outcomes(self, result: BulkResult, handles: Sequence[str]) -> Iterator[WriteOutcome]:
        seen: set[int] = set()
        for line in result_lines(self.client, result):
            number = line.get("__lineNumber")
            if not isinstance(number, int) or not 0 <= number < len(handles) or number in seen:
                continue
            seen.add(number)
            handle = handles[number]
            if line.get("errors"):
                messages = tuple(("", str(e.get("message", e))) for e in line["errors"])
                yield WriteOutcome(handle, False, errors=messages)
                continue
            yield outcome(handle, (line.get("data") or {}).get("productSet") or {})
        for number, handle in enumerate(handles):
            if number not in seen:
                yield WriteOutcome(handle, False, errors=((
                    "", f"no result from Shopify's bulk operation {result.operation_id} "
                        f"(it ended {result.status}); the next run sends it again"),))

    def _existing_collections(self) -> dict[str, str]:
        found: dict[str, str] = {}
        after = None
        while True:
            data = self.client.execute(load_document("import_collections"),
                                       {"first": COLLECTIONS_PAGE, "after": after})
            connection = data.get("collections") or {}
            for node in connection.get("nodes") or []:
                found[node["handle"]] = node["id"]
            info = connection.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return found
            after = info.get("endCursor")

    def _location(self) -> str | None:
        """Where new variants get their first quantity: ``[import] location``, else the first."""
        if self._location_id is None:
            data = self.client.execute(load_document("inventory_locations"), {"after": None})
            nodes = [n for n in (data.get("locations") or {}).get("nodes") or []
                     if n.get("isActive", True)]
            chosen = next((n for n in nodes if n["name"] == self.location), None) \
                if self.location else (nodes[0] if nodes else None)
            self._location_id = chosen["id"] if chosen else None
            if chosen is None:
                log.warning("no Shopify location %s: new variants start without stock",
                            self.location or "at all")
        return self._location_id


def outcome(handle: str, payload: dict[str, Any]) -> WriteOutcome:
    """A ``ProductSetPayload`` as an outcome: its ``userErrors`` with their fields."""
    errors = payload.get("userErrors") or []
    if errors:
        return WriteOutcome(handle, False, errors=tuple(
            (".".join(str(f) for f in e.get("field") or []), str(e.get("message")))
            for e in errors))
    product = payload.get("product") or {}
    return WriteOutcome(handle, True, product.get("id"))
