"""``hubshop serve``: the Lambda handlers over real HTTP on the embedded default; its schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sync.config import load_settings
from sync.errors import ConfigError
from sync.inventory.embedded import open_ports
from sync.plumbing.clock import VirtualClock
from sync.service.local_server import LocalService
from sync.service.schedule import Schedule
from sync.service.signatures import sign

KEY = "serve-test-key"
SECRET = "serve-webhook-secret"


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalService]:
    """One server for the file: creating the demo store takes a few seconds."""
    tmp_path = tmp_path_factory.mktemp("serve")
    settings = load_settings(env={"HUBSHOP_HOME": str(tmp_path / "home")}, cwd=tmp_path)
    local = LocalService(settings, push_key=KEY, webhook_secrets=[SECRET],
                         clock=VirtualClock(), schedule=False, port=0).start()
    yield local
    local.stop()


def test_a_warehouse_push_over_http_reaches_the_local_store(service: LocalService) -> None:
    # given the embedded demo store behind `hubshop serve`
    ports = open_ports(service.settings, service.conn, service.clock)
    sku = sorted(e.sku for e in ports.warehouse.snapshot())[0]
    record = next(r for r in ports.warehouse.snapshot() if r.sku == sku)
    # when the warehouse pushes a new figure, with the key
    response = requests.post(f"{service.address}/warehouse/stock", headers={"X-Api-Key": KEY},
                             json=[{"sku": sku, "location": record.location,
                                    "on_hand": record.allocated + 3,
                                    "allocated": record.allocated}], timeout=10)
    service.drain()
    # then it is accepted and applied
    assert response.status_code == 202 and response.json()["accepted"] == 1
    assert service.report.failed == 0, service.report.last_error
    assert service.report.results[-1]["kind"] == "stock"
    assert service.report.results[-1]["written"] == 1


def test_serve_refuses_what_lambda_refuses(service: LocalService) -> None:
    body = json.dumps({"id": 1}).encode()
    refused = requests.post(f"{service.address}/webhooks/shopify", data=body, timeout=10,
                            headers={"X-Shopify-Hmac-Sha256": sign(body, "wrong"),
                                     "X-Shopify-Topic": "products/update",
                                     "X-Shopify-Webhook-Id": "w-1"})
    assert refused.status_code == 401
    assert requests.post(f"{service.address}/warehouse/stock", json=[], timeout=10
                         ).status_code == 401
    assert requests.get(f"{service.address}/health", timeout=10).json() == {"ok": True}


def test_a_signed_webhook_is_processed(service: LocalService) -> None:
    body = json.dumps({"id": 7000000000001,
                       "admin_graphql_api_id": "gid://shopify/Product/7000000000001"}).encode()
    response = requests.post(f"{service.address}/webhooks/shopify", data=body, timeout=10,
                             headers={"X-Shopify-Hmac-Sha256": sign(body, SECRET),
                                      "X-Shopify-Topic": "products/update",
                                      "X-Shopify-Webhook-Id": "w-2"})
    service.drain()
    assert response.status_code == 200
    assert service.report.results[-1]["products"] == ["gid://shopify/Product/7000000000001"]


def test_the_schedule_polls_every_n_minutes_and_reconciles_at_local_midnight() -> None:
    # given a store in Amsterdam polling every 15 minutes, started at 22:50 UTC (23:50 there)
    schedule = Schedule("Europe/Amsterdam", 15)
    start = datetime(2026, 11, 25, 22, 50, tzinfo=UTC)
    assert schedule.due(start) == ["poll"]
    # when time passes
    assert schedule.due(start + timedelta(minutes=5)) == []
    # then at 00:00 Amsterdam time (23:00 UTC) the nightly reconcile comes, once
    assert schedule.due(start + timedelta(minutes=10)) == ["reconcile"]
    assert schedule.due(start + timedelta(minutes=15)) == ["poll"]
    assert schedule.due(start + timedelta(hours=12)) == ["poll"]
    assert schedule.due(start + timedelta(hours=24, minutes=10)) == ["reconcile", "poll"]


def test_a_bad_time_zone_is_named() -> None:
    with pytest.raises(ConfigError, match="Mars/Olympus"):
        Schedule("Mars/Olympus", 15)
