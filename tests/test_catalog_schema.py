"""Table flags: the products table is public for the site's grid and used for pages."""

from __future__ import annotations

from sync.catalog.apply import apply_plan
from sync.catalog.plan import plan_sync
from sync.catalog.table import COLUMNS
from sync.local.hubdb import LocalHubDB
from sync.local.product_table import LocalProductTable
from sync.model.shop import ShopFacts
from tests.catalog_world import make_product

SHOP = ShopFacts(domain="fernhill-demo.myshopify.com", currency="EUR")


def _plan(table: LocalProductTable, products):
    table_json = table.draft_table()
    rows = [] if table_json is None else table.draft_rows()
    return plan_sync(products, rows, table="products", table_json=table_json, shop=SHOP)


def test_a_new_table_allows_public_api_access_and_pages(clock) -> None:
    # given no table
    table = LocalProductTable(LocalHubDB.in_memory(clock), "products")
    # when
    apply_plan(_plan(table, [make_product(1)]), table)
    # then the published table can be read by the site without a token
    live = table.hubdb.get_table("products")
    assert live["allowPublicApiAccess"] is True and live["useForPages"] is True


def test_an_existing_private_table_is_made_public_on_the_next_sync(clock) -> None:
    # given a table created before the flag was declared (pages only, private)
    hubdb = LocalHubDB.in_memory(clock)
    hubdb.create_table(
        {"name": "products", "label": "Products", "useForPages": True,
         "columns": [c.request() for c in COLUMNS]}
    )
    table = LocalProductTable(hubdb, "products")
    # when
    plan = _plan(table, [])
    apply_plan(plan, table)
    # then the plan says so and the flag is set, draft and live
    assert "set_flags" in [c.kind for c in plan.schema]
    described = [c.describe() for c in plan.schema if c.kind == "set_flags"]
    assert "allowPublicApiAccess" in described[0]
    assert hubdb.get_table("products", draft=True)["allowPublicApiAccess"] is True
    assert hubdb.get_table("products")["allowPublicApiAccess"] is True
    assert "set_flags" not in [c.kind for c in _plan(table, []).schema]
