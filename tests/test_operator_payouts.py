"""``hubshop payouts``: Shopify Payments balance, schedule and payouts, read-only."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from click.testing import CliRunner

from sync.cli import main
from sync.config import Secret, ShopifySettings
from sync.errors import ConfigError
from sync.local.payouts import LocalPayouts
from sync.operator.payouts import NO_WITHDRAWAL_API, payout_settings_url
from sync.shopify.client import QUERIES_DIR, ShopifyClient
from sync.shopify.payouts import ShopifyPayouts
from tests.fakes.shopify.schema import assert_valid


@pytest.fixture
def client(shopify_fake: Any, shopify_clock: Any) -> ShopifyClient:
    settings = ShopifySettings(store="fernhill-demo.myshopify.com",
                               access_token=Secret(shopify_fake.token),
                               admin_url=shopify_fake.base_url)
    return ShopifyClient(settings, clock=shopify_clock)


def _live_env(monkeypatch: pytest.MonkeyPatch, fake: Any) -> None:
    monkeypatch.setenv("SHOPIFY_STORE", "fernhill-demo.myshopify.com")
    monkeypatch.setenv("SHOPIFY_ACCESS_TOKEN", fake.token)
    monkeypatch.setenv("SHOPIFY_ADMIN_URL", fake.base_url)


def test_the_payouts_document_is_valid_2026_04(shopify_schema: Any) -> None:
    assert_valid((QUERIES_DIR / "payouts.graphql").read_text(), name="payouts.graphql")


def test_the_document_reads_only(shopify_schema: Any) -> None:
    # then: no mutation anywhere: there is no API that starts a payout
    import graphql

    document = graphql.parse((QUERIES_DIR / "payouts.graphql").read_text())
    assert [d.operation.value for d in document.definitions] == ["query"]


def test_shopify_payouts_come_newest_first_in_one_call(client: ShopifyClient) -> None:
    # when
    summary = ShopifyPayouts(client).read(limit=5)
    # then
    assert summary.api_calls == {"shopify": 1}
    assert [m.amount for m in summary.balance] == [Decimal("677.90")]
    assert summary.schedule == "daily"
    assert [p.status for p in summary.payouts] == ["SCHEDULED", "IN_TRANSIT", "PAID", "PAID",
                                                   "PAID"]
    issued = [p.issued_at for p in summary.payouts]
    assert issued == sorted(issued, reverse=True)
    assert summary.payouts[0].id == "9100000001"


def test_a_missing_scope_is_named(client: ShopifyClient, shopify_fake: Any) -> None:
    # given an app without the payouts scope
    shopify_fake.state.access_scopes = ("read_products",)
    # when / then
    with pytest.raises(ConfigError, match="read_shopify_payments_payouts"):
        ShopifyPayouts(client).read()


def test_the_demo_payouts_parse_like_shopifys() -> None:
    # when
    summary = LocalPayouts().read(limit=3)
    # then
    assert summary.source == "local" and summary.enabled
    assert len(summary.payouts) == 3 and summary.api_calls == {"shopify": 0}
    assert summary.as_dict()["withdrawal_api"] is False


def test_schedules_in_words() -> None:
    from sync.operator.payouts import parse_account

    weekly = parse_account({"payoutSchedule": {"interval": "WEEKLY", "weeklyAnchor": "FRIDAY"}},
                           "x.myshopify.com")
    monthly = parse_account({"payoutSchedule": {"interval": "MONTHLY", "monthlyAnchor": 15}},
                            "x.myshopify.com")
    off = parse_account(None, "x.myshopify.com")
    assert weekly.schedule == "weekly on Friday"
    assert monthly.schedule == "monthly on day 15"
    assert not off.enabled and "not set up" in off.lines()[0]
    assert payout_settings_url("x.myshopify.com") == (
        "https://admin.shopify.com/store/x/settings/payments")


def test_the_command_on_the_embedded_default_shows_demo_figures_and_says_no_withdrawal() -> None:
    # when
    result = CliRunner().invoke(main, ["payouts"])
    # then
    assert result.exit_code == 0, result.output
    assert "demo figures" in result.stdout
    assert NO_WITHDRAWAL_API in result.stdout
    assert "settings/payments" in result.stdout and "Instant payouts" in result.stdout


def test_json_is_one_object_with_amounts_as_strings() -> None:
    result = CliRunner().invoke(main, ["payouts", "--json", "--limit", "2"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"] == "local" and len(data["payouts"]) == 2
    assert data["balance"] == [{"amount": "677.90", "currency": "EUR"}]
    assert data["api_calls"] == {"shopify": 0}


def test_csv_has_one_row_per_payout() -> None:
    result = CliRunner().invoke(main, ["payouts", "--csv"])
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert [r["amount"] for r in rows] == ["412.80", "265.10", "530.45", "198.00", "341.75"]


def test_the_command_reads_shopify_when_configured(shopify_fake: Any,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # given
    _live_env(monkeypatch, shopify_fake)
    # when
    result = CliRunner().invoke(main, ["payouts", "--json"])
    # then
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["source"] == "shopify" and data["api_calls"] == {"shopify": 1}
    assert data["settings_url"] == "https://admin.shopify.com/store/fernhill-demo/settings/payments"


def test_a_missing_scope_is_one_line_not_a_traceback(shopify_fake: Any,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _live_env(monkeypatch, shopify_fake)
    shopify_fake.state.access_scopes = ()
    result = CliRunner().invoke(main, ["payouts"])
    assert result.exit_code == 1
    assert "read_shopify_payments_payouts" in result.output and "Traceback" not in result.output


def test_demo_payouts_are_dated_from_today_none_scheduled_in_the_past() -> None:
    from datetime import UTC, datetime

    from sync.plumbing.clock import VirtualClock

    # given the demo read on 2026-12-04
    clock = VirtualClock(datetime(2026, 12, 4, 21, 30, tzinfo=UTC))
    # when
    summary = LocalPayouts(clock=clock).read(limit=10)
    # then the scheduled payout is tomorrow, the rest before today, the file's spacing kept
    dates = {p.status: p.issued_at[:10] for p in reversed(summary.payouts)}
    assert dates["SCHEDULED"] == "2026-12-05"
    assert all(p.issued_at[:10] < "2026-12-05" for p in summary.payouts
               if p.status != "SCHEDULED")
    assert [p.issued_at[:10] for p in summary.payouts][:2] == ["2026-12-05", "2026-12-02"]
