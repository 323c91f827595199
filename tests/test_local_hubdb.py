"""The local HubDB behaves like HubDB v3: shapes, draft/publish, column PATCH, limits."""

from __future__ import annotations

import pytest

from sync.local.db import apply_migrations, connect
from sync.local.hubdb import HubDBError, LocalHubDB
from sync.local.hubdb_values import MAX_RICHTEXT, MAX_TEXT

COLUMNS = [
    {"name": "title", "label": "Title", "type": "TEXT"},
    {"name": "body", "label": "Body", "type": "RICHTEXT"},
    {"name": "price", "label": "Price", "type": "CURRENCY"},
    {
        "name": "category",
        "label": "Category",
        "type": "SELECT",
        "options": [{"name": "shoes"}, {"name": "hats"}],
    },
    {
        "name": "tags",
        "label": "Tags",
        "type": "MULTISELECT",
        "options": [{"name": "new"}, {"name": "sale"}],
    },
    {"name": "photo", "label": "Photo", "type": "IMAGE"},
    {"name": "launched", "label": "Launched", "type": "DATE"},
    {"name": "restocked", "label": "Restocked", "type": "DATETIME"},
    {"name": "in_stock", "label": "In stock", "type": "BOOLEAN"},
    {"name": "where", "label": "Where", "type": "LOCATION"},
    {"name": "extra", "label": "Extra", "type": "JSON"},
]


def _open(path):
    """Open a file store with only the migrations imported so far (HubDB's among them)."""
    conn = connect(path, migrate=False)
    apply_migrations(conn)
    return conn


@pytest.fixture
def hubdb(clock) -> LocalHubDB:
    return LocalHubDB.in_memory(clock)


@pytest.fixture
def table(hubdb: LocalHubDB) -> dict:
    return hubdb.create_table({"name": "products", "label": "Products", "columns": COLUMNS})


def test_values_come_back_in_hubdbs_shapes(hubdb, table):
    # given a row written with plain values
    row = hubdb.create_row(
        "products",
        {
            "path": "Red-Shoe",
            "name": "Red shoe",
            "values": {
                "title": "Red shoe",
                "price": "12.50",
                "category": "shoes",
                "tags": ["new", {"name": "sale"}],
                "photo": {
                    "url": "https://cdn.example/r.png",
                    "altText": "red",
                    "width": 640,
                    "height": 480,
                },
                "launched": "2026-03-01",
                "restocked": "2026-03-01T10:30:00Z",
                "in_stock": True,
                "where": {"lat": 51.5, "long": -0.12},
                "extra": {"a": [1, 2]},
            },
        },
    )

    # when it is read back
    values = hubdb.get_row("products", row["id"], draft=True)["values"]

    # then each cell has HubDB's shape
    assert values["price"] == 12.5
    assert values["category"] == {"id": "1", "name": "shoes", "type": "option"}
    assert values["tags"] == [
        {"id": "1", "name": "new", "type": "option"},
        {"id": "2", "name": "sale", "type": "option"},
    ]
    assert values["photo"] == {
        "url": "https://cdn.example/r.png",
        "altText": "red",
        "width": 640,
        "height": 480,
        "type": "image",
    }
    assert values["launched"] == 1772323200000
    assert values["restocked"] == 1772361000000
    assert values["in_stock"] == 1
    assert values["where"] == {"lat": 51.5, "long": -0.12, "type": "location"}
    assert values["extra"] == {"a": [1, 2]}
    assert row["path"] == "red-shoe" and row["name"] == "Red shoe"


def test_writes_stay_in_the_draft_until_published(hubdb, table, clock):
    # given a row in the draft of a never-published table
    row = hubdb.create_row("products", {"values": {"title": "Hat"}})
    with pytest.raises(HubDBError) as missing:
        hubdb.rows("products")
    assert missing.value.status == 404

    # when the draft is published
    clock.advance(60)
    published = hubdb.publish("products")

    # then the row is live, with publishedAt and the row count
    assert published["published"] is True
    assert published["publishedAt"] == "2026-01-01T00:01:00.000Z"
    assert published["rowCount"] == 1
    live = hubdb.get_row("products", row["id"])
    assert live["publishedAt"] == "2026-01-01T00:01:00.000Z"

    # and a later draft edit does not touch the published row until the next publish
    hubdb.update_row("products", row["id"], {"values": {"title": "Cap"}})
    assert hubdb.get_row("products", row["id"])["values"]["title"] == "Hat"
    assert hubdb.get_row("products", row["id"], draft=True)["values"]["title"] == "Cap"


