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
ROW_WRITES = (*ROW_INSERTS, *(f"UPDATE shop_{t} SET " for t in ("products", "variants", "levels")))
"""Statements that write one row each (sqlite3 traces every row of an ``executemany``)."""


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


def _changed(products):
    """The file a week later: renamed, repriced, resized, restocked, re-collected, dropped."""
    later = copy.deepcopy(products)
    later[0].title = "Item 0, renamed"
    later[1].variants[0].price += 5
    later[2].variants.pop()  # a size dropped
    later[4].variants.append(Variant(sku="SKU-NEW", price=Decimal(30), options={"Size": "XL"},
                                     title="XL", inventory_quantity=7, position=4))
    later[7].variants.reverse()  # the same sizes in another order
    later[8].variants[0].inventory_quantity += 3  # only stock moves
    later[9].variants[0].inventory_quantity = 0
    later[5].collections = ["picks", "sale"]
    later[12].variants[0].sku = ""  # matched by its options instead
    later.insert(20, make_product(700))  # a new product between updated ones
    return later


def _store_load_twice(path, first, second, *, one_by_one: bool) -> LocalShop:
    shop = _shop(path)
    shop.upsert_collection(Collection(handle="sale", title="Sale"))
    load_products(shop, copy.deepcopy(first))
    shop.clock.advance(3600)
    if one_by_one:
        where = _location(shop, None)
        expected = LoadReport()
        for product in copy.deepcopy(second):
            _upsert_one(shop, product, expected, where)
        shop.expected = expected
    else:
        shop.report = load_products(shop, copy.deepcopy(second))
    return shop


def test_reloading_a_changed_file_in_bulk_leaves_the_store_one_by_one_upserts_leave(
        tmp_path) -> None:
    # given a store loaded from a file, and the same file changed in every way a file changes
    first = _products()
    second = _changed(first)
    # when one store re-loads it one product at a time and the other through the bulk load
    one_by_one = _store_load_twice(tmp_path / "a.sqlite3", first, second, one_by_one=True)
    bulk = _store_load_twice(tmp_path / "b.sqlite3", first, second, one_by_one=False)
    # then products, variants, ids, levels, history and queued webhooks are the same
    assert _dump(bulk.conn) == _dump(one_by_one.conn)
    assert bulk.report.counts() == one_by_one.expected.counts()
    assert bulk.report.updated == one_by_one.expected.updated
    assert bulk.report.unchanged == one_by_one.expected.unchanged
    assert bulk.report.created == ["item-00700"] and bulk.report.quantities_set == 5
    assert bulk.report.updated == [f"item-{n:05d}" for n in (0, 1, 2, 4, 5, 7, 10, 12)]


def _catalog(shop: LocalShop) -> list[tuple]:
    """The products as a shopper sees them: no ids or times."""
    return sorted(
        (p.handle, p.title, tuple(p.collections),
         tuple((v.sku, v.title, str(v.price), v.inventory_quantity, v.position)
               for v in p.variants))
        for p in shop.list_products())


def test_loading_then_reloading_a_changed_file_gives_the_store_a_fresh_load_of_it_gives(
        tmp_path) -> None:
    # given a file and the same file changed
    first = _products()
    second = _changed(first)
    # when one store loads the first and then the second, another only the second
    reloaded = _store_load_twice(tmp_path / "a.sqlite3", first, second, one_by_one=False)
    fresh = _shop(tmp_path / "b.sqlite3")
    fresh.upsert_collection(Collection(handle="sale", title="Sale"))
    load_products(fresh, copy.deepcopy(second))
    # then both hold the same products, variants, prices, stock and collections
    assert _catalog(reloaded) == _catalog(fresh)


def test_reloading_costs_a_few_statements_a_batch_besides_one_lookup_a_product(tmp_path) -> None:
    # given a store holding 40 products, and the file again with every product changed
    shop = LocalShop(connect(tmp_path / "s.sqlite3"), VirtualClock())
    products = [make_product(n) for n in range(40)]
    load_products(shop, copy.deepcopy(products))
    for product in products:
        product.title += " (new season)"
        product.variants[0].inventory_quantity += 1
    statements: list[str] = []
    shop.conn.set_trace_callback(statements.append)
    # when
    report = load_products(shop, products)
    shop.conn.set_trace_callback(None)
    # then only the "is it new?" lookup runs per product, the rest per batch (was ~180 a product)
    assert len(report.updated) + len(report.unchanged) == 40 and report.quantities_set == 40
    other = [s for s in statements if not s.startswith(ROW_WRITES)]
    lookups = [s for s in other if s.startswith("SELECT 1 FROM shop_products WHERE handle")]
    assert len(lookups) == 40
    assert len(other) - len(lookups) <= 30
