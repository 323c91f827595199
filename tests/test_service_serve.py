"""``hubshop serve``: the Lambda handlers over real HTTP on the embedded default; its schedule."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
import requests

from sync.config import load_settings
from sync.demo.seed import seed_demo_store
from sync.errors import ConfigError
from sync.jobs.inventory import open_ports
from sync.local.db import connect
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
    conn = connect(settings.database)
    seed_demo_store(settings, conn)  # `hubshop serve` does this on an empty store; ports never
    conn.close()
    local = LocalService(settings, push_key=KEY, webhook_secrets=[SECRET],
                         clock=VirtualClock(), schedule=False, port=0).start()
    yield local
    local.stop()


def test_a_warehouse_push_over_http_reaches_the_local_store(service: LocalService) -> None:
    # given the embedded demo store behind `hubshop serve`
    ports = open_ports(service.settings, service.conn, service.clock)
    sku = sorted(e.sku for e in ports.warehouse.snapshot().records)[0]
    record = next(r for r in ports.warehouse.snapshot().records if r.sku == sku)
    # when the warehouse pushes a new figure, with the key
    # (in the demo feed's own field names, outside the repo: the demo defaults apply)
    response = requests.post(f"{service.address}/warehouse/stock", headers={"X-Api-Key": KEY},
                             json=[{"sku": sku, "location_code": record.location,
                                    "qty_on_hand": record.allocated + 3,
                                    "qty_allocated": record.allocated}], timeout=10)
    service.drain()
    # then it is accepted and applied
    assert response.status_code == 202 and response.json()["accepted"] == 1
    assert service.report.failed == 0, service.report.last_error
    assert service.report.results[-1]["kind"] == "stock"
    assert service.report.results[-1]["written"] == 1


def test_the_readme_push_is_judged_line_by_line_outside_the_repo(
    service: LocalService
) -> None:
    # given serve started in a folder with no hubshop.toml (demo fields, demo location map)
    assert not (service.settings.home.parent / "hubshop.toml").exists()
    # when the README's example push arrives
    response = requests.post(f"{service.address}/warehouse/stock", headers={"X-Api-Key": KEY},
                             timeout=10, json=[
        {"sku": "FH-SO-009-43-SKY", "location_code": "WH-MAIN", "qty_on_hand": 41,
         "qty_allocated": 0},
        {"sku": "FH-SO-009-43-SKY", "location_code": "WH-MOON", "qty_on_hand": 3},
        {"sku": "FH-TE-006-S-OCH", "location_code": "WH-MAIN", "qty_on_hand": -1}])
    service.drain()
    # then the good line is accepted and the two bad ones named
    body = response.json()
    assert response.status_code == 202 and body["accepted"] == 1, body
    assert [(r["where"], r["sku"]) for r in body["rejected"]] == [
        ("body[1]", "FH-SO-009-43-SKY"), ("body[2]", "FH-TE-006-S-OCH")]
    assert "location_map" in body["rejected"][0]["reason"]


def test_unknown_skus_are_listed_in_the_answer(service: LocalService) -> None:
    response = requests.post(f"{service.address}/warehouse/stock", headers={"X-Api-Key": KEY},
                             timeout=10, json=[
        {"sku": "FH-SO-009-43-SKY", "location_code": "WH-MAIN", "qty_on_hand": 40},
        {"sku": "NOPE-1", "location_code": "WH-MAIN", "qty_on_hand": 3}])
    service.drain()
    body = response.json()
    assert response.status_code == 202 and body["accepted"] == 1
    assert [(r["where"], r["sku"]) for r in body["rejected"]] == [("body[1]", "NOPE-1")]
    assert "unknown SKU" in body["rejected"][0]["reason"]


@pytest.mark.parametrize("body", [
    b'[{"sku": "A", "location_code": "WH-MAIN", "qty_on_hand": ' + b"9" * 5000 + b"}]",
    b"[" * 100_000 + b"]" * 100_000,
])
def test_a_body_the_json_reader_chokes_on_gets_an_answer_not_a_dropped_connection(
    service: LocalService, body: bytes
) -> None:
    response = requests.post(f"{service.address}/warehouse/stock", data=body, timeout=10,
                             headers={"X-Api-Key": KEY, "Content-Type": "application/json"})
    assert response.status_code == 400 and response.json()["error"]


def test_an_oversized_body_is_refused_before_it_is_read(service: LocalService) -> None:
    import socket

    host, port = service.server.server_address[:2]
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(b"POST /warehouse/stock HTTP/1.1\r\nHost: x\r\nX-Api-Key: " + KEY.encode()
                     + b"\r\nContent-Length: 999999999\r\n\r\n[")
        reply = conn.recv(4096).decode()
    assert reply.startswith("HTTP/1.0 413") or reply.startswith("HTTP/1.1 413"), reply


def test_serve_refuses_what_lambda_refuses(service: LocalService) -> None:
    body = json.dumps({"id": 1}).encode()
    refused = requests.post(f"{service.address}/webhooks/shopify", data=body, timeout=10,
                            headers={"X-Shopify-Hmac-Sha256": sign(body, "wrong"),
                                     "X-Shopify-Topic": "products/update",
                                     "X-Shopify-Webhook-Id": "w-1"})
    assert refused.status_code == 401
    assert requests.post(f"{service.address}/warehouse/stock", json=[], timeout=10
                         ).status_code == 401
    health = requests.get(f"{service.address}/health", timeout=10).json()
    assert health["ok"] is True and health["dead_letters"] == 0


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
