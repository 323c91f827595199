"""``shopifyPaymentsAccount``: read-only balance, schedule and a few demo payouts."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from ..connections import paginate
from ..registry import fail, resolves
from ..state import timestamp

# (days before now, status, net amount): a week of daily payouts, the newest still moving.
_PAYOUTS = [(1, "SCHEDULED", "412.80"), (2, "IN_TRANSIT", "265.10"), (3, "PAID", "530.45"),
            (4, "PAID", "198.00"), (5, "PAID", "341.75")]


@resolves("QueryRoot", "shopifyPaymentsAccount")
def account(_: Any, info: Any) -> dict:
    state = info.context
    granted = state.access_scopes
    if granted is not None and "read_shopify_payments_payouts" not in granted:
        raise fail("Access denied for shopifyPaymentsAccount field. Required access: "
                   "`read_shopify_payments_payouts` access scope.", "ACCESS_DENIED")
    code = state.shop.info().currency
    payouts = [
        {
            "__typename": "ShopifyPaymentsPayout",
            "id": f"gid://shopify/ShopifyPaymentsPayout/{9100000001 + index}",
            "legacyResourceId": str(9100000001 + index),
            "status": status,
            "transactionType": "DEPOSIT",
            "net": {"amount": amount, "currencyCode": code},
            "issuedAt": timestamp(state.now() - timedelta(days=days)),
        }
        for index, (days, status, amount) in enumerate(_PAYOUTS)
    ]

    def payout_page(info: Any, **args: Any) -> dict:
        window = {k: args.get(k) for k in ("first", "after", "last", "before", "reverse")}
        return paginate(payouts, view=lambda p: p, key=lambda p: p["id"],
                        bulk=state.bulk, **window)

    return {
        "__typename": "ShopifyPaymentsAccount",
        "id": "gid://shopify/ShopifyPaymentsAccount/8800000001",
        "activated": True,
        "defaultCurrency": code,
        "balance": [{"amount": "677.90", "currencyCode": code}],
        "payoutSchedule": {"interval": "DAILY", "weeklyAnchor": None, "monthlyAnchor": None},
        "payouts": payout_page,
    }