def test_reset_draft_throws_away_unpublished_changes(hubdb, table):
    # given a published table and a draft edit
    row = hubdb.create_row("products", {"values": {"title": "Hat"}})
    hubdb.publish("products")
    hubdb.update_row("products", row["id"], {"values": {"title": "Cap"}})

    # when the draft is reset
    hubdb.reset_draft("products")

    # then the draft equals the published version again
    assert hubdb.get_row("products", row["id"], draft=True)["values"]["title"] == "Hat"


def test_patch_merges_values_and_put_replaces_them(hubdb, table):
    # given a row with two values
    row = hubdb.create_row("products", {"values": {"title": "Hat", "price": 10}})

    # when PATCH changes one and clears none, then PUT sends only a title
    patched = hubdb.update_row("products", row["id"], {"values": {"price": 12}})
    replaced = hubdb.replace_row("products", row["id"], {"values": {"title": "Cap"}})

    # then PATCH merged, PUT replaced, and a null in PATCH clears the cell
    assert patched["values"] == {"title": "Hat", "price": 12}
    assert replaced["values"] == {"title": "Cap"}
    cleared = hubdb.update_row("products", row["id"], {"values": {"title": None}})
    assert cleared["values"] == {}


def test_patching_the_table_replaces_the_column_list(hubdb, table):
    # given a row using the price and category columns
    row = hubdb.create_row(
        "products", {"values": {"title": "Hat", "price": 10, "category": "hats"}}
    )
    ids = {c["name"]: c["id"] for c in table["columns"]}

    # when the PATCH leaves out price and adds a colour column
    kept = [c for c in COLUMNS if c["name"] != "price"]
    updated = hubdb.update_draft_table(
        "products", {"columns": [*kept, {"name": "colour", "label": "Colour", "type": "TEXT"}]}
    )

    # then price is gone (also from the row), kept columns keep their ids, colour gets a new one
    by_name = {c["name"]: c["id"] for c in updated["columns"]}
    assert "price" not in by_name
    assert by_name["title"] == ids["title"] and by_name["category"] == ids["category"]
    assert int(by_name["colour"]) > max(int(i) for i in ids.values())
    assert hubdb.get_row("products", row["id"], draft=True)["values"] == {
        "title": "Hat",
        "category": {"id": "2", "name": "hats", "type": "option"},
    }


def test_table_names_follow_hubdbs_rules_and_never_change(hubdb, table):
    # given / when / then
    for bad in ("Products", "9lives", "with-dash", ""):
        with pytest.raises(HubDBError) as error:
            hubdb.create_table({"name": bad, "label": f"L {bad}"})
        assert error.value.status == 400
    with pytest.raises(HubDBError) as clash:
        hubdb.create_table({"name": "products", "label": "Other"})
    assert clash.value.status == 409
    with pytest.raises(HubDBError) as rename:
        hubdb.update_draft_table("products", {"name": "items"})
    assert "cannot change" in rename.value.message


def test_an_option_must_exist_before_a_row_uses_it(hubdb, table):
    # given / when a row uses an option the column does not define
    with pytest.raises(HubDBError) as error:
        hubdb.create_row("products", {"values": {"category": "socks"}})

    # then a 400 names the table, the row and the column
    assert error.value.status == 400
    assert "products" in error.value.message and "category" in error.value.message
    assert "socks" in error.value.message
    assert error.value.context["column"] == ["category"]
    assert (
        error.value.body()["status"] == "error"
        and error.value.body()["category"] == "VALIDATION_ERROR"
    )


