"""Demo payouts for the embedded default, in the shape Shopify's ``shopifyPaymentsAccount`` answers.

The file ships with the package (``sync/local/demo/payouts.json``) and is read by
the same parser as Shopify's answer, so the demo exercises the real code path.
Its dates are moved by whole days so the newest payout is issued tomorrow (by
the clock given; today by default): a scheduled payout is never in the past,
and the spacing between payouts is the file's.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

from sync.errors import InputError
from sync.model.time import from_iso, utc
from sync.operator.payouts import PayoutsSummary, parse_account
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

DEMO_PAYOUTS = Path(__file__).with_name("demo") / "payouts.json"
DEMO_STORE = "fernhill-demo.myshopify.com"


class LocalPayouts:
    """:class:`~sync.operator.payouts.PayoutsSource` over a JSON file (the demo's, by default)."""

    name = "local"

    def __init__(self, path: Path = DEMO_PAYOUTS, store: str = DEMO_STORE, *,
                 clock: Clock = SYSTEM_CLOCK) -> None:
        self.path = Path(path)
        self.store = store
        self.clock = clock

    def read(self, limit: int = 10) -> PayoutsSummary:
        """The file's balance, schedule and ``limit`` newest payouts; no API calls."""
        try:
            account = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(str(self.path), f"demo payouts unreadable: {exc}") from None
        account.setdefault("activated", True)
        account["payouts"] = {"nodes": self._dated(account.get("payouts") or [])}
        summary = parse_account(account, self.store, source="local")
        summary.payouts = summary.payouts[: max(1, int(limit))]
        return summary

    def _dated(self, nodes: list[dict[str, object]]) -> list[dict[str, object]]:
        """The payouts moved by whole days so the newest is issued tomorrow."""
        try:
            issued = [utc(from_iso(str(n["issuedAt"]))) for n in nodes]  # type: ignore[arg-type]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(str(self.path), f"demo payouts: bad issuedAt ({exc})") from None
        if not issued:
            return nodes
        tomorrow = utc(self.clock.now()).date() + timedelta(days=1)
        shift = timedelta(days=(tomorrow - max(issued).date()).days)
        return [{**n, "issuedAt": (at + shift).strftime("%Y-%m-%dT%H:%M:%SZ")}
                for n, at in zip(nodes, issued, strict=True)]
