"""The pure planner, the table contract and the description sanitiser."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from sync.catalog import rows as rows_module
from sync.catalog.apply import apply_plan
from sync.catalog.plan import plan_sync
from sync.catalog.sanitize import plain_summary, sanitize_html
from sync.catalog.schema import patch_request
from sync.catalog.table import COLUMNS
from sync.errors import InputError
from sync.local.hubdb import LocalHubDB
from sync.local.product_table import LocalProductTable
from sync.model.shop import ProductStatus, ShopFacts
from tests.catalog_world import START, make_product

SHOP = ShopFacts(domain="fernhill-demo.myshopify.com", currency="EUR")


def _products(count: int):
    items = [make_product(n) for n in range(count)]
    for n, item in enumerate(items):
        item.id = f"gid://shopify/Product/{n + 1}"
        for i, variant in enumerate(item.variants):
            variant.id = f"gid://shopify/ProductVariant/{(n + 1) * 10 + i}"
    return items


def _synced(products, clock):
    table = LocalProductTable(LocalHubDB.in_memory(clock), "products")
    plan = plan_sync(products, [], table="products", table_json=None, shop=SHOP)
    apply_plan(plan, table)
    return table


def _replan(table, products, **kwargs):
    return plan_sync(
        products, table.draft_rows(), table="products", table_json=table.draft_table(),
        shop=SHOP, **kwargs,
    )


def test_a_new_table_is_created_with_options_before_rows_and_meta_tags(clock) -> None:
    # when
    plan = plan_sync(_products(3), [], table="products", table_json=None, shop=SHOP)
    # then
    kinds = [c.kind for c in plan.schema]
    assert kinds[0] == "create_table" and kinds[-1] == "set_meta_tags"
    assert "add_options" in kinds and len(plan.creates) == 3


def test_rows_read_back_in_hubdb_shapes_compare_equal(clock) -> None:
    # given a table written from these products
    products = _products(20)
    table = _synced(products, clock)
    # when planned again from what HubDB returns
    plan = _replan(table, products)
    # then
    assert plan.empty and plan.unchanged == 20 and not plan.needs_publish


def test_an_update_carries_only_the_changed_cells(clock) -> None:
    # given
    products = _products(5)
    table = _synced(products, clock)
    products[2].tags.append("new-tag")
    # when
    plan = _replan(table, products)
    # then
    assert [u.values for u in plan.updates] == [{"tags": ("all", "new-tag", "tag-2")}]
    assert [(c.kind, c.options) for c in plan.schema] == [("add_options", ("new-tag",))]


def test_delete_policy_removes_draft_archived_and_gone_rows(clock) -> None:
    # given
    products = _products(6)
    table = _synced(products, clock)
    products[0].status = ProductStatus.DRAFT
    products[1].status = ProductStatus.ARCHIVED
    # when product 5 is gone too
    plan = _replan(table, products[:5])
    # then
    assert sorted(d.reason for d in plan.deletes) == ["archived", "draft", "gone"]
    kept = _replan(table, products[:5], delete=("gone",))
    assert [d.reason for d in kept.deletes] == ["gone"]


def test_columns_hubshop_did_not_declare_are_kept_and_never_written(clock) -> None:
    # given a table with a hand-made column
    products = _products(2)
    table = _synced(products, clock)
    live = table.draft_table()
    columns = [*live["columns"], {"name": "staff_note", "label": "Note", "type": "TEXT"}]
    table.update_table({"columns": columns})
    row = table.draft_rows()[0]
    table.update_rows([{"id": row["id"], "values": {"staff_note": "keep me"}}])
    products[0].title = "Changed"
    # when
    plan = _replan(table, products)
    apply_plan(plan, table)
    # then
    after = {r["id"]: r for r in table.draft_rows()}
    assert after[row["id"]]["values"]["staff_note"] == "keep me"
    request = patch_request(table.draft_table(), [])
    assert request is None
    assert all("staff_note" not in u.values for u in plan.updates)


def test_more_than_ten_thousand_rows_is_refused_before_writing(clock) -> None:
    # given 10,001 products
    products = [make_product(n, variants=1) for n in range(10_001)]
    # when / then
    with pytest.raises(InputError) as refused:
        plan_sync(products, [], table="products", table_json=None, shop=SHOP)
    assert "10001 rows" in str(refused.value) and "[catalog] delete" in str(refused.value)
    # and the library names no CLI flag; the CLI words the error with its own
    assert "--" not in str(refused.value)
    assert "--table NAME --products" in _cli_words(refused.value)


def test_descriptions_lose_scripts_handlers_and_javascript_urls() -> None:
    # given
    html = (
        '<p onclick="x()">Hi <a href=" JaVaScRiPt:alert(1)">there</a>'
        '<img src="a.jpg" onerror="y()"></p><script>evil()</script><style>p{}</style>'
    )
    # when
    clean = sanitize_html(html)
    # then
    assert clean == '<p>Hi <a>there</a><img src="a.jpg"></p>'


def test_summary_is_plain_text_within_300_characters() -> None:
    summary = plain_summary("<p>" + "word " * 200 + "</p>")
    assert len(summary) <= 300 and "<" not in summary and summary.endswith("…")


def test_the_contract_declares_every_column_once() -> None:
    names = [c.name for c in COLUMNS]
    assert len(names) == len(set(names)) == 24


def test_a_declared_column_of_another_type_stops_the_sync_naming_it(clock) -> None:
    # given a table whose price_min column is TEXT
    table = _synced(_products(1), clock)
    live = table.draft_table()
    columns = [c for c in live["columns"] if c["name"] != "price_min"]
    table.update_table({"columns": columns})
    table.update_table({"columns": [*columns, {"name": "price_min", "type": "TEXT"}]})
    # when / then
    with pytest.raises(InputError) as refused:
        _replan(table, _products(1))
    assert "table products, column price_min" in str(refused.value)
    assert "--" not in str(refused.value) and "--table NAME" in _cli_words(refused.value)


def _cli_words(error: Exception) -> str:
    from sync.cli import _words

    return _words(error)


def test_an_incremental_run_by_handle_updates_the_row_and_never_duplicates_it(clock) -> None:
    # given a table synced from a product CSV (products keyed by handle, no Shopify ids)
    products = [make_product(n) for n in range(5)]
    table = _synced(products, clock)
    products[2].title = "Item 2, renamed"
    # when the run is limited to one handle
    rows = table.draft_rows(keys=["item-00002"])
    plan = plan_sync(
        [products[2]], rows, table="products", table_json=table.draft_table(), shop=SHOP,
        requested=["item-00002"],
    )
    apply_plan(plan, table)
    # then its row was read by handle and updated in place
    assert [r["path"] for r in rows] == ["item-00002"]
    assert (len(plan.creates), len(plan.updates), len(plan.deletes)) == (0, 1, 0)
    assert table.hubdb.get_table("products", draft=True)["rowCount"] == 5


def test_draft_rows_by_key_reads_gids_by_id_and_other_keys_by_handle(clock) -> None:
    # given rows with Shopify ids
    table = _synced(_products(3), clock)
    # when
    rows = table.draft_rows(keys=["gid://shopify/Product/1", "item-00002", "item-00002"])
    # then
    assert sorted(r["path"] for r in rows) == ["item-00000", "item-00002"]


def test_a_csv_product_without_an_id_claims_the_row_of_its_handle(clock) -> None:
    # given a table synced from Shopify, and the same product from a CSV export (no id)
    table = _synced(_products(2), clock)
    from_csv = make_product(1)
    # when
    plan = _replan(table, [from_csv], requested=[from_csv.handle])
    # then
    assert plan.creates == [] and plan.unchanged + len(plan.updates) == 1


def test_desired_cells_are_the_canonical_cells_the_planner_compares() -> None:
    # given products with and without images, prices with trailing zeros, empty lists
    from sync.catalog.rows import canonical_cells, product_row

    products = _products(12)
    products[3].images = []
    products[4].tags = []
    # when / then the shortcut and the per-column rules agree on every product
    for product in products:
        desired = product_row(product, SHOP)
        assert desired.cells == canonical_cells(desired.values)


def test_a_resync_compares_rows_in_hubdb_shapes_and_finds_the_one_change(clock) -> None:
    # given
    products = _products(30)
    table = _synced(products, clock)
    products[7].variants[0].price += 1
    # when
    plan = _replan(table, products)
    # then
    assert plan.unchanged == 29 and len(plan.updates) == 1
    assert "price_min" in plan.updates[0].values
    assert set(plan.updates[0].values) <= {"price_min", "price_max", "on_sale", "variants"}


def _stamped(count: int):
    products = _products(count)
    for product in products:
        product.updated_at = START
    return products


def _count_sanitising(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = rows_module.sanitize_html

    def counting(text: str, **kwargs):
        calls.append(text)
        return real(text, **kwargs)

    monkeypatch.setattr(rows_module, "sanitize_html", counting)
    return calls


def test_a_resync_of_unchanged_updated_at_reuses_the_text_yet_updates_other_cells(
    clock, monkeypatch
) -> None:
    # given a synced table, then stock moving without Shopify's updatedAt changing the text
    products = _stamped(5)
    table = _synced(products, clock)
    products[2].variants[0].inventory_quantity += 7
    calls = _count_sanitising(monkeypatch)
    # when
    plan = _replan(table, products)
    # then no description is sanitised again, and the stock change is still planned
    assert calls == []
    assert plan.unchanged == 4 and len(plan.updates) == 1
    assert plan.updates[0].values["inventory_total"] == products[2].inventory_total
    assert "description" not in plan.updates[0].values


def test_a_changed_updated_at_sanitises_the_description_again(clock, monkeypatch) -> None:
    # given a product whose description changed, which bumps its updatedAt
    products = _stamped(5)
    table = _synced(products, clock)
    products[1].body_html = "<p>New <em>text</em></p><img src=x onerror=alert(1)>"
    products[1].updated_at = START + timedelta(minutes=5)
    calls = _count_sanitising(monkeypatch)
    # when
    plan = _replan(table, products)
    # then only that product is sanitised, and its row gets the safe new text
    assert calls == [products[1].body_html]
    (update,) = plan.updates
    assert update.values["description"] == '<p>New <em>text</em></p><img src="x">'
    assert update.values["summary"] == "New text"


def test_rebuild_text_sanitises_every_description_whatever_updated_at_says(
    clock, monkeypatch
) -> None:
    # given
    products = _stamped(4)
    table = _synced(products, clock)
    calls = _count_sanitising(monkeypatch)
    # when
    plan = _replan(table, products, rebuild_text=True)
    # then
    assert len(calls) == 4 and plan.unchanged == 4


def test_row_figures_match_the_products_own_properties() -> None:
    # given products with sales, untracked stock, no variants, unsellable and reordered variants
    from sync.catalog.rows import product_row

    products = _products(12)
    products[1].variants = []
    products[2].variants[1].inventory_tracked = False
    products[3].variants[0].compare_at_price = Decimal("1000")
    products[4].variants[2].position = 0
    products[5].status = ProductStatus.DRAFT
    for variant in products[6].variants:
        variant.inventory_quantity = 0
    # when / then
    for product in products:
        values = product_row(product, SHOP).values
        default = product.default_variant
        assert values["price_min"] == product.price_min
        assert values["price_max"] == product.price_max
        assert values["compare_at_max"] == product.compare_at_max
        assert values["on_sale"] == product.on_sale
        assert values["available"] == product.available
        assert values["inventory_total"] == product.inventory_total
        assert values["default_variant_id"] == (default.id.rsplit("/", 1)[-1] if default else None)
