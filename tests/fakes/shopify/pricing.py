"""How a fake shop prices queries: Shopify's published rules, or a live shop's departures from them.

Shopify publishes cost rules yet says running a query is the only way to know
its cost, and live shops report costs far from the rules in both directions
(a variants page priced at 25 points where the rules give 503; ``pageInfo``
charged as an object). A :class:`Pricing` bends the published figures the
same ways, so the client is tested against costs it could not have predicted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Pricing:
    """A pricing: ``page_info`` points per selected ``pageInfo``, then everything × ``factor``."""

    name: str
    factor: float = 1.0
    page_info: int = 0

    def scale(self, points: int) -> int:
        """Published points (with ``pageInfo`` already counted) as this shop charges them."""
        return int(math.ceil(points * self.factor - 1e-9)) if points else 0


PRICINGS: dict[str, Pricing] = {
    "published": Pricing("published"),
    "pageinfo": Pricing("pageinfo", page_info=1),
    "x0.1": Pricing("x0.1", factor=0.1),
    "x1.6": Pricing("x1.6", factor=1.6),
}
"""The pricings every reader is tested against (``tests/test_shopify_pricing.py``)."""


def pricing_named(name: str | Pricing) -> Pricing:
    """The preset called ``name``; unknown names fail listing the choices."""
    if isinstance(name, Pricing):
        return name
    try:
        return PRICINGS[name]
    except KeyError:
        raise ValueError(f"unknown pricing {name!r}: choose one of {sorted(PRICINGS)}") from None
