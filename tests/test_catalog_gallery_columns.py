"""The products table's ``images`` and ``variants`` JSON columns: built, compared, added."""

from __future__ import annotations

from decimal import Decimal

from sync.catalog.apply import apply_plan
from sync.catalog.plan import plan_sync
from sync.catalog.table import COLUMNS
from sync.local.hubdb import LocalHubDB
from sync.local.product_table import LocalProductTable
from sync.model.shop import Image, ShopFacts
from tests.catalog_world import make_product

SHOP = ShopFacts(domain="fernhill-demo.myshopify.com", currency="EUR")
NEW = ("images", "variants")


def _products(count: int):
    items = [make_product(n, variants=3) for n in range(count)]
    for n, item in enumerate(items):
        item.id = f"gid://shopify/Product/{n + 1}"
        item.images.append(Image(src=f"https://cdn.example/item-{n}-back.jpg", alt="Back",
                                 position=2, width=800, height=800))
        for i, variant in enumerate(item.variants):
            variant.id = f"gid://shopify/ProductVariant/{(n + 1) * 10 + i}"
            variant.compare_at_price = Decimal("99.50") if i == 0 else None
    return items


def _plan(table: LocalProductTable, products):
    table_json = table.draft_table()
    rows = [] if table_json is None else table.draft_rows()
    return plan_sync(products, rows, table="products", table_json=table_json, shop=SHOP)


def test_rows_carry_every_image_and_a_cart_id_per_option_combination(clock) -> None:
    # given
    table = LocalProductTable(LocalHubDB.in_memory(clock), "products")
    products = _products(2)
    # when
    apply_plan(_plan(table, products), table)
    # then
    row = table.draft_rows()[0]["values"]
    assert [i["url"] for i in row["images"]] == [
        "https://cdn.example/item-0.jpg", "https://cdn.example/item-0-back.jpg"]
    assert row["images"][1] == {"url": "https://cdn.example/item-0-back.jpg", "alt": "Back",
                                "width": 800, "height": 800}
    variants = row["variants"]
    assert [v["id"] for v in variants] == ["10", "11", "12"]
    assert variants[0]["options"] == dict(products[0].variants[0].options)
    assert variants[0]["compare_at"] == "99.50" and variants[1]["compare_at"] is None
    assert {v["id"] for v in variants} >= {row["default_variant_id"]}


def test_a_resync_of_unchanged_products_writes_nothing(clock) -> None:
    # given a table written from these products
    table = LocalProductTable(LocalHubDB.in_memory(clock), "products")
    products = _products(15)
    apply_plan(_plan(table, products), table)
    # when planned again from what HubDB returns
    plan = _plan(table, products)
    # then
    assert plan.empty and plan.unchanged == 15 and not plan.needs_publish


def test_a_variant_selling_out_changes_only_the_cells_it_touches(clock) -> None:
    # given
    table = LocalProductTable(LocalHubDB.in_memory(clock), "products")
    products = _products(3)
    apply_plan(_plan(table, products), table)
    # when
    products[1].variants[2].inventory_quantity = 0
    plan = _plan(table, products)
    # then
    assert len(plan.updates) == 1
    assert "variants" in plan.updates[0].values
    assert plan.updates[0].values["variants"][2]["available"] is False


def test_an_existing_table_gains_the_new_columns_as_a_schema_change(clock) -> None:
    # given a table made before the gallery and variant columns were declared
    hubdb = LocalHubDB.in_memory(clock)
    hubdb.create_table({
        "name": "products", "label": "Products", "useForPages": True,
        "allowPublicApiAccess": True,
        "columns": [c.request() for c in COLUMNS if c.name not in NEW],
    })
    table = LocalProductTable(hubdb, "products")
    products = _products(4)
    # when
    plan = _plan(table, products)
    apply_plan(plan, table)
    # then
    added = [c.column for c in plan.schema if c.kind == "add_column"]
    assert added == list(NEW)
    live = {c["name"]: c["type"] for c in hubdb.get_table("products")["columns"]}
    assert live["images"] == live["variants"] == "JSON"
    assert all(r["values"].get("variants") for r in table.draft_rows())
    assert _plan(table, products).empty
