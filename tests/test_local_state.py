"""The service's state store: ledger with compare-and-swap, runs, webhook dedupe, key hashes."""

from __future__ import annotations

import sqlite3

import pytest

from sync.local import db
from sync.local.state import (
    Ledger,
    LedgerEntry,
    SqliteLedger,
    StateConflict,
    StateStore,
    hash_secret,
)
from sync.plumbing.clock import VirtualClock


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def state(clock: VirtualClock) -> StateStore:
    return StateStore(db.connect(":memory:"), clock)


def test_migrations_apply_on_a_fresh_file_and_connecting_twice_changes_nothing(tmp_path) -> None:
    # given
    path = tmp_path / "hubshop.sqlite3"
    # when
    first = db.connect(path)
    versions = dict(first.execute("SELECT component, version FROM schema_versions").fetchall())
    StateStore(first).set_flag("paused", True)
    first.close()
    again = db.connect(path)
    # then
    assert versions["state"] == 1 and versions["shop"] >= 1
    assert dict(again.execute("SELECT component, version FROM schema_versions").fetchall()) == (
        versions)
    assert StateStore(again).paused
    assert again.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_ledger_round_trips_an_entry_and_counts_versions(state: StateStore) -> None:
    # given
    entry = LedgerEntry(sku="TEE-S", location="Warehouse", warehouse=7, shopify_available=5,
                        shopify_committed=2, shopify_on_hand=7, offset=0,
                        pending=[{"source": "warehouse", "delta": 1}], source="warehouse")
    # when
    stored = state.ledger.put(entry)
    # then
    assert state.ledger.get("TEE-S", "Warehouse") == stored
    assert stored.version == 1 and stored.updated_at == VirtualClock().now()
    assert state.ledger.get("TEE-S", "Shop floor") is None


def test_ledger_put_with_a_stale_version_is_refused(state: StateStore) -> None:
    # given
    first = state.ledger.put(LedgerEntry(sku="A", location="L", warehouse=1))
    state.ledger.put(LedgerEntry(sku="A", location="L", warehouse=2),
                     expected_version=first.version)
    # when / then
    with pytest.raises(StateConflict):
        state.ledger.put(LedgerEntry(sku="A", location="L", warehouse=3),
                         expected_version=first.version)
    assert state.ledger.get("A", "L").warehouse == 2


def test_ledger_items_are_ordered_and_filterable(state: StateStore) -> None:
    # given
    for sku, location in [("B", "L1"), ("A", "L2"), ("A", "L1")]:
        state.ledger.put(LedgerEntry(sku=sku, location=location))
    # then
    assert [(e.sku, e.location) for e in state.ledger.items()] == [
        ("A", "L1"), ("A", "L2"), ("B", "L1")]
    assert [e.location for e in state.ledger.items(sku="A")] == ["L1", "L2"]
    assert state.ledger.delete("B", "L1") and not state.ledger.delete("B", "L1")


def test_the_sqlite_ledger_satisfies_the_ledger_protocol(state: StateStore) -> None:
    ledger: Ledger = state.ledger
    assert isinstance(ledger, SqliteLedger)


def test_runs_record_kind_times_status_and_counts(state: StateStore, clock: VirtualClock) -> None:
    # given
    run = state.start_run("reconcile")
    clock.advance(5)
    # when
    done = state.finish_run(run.id, status="ok", counts={"checked": 10, "fixed": 2})
    failed = state.finish_run(state.start_run("reconcile").id, status="failed")
    # then
    assert (done.kind, done.status, done.counts) == ("reconcile", "ok", {"checked": 10, "fixed": 2})
    assert (done.finished_at - done.started_at).total_seconds() == 5
    assert state.last_run("reconcile") == done
    assert state.last_run("reconcile", status=None) == failed
    assert [r.id for r in state.runs(kind="reconcile")] == [failed.id, done.id]


def test_webhook_ids_are_remembered_once(state: StateStore, clock: VirtualClock) -> None:
    # when
    first = state.remember("b3f4c1e0-1", "inventory_levels/update")
    again = state.remember("b3f4c1e0-1", "inventory_levels/update")
    # then
    assert first and not again
    assert state.seen("b3f4c1e0-1") and not state.seen("other")
    # when time passes beyond Shopify's retry window
    clock.advance(5 * 3600)
    assert state.forget_webhooks_before(clock.now()) == 1
    assert not state.seen("b3f4c1e0-1")


def test_keys_rotate_through_stages_and_keep_only_hashes(state: StateStore) -> None:
    # given
    state.put_key("warehouse-api", "v1", "s3cret-one", stage="CURRENT")
    # when a rotation adds and promotes v2
    state.put_key("warehouse-api", "v2", "s3cret-two", stage="PENDING")
    assert state.match_key("warehouse-api", "s3cret-two").stage == "PENDING"
    state.set_stage("warehouse-api", "v2", "CURRENT")
    # then
    assert [(k.version, k.stage) for k in state.keys("warehouse-api")] == [
        ("v1", "PREVIOUS"), ("v2", "CURRENT")]
    assert state.match_key("warehouse-api", "s3cret-one").version == "v1"
    assert state.match_key("warehouse-api", "wrong") is None
    # when a third rotation retires v1
    state.put_key("warehouse-api", "v3", "s3cret-three", stage="CURRENT")
    assert state.match_key("warehouse-api", "s3cret-one") is None
    dump = "\n".join(state.conn.iterdump())
    assert "s3cret" not in dump and hash_secret("s3cret-one") in dump


def test_flags_hold_json_values(state: StateStore) -> None:
    # when
    state.set_flag("paused", True)
    state.set_flag("buffer", {"default": 2})
    # then
    assert state.paused and state.flags() == {"buffer": {"default": 2}, "paused": True}
    state.set_flag("paused", None)
    assert not state.paused and state.flag("missing", 3) == 3


def test_a_failed_write_leaves_nothing_behind(state: StateStore) -> None:
    # given
    state.ledger.put(LedgerEntry(sku="A", location="L", warehouse=1))
    # when
    with pytest.raises(sqlite3.Error), db.transaction(state.conn):
        state.ledger.put(LedgerEntry(sku="A", location="L", warehouse=9))
        state.conn.execute("INSERT INTO no_such_table VALUES (1)")
    # then
    assert state.ledger.get("A", "L").warehouse == 1
