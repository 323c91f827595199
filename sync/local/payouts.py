"""Demo payouts for the embedded default, in the shape Shopify's ``shopifyPaymentsAccount`` answers.

The file ships with the package (``sync/local/demo/payouts.json``) and is read by
the same parser as Shopify's answer, so the demo exercises the real code path.
"""

from __future__ import annotations

import json
from pathlib import Path

from sync.errors import InputError
from sync.operator.payouts import PayoutsSummary, parse_account

DEMO_PAYOUTS = Path(__file__).with_name("demo") / "payouts.json"
DEMO_STORE = "fernhill-demo.myshopify.com"


class LocalPayouts:
    """:class:`~sync.operator.payouts.PayoutsSource` over a JSON file (the demo's, by default)."""

    name = "local"

    def __init__(self, path: Path = DEMO_PAYOUTS, store: str = DEMO_STORE) -> None:
        self.path = Path(path)
        self.store = store

    def read(self, limit: int = 10) -> PayoutsSummary:
        """The file's balance, schedule and ``limit`` newest payouts; no API calls."""
        try:
            account = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(str(self.path), f"demo payouts unreadable: {exc}") from None
        account.setdefault("activated", True)
        account["payouts"] = {"nodes": account.get("payouts") or []}
        summary = parse_account(account, self.store, source="local")
        summary.payouts = summary.payouts[: max(1, int(limit))]
        return summary
