"""Paging the local HubDB reads the table once, and never serves rows a write has changed."""

from __future__ import annotations

import pytest

from sync.local.db import apply_migrations, connect
from sync.local.hubdb import LocalHubDB

COLUMNS = [{"name": "title", "label": "Title", "type": "TEXT"},
           {"name": "tags", "label": "Tags", "type": "MULTISELECT",
            "options": [{"name": "new"}, {"name": "sale"}]}]


def _open(path):
    conn = connect(path, migrate=False)
    apply_migrations(conn)
    return conn


def _fill(hub: LocalHubDB, count: int) -> None:
    hub.create_table({"name": "products", "label": "Products", "columns": COLUMNS})
    for start in range(0, count, 100):
        hub.batch_create("products", {"inputs": [
            {"values": {"title": f"p{i}", "tags": [{"name": "new"}]}, "path": f"p{i}"}
            for i in range(start, min(start + 100, count))]})
    hub.publish("products")


@pytest.fixture
def hub(tmp_path, clock) -> LocalHubDB:
    store = LocalHubDB(_open(tmp_path / "store.sqlite3"), clock)
    _fill(store, 1000)
    return store


def _row_reads(hub: LocalHubDB) -> list[str]:
    reads: list[str] = []
    hub.conn.set_trace_callback(
        lambda sql: reads.append(sql) if "FROM hubdb_rows" in sql and "SELECT" in sql else None)
    return reads


def test_ten_pages_of_a_table_read_its_rows_once(hub: LocalHubDB):
    # given a 1,000-row table and a count of row reads
    reads = _row_reads(hub)
    # when every page of 100 and a key lookup are asked for
    seen = []
    for offset in range(0, 1000, 100):
        page = hub.rows("products", query=[("limit", "100"), ("offset", str(offset))])
        seen += [r["path"] for r in page["results"]]
    found = hub.rows("products", query=[("title__in", "p3,p500,nope")])["results"]
    # then the table was read once, and the answers are HubDB's
    assert len(reads) == 1
    assert seen == [f"p{i}" for i in range(1000)]
    assert sorted(r["path"] for r in found) == ["p3", "p500"]


def test_a_write_from_another_connection_is_seen_at_once(hub: LocalHubDB, tmp_path, clock):
    # given rows already read (and held) through one connection
    assert hub.rows("products", query=[("title__eq", "p1")])["total"] == 1
    other = LocalHubDB(_open(tmp_path / "store.sqlite3"), clock)
    # when another connection changes a row and publishes
    row_id = other.rows("products", query=[("title__eq", "p1")])["results"][0]["id"]
    other.update_row("products", row_id, {"values": {"title": "renamed"}})
    other.publish("products")
    # then the first connection answers from the new rows
    assert hub.rows("products", query=[("title__eq", "p1")])["total"] == 0
    assert hub.rows("products", query=[("title__eq", "renamed")])["total"] == 1


def test_rows_handed_out_can_be_changed_without_touching_the_store(hub: LocalHubDB):
    # given a page of rows
    first = hub.rows("products", query=[("limit", "1")])["results"][0]
    # when the caller changes it in place
    first["values"]["title"] = "scribbled"
    first["values"]["tags"][0]["name"] = "scribbled"
    # then the next read is unchanged
    again = hub.rows("products", query=[("limit", "1")])["results"][0]
    assert again["values"]["title"] == "p0" and again["values"]["tags"][0]["name"] == "new"
