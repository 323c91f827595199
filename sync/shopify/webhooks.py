"""The app's webhook subscriptions: read what exists, create what is missing (idempotent).

Shopify allows one subscription per topic and address, and answers a second
``webhookSubscriptionCreate`` with a userError, so :func:`subscribe` first
lists the subscriptions to the address and creates only the missing topics.
Running it twice creates nothing the second time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.errors import InputError
from sync.shopify.client import ShopifyClient, load_document

SCHEMES = ("https://", "pubsub://", "arn:aws:events:")


def enum_topic(topic: str) -> str:
    """``inventory_levels/update`` -> ``INVENTORY_LEVELS_UPDATE`` (the GraphQL enum)."""
    return topic.replace("/", "_").upper()


def rest_topic(topic: str) -> str:
    """``INVENTORY_LEVELS_UPDATE`` -> ``inventory_levels/update`` (the header's form)."""
    head, _, verb = topic.lower().rpartition("_")
    return f"{head}/{verb}"


@dataclass
class SubscribeReport:
    """What :func:`subscribe` found and did (or, dry, would do), by REST topic name."""

    address: str
    existing: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The CLI contract's shape: integer counts, the topics by name under ``topics``."""
        return {"address": self.address, "existing": len(self.existing),
                "created": 0 if self.dry_run else len(self.created),
                "would_create": len(self.created) if self.dry_run else 0,
                "topics": {"existing": list(self.existing),
                           ("would_create" if self.dry_run else "created"): list(self.created)},
                "dry_run": self.dry_run}


def existing_topics(client: ShopifyClient, address: str, topics: Sequence[str]) -> list[str]:
    """The REST topics among ``topics`` already subscribed at ``address``."""
    document = load_document("webhook_subscriptions")
    found: list[str] = []
    after: str | None = None
    while True:
        data = client.execute(document, {"uri": address, "after": after,
                                         "topics": [enum_topic(t) for t in topics]})
        page = data["webhookSubscriptions"]
        found += [rest_topic(node["topic"]) for node in page["nodes"] if node["uri"] == address]
        if not page["pageInfo"]["hasNextPage"]:
            return [t for t in topics if t in found]
        after = page["pageInfo"]["endCursor"]


def subscribe(client: ShopifyClient, address: str, topics: Sequence[str], *,
              dry_run: bool = False) -> SubscribeReport:
    """Subscribe ``address`` to every topic in ``topics`` that it is not subscribed to yet.

    Raises:
        InputError: an address Shopify would refuse (it must be https://, or an
            EventBridge or Pub/Sub address).
        ShopifyUserErrors: Shopify refused a subscription (shown whole).
    """
    if not address.startswith(SCHEMES):
        raise InputError("--address", f"{address!r} is not an https:// address",
                         "use the WebhookUrl output of the deployed stack")
    report = SubscribeReport(address=address, dry_run=dry_run)
    report.existing = existing_topics(client, address, topics)
    missing = [t for t in topics if t not in report.existing]
    if dry_run:
        report.created = missing
        return report
    document = load_document("webhook_subscription_create")
    for topic in missing:
        client.mutate(document, {"topic": enum_topic(topic), "uri": address},
                      root="webhookSubscriptionCreate")
        report.created.append(topic)
    return report