def test_batches_take_at_most_100_inputs(hubdb, table):
    # given 101 inputs
    inputs = [{"values": {"title": f"t{i}"}} for i in range(101)]

    # when / then the batch is refused whole, like HubSpot's 400
    with pytest.raises(HubDBError) as error:
        hubdb.batch_create("products", {"inputs": inputs})
    assert error.value.status == 400 and "100" in error.value.message
    assert hubdb.rows("products", draft=True)["total"] == 0
    assert len(hubdb.batch_create("products", {"inputs": inputs[:100]})["results"]) == 100


def test_batch_update_replace_purge_and_read(hubdb, table):
    # given three rows
    rows = hubdb.batch_create(
        "products", {"inputs": [{"values": {"title": t, "price": 1}} for t in "abc"]}
    )["results"]
    ids = [r["id"] for r in rows]

    # when they are updated, replaced, purged in batches
    hubdb.batch_update("products", {"inputs": [{"id": ids[0], "values": {"price": 5}}]})
    hubdb.batch_replace("products", {"inputs": [{"id": ids[1], "values": {"title": "B"}}]})
    hubdb.batch_purge("products", {"inputs": [ids[2]]})
    read = hubdb.batch_read("products", {"inputs": [ids[0], ids[1], ids[2]]})

    # then the read shows the changes and reports the purged id as an error (HubSpot's 207)
    assert [r["values"] for r in read["results"]] == [{"title": "a", "price": 5}, {"title": "B"}]
    assert read["numErrors"] == 1 and read["errors"][0]["context"] == {"ids": [ids[2]]}
    with pytest.raises(HubDBError) as missing:
        hubdb.batch_update("products", {"inputs": [{"id": ids[2], "values": {}}]})
    assert missing.value.status == 404


def test_text_and_column_limits_are_enforced(hubdb, table):
    # given / when / then text over 10,000 and rich text over 65,000 characters are refused
    with pytest.raises(HubDBError, match="10000"):
        hubdb.create_row("products", {"values": {"title": "x" * (MAX_TEXT + 1)}})
    hubdb.create_row("products", {"values": {"body": "x" * MAX_RICHTEXT}})
    with pytest.raises(HubDBError, match="65000"):
        hubdb.create_row("products", {"values": {"body": "x" * (MAX_RICHTEXT + 1)}})
    # and a table cannot have more than 250 columns
    too_many = [{"name": f"c{i}", "label": f"C{i}", "type": "TEXT"} for i in range(251)]
    with pytest.raises(HubDBError, match="250"):
        hubdb.update_draft_table("products", {"columns": too_many})


def test_a_table_holds_at_most_10000_rows(hubdb, table, monkeypatch):
    # given a table whose row limit is lowered so the test stays fast
    monkeypatch.setattr("sync.local.hubdb_rows.MAX_ROWS", 3)
    hubdb.batch_create("products", {"inputs": [{"values": {}}] * 3})

    # when / then one more row is refused naming the table
    with pytest.raises(HubDBError, match="products"):
        hubdb.create_row("products", {"values": {}})


def test_the_store_survives_reopening(tmp_path, clock):
    # given a table written to a file
    path = tmp_path / "store.sqlite3"
    first = LocalHubDB(_open(path), clock)
    first.create_table({"name": "items", "label": "Items", "columns": COLUMNS[:1]})
    first.create_row("items", {"values": {"title": "kept"}})
    first.publish("items")

    # when the file is opened again
    again = LocalHubDB(_open(path), clock)

    # then the published rows are there
    assert again.rows("items")["results"][0]["values"] == {"title": "kept"}
    assert [t["name"] for t in again.list_tables()["results"]] == ["items"]


def test_delete_and_unpublish(hubdb, table):
    # given a published table
    hubdb.publish("products")

    # when it is unpublished, then deleted
    hubdb.unpublish("products")
    assert hubdb.get_table("products", draft=True)["published"] is False
    hubdb.delete_table("products")

    # then it is gone
    with pytest.raises(HubDBError) as error:
        hubdb.get_table("products", draft=True)
    assert error.value.status == 404
