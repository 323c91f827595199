"""The generic JSON REST warehouse: configured paths and fields, pages, bad lines, adjustments."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from sync.errors import RemoteError
from sync.plumbing.clock import VirtualClock
from sync.plumbing.deadline import BudgetExceeded, Deadline
from sync.warehouse.rest import RestWarehouse

URL = "https://wms.example.com/api"
FIELDS = {"sku": "item_code", "location": "site", "on_hand": "physical", "allocated": "reserved"}
PATHS = {"snapshot": "/v1/stock", "changes": "/v1/stock/moves?since={since}",
         "adjust": "/v1/adjustments"}


@pytest.fixture
def warehouse() -> RestWarehouse:
    # waits (retries of a 503) pass on a virtual clock
    return RestWarehouse(URL, api_key="wms-secret-key", fields=FIELDS, paths=PATHS,
                         clock=VirtualClock())


@responses.activate
def test_snapshot_follows_pages_and_maps_field_names(warehouse):
    # given
    responses.get(f"{URL}/v1/stock", json={"items": [
        {"item_code": "TEE-S", "site": "MAIN", "physical": 9, "reserved": 1}],
        "next": f"{URL}/v1/stock?page=2"})
    responses.get(f"{URL}/v1/stock?page=2", json={"items": [
        {"item_code": "TEE-M", "site": "MAIN", "physical": "4", "reserved": 0}]})
    # when
    snapshot = warehouse.snapshot()
    records = snapshot.records
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
    snapshot = warehouse.snapshot()
    records = snapshot.records
    # then
    assert [r.sku for r in records] == ["TEE-S"]
    assert [(r.where, r.reason.split(":")[0]) for r in snapshot.rejected] == [
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


@responses.activate
def test_an_answer_that_is_not_json_names_the_url_and_status_but_not_the_query(warehouse):
    # given a proxy's HTML error page with a 200
    responses.get(f"{URL}/v1/stock", status=200, body="<html>Gateway login</html>",
                  content_type="text/html")
    keyed = RestWarehouse(URL, api_key="wms-secret-key", fields=FIELDS,
                          paths={**PATHS, "snapshot": "/v1/stock?token=abc123"})
    # when
    with pytest.raises(RemoteError) as caught:
        keyed.snapshot()
    # then
    message = str(caught.value)
    assert f"{URL}/v1/stock answered 200" in message and "not JSON (text/html)" in message
    assert "abc123" not in message and "wms-secret-key" not in message


@responses.activate
def test_a_next_page_on_another_host_never_gets_the_api_key(warehouse):
    # given a page whose next link leaves the warehouse's origin
    responses.get(f"{URL}/v1/stock", json={"items": [], "next": "https://evil.example/steal"})
    stolen = responses.get("https://evil.example/steal", json={"items": []})
    # when
    with pytest.raises(RemoteError) as caught:
        warehouse.snapshot()
    # then
    assert stolen.call_count == 0
    assert "https://evil.example/steal" in str(caught.value)
    assert "not following it with the API key" in str(caught.value)


@responses.activate
def test_redirects_are_followed_on_the_same_origin_only(warehouse):
    # given one redirect within the warehouse and one off it (also an https -> http downgrade)
    responses.get(f"{URL}/v1/stock", status=301, headers={"Location": "/api/v2/stock"})
    responses.get(f"{URL}/v2/stock", json={"items": [
        {"item_code": "TEE-S", "site": "MAIN", "physical": 2}]})
    responses.get(f"{URL}/v1/stock/moves", status=302,
                  headers={"Location": "http://wms.example.com/api/v1/stock/moves"})
    plain = responses.get("http://wms.example.com/api/v1/stock/moves", json=[])
    # when
    snapshot = warehouse.snapshot()
    records = snapshot.records
    with pytest.raises(RemoteError) as caught:
        warehouse.changes(datetime(2026, 1, 1, tzinfo=UTC))
    # then
    assert [r.sku for r in records] == ["TEE-S"]
    assert all(c.request.headers["X-Api-Key"] == "wms-secret-key" for c in responses.calls)
    assert plain.call_count == 0 and "302 redirect" in str(caught.value)


@responses.activate
def test_a_busy_warehouse_is_retried_after_its_retry_after():
    # given a warehouse that is briefly overloaded, then answers
    clock = VirtualClock()
    warehouse = RestWarehouse(URL, fields=FIELDS, paths=PATHS, clock=clock)
    responses.get(f"{URL}/v1/stock", status=429, headers={"Retry-After": "3"})
    responses.get(f"{URL}/v1/stock", status=503)
    responses.get(f"{URL}/v1/stock", json=[{"item_code": "TEE-S", "site": "MAIN",
                                            "physical": 2}])
    started = clock.monotonic()
    # when the snapshot is read
    records = warehouse.snapshot().records
    # then it took three calls and the server's wait, in virtual time
    assert [r.sku for r in records] == ["TEE-S"] and len(responses.calls) == 3
    assert clock.monotonic() - started >= 3


@responses.activate
def test_a_call_never_outlives_the_budget_its_caller_set():
    # given a warehouse that keeps asking for 20 s more, and a caller with 30 s
    clock = VirtualClock()
    warehouse = RestWarehouse(URL, fields=FIELDS, paths=PATHS, clock=clock, budget=30.0)
    responses.get(f"{URL}/v1/stock", status=503, headers={"Retry-After": "20"})
    started = clock.monotonic()
    # when the snapshot is read
    with pytest.raises(BudgetExceeded) as caught:
        warehouse.snapshot()
    # then it gave up without sleeping past the budget, and said why
    assert clock.monotonic() - started <= 30
    assert len(responses.calls) == 2 and "503" in str(caught.value)


@responses.activate
def test_a_shared_deadline_bounds_every_page_of_a_snapshot():
    # given pages that each need one 8 s retry, and one deadline of 20 s for all of them
    clock = VirtualClock()
    warehouse = RestWarehouse(URL, fields=FIELDS, paths=PATHS, clock=clock)
    warehouse.budget = Deadline(20.0, clock)
    for page in range(1, 5):
        url = f"{URL}/v1/stock?page={page}" if page > 1 else f"{URL}/v1/stock"
        responses.get(url, status=503, headers={"Retry-After": "8"})
        responses.get(url, json={"items": [], "next": f"{URL}/v1/stock?page={page + 1}"})
    started = clock.monotonic()
    # when the snapshot is read
    with pytest.raises(BudgetExceeded):
        warehouse.snapshot()
    # then the third page's wait would have passed the deadline: it stopped at 16 s
    assert clock.monotonic() - started == pytest.approx(16.0)
