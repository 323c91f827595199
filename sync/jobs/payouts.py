"""Where payouts come from: Shopify Payments when configured, else the demo figures."""

from __future__ import annotations

from sync.config import Settings
from sync.errors import ConfigError
from sync.operator.payouts import PayoutsSource
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


def open_payouts(settings: Settings, *, source: str | None = None,
                 clock: Clock = SYSTEM_CLOCK) -> PayoutsSource:
    """Shopify Payments when Shopify is configured (or ``source="shopify"``), else the demo.

    Raises:
        ConfigError: ``source="shopify"`` without Shopify credentials, or Shopify partly
            configured (names what is missing).
    """
    if source is None and settings.shopify.partial:
        # demo money for a half-configured shop would pass for the real balance
        missing = ", ".join(settings.shopify.missing())
        raise ConfigError(f"Shopify is partly configured: missing {missing}; set it, or unset "
                          "the other Shopify settings to see the demo figures")
    kind = source or ("shopify" if settings.shopify.configured else "local")
    if kind == "shopify":
        if not settings.shopify.configured:
            raise ConfigError("payouts from Shopify need " + ", ".join(settings.shopify.missing()))
        from sync.shopify.client import ShopifyClient
        from sync.shopify.payouts import ShopifyPayouts

        return ShopifyPayouts(ShopifyClient(settings.shopify, clock=clock))
    if kind == "local":
        from sync.local.payouts import LocalPayouts

        return LocalPayouts(clock=clock)
    raise ConfigError(f"unknown payouts source {kind!r}; choose shopify or local")
