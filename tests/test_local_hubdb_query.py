"""HubDB's filter syntax, sort and paging over the local store, compared the way HubDB does."""

from __future__ import annotations

import pytest

from sync.local.hubdb import HubDBError, LocalHubDB

COLUMNS = [
    {"name": "title", "label": "Title", "type": "TEXT"},
    {"name": "price", "label": "Price", "type": "NUMBER"},
    {
        "name": "category",
        "label": "Category",
        "type": "SELECT",
        "options": [{"name": "shoes"}, {"name": "hats"}, {"name": "bags"}],
    },
    {
        "name": "tags",
        "label": "Tags",
        "type": "MULTISELECT",
        "options": [{"name": "new"}, {"name": "sale"}],
    },
    {"name": "launched", "label": "Launched", "type": "DATE"},
    {"name": "in_stock", "label": "In stock", "type": "BOOLEAN"},
]
ROWS = [
    ("Red Shoe", 9, "shoes", ["new"], "2026-01-10", True),
    ("Blue Shoe", 100, "shoes", ["new", "sale"], "2026-02-01", False),
    ("Green Hat", 25.5, "hats", [], "2025-12-24", True),
    ("Tote Bag", 40, "bags", ["sale"], None, True),
]


@pytest.fixture
def hubdb(clock) -> LocalHubDB:
    db = LocalHubDB.in_memory(clock)
    db.create_table({"name": "products", "label": "Products", "columns": COLUMNS})
    inputs = []
    for title, price, category, tags, launched, in_stock in ROWS:
        values = {
            "title": title,
            "price": price,
            "category": category,
            "tags": tags,
            "launched": launched,
            "in_stock": in_stock,
        }
        inputs.append({"path": title.lower().replace(" ", "-"), "name": title, "values": values})
    db.batch_create("products", {"inputs": inputs})
    db.publish("products")
    return db


def titles(db: LocalHubDB, query) -> list[str]:
    return [r["values"]["title"] for r in db.rows("products", query=query)["results"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"category__eq": "shoes"}, ["Red Shoe", "Blue Shoe"]),
        ({"category": "hats"}, ["Green Hat"]),
        ({"category__eq": "3"}, ["Tote Bag"]),
        ({"category__ne": "shoes"}, ["Green Hat", "Tote Bag"]),
        ({"category__in": "hats,bags"}, ["Green Hat", "Tote Bag"]),
        ({"category__not_in": "hats,bags"}, ["Red Shoe", "Blue Shoe"]),
        ({"price__lt": "25.5"}, ["Red Shoe"]),
        ({"price__lte": "25.5"}, ["Red Shoe", "Green Hat"]),
        ({"price__gt": "40"}, ["Blue Shoe"]),
        ({"price__gte": "40"}, ["Blue Shoe", "Tote Bag"]),
        ({"price__in": "9,40"}, ["Red Shoe", "Tote Bag"]),
        ({"title__contains": "Shoe"}, ["Red Shoe", "Blue Shoe"]),
        ({"title__contains": "shoe"}, []),
        ({"title__icontains": "shoe"}, ["Red Shoe", "Blue Shoe"]),
        ({"title__startswith": "Gr"}, ["Green Hat"]),
        ({"tags__contains": "sale"}, ["Blue Shoe", "Tote Bag"]),
        ({"tags__contains": "new,sale"}, ["Blue Shoe"]),
        ({"tags__in": "new,sale"}, ["Red Shoe", "Blue Shoe", "Tote Bag"]),
        ({"tags__null": ""}, ["Green Hat"]),
        ({"launched__is_null": ""}, ["Tote Bag"]),
        ({"launched__not_null": ""}, ["Red Shoe", "Blue Shoe", "Green Hat"]),
        ({"launched__gt": "2026-01-01"}, ["Red Shoe", "Blue Shoe"]),
        ({"launched__lt": "1767225600000"}, ["Green Hat"]),
        ({"in_stock__eq": "false"}, ["Blue Shoe"]),
        ({"in_stock": "true", "price__gt": "10"}, ["Green Hat", "Tote Bag"]),
        ({"hs_path__eq": "green-hat"}, ["Green Hat"]),
        ({"hs_name__icontains": "bag"}, ["Tote Bag"]),
    ],
)
def test_filters_match_like_hubdb(hubdb, query, expected):
    # given four published rows / when filtered / then
    assert titles(hubdb, query) == expected


def test_special_columns_hs_id_and_timestamps(hubdb):
    # given the first row's id
    first = hubdb.rows("products")["results"][0]

    # when filtering by hs_id and by creation time
    by_id = titles(hubdb, {"hs_id__eq": first["id"]})
    created = titles(hubdb, {"hs_created_at__gte": "2026-01-01T00:00:00Z"})

    # then
    assert by_id == ["Red Shoe"]
    assert len(created) == 4


def test_sort_is_repeatable_and_descending_with_a_minus(hubdb):
    # given / when / then
    assert titles(hubdb, {"sort": "-price"}) == ["Blue Shoe", "Tote Bag", "Green Hat", "Red Shoe"]
    assert titles(hubdb, [("sort", "category"), ("sort", "-price")]) == [
        "Tote Bag",
        "Green Hat",
        "Blue Shoe",
        "Red Shoe",
    ]
    assert titles(hubdb, {"sort": "launched"})[0] == "Tote Bag"  # nulls first ascending


def test_paging_with_after_cursor_and_offset(hubdb):
    # given a page size of 3
    first = hubdb.rows("products", query={"limit": "3", "sort": "price"})

    # when following the opaque after cursor
    after = first["paging"]["next"]["after"]
    second = hubdb.rows("products", query={"limit": "3", "sort": "price", "after": after})

    # then the pages join up, and offset paging works too
    assert first["total"] == 4 and len(first["results"]) == 3
    assert [r["values"]["title"] for r in second["results"]] == ["Blue Shoe"]
    assert "paging" not in second
    by_offset = hubdb.rows("products", query={"limit": "1", "offset": "2", "sort": "price"})
    assert by_offset["results"][0]["values"]["title"] == "Tote Bag"
    assert by_offset["paging"]["next"]["offset"] == 3


def test_default_limit_is_1000(hubdb):
    # given / when / then
    from sync.local.hubdb_query import DEFAULT_LIMIT, parse_query

    assert parse_query("products", COLUMNS, {}).limit == DEFAULT_LIMIT == 1000


def test_properties_restrict_the_returned_values(hubdb):
    # given / when
    rows = hubdb.rows("products", query={"properties": "title,price", "limit": "1"})["results"]

    # then
    assert rows[0]["values"] == {"title": "Red Shoe", "price": 9}


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ({"colour__eq": "red"}, "colour"),
        ({"price__between": "1,2"}, "between"),
        ({"sort": "-weight"}, "weight"),
        ({"properties": "nope"}, "nope"),
        ({"category__gt": "a"}, "category"),
        ({"limit": "many"}, "limit"),
    ],
)
def test_unknown_columns_and_operators_are_a_400_naming_them(hubdb, query, named):
    # given / when
    with pytest.raises(HubDBError) as error:
        hubdb.rows("products", query=query)

    # then
    assert error.value.status == 400
    assert named in error.value.message
