"""What the fake remembers beside the local shop: webhooks, bulk and product operations, keys."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import graphql

from sync.model.shop import gid
from sync.plumbing.clock import Clock

# Ids of objects only the fake holds, counted up like the store's own.
FAKE_ID_BASES = {
    "WebhookSubscription": 1100000000001,
    "BulkOperation": 3300000000001,
    "ProductSetOperation": 5600000000001,
    "InventoryAdjustmentGroup": 7700000000001,
    "StagedUpload": 1,
}


@dataclass
class FakeState:
    """Shared by every request; resolvers reach it as ``info.context``.

    ``bulk`` is set on a shallow copy while a bulk query runs, so connections
    return every node instead of a page.
    """

    shop: Any
    clock: Clock
    base_url: str
    bulk_host: str = "https://storage.googleapis.com/fake-shopify-bulk"
    upload_host: str = "https://shopify-staged-uploads.storage.googleapis.com"
    bulk: bool = False
    webhooks: dict[str, dict] = field(default_factory=dict)
    bulk_operations: dict[str, dict] = field(default_factory=dict)
    bulk_files: dict[str, bytes] = field(default_factory=dict)
    product_operations: dict[str, dict] = field(default_factory=dict)
    # (mutation, key) -> (input fingerprint, response, when first applied)
    idempotency: dict[tuple[str, str], tuple[str, Any, datetime]] = field(default_factory=dict)
    staged_uploads: dict[str, bytes] = field(default_factory=dict)
    counters: dict[str, int] = field(default_factory=dict)
    schema: graphql.GraphQLSchema | None = None
    # The app installation's access scopes (None: every scope hubshop asks for).
    access_scopes: tuple[str, ...] | None = None
    # Media the local shop cannot hold (videos, 3D models): product gid -> (position, node).
    extra_media: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    # How bulk query files order their lines (None: as groupObjects asks); see resolvers.bulk.
    bulk_order: str | None = None

    def next_gid(self, kind: str) -> str:
        number = self.counters.get(kind, FAKE_ID_BASES[kind])
        self.counters[kind] = number + 1
        return gid(kind, number)

    def now(self) -> datetime:
        return self.clock.now()

    def for_bulk(self) -> FakeState:
        return dataclasses.replace(self, bulk=True)


def timestamp(moment: datetime | None) -> str | None:
    """Shopify's DateTime: ISO 8601 in UTC with a ``Z``, seconds precision."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.astimezone(UTC).replace(microsecond=0).isoformat()
    return text.replace("+00:00", "Z")
