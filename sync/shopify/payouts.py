"""Shopify Payments, read-only: balance, payout schedule and recent payouts.

One query (``queries/payouts.graphql``); it needs the ``read_shopify_payments_payouts``
scope, and a missing scope is named by the client (``ACCESS_DENIED``).
"""

from __future__ import annotations

from sync.operator.payouts import PayoutsSummary, parse_account
from sync.shopify.client import ShopifyClient, load_document

MAX_PAYOUTS = 250


class ShopifyPayouts:
    """:class:`~sync.operator.payouts.PayoutsSource` over the Admin API."""

    name = "shopify"

    def __init__(self, client: ShopifyClient) -> None:
        self.client = client

    def read(self, limit: int = 10) -> PayoutsSummary:
        """Balance, schedule and the ``limit`` newest payouts (1..250: one page)."""
        limit = max(1, min(int(limit), MAX_PAYOUTS))
        before = self.client.stats.calls
        data = self.client.execute(load_document("payouts"), {"first": limit})
        summary = parse_account(data.get("shopifyPaymentsAccount"), self.client.settings.store)
        summary.api_calls = {"shopify": self.client.stats.calls - before}
        return summary
