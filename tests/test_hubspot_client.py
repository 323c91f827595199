"""The shared HubSpot client against the HubDB loopback fake through the official SDK."""

from __future__ import annotations

import pytest

from sync.config import HubSpotSettings, Secret
from sync.hubspot.client import HubSpotClient, shared_client
from sync.hubspot.errors import HubSpotError
from sync.plumbing.clock import VirtualClock
from tests.fakes.hubdb_server import HubDBFake

TABLE = {
    "name": "products",
    "label": "Products",
    "columns": [
        {"name": "title", "label": "Title", "type": "TEXT"},
        {"name": "price_min", "label": "Price", "type": "NUMBER"},
    ],
}


def _client(fake: HubDBFake, clock: VirtualClock) -> HubSpotClient:
    settings = HubSpotSettings(access_token=Secret(fake.token), api_base=fake.url, account_id="1")
    return HubSpotClient(settings, clock=clock)


def test_sdk_calls_are_counted_and_paced_without_429s() -> None:
    # given more calls than HubSpot allows in ten seconds
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _client(fake, clock)
        tables = client.api("cms.hubdb.tables_api")
        client.call("create_table", tables.create_table, hub_db_table_v3_request=TABLE)
        # when
        for _ in range(400):
            client.call("get_draft_table", tables.get_draft_table_details_by_id, "products")
        # then
        assert client.stats.calls == 401
        assert all(call.status != 429 for call in fake.calls)
        assert clock.monotonic() >= 20.0  # 401 calls at 190 / 10 s need at least two windows


def test_429_from_the_server_is_retried_after_retry_after() -> None:
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _client(fake, clock)
        tables = client.api("cms.hubdb.tables_api")
        fake.fail_next(429, times=1, retry_after=3)
        client.call("create_table", tables.create_table, hub_db_table_v3_request=TABLE)
        statuses = [c.status for c in fake.calls]
        assert statuses[0] == 429 and 200 <= statuses[-1] < 300 and len(statuses) == 2
        assert clock.slept >= 3


def test_filtered_rows_go_through_api_request() -> None:
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _client(fake, clock)
        fake.hubdb.create_table(TABLE)
        fake.hubdb.batch_create(
            "products",
            {"inputs": [{"values": {"title": f"T{i}", "price_min": i}} for i in range(10)]},
        )
        fake.hubdb.publish("products")
        query = {"price_min__lt": 3, "sort": "-price_min"}
        result = client.request("GET", "/cms/v3/hubdb/tables/products/rows", qs=query)
        assert [r["values"]["title"] for r in result["results"]] == ["T2", "T1", "T0"]


def test_client_errors_name_what_failed() -> None:
    clock = VirtualClock()
    with HubDBFake(clock=clock) as fake:
        client = _client(fake, clock)
        with pytest.raises(HubSpotError, match="HTTP 404"):
            client.request("GET", "/cms/v3/hubdb/tables/nope/rows", qs={"title__eq": "x"})


def test_shared_client_is_one_per_account() -> None:
    clock = VirtualClock()
    settings = HubSpotSettings(access_token=Secret("pat-na1-abcdefgh"), account_id="7")
    assert shared_client(settings, clock=clock) is shared_client(settings, clock=clock)
