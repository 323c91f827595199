"""The access scopes granted to this app's installation (``currentAppInstallation``)."""

from __future__ import annotations

from sync.shopify.client import ShopifyClient, load_document


def granted_scopes(client: ShopifyClient) -> set[str]:
    """Scope handles Shopify granted the app: one call, any token that can call the API."""
    data = client.execute(load_document("app_scopes"))
    installation = data.get("currentAppInstallation") or {}
    return {str(s["handle"]) for s in installation.get("accessScopes") or []}
