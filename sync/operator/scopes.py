"""The access scopes each feature needs, in one place (the doctor checks them).

Shopify scopes are the app's ``accessScopes`` handles; HubSpot's are a private
app's scope names (``hubdb`` for HubDB tables, ``content`` for the CMS source code).
"""

from __future__ import annotations

SHOPIFY_FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "catalog sync": ("read_products",),
    "inventory sync": ("read_products", "read_inventory", "write_inventory", "read_locations"),
    "order catch-up": ("read_orders", "read_merchant_managed_fulfillment_orders"),
    "webhooks": ("read_products", "read_inventory", "read_orders", "read_fulfillments"),
    "payouts": ("read_shopify_payments_payouts",),
}

HUBSPOT_FEATURE_SCOPES: dict[str, tuple[str, ...]] = {
    "catalog sync (HubDB)": ("hubdb",),
    "theme upload (CMS source code)": ("content",),
}


def missing_scopes(needed: dict[str, tuple[str, ...]], granted: set[str]) -> dict[str, list[str]]:
    """``{feature: [scope, ...]}`` for every feature short of a scope (write_X implies read_X)."""
    implied = set(granted) | {s.replace("write_", "read_", 1) for s in granted
                              if s.startswith("write_")}
    return {feature: [s for s in scopes if s not in implied]
            for feature, scopes in needed.items() if any(s not in implied for s in scopes)}
