"""Product feeds for the nightly import: readers, whole-feed validation, places with fixes."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from sync.catalog.feed_check import check_feed, mapped
from sync.catalog.feed_csv import parse_csv_feed
from sync.catalog.feed_jsonl import parse_jsonl_feed
from sync.catalog.feed_records import feed_from_records

FIXTURES = Path(__file__).parent / "fixtures" / "import"
CATEGORIES = {
    "Apparel & Accessories > Clothing > Clothing Tops > Shirts":
        "gid://shopify/TaxonomyCategory/aa-1-13-7",
    "Home & Garden > Kitchen & Dining > Tableware > Serveware > Serving Bowls":
        "collection:kitchen",
    "Apparel & Accessories > Clothing Accessories > Scarves & Shawls":
        "gid://shopify/TaxonomyCategory/aa-2-25",
}


def read(name: str):
    path = FIXTURES / name
    return parse_csv_feed(path.read_text(encoding="utf-8"), str(path))


def jsonl(*lines: dict | str, name: str = "feed.jsonl"):
    text = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines)
    return parse_jsonl_feed(text, name)


def test_a_real_legacy_export_reads_one_product_per_handle_with_its_quirks():
    # given a legacy export with empty SKUs, continuation rows and an image-only row
    # when
    feed = check_feed(read("shopify_export_legacy.csv"), CATEGORIES)
    # then
    assert feed.problems == []
    shirt, bowl, card = feed.products
    assert [p.handle for p in feed.products] == ["linen-shirt", "oak-bowl", "gift-card"]
    assert [v.options for v in shirt.variants] == [
        {"Size": "S", "Colour": "Sand"}, {"Size": "M", "Colour": "Sand"},
        {"Size": "L", "Colour": "Sand"}, {"Size": "M", "Colour": "Olive"}]
    assert [v.sku for v in shirt.variants] == ["", "", "LS-L-SAND", "LS-M-OLIVE"]
    assert [i.src.rsplit("/", 1)[-1] for i in shirt.images] == [
        "linen-sand.jpg", "linen-back.jpg", "linen-detail.jpg"]
    assert bowl.options == [] and len(bowl.variants) == 1
    assert [v.price for v in card.variants] == [Decimal("25.00"), Decimal("50.00")]
    assert feed.places["oak-bowl"].at() == f"{FIXTURES / 'shopify_export_legacy.csv'}:8:1"


def test_the_current_dialect_reads_the_same_way():
    # when
    feed = check_feed(read("shopify_export_current.csv"), CATEGORIES)
    # then
    (scarf,) = feed.products
    assert [v.sku for v in scarf.variants] == ["MS-GRN", "MS-GRY"]
    assert scarf.variants[0].grams == 150


def test_a_bad_price_marks_only_its_product_with_file_line_column_and_fix(tmp_path):
    # given
    text = (FIXTURES / "shopify_export_legacy.csv").read_text().replace("35.00", "35 EUR")
    path = tmp_path / "feed.csv"
    # when
    feed = check_feed(parse_csv_feed(text, str(path)), CATEGORIES)
    # then
    assert feed.invalid == ["oak-bowl"]
    (problem,) = feed.problems
    assert problem.error.where == f"{path}:8:21 (Variant Price)"
    assert "not an amount of money" in problem.error.problem and "12.50" in problem.error.fix
    assert [p.handle for p in feed.products] == ["linen-shirt", "gift-card"]


def test_an_unmapped_category_is_refused_with_the_line_to_add():
    # when
    feed = check_feed(read("shopify_export_current.csv"), {})
    # then
    (problem,) = feed.problems
    assert problem.handle == "moss-scarf"
    assert problem.error.where.endswith(":2:5 (Product category)")
    assert "[import] categories" in problem.error.fix


def test_a_category_mapped_to_a_collection_adds_the_product_to_it():
    # given
    feed = check_feed(read("shopify_export_legacy.csv"), CATEGORIES)
    # when
    category, collections = mapped(feed.products[1], CATEGORIES)
    # then
    assert category is None and collections == ["kitchen"]
    assert mapped(feed.products[0], CATEGORIES)[0] == "gid://shopify/TaxonomyCategory/aa-1-13-7"


def test_jsonl_checks_options_variants_skus_images_and_duplicates():
    # given
    good = {"handle": "tee", "title": "Tee", "options": ["Size"],
            "variants": [{"sku": "T-S", "price": "10", "options": {"Size": "S"}},
                         {"sku": "T-M", "price": 10.5, "options": ["M"], "grams": 180}],
            "images": ["https://cdn.example.com/tee.jpg"]}
    lines = [
        good,
        {"handle": "cap", "title": "Cap", "variants": [{"sku": "T-S", "price": "5"}]},
        {"handle": "tee", "title": "Tee again", "variants": [{"sku": "X", "price": "1"}]},
        {"handle": "mug", "title": "Mug", "options": ["A", "B", "C", "D"],
         "variants": [{"price": "1", "options": {"A": "1", "B": "1", "C": "1", "D": "1"}}]},
        {"handle": "hat", "title": "Hat", "options": ["Size"],
         "variants": [{"price": "abc", "options": {}}], "images": ["ftp://x/y.jpg"]},
        '{"handle": "broken", ',
    ]
    # when
    feed = check_feed(jsonl(*lines), {})
    # then
    assert [p.handle for p in feed.products] == []
    places = {p.handle: p.error.where for p in feed.problems}
    assert sorted(feed.invalid) == ["cap", "hat", "line-6", "mug", "tee"]
    assert places["line-6"] == "feed.jsonl:6:22"
    messages = " | ".join(p.error.problem for p in feed.problems)
    assert "repeats line 1" in messages
    assert "SKU 'T-S' is used again (first by 'tee')" in messages
    assert "4 options; Shopify allows 3" in messages
    assert "variants[1].price 'abc' is not an amount of money" in messages
    assert "'ftp://x/y.jpg' is not an http(s) URL" in messages
    assert "has options [] but the product has ['Size']" in messages


def test_a_valid_jsonl_product_reads_whole():
    # when
    feed = check_feed(jsonl({"handle": "tee", "title": "Tee", "options": ["Size"],
                             "variants": [{"sku": "T-S", "price": "10", "options": ["S"],
                                           "quantity": 4}]}), {})
    # then
    (tee,) = feed.products
    assert tee.options[0].values == ("S",) and tee.variants[0].inventory_quantity == 4


def test_warehouse_records_map_their_own_field_names_and_places():
    # given rows as the warehouse exports them, one per variant
    mapping = {"handle": "group", "title": "name", "sku": "item", "price": "unit_price",
               "option1_name": "opt", "option1_value": "val", "grams": "weight_g"}
    rows = [(2, {"group": "tee", "name": "Tee", "item": "T-S", "unit_price": "10",
                 "opt": "Size", "val": "S", "weight_g": "180"}),
            (3, {"group": "tee", "item": "T-M", "unit_price": "10", "val": "M"}),
            (4, {"group": "cap", "name": "Cap", "item": "C-1", "unit_price": "ten"})]
    # when
    feed = check_feed(feed_from_records(rows, mapping, "warehouse:/v1/catalog"), {})
    # then
    (tee,) = feed.products
    assert [v.sku for v in tee.variants] == ["T-S", "T-M"] and tee.variants[0].grams == 180
    (problem,) = feed.problems
    assert problem.error.where == "warehouse:/v1/catalog:4:4 (unit_price)"


def test_a_mapping_without_a_price_spoils_the_whole_feed():
    # when
    feed = feed_from_records([], {"handle": "group", "title": "name"}, "warehouse:/v1/catalog")
    # then
    assert feed.fatal and "no field for price" in feed.problems[0].error.problem
