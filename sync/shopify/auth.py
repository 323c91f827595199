"""Shopify Admin tokens: a custom app's token as is, or the client-credentials grant.

Apps made in the Dev Dashboard for your own organisation get ~24-hour tokens
from ``POST https://{shop}/admin/oauth/access_token`` with
``grant_type=client_credentials``; we cache them and renew before expiry.
"""

from __future__ import annotations

import requests

from sync.config import ShopifySettings
from sync.errors import ConfigError, RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.retry import send_with_retry
from sync.plumbing.tokens import CachedToken, StaticToken

TOKEN_PATH = "/admin/oauth/access_token"  # noqa: S105 - a URL path, not a secret


def token_provider(
    settings: ShopifySettings,
    *,
    session: requests.Session | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CachedToken | StaticToken:
    """The token source for these settings; fails naming what to set if there is none."""
    if settings.access_token is not None:
        return StaticToken(settings.access_token.reveal())
    if not (settings.client_id and settings.client_secret):
        raise ConfigError("Shopify is not configured: missing " + ", ".join(settings.missing()))
    http = session or requests.Session()
    client_id, secret = settings.client_id, settings.client_secret

    def grant() -> tuple[str, float]:
        response = send_with_retry(
            http,
            "POST",
            settings.base_url + TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret.reveal(),
            },
            clock=clock,
        )
        if response.status_code in (400, 401, 403):
            raise ConfigError(
                f"Shopify refused the client credentials for {settings.store} "
                f"(HTTP {response.status_code}): check SHOPIFY_CLIENT_ID / SHOPIFY_CLIENT_SECRET "
                "and that the app is installed on the store"
            )
        if not response.ok:
            raise RemoteError(f"Shopify token request failed: HTTP {response.status_code}")
        body = response.json()
        return str(body["access_token"]), float(body.get("expires_in", 86399))

    return CachedToken(grant, clock=clock)
