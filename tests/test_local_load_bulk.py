"""`store load` creates new products in bulk: the store one-by-one upserts leave, few statements."""

from __future__ import annotations

import copy
import sqlite3
from decimal import Decimal

from sync.local.db import connect
from sync.local.load import LoadReport, _location, _upsert_one, load_products
from sync.local.shop import LocalShop
from sync.model.shop import Collection, Variant
from sync.plumbing.clock import VirtualClock
from tests.catalog_world import make_product


def _products():
    items = [make_product(n, variants=1 + n % 3) for n in range(40)]
    items[3].variants.append(Variant(sku="GIFT", price=Decimal(25), options={"Size": "XL"},
                                     title="XL", inventory_tracked=False, position=4))
    items[5].collections = ["picks"]
    items[7].variants[0].inventory_quantity = -2
    again = copy.deepcopy(items[10])
    again.title = "Item 10, renamed later in the same file"
    return [*items, again]


def _shop(path) -> LocalShop:
    shop = LocalShop(connect(path), VirtualClock())
    shop.upsert_product(make_product(900))  # an existing product the file updates
    shop.upsert_collection(Collection(handle="picks", title="Picks",
                                      product_handles=["item-00005"]))
    return shop


def _dump(conn: sqlite3.Connection) -> list[str]:
    return list(conn.iterdump())


def test_bulk_creation_leaves_exactly_the_store_one_by_one_upserts_leave(tmp_path) -> None:
    # given the same file, one of whose products exists already and one repeated
    products = [*_products(), make_product(900)]
    products[-1].title = "Item 900, updated"
    one_by_one, bulk = _shop(tmp_path / "a.sqlite3"), _shop(tmp_path / "b.sqlite3")
    # when one store takes them one by one and the other through the load
    expected = LoadReport()
    where = _location(one_by_one, None)
    for product in copy.deepcopy(products):
        _upsert_one(one_by_one, product, expected, where)
    report = load_products(bulk, copy.deepcopy(products))
    # then products, variants, ids, levels, history and queued webhooks are the same
    assert _dump(bulk.conn) == _dump(one_by_one.conn)
    assert report.counts() == expected.counts()
    assert report.created == expected.created and report.updated == expected.updated


ROW_INSERTS = tuple(f"INSERT INTO shop_{t} " for t in
                    ("products", "variants", "levels", "changes", "events"))


def test_loading_new_products_costs_one_lookup_each_besides_the_rows_written(tmp_path) -> None:
    # given an empty store and 40 new products
    shop = LocalShop(connect(tmp_path / "s.sqlite3"), VirtualClock())
    products = [make_product(n) for n in range(40)]
    statements: list[str] = []
    shop.conn.set_trace_callback(statements.append)
    # when
    report = load_products(shop, products)
    shop.conn.set_trace_callback(None)
    # then beyond the rows themselves (batched inserts) only the "is it new?" lookup
    # runs per product, plus a few statements per load (was ~180 a product)
    assert len(report.created) == 40
    other = [s for s in statements if not s.startswith(ROW_INSERTS)]
    lookups = [s for s in other if s.startswith("SELECT 1 FROM shop_products WHERE handle")]
    assert len(lookups) == 40
    assert len(other) - len(lookups) <= 30
