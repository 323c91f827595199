"""``currentAppInstallation``: the access scopes granted to the calling app (set on the fake)."""

from __future__ import annotations

from typing import Any

from ..registry import resolves

# What a fully set-up hubshop app is granted; tests remove some to see `doctor` name them.
GRANTED_SCOPES = (
    "read_products", "read_inventory", "write_inventory", "read_locations", "read_orders",
    "read_fulfillments", "read_merchant_managed_fulfillment_orders",
    "read_shopify_payments_payouts",
)


@resolves("QueryRoot", "currentAppInstallation")
def installation(_: Any, info: Any) -> dict:
    scopes = getattr(info.context, "access_scopes", None)
    handles = GRANTED_SCOPES if scopes is None else scopes
    return {
        "__typename": "AppInstallation",
        "id": "gid://shopify/AppInstallation/4400000001",
        "accessScopes": [{"__typename": "AccessScope", "handle": h, "description": h}
                         for h in handles],
    }
