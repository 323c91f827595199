"""The DynamoDB StateStore: the engine's Protocol, conditional writes, TTLs, claims, on moto."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from sync.inventory import run
from sync.inventory.policy import Policy
from sync.inventory.ports import LedgerEntry, StateStore, StockRecord
from sync.local.inventory import LocalInventory
from sync.plumbing.clock import VirtualClock
from sync.service.dynamo_state import DynamoState, StateConflict
from sync.warehouse.csv_drop import CsvDropWarehouse
from tests.test_service_world import World, aws_client, create_tables, make_world, moto_aws


@pytest.fixture
def world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[World]:
    yield from make_world(tmp_path, monkeypatch)


@pytest.fixture
def client(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for _ in moto_aws(monkeypatch):
        dynamodb = aws_client("dynamodb")
        create_tables(dynamodb)
        yield dynamodb


@pytest.fixture
def state(client: Any) -> DynamoState:
    return DynamoState("hubshop-state", client=client, clock=VirtualClock())


def test_it_is_the_engines_state_store(state: DynamoState) -> None:
    assert isinstance(state, StateStore)


def test_ledger_entries_round_trip_and_list_in_key_order(state: DynamoState) -> None:
    # given entries for several SKUs (spread over shards) with every kind of field
    at = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    entries = [LedgerEntry(sku=f"SKU-{n:03d}", location="WH-MAIN", available=n, committed=1,
                           offset=-2, warehouse=n + 1, inventory_item_id=f"gid://x/{n}",
                           pending=None, version=3, source="reconcile", updated_at=at)
               for n in range(30)]
    # when they are written in one go (one transaction per 100) and read back
    state.put(reversed(entries))
    # then every field survives, and items() lists them sorted
    assert state.items() == entries
    assert state.get("SKU-007", "WH-MAIN") == entries[7]
    assert state.get("SKU-007", "STORE-01") is None


def test_a_write_over_someone_elses_write_is_refused(client: Any) -> None:
    # given two consumers that both read the same entry
    first = DynamoState("hubshop-state", client=client)
    first.put([LedgerEntry(sku="TEE-S", location="WH-MAIN", available=5)])
    a = DynamoState("hubshop-state", client=client)
    b = DynamoState("hubshop-state", client=client)
    entry_a, entry_b = a.get("TEE-S", "WH-MAIN"), b.get("TEE-S", "WH-MAIN")
    assert entry_a is not None and entry_b is not None
    # when the first writes, then the second writes what it read earlier
    entry_a.available = 4
    a.put([entry_a])
    entry_b.available = 9
    with pytest.raises(StateConflict, match="TEE-S@WH-MAIN"):
        b.put([entry_b])
    # then the first write stands, and the loser succeeds after reading again
    assert DynamoState("hubshop-state", client=client).get("TEE-S", "WH-MAIN").available == 4
    again = b.get("TEE-S", "WH-MAIN")
    again.available = 9
    b.put([again])
    assert a.get("TEE-S", "WH-MAIN").available == 9


def test_creating_an_entry_someone_else_just_created_is_refused(client: Any) -> None:
    a = DynamoState("hubshop-state", client=client)
    b = DynamoState("hubshop-state", client=client)
    assert a.get("MUG-1", "WH-MAIN") is None and b.get("MUG-1", "WH-MAIN") is None
    a.put([LedgerEntry(sku="MUG-1", location="WH-MAIN", available=1)])
    with pytest.raises(StateConflict):
        b.put([LedgerEntry(sku="MUG-1", location="WH-MAIN", available=2)])


def test_a_many_entry_write_is_all_or_nothing_per_transaction(client: Any) -> None:
    a = DynamoState("hubshop-state", client=client)
    a.put([LedgerEntry(sku="A", location="WH-MAIN", available=1)])
    b = DynamoState("hubshop-state", client=client)  # never read A: believes it is new
    with pytest.raises(StateConflict):
        b.put([LedgerEntry(sku="B", location="WH-MAIN", available=2),
               LedgerEntry(sku="A", location="WH-MAIN", available=3)])
    assert a.get("B", "WH-MAIN") is None and a.get("A", "WH-MAIN").available == 1


def test_webhook_ids_are_remembered_with_a_ttl(state: DynamoState, client: Any) -> None:
    # given a delivery handled now
    now = state.clock.now()
    state.remember("b54557e4", now)
    # then it is seen, and DynamoDB's TTL attribute expires it three days on
    assert state.seen("b54557e4") and not state.seen("other")
    item = client.get_item(TableName="hubshop-state",
                           Key={"pk": {"S": "webhook#b54557e4"}, "sk": {"S": "-"}})["Item"]
    assert int(item["expires_at"]["N"]) == int((now + timedelta(days=3)).timestamp())
    # and once past it (before DynamoDB gets round to deleting), it counts as gone
    state.clock.advance(3 * 24 * 3600 + 1)
    assert not state.seen("b54557e4")


def test_flags_and_order_line_counts(state: DynamoState) -> None:
    state.set_flag("paused", "1")
    assert state.flag("paused") == "1"
    state.set_flag("paused", None)
    assert state.flag("paused") is None
    state.set_line_state("gid://shopify/LineItem/1", "2,0,0,0")
    assert state.line_state("gid://shopify/LineItem/1") == "2,0,0,0"
    assert state.line_state("gid://shopify/LineItem/2") is None


def test_resume_clears_only_what_it_read(state: DynamoState, client: Any) -> None:
    # given two records held while paused
    state.enqueue([StockRecord("TEE-S", "WH-MAIN", 4), StockRecord("TEE-M", "WH-MAIN", 6,
                   updated_at=datetime(2026, 11, 25, tzinfo=UTC), where="feed.csv:3")])
    # when a resume reads them, and another record queues meanwhile
    taken = state.pending()
    state.clock.advance(1)
    DynamoState("hubshop-state", client=client, clock=state.clock).enqueue(
        [StockRecord("MUG-1", "WH-MAIN", 2)])
    state.clear_pending()
    # then the late record is still queued
    assert [r.sku for r in taken] == ["TEE-S", "TEE-M"]
    assert taken[1].where == "feed.csv:3" and taken[1].updated_at is not None
    assert [r.sku for r in state.pending()] == ["MUG-1"]


def test_each_marked_product_is_taken_once(state: DynamoState, client: Any) -> None:
    state.mark_products(["gid://shopify/Product/1", "gid://shopify/Product/2",
                         "gid://shopify/Product/1"])
    other = DynamoState("hubshop-state", client=client)
    assert state.take_products() == ["gid://shopify/Product/1", "gid://shopify/Product/2"]
    assert other.take_products() == []


def test_runs_newest_first(state: DynamoState) -> None:
    for n in range(3):
        state.record_run({"kind": "reconcile", "written": n})
        state.clock.advance(60)
    assert [r["written"] for r in state.runs(limit=2)] == [2, 1]  # any summary shape round-trips


def test_the_engine_converges_on_dynamodb_state(world: World) -> None:
    # given the engine running on DynamoDB state against a local shop and a CSV feed
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    store, feed = LocalInventory(world.shop), CsvDropWarehouse(world.root / "feed.csv",
                                                               fields=dict(world.wiring.settings()
                                                                           .warehouse.fields))
    policy = Policy(location_map={"WH-MAIN": "Main Warehouse"})
    # when it reconciles twice (a fresh store object each time, as each invocation has)
    first = run.reconcile(store, feed, state, policy, clock=world.clock)
    state = DynamoState("hubshop-state", client=world.dynamodb, clock=world.clock)
    second = run.reconcile(store, feed, state, policy, clock=world.clock)
    # then the first writes the difference and the second writes nothing
    assert first.written > 0 and first.conflicts == 0
    assert second.counts()["written"] == 0
    assert world.level("TEE-S") == 9 and world.level("MUG-1") == 2
