"""Token providers: exchanged and granted tokens are cached and renewed before expiry."""

from __future__ import annotations

import json

import pytest
import responses

from sync.config import HubSpotSettings, Secret, ShopifySettings
from sync.errors import ConfigError
from sync.hubspot.auth import token_provider as hubspot_tokens
from sync.plumbing.clock import VirtualClock
from sync.shopify.auth import token_provider as shopify_tokens


@responses.activate
def test_personal_access_key_is_exchanged_once_then_renewed_before_expiry() -> None:
    # given a key and a HubSpot that hands out 30-minute tokens
    clock = VirtualClock()
    issued = iter(["tok-1", "tok-2"])

    def refresh(request):
        body = json.loads(request.body)
        assert body == {"encodedOAuthRefreshToken": "CiR-the-key"}
        assert "portalId=123" in request.url
        expires = int((clock.now().timestamp() + 1800) * 1000)
        return 200, {}, json.dumps({"oauthAccessToken": next(issued), "expiresAtMillis": expires})

    responses.add_callback(
        responses.POST, "https://api.hubapi.com/localdevauth/v1/auth/refresh", callback=refresh
    )
    settings = HubSpotSettings(account_id="123", personal_access_key=Secret("CiR-the-key"))
    provider = hubspot_tokens(settings, clock=clock)
    # when
    first, again = provider.get(), provider.get()
    clock.advance(1600)  # inside the 5-minute renewal margin
    renewed = provider.get()
    # then
    assert (first, again, renewed) == ("tok-1", "tok-1", "tok-2")
    assert len(responses.calls) == 2


@responses.activate
def test_rejected_key_says_what_to_do() -> None:
    responses.add(responses.POST, "https://api.hubapi.com/localdevauth/v1/auth/refresh", status=401)
    provider = hubspot_tokens(HubSpotSettings(personal_access_key=Secret("CiR-bad")))
    with pytest.raises(ConfigError, match="Personal access key") as caught:
        provider.get()
    assert "CiR-bad" not in str(caught.value)


def test_private_app_token_is_used_as_is() -> None:
    provider = hubspot_tokens(HubSpotSettings(access_token=Secret("pat-na1-x")))
    assert provider.get() == "pat-na1-x"


def test_unconfigured_hubspot_names_the_settings() -> None:
    with pytest.raises(ConfigError, match="HUBSPOT_ACCESS_TOKEN"):
        hubspot_tokens(HubSpotSettings())


@responses.activate
def test_client_credentials_grant_cached_and_renewed() -> None:
    # given
    clock = VirtualClock()
    tokens = iter(["shpat_a", "shpat_b"])
    responses.add_callback(
        responses.POST,
        "https://brand.myshopify.com/admin/oauth/access_token",
        callback=lambda req: (
            200,
            {},
            json.dumps({"access_token": next(tokens), "expires_in": 86399}),
        ),
    )
    settings = ShopifySettings(
        store="brand.myshopify.com", client_id="cid", client_secret=Secret("shpss_s")
    )
    provider = shopify_tokens(settings, clock=clock)
    # when
    a1, a2 = provider.get(), provider.get()
    clock.advance(86399 - 100)
    b = provider.get()
    # then
    assert (a1, a2, b) == ("shpat_a", "shpat_a", "shpat_b")
    sent = responses.calls[0].request.body
    assert "grant_type=client_credentials" in sent and "client_id=cid" in sent


@responses.activate
def test_token_requests_retry_on_503() -> None:
    clock = VirtualClock()
    url = "https://brand.myshopify.com/admin/oauth/access_token"
    responses.add(responses.POST, url, status=503)
    responses.add(responses.POST, url, json={"access_token": "shpat_ok", "expires_in": 10})
    settings = ShopifySettings(
        store="brand.myshopify.com", client_id="cid", client_secret=Secret("shpss_s")
    )
    assert shopify_tokens(settings, clock=clock).get() == "shpat_ok"
    assert clock.slept > 0
