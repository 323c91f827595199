"""The stateful property tests again, with the engine talking HTTP to the Shopify GraphQL fake.

Same rules, same invariants and the same final checks as
:mod:`tests.test_inventory_properties`; only the engine's store differs: the
real :class:`~sync.shopify.inventory.ShopifyInventory` over
:class:`~sync.shopify.client.ShopifyClient`, reaching the fake through
``responses``. So every write is a 2026-04 ``inventorySetQuantities`` that the
fake checks (``changeFromQuantity``, ``@idempotent``), and the order catch-up
reads the fake's ``orders`` (and ``nodes`` for the orders webhooks name).
GraphQL execution is slow, hence fewer examples (40: with the late
deliveries and forged webhooks an example does more, and the two machines
together stay at the CI time they took before).
"""

from __future__ import annotations

import json
import os
import unittest

import graphql
import responses
from hypothesis import settings

from sync.config import Secret, ShopifySettings
from sync.shopify.client import ShopifyClient
from sync.shopify.inventory import ShopifyInventory
from tests.fakes.shopify.fake import ShopifyFake
from tests.fakes.shopify.schema import schema_available, schema_path
from tests.test_inventory_properties import BetweenReads, InventoryMachine

settings.register_profile("inventory-fake-ci", parent=settings.get_profile("inventory-ci"),
                          max_examples=40)


class InterleavedShopify(BetweenReads, ShopifyInventory):
    """The GraphQL adapter, with store traffic landing between the engine's read and write."""


class FakeShopifyMachine(InventoryMachine):
    """:class:`InventoryMachine` whose engine writes through the Admin API to the fake."""

    def make_store(self) -> BetweenReads:
        self.fake = ShopifyFake(self.shop, self.clock)
        self.http = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.http.start()
        self.fake.install(self.http)
        client = ShopifyClient(ShopifySettings(
            store="fernhill-demo.myshopify.com", access_token=Secret(self.fake.token),
            admin_url=self.fake.base_url), clock=self.clock)
        return InterleavedShopify(client, batch_size=2)

    def teardown(self) -> None:
        if not hasattr(self, "http"):
            return
        try:
            super().teardown()
            self._every_write_guarded()
        finally:
            self.http.stop()
            self.http.reset()

    def _every_write_guarded(self) -> None:
        """Every inventory mutation sent: ``changeFromQuantity`` on each quantity, a key."""
        writes = self.fake.calls.touching("inventorySetQuantities")
        for call in writes:
            assert call.outcome == "ok", (call.errors, call.variables)
            quantities = call.variables["input"]["quantities"]
            assert quantities and all(isinstance(q.get("changeFromQuantity"), int)
                                      for q in quantities), quantities
        sent = [_document(c.request.body) for c in self.http.calls
                if c.request.url == self.fake.graphql_url]
        mutations = [(field, variables) for document, variables in sent
                     for field in _mutation_fields(document)
                     if field.name.value.startswith("inventory")]
        assert len(mutations) >= len(writes)
        for field, variables in mutations:
            keys = [d for d in field.directives if d.name.value == "idempotent"]
            assert len(keys) == 1, f"{field.name.value} sent without @idempotent"
            key = graphql.value_from_ast_untyped(keys[0].arguments[0].value, variables)
            assert isinstance(key, str) and key.strip(), (field.name.value, key)


def _document(body: bytes | str) -> tuple[graphql.DocumentNode, dict]:
    payload = json.loads(body)
    return graphql.parse(payload["query"]), payload.get("variables") or {}


def _mutation_fields(document: graphql.DocumentNode) -> list[graphql.FieldNode]:
    return [selection for operation in document.definitions
            if isinstance(operation, graphql.OperationDefinitionNode)
            and operation.operation == graphql.OperationType.MUTATION
            for selection in operation.selection_set.selections
            if isinstance(selection, graphql.FieldNode)]


TestInventoryPropertiesOnFake = unittest.skipUnless(
    schema_available(), f"Shopify Admin schema not found at {schema_path()}"
    " (set HUBSHOP_CONTRACTS)")(FakeShopifyMachine.TestCase)
TestInventoryPropertiesOnFake.settings = settings.get_profile(
    os.environ.get("HUBSHOP_INVENTORY_FAKE_PROFILE", "inventory-fake-ci"))
