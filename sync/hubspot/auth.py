"""HubSpot bearer tokens: a private app token as is, or a personal access key exchanged.

The HubSpot CLI's personal access key is a refresh credential, not a bearer
token: it is exchanged at ``POST /localdevauth/v1/auth/refresh`` for an access
token that lives about 30 minutes, which we cache until shortly before expiry.
"""

from __future__ import annotations

import requests

from sync.config import HubSpotSettings
from sync.errors import ConfigError, RemoteError
from sync.plumbing.clock import SYSTEM_CLOCK, Clock
from sync.plumbing.retry import send_with_retry
from sync.plumbing.tokens import CachedToken, StaticToken

REFRESH_PATH = "/localdevauth/v1/auth/refresh"


def token_provider(
    settings: HubSpotSettings,
    *,
    session: requests.Session | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> CachedToken | StaticToken:
    """The token source for these settings; fails naming what to set if there is none."""
    if settings.access_token is not None:
        return StaticToken(settings.access_token.reveal())
    if settings.personal_access_key is None:
        raise ConfigError("HubSpot is not configured: " + "; ".join(settings.missing()))
    http = session or requests.Session()
    key = settings.personal_access_key

    def exchange() -> tuple[str, float]:
        params = {"portalId": settings.account_id} if settings.account_id else None
        response = send_with_retry(
            http,
            "POST",
            settings.api_base + REFRESH_PATH,
            params=params,
            json={"encodedOAuthRefreshToken": key.reveal()},
            clock=clock,
        )
        if response.status_code in (401, 403):
            raise ConfigError(
                f"HubSpot refused the personal access key ({settings.source or 'configured key'}): "
                "generate a new one in HubSpot under Development > Personal access key"
            )
        if not response.ok:
            raise RemoteError(f"HubSpot token exchange failed: HTTP {response.status_code}")
        body = response.json()
        lifetime = (int(body["expiresAtMillis"]) / 1000.0) - clock.now().timestamp()
        return str(body["oauthAccessToken"]), max(lifetime, 60.0)

    return CachedToken(exchange, clock=clock)
