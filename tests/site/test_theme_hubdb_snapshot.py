"""The build's HubDB snapshot answers every query exactly as the store does, from one read."""

from __future__ import annotations

import pytest

from sync.errors import HubshopError
from sync.local.hubdb import LocalHubDB
from sync.site.hubdb_snapshot import SnapshotSource
from sync.site.hubl import LocalHubDBSource
from tests.site.theme_fixtures import product_hub

__all__ = ["product_hub"]

QUERIES = [
    [],
    [("category__eq", "Shirts"), ("price_min__lte", "60"), ("orderBy", "-price_min")],
    [("tags__contains", "sale"), ("limit", "5"), ("offset", "3")],
    [("available__eq", "true"), ("sort", "title"), ("limit", "2000")],
    [("hs_path__eq", "willow-overshirt")],
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
