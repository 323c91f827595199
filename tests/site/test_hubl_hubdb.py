"""HubDB in HubL: queries delegated to the local store, limits and errors like HubSpot."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync.local.db import connect
from sync.local.hubdb import LocalHubDB
from sync.site.hubl import HublEnvironment, HublError, LocalHubDBSource


@pytest.fixture
def env(tmp_path: Path) -> HublEnvironment:
    store = LocalHubDB(connect(":memory:"))
    store.create_table({
        "name": "products", "label": "Products", "useForPages": True,
        "columns": [{"name": "title", "label": "Title", "type": "TEXT"},
                    {"name": "price_min", "label": "Price", "type": "NUMBER"},
                    {"name": "available", "label": "Available", "type": "BOOLEAN"}]})
    store.batch_create("products", {"inputs": [
        {"path": "tote", "name": "Tote", "values": {"title": "Tote <b>", "price_min": 30,
                                                    "available": True}},
        {"path": "cap", "name": "Cap", "values": {"title": "Cap", "price_min": 12,
                                                  "available": False}},
        {"path": "boot", "name": "Boot", "values": {"title": "Boot", "price_min": 90,
                                                    "available": True}}]})
    store.publish("products")
    return HublEnvironment(tmp_path, hubdb=LocalHubDBSource(store))


def render(env: HublEnvironment, source: str, **kwargs: object) -> str:
    return env.render_string(source, name="templates/listing.html", **kwargs)


def test_rows_filtered_and_sorted_in_hubdb_syntax(env: HublEnvironment) -> None:
    query = "price_min__gte=20&orderBy=-price_min"
    source = ("{% for row in hubdb_table_rows('products', '" + query + "') %}"
              "{{ row.hs_path }}:{{ row.title|escape }};{% endfor %}")
    assert render(env, source) == "boot:Boot;tote:Tote &lt;b&gt;;"


def test_table_row_column_and_dynamic_row(env: HublEnvironment) -> None:
    rows = env.hubdb.rows("products", [("hs_path__eq", "cap")])["results"]  # type: ignore[union-attr]
    row_id = rows[0]["id"]
    source = ("{{ hubdb_table_row('products', " + row_id + ").hs_name }}|"
              "{{ hubdb_table('products').row_count }}|"
              "{{ hubdb_table_column('products', 'price_min').type }}|"
              "{{ dynamic_page_hubdb_row.title }}|{{ dynamic_page_hubdb_table_id }}")
    html = env.render_string(source, dynamic_row=rows[0])
    assert html == "Cap|3|NUMBER|Cap|"


def test_unknown_column_or_operator_names_template_line_and_column(env: HublEnvironment) -> None:
    with pytest.raises(HublError) as caught:
        render(env, "\n{{ hubdb_table_rows('products', 'colour__eq=red') }}")
    assert caught.value.where == "templates/listing.html:2"
    assert "colour" in caught.value.message
    with pytest.raises(HublError) as caught:
        render(env, "{{ hubdb_table_rows('products', 'price_min__near=3') }}")
    assert "near" in caught.value.message


def test_more_than_ten_row_queries_per_page_fail_like_hubspot(env: HublEnvironment) -> None:
    ten = "{% for i in range(10) %}{% set r = hubdb_table_rows('products') %}{% endfor %}ok"
    assert render(env, ten) == "ok"
    with pytest.raises(HublError) as caught:
        render(env, ten + "\n{{ hubdb_table_rows('products') }}")
    assert caught.value.where == "templates/listing.html:2"
    assert "more than 10" in caught.value.message


def test_no_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(HublError) as caught:
        HublEnvironment(tmp_path).render_string("{{ hubdb_table_rows('products') }}")
    assert "HubDB source" in caught.value.message


def test_a_table_that_does_not_exist_answers_nothing_and_is_remembered(
        env: HublEnvironment) -> None:
    # given a template reading a table that was never synced
    source = ("{{ hubdb_table_rows('orders')|length }}|"
              "{{ hubdb_table_row('orders', 7) is none }}|"
              "{{ hubdb_table('orders').row_count }}|"
              "{{ hubdb_table_column('orders', 'x') is none }}|"
              "{% for r in hubdb_table_rows('orders') %}row{% else %}empty{% endfor %}")
    # when
    html = render(env, source)
    # then the page renders its empty state, and the environment knows which table was missing
    assert html == "0|True|0|True|empty"
    assert env.missing_tables == {"orders"}


def test_an_unknown_column_of_a_real_table_is_still_an_error(env: HublEnvironment) -> None:
    with pytest.raises(HublError) as caught:
        render(env, "{{ hubdb_table_column('products', 'colour') }}")
    assert "has no column 'colour'" in caught.value.message
