"""The generic JSON REST warehouse: configured paths and fields, pages, bad lines, adjustments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from sync.errors import RemoteError
from sync.warehouse.rest import RestWarehouse

URL = "https://wms.example.com/api"
FIELDS = {"sku": "item_code", "location": "site", "on_hand": "physical", "allocated": "reserved"}
PATHS = {"snapshot": "/v1/stock", "changes": "/v1/stock/moves?since={since}",
         "adjust": "/v1/adjustments"}


@pytest.fixture
def warehouse() -> RestWarehouse:
    return RestWarehouse(URL, api_key="wms-secret-key", fields=FIELDS, paths=PATHS)


@responses.activate
def test_snapshot_follows_pages_and_maps_field_names(warehouse):
    # given
    responses.get(f"{URL}/v1/stock", json={"items": [
        {"item_code": "TEE-S", "site": "MAIN", "physical": 9, "reserved": 1}],
        "next": f"{URL}/v1/stock?page=2"})
    responses.get(f"{URL}/v1/stock?page=2", json={"items": [
        {"item_code": "TEE-M", "site": "MAIN", "physical": "4", "reserved": 0}]})
    # when
    records = warehouse.snapshot()
    # then
    assert [(r.sku, r.on_hand, r.allocated, r.sellable) for r in records] == [
        ("TEE-S", 9, 1, 8), ("TEE-M", 4, 0, 4)]
    assert responses.calls[0].request.headers["X-Api-Key"] == "wms-secret-key"


@responses.activate
def test_bad_lines_are_rejected_one_by_one_and_the_rest_kept(warehouse):
    # given
    responses.get(f"{URL}/v1/stock", json=[
        {"item_code": "TEE-S", "site": "MAIN", "physical": 3},
        {"item_code": "TEE-M", "site": "MAIN", "physical": -2},
        {"item_code": "", "site": "MAIN", "physical": 1},
        {"item_code": "TEE-L", "site": "MAIN", "physical": 1.5},
        ["not", "an", "object"],
    ])
    # when
    records = warehouse.snapshot()
    # then
    assert [r.sku for r in records] == ["TEE-S"]
    assert [(r.where, r.reason.split(":")[0]) for r in warehouse.rejections] == [
        ("/v1/stock[1]", "on_hand"), ("/v1/stock[2]", "malformed"),
        ("/v1/stock[3]", "physical"), ("/v1/stock[4]", "malformed")]


@responses.activate
def test_changes_since_a_time_and_adjustments_with_their_reference(warehouse):
    # given
    responses.get(f"{URL}/v1/stock/moves", json={"records": []})
    responses.post(f"{URL}/v1/adjustments", json={"ok": True})
    # when
    warehouse.changes(datetime(2026, 1, 1, tzinfo=UTC))
    warehouse.adjust("TEE-S", "MAIN", -2, "shopify_hand_edit", "ref-1")
    # then
    assert "since=2026-01-01T00%3A00%3A00%2B00%3A00" in responses.calls[0].request.url
    sent = responses.calls[1].request
    assert json.loads(sent.body) == {"item_code": "TEE-S", "site": "MAIN", "delta": -2,
                                     "reason": "shopify_hand_edit", "reference": "ref-1"}
    assert sent.headers["Idempotency-Key"] == "ref-1"


@responses.activate
def test_errors_name_the_call_but_never_the_key(warehouse):
    # given
    responses.get(f"{URL}/v1/stock", status=503, body="down")
    # when
    with pytest.raises(RemoteError) as caught:
        warehouse.snapshot()
    # then
    assert "503" in str(caught.value) and "wms-secret-key" not in str(caught.value)


def test_a_warehouse_without_an_adjust_path_cannot_adjust():
    assert not RestWarehouse(URL, paths={"snapshot": "/s"}).can_adjust
