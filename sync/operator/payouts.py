"""Shopify Payments payouts as the operator sees them: balance, schedule, recent payouts.

Shopify pays a shop's balance out on the schedule set in its admin; no API starts
a withdrawal (``shopifyPaymentsAccount`` is read-only). So this view reads, and
points the operator at the one place where the schedule, and instant payouts
where Shopify offers them, are changed.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

PAYOUTS_SCOPE = "read_shopify_payments_payouts"
NO_WITHDRAWAL_API = (
    "Shopify pays out your balance on the schedule set in its admin; there is no API "
    "to start a withdrawal, so hubshop only shows what Shopify will pay and has paid."
)
INSTANT_PAYOUTS = (
    "Instant payouts, where Shopify offers them to your shop, are taken in the admin: "
    "Finance > Payouts."
)
CSV_FIELDS = ("id", "issued_at", "status", "transaction_type", "amount", "currency")


@dataclass(frozen=True)
class Money:
    """An amount in one currency, kept as a Decimal so cents never drift."""

    amount: Decimal
    currency: str

    def __str__(self) -> str:
        return f"{self.amount:,.2f} {self.currency}"


@dataclass(frozen=True)
class Payout:
    """One transfer from Shopify Payments to the shop's bank account."""

    id: str
    issued_at: str
    status: str
    net: Money
    transaction_type: str = "DEPOSIT"


@dataclass
class PayoutsSummary:
    """What ``hubshop payouts`` shows; ``source`` says whether it is Shopify or the demo."""

    source: str
    store: str | None
    enabled: bool = True
    balance: list[Money] = field(default_factory=list)
    interval: str | None = None
    weekly_anchor: str | None = None
    monthly_anchor: int | None = None
    payouts: list[Payout] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=lambda: {"shopify": 0})

    @property
    def settings_url(self) -> str:
        """The admin page where the payout schedule is set (Settings > Payments)."""
        return payout_settings_url(self.store)

    @property
    def schedule(self) -> str:
        """The schedule in words: ``daily``, ``weekly on MONDAY``, ``monthly on day 15``."""
        if not self.interval:
            return "unknown"
        words = self.interval.lower()
        if self.interval == "WEEKLY" and self.weekly_anchor:
            return f"{words} on {self.weekly_anchor.capitalize()}"
        if self.interval == "MONTHLY" and self.monthly_anchor:
            return f"{words} on day {self.monthly_anchor}"
        if self.interval == "MANUAL":
            return "manual (paid out when you ask in the admin)"
        return words

    def as_dict(self) -> dict[str, Any]:
        """One JSON object: amounts as strings, so no float ever rounds a cent."""
        return {
            "source": self.source,
            "store": self.store,
            "enabled": self.enabled,
            "balance": [_money(m) for m in self.balance],
            "schedule": {"interval": self.interval, "weekly_anchor": self.weekly_anchor,
                         "monthly_anchor": self.monthly_anchor},
            "payouts": [{"id": p.id, "issued_at": p.issued_at, "status": p.status,
                         "transaction_type": p.transaction_type, **_money(p.net)}
                        for p in self.payouts],
            "withdrawal_api": False,
            "note": NO_WITHDRAWAL_API,
            "instant_payouts": INSTANT_PAYOUTS,
            "settings_url": self.settings_url,
            "api_calls": dict(self.api_calls),
        }

    def to_csv(self) -> str:
        """The recent payouts as CSV (one row each), for a spreadsheet or the bookkeeper."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        for p in self.payouts:
            writer.writerow([p.id, p.issued_at, p.status, p.transaction_type,
                             f"{p.net.amount:.2f}", p.net.currency])
        return out.getvalue()

    def lines(self) -> list[str]:
        """The human view: what Shopify will pay, when, and where to change it."""
        where = "demo figures (embedded default)" if self.source == "local" else self.store
        if not self.enabled:
            return [f"Shopify Payments is not set up for {where}: no balance or payouts to show.",
                    f"Set it up in the admin: {self.settings_url}"]
        balance = ", ".join(str(m) for m in self.balance) or "0.00"
        out = [f"Shopify Payments: {where}",
               f"  balance: {balance}",
               f"  payout schedule: {self.schedule}",
               "  recent payouts:"]
        out += [f"    {p.issued_at[:10]}  {p.status:<10} {p.net}" for p in self.payouts]
        if not self.payouts:
            out.append("    (none yet)")
        out += ["", NO_WITHDRAWAL_API,
                f"Change the schedule in the admin: {self.settings_url}",
                INSTANT_PAYOUTS]
        return out


class PayoutsSource(Protocol):
    """Where payouts come from: Shopify Payments, or the demo figures of the embedded default."""

    def read(self, limit: int) -> PayoutsSummary:
        """The balance, schedule and the ``limit`` most recent payouts, newest first."""
        ...


def payout_settings_url(store: str | None) -> str:
    """``https://admin.shopify.com/store/{handle}/settings/payments`` for a store domain."""
    if not store:
        return "https://admin.shopify.com (Settings > Payments)"
    handle = store.removesuffix(".myshopify.com")
    return f"https://admin.shopify.com/store/{handle}/settings/payments"


def parse_account(account: dict[str, Any] | None, store: str | None, *,
                  source: str = "shopify") -> PayoutsSummary:
    """Turn the query's ``shopifyPaymentsAccount`` into a summary (None: Payments not set up)."""
    if not account or account.get("activated") is False:
        return PayoutsSummary(source=source, store=store, enabled=False)
    schedule = account.get("payoutSchedule") or {}
    payouts = [
        Payout(
            id=str(node.get("legacyResourceId") or node["id"]),
            issued_at=str(node["issuedAt"]),
            status=str(node["status"]),
            net=_parse_money(node["net"]),
            transaction_type=str(node.get("transactionType") or "DEPOSIT"),
        )
        for node in (account.get("payouts") or {}).get("nodes") or []
    ]
    payouts.sort(key=lambda p: p.issued_at, reverse=True)
    return PayoutsSummary(
        source=source,
        store=store,
        balance=[_parse_money(m) for m in account.get("balance") or []],
        interval=schedule.get("interval"),
        weekly_anchor=schedule.get("weeklyAnchor"),
        monthly_anchor=schedule.get("monthlyAnchor"),
        payouts=payouts,
    )


def _parse_money(value: dict[str, Any]) -> Money:
    return Money(Decimal(str(value["amount"])), str(value["currencyCode"]))


def _money(money: Money) -> dict[str, str]:
    return {"amount": f"{money.amount:.2f}", "currency": money.currency}
