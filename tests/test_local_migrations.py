"""Stores made by older versions are brought up to date: the unused second ledger goes."""

from __future__ import annotations

from sync.local import db
from sync.local.demo import MARKER
from sync.local.ledger import SqliteState


def _tables(conn) -> set[str]:
    return {r["name"] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_the_old_state_tables_are_dropped_and_their_flags_kept(tmp_path):
    # given a store as the previous version left it: the second ledger's tables, the demo
    # marker in its flags, and the inventory component one migration behind
    path = tmp_path / "hubshop.sqlite3"
    conn = db.connect(path)
    conn.executescript(
        "CREATE TABLE state_flags (name TEXT PRIMARY KEY, value TEXT NOT NULL,"
        " updated_at TEXT NOT NULL);"
        "CREATE TABLE state_ledger (sku TEXT, location TEXT);"
        "CREATE TABLE state_runs (id INTEGER PRIMARY KEY);"
        "CREATE TABLE state_seen_webhooks (id TEXT PRIMARY KEY);"
        "CREATE TABLE state_keys (name TEXT, version TEXT);"
        f"INSERT INTO state_flags VALUES ('{MARKER}', '\"2\"', '2026-11-01');"
        "INSERT INTO schema_versions VALUES ('state', 1);"
        "UPDATE schema_versions SET version = 1 WHERE component = 'inventory';")
    conn.close()
    # when it is opened by this version
    conn = db.connect(path)
    # then the old tables are gone, the marker lives in the engine's state, and the
    # component's record is dropped; opening again changes nothing
    assert not {t for t in _tables(conn) if t.startswith("state_")}
    assert SqliteState(conn).flag(MARKER) == "2"
    versions = {r["component"]: r["version"] for r in conn.execute("SELECT * FROM schema_versions")}
    assert "state" not in versions and versions["inventory"] == 4
    conn.close()
    assert SqliteState(db.connect(path)).flag(MARKER) == "2"


def test_a_new_store_has_only_one_ledger(tmp_path):
    # when a fresh store is created
    conn = db.connect(tmp_path / "new.sqlite3")
    # then it holds the engine's ledger and none of the old one
    tables = _tables(conn)
    assert "inventory_ledger" in tables and not {t for t in tables if t.startswith("state_")}


def test_an_old_pause_queue_keeps_one_record_per_key_the_newest(tmp_path):
    # given a store whose pause queue held every record of every paused run
    path = tmp_path / "hubshop.sqlite3"
    conn = db.connect(path)
    conn.executescript(
        "DROP TABLE inventory_held;"
        "CREATE TABLE inventory_pending (id INTEGER PRIMARY KEY AUTOINCREMENT, record TEXT);"
        "INSERT INTO inventory_pending (record) VALUES"
        " ('{\"sku\": \"A\", \"location\": \"MAIN\", \"on_hand\": 5,"
        " \"updated_at\": \"2026-11-02T08:00:00+00:00\"}'),"
        " ('{\"sku\": \"A\", \"location\": \"MAIN\", \"on_hand\": 3,"
        " \"updated_at\": \"2026-11-01T08:00:00+00:00\"}'),"
        " ('{\"sku\": \"B\", \"location\": \"MAIN\", \"on_hand\": 1}');"
        "UPDATE schema_versions SET version = 3 WHERE component = 'inventory';")
    conn.close()
    # when it is opened by this version
    held = SqliteState(db.connect(path)).pending()
    # then one record per SKU@location is held, the newest warehouse figure
    assert sorted((r.sku, r.on_hand) for r in held) == [("A", 5), ("B", 1)]
