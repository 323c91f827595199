"""The build's HubDB snapshot answers every query exactly as the store does, from one read."""

from __future__ import annotations

import pytest

from sync.errors import HubshopError
from sync.local.hubdb import LocalHubDB
from sync.site.hubdb_snapshot import SnapshotSource
from sync.site.hubl import LocalHubDBSource
from tests.site.theme_fixtures import built_site, product_hub

__all__ = ["built_site", "product_hub"]

QUERIES = [
    [],
    [("category__eq", "Shirts"), ("price_min__lte", "60"), ("orderBy", "-price_min")],
    [("tags__contains", "sale"), ("limit", "5"), ("offset", "3")],
    [("available__eq", "true"), ("sort", "title"), ("limit", "2000")],
    [("hs_path__eq", "willow-overshirt")],
    # a category looked up by option (the index the product pages' related grids use)
    [("category__eq", "Boots"), ("hs_path__ne", "ridge-trail-boot"), ("limit", "4")],
    [("category__eq", "Boots,Hats")],
    [("category__eq", "")],
    [("category__eq", "No such category")],
    [("vendor__eq", "Fernhill"), ("category__eq", "Candles"), ("orderBy", "-updated_at")],
]


@pytest.mark.parametrize("query", QUERIES)
def test_snapshot_matches_the_store(product_hub: LocalHubDB, query):
    store = LocalHubDBSource(product_hub)
    assert SnapshotSource(store).rows("products", query) == store.rows("products", query)


def test_snapshot_reads_the_table_once(product_hub: LocalHubDB):
    # given a store that counts its row reads
    store = LocalHubDBSource(product_hub)
    reads = []
    original = store.rows
    store.rows = lambda table, query: reads.append(query) or original(table, query)
    snapshot = SnapshotSource(store)
    # when
    for query in QUERIES:
        snapshot.rows("products", query)
    # then one read for the whole table, however many queries
    assert len(reads) == 1


def test_unknown_columns_fail_as_in_the_store(product_hub: LocalHubDB):
    snapshot = SnapshotSource(LocalHubDBSource(product_hub))
    with pytest.raises(HubshopError, match="colour"):
        snapshot.rows("products", [("colour__eq", "red")])


def test_rows_snapshot_written_by_the_build_is_small_and_api_shaped(built_site):
    # given the static build's rows snapshot
    import json

    from sync.site.hubdb_snapshot import ROWS_SNAPSHOT_DIR
    body = json.loads((built_site.out_dir / ROWS_SNAPSHOT_DIR / "products.json").read_text())
    row = body["results"][0]
    # then it has the rows API's shape, options as names, no rich text
    assert body["total"] == len(body["results"]) > 100
    assert set(row) == {"id", "path", "name", "values"}
    assert isinstance(row["values"]["category"], str) and "description" not in row["values"]
    page = (built_site.out_dir / "products" / "index.html").read_text()
    assert '<meta name="hubshop:rows-snapshot" content="/_hubshop/hubdb/">' in page
    # and only the columns the grid asks the rows API for: no per-variant JSON, no summary
    asked = page.split('data-hubdb-columns="')[1].split('"')[0].split(",")
    assert set().union(*(r["values"] for r in body["results"])) == set(asked)
    assert "variants" not in asked and {"images", "price_min", "updated_at"} <= set(asked)


def test_the_preview_rereads_the_store_only_after_a_write(clock):
    # given a snapshot over a small store that counts its row reads
    hub = LocalHubDB.in_memory(clock)
    hub.create_table({"name": "t", "label": "T", "columns": [
        {"name": "title", "label": "Title", "type": "TEXT"}]})
    hub.create_row("t", {"values": {"title": "one"}})
    hub.publish("t")
    store = LocalHubDBSource(hub)
    reads = []
    original = store.rows
    store.rows = lambda table, query: reads.append(query) or original(table, query)
    snapshot = SnapshotSource(store)
    # when requests come in (the preview refreshes before each) with no write between them
    for _ in range(3):
        snapshot.refresh()
        snapshot.rows("t", [])
    # then the rows were read once; after a write, the next request sees it
    assert len(reads) == 1
    hub.create_row("t", {"values": {"title": "two"}})
    hub.publish("t")
    snapshot.refresh()
    assert snapshot.rows("t", [])["total"] == 2 and len(reads) == 2
