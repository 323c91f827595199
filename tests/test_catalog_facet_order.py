"""Facet values in the order shoppers expect, kept by the catalog sync as HubDB's option order."""

from __future__ import annotations

from decimal import Decimal

import pytest

from sync.catalog.apply import apply_plan
from sync.catalog.facet_order import ordered
from sync.catalog.plan import plan_sync
from sync.catalog.schema import live_order
from sync.local.hubdb import LocalHubDB
from sync.local.product_table import LocalProductTable
from sync.model.shop import Option, Product, ProductStatus, ShopFacts, Variant

SHOP = ShopFacts(domain="fernhill-demo.myshopify.com", currency="EUR")


def _product(n: int, option: str, values: tuple[str, ...], category: str = "Shirts") -> Product:
    return Product(
        id=f"gid://shopify/Product/{n}", handle=f"item-{n}", title=f"Item {n}",
        product_type=category, tags=["all"], options=[Option(option, values)],
        variants=[Variant(sku=f"SKU-{n}-{i}", price=Decimal(10 + i), options={option: value},
                          title=value, id=f"gid://shopify/ProductVariant/{n * 10 + i}",
                          position=i + 1)
                  for i, value in enumerate(values)],
        status=ProductStatus.ACTIVE,
    )


def _table(clock) -> LocalProductTable:
    return LocalProductTable(LocalHubDB.in_memory(clock), "products")


def _column(table: LocalProductTable, name: str) -> dict:
    return next(c for c in table.draft_table()["columns"] if c["name"] == name)


@pytest.mark.parametrize(("values", "expected"), [
    (["€100", "€25", "€50"], ["€25", "€50", "€100"]),
    (["10", "8", "9", "8.5"], ["8", "8.5", "9", "10"]),
    (["XL", "S", "XXL", "M", "XS", "L"], ["XS", "S", "M", "L", "XL", "XXL"]),
    (["320 g", "180 g"], ["180 g", "320 g"]),
    (["Sand", "moss", "Berry"], ["Berry", "moss", "Sand"]),
])
def test_values_sort_as_shoppers_read_them(values, expected) -> None:
    # when the values of one option are put in order
    result = ordered("option_values", [f"Size: {v}" for v in values])
    # then sizes go by size, numbers by value (with currency or unit), words A to Z
    assert [r.removeprefix("Size: ") for r in result] == expected


def test_option_values_group_by_option_name_and_other_columns_read_a_to_z() -> None:
    # given values of several options, and categories
    values = ["Size: L", "Amount: €100", "Colour: Moss", "Size: S", "Amount: €25"]
    # then each option's values stay together, each group in its own order
    assert ordered("option_values", values) == [
        "Amount: €25", "Amount: €100", "Colour: Moss", "Size: S", "Size: L"]
    assert ordered("category", ["T-Shirts", "boots", "Bags"]) == ["Bags", "boots", "T-Shirts"]


def test_a_new_table_holds_its_options_in_shopper_order(clock) -> None:
    # given gift cards in three amounts and tees in four sizes
    products = [_product(1, "Amount", ("€100", "€25", "€50"), "Gift Card"),
                _product(2, "Size", ("XL", "M", "S", "L"))]
    table = _table(clock)
    # when the first sync creates the table
    apply_plan(plan_sync(products, [], table="products", table_json=None, shop=SHOP), table)
    # then the column lists them in shopper order, and HubDB's order says the same
    column = _column(table, "option_values")
    assert live_order(column) == ["Amount: €25", "Amount: €50", "Amount: €100",
                                  "Size: S", "Size: M", "Size: L", "Size: XL"]
    assert [o["order"] for o in column["options"]] == list(range(7))


def test_a_table_synced_in_text_order_is_put_in_shopper_order_once(clock) -> None:
    # given a table whose options an earlier sync wrote in text order
    products = [_product(1, "Amount", ("€100", "€25", "€50"), "Gift Card")]
    table = _table(clock)
    apply_plan(plan_sync(products, [], table="products", table_json=None, shop=SHOP), table)
    live = table.draft_table()
    text_order = sorted(live_order(_column(table, "option_values")))
    table.update_table({"columns": [
        {**c, "options": [{**o, "order": text_order.index(o["name"])}
                          for o in sorted(c["options"], key=lambda o: text_order.index(o["name"]))]}
        if c["name"] == "option_values" else c for c in live["columns"]]})
    ids = {o["name"]: o["id"] for o in _column(table, "option_values")["options"]}
    assert live_order(_column(table, "option_values")) == ["Amount: €100", "Amount: €25",
                                                           "Amount: €50"]
    # when the next sync plans
    plan = plan_sync(products, table.draft_rows(), table="products",
                     table_json=table.draft_table(), shop=SHOP)
    # then it re-orders that column and touches no row
    assert [(c.kind, c.column) for c in plan.schema] == [("order_options", "option_values")]
    assert "shopper order" in plan.schema[0].describe()
    assert not plan.creates and not plan.updates and not plan.deletes
    result = apply_plan(plan, table)
    assert result.schema_calls == 1
    column = _column(table, "option_values")
    assert live_order(column) == ["Amount: €25", "Amount: €50", "Amount: €100"]
    assert {o["name"]: o["id"] for o in column["options"]} == ids
    # and the sync after that has nothing to do
    again = plan_sync(products, table.draft_rows(), table="products",
                      table_json=table.draft_table(), shop=SHOP)
    assert again.schema == [] and again.empty


def test_a_new_size_joins_its_place_not_the_end(clock) -> None:
    # given a table with tees in S, M and L
    table = _table(clock)
    tee = _product(1, "Size", ("S", "M", "L"))
    apply_plan(plan_sync([tee], [], table="products", table_json=None, shop=SHOP), table)
    # when a product in XS and XL arrives
    plan = plan_sync([tee, _product(2, "Size", ("XS", "XL"))], table.draft_rows(),
                     table="products", table_json=table.draft_table(), shop=SHOP)
    apply_plan(plan, table)
    # then the new sizes sit where sizes go
    assert ("add_options", "option_values", ("Size: XS", "Size: XL")) in [
        (c.kind, c.column, c.options) for c in plan.schema]
    assert live_order(_column(table, "option_values")) == [
        "Size: XS", "Size: S", "Size: M", "Size: L", "Size: XL"]
