"""Shopify product and inventory CSVs: both dialects, errors with their places, round-trips."""

from __future__ import annotations

import string
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync.catalog.csv_write import (
    header,
    inventory_csv_text,
    product_csv_text,
    write_inventory_csv,
    write_product_csv,
)
from sync.catalog.inventory_csv import parse_inventory_csv, read_inventory_csv
from sync.catalog.product_csv import (
    category_name,
    parse_product_csv,
    read_product_csv,
)
from sync.errors import InputErrors
from sync.model.shop import Image, InventoryPolicy, Option, Product, ProductStatus, Variant

FIXTURES = Path(__file__).parent / "fixtures" / "csv"
LEGACY = FIXTURES / "legacy_products.csv"
CURRENT = FIXTURES / "current_products.csv"


def problems(call, *args) -> list[str]:
    with pytest.raises(InputErrors) as caught:
        call(*args)
    return [f"{e.where}: {e.problem}" for e in caught.value.errors]


def test_legacy_export_continuation_rows_add_variants_and_images():
    # given a legacy export whose shirt spans four rows (two variants, a third, an image-only row)
    # when it is read
    shirt, candle = read_product_csv(LEGACY)
    # then the rows fold into one product with its options, variants and images in order
    assert shirt.handle == "ridge-flannel-shirt"
    assert [o.name for o in shirt.options] == ["Size", "Colour"]
    assert [o.values for o in shirt.options] == [("S", "M"), ("Moss", "Rust")]
    assert [v.title for v in shirt.variants] == ["S / Moss", "M / Moss", "M / Rust"]
    assert [v.position for v in shirt.variants] == [1, 2, 3]
    assert [i.src for i in shirt.images] == [
        "images/ridge-moss.svg", "images/ridge-rust.svg", "images/ridge-detail.svg"]
    assert shirt.images[1].alt == "Ridge Flannel Shirt in Rust"
    assert shirt.body_html == (
        "<p>Brushed organic cotton flannel.</p>\n<ul><li>Two chest pockets</li></ul>")
    assert shirt.tags == ["organic", "bestseller"]
    assert shirt.category == "Apparel & Accessories > Clothing > Clothing Tops > Shirts"
    first = shirt.variants[0]
    assert (first.price, first.compare_at_price) == (Decimal("69.00"), Decimal("89.00"))
    assert first.grams == 320
    assert first.barcode == "8712345000011"
    assert first.image_src == "images/ridge-moss.svg"
    # and an empty SKU is allowed
    assert shirt.variants[2].sku == ""


def test_single_default_title_variant_has_no_options():
    # given a candle with Option1 Name "Title" / "Default Title", draft and unpublished
    _, candle = read_product_csv(LEGACY)
    # then it has no options, one Default Title variant, and its status and policy as written
    assert candle.options == []
    assert [v.title for v in candle.variants] == ["Default Title"]
    assert candle.variants[0].options == {}
    assert candle.variants[0].inventory_policy is InventoryPolicy.CONTINUE
    assert candle.status is ProductStatus.DRAFT
    assert candle.published is False
    assert (candle.seo_title, candle.seo_description) == ("Beeswax candle", "A slow-burning candle")


def test_current_dialect_reads_to_the_same_products_as_legacy():
    # given the same catalog exported in both header dialects (current one with extra columns)
    # when both are read
    # then they give equal products
    assert read_product_csv(CURRENT) == read_product_csv(LEGACY)


def test_bom_and_crlf_are_handled(tmp_path):
    # given the legacy export saved by a spreadsheet: a byte-order mark and CRLF line ends
    crlf = tmp_path / "products.csv"
    crlf.write_bytes(b"\xef\xbb\xbf" + LEGACY.read_bytes().replace(b"\n", b"\r\n"))
    # when it is read
    # then nothing changes, not even the newline inside the description
    assert read_product_csv(crlf) == read_product_csv(LEGACY)


def test_every_problem_is_reported_with_file_line_and_column():
    # given a file with six problems (line 2's description spans two physical lines)
    # when it is read
    found = problems(read_product_csv, FIXTURES / "bad_products.csv")
    # then each is named by physical line, column number and header, all at once
    source = str(FIXTURES / "bad_products.csv")
    assert [p.replace(source, "bad.csv") for p in found] == [
        "bad.csv:4:14 (Variant Price): '12,5O' is not an amount of money",
        "bad.csv:4:13 (Variant Inventory Qty): '2.5' is not a whole number",
        "bad.csv:5:9 (Option1 Value): variant 'S' of 'good-tee' repeats line 2",
        "bad.csv:6:11 (Option2 Value): Option2 Value 'Blue' has no Option2 Name",
        "bad.csv:7:2 (Title): handle 'lost-socks' continues a product that never had a Title",
        "bad.csv:8:17 (Status): unknown Status 'retired'",
    ]


def test_errors_carry_a_fix():
    with pytest.raises(InputErrors) as caught:
        read_product_csv(FIXTURES / "bad_products.csv")
    assert all(error.fix for error in caught.value.errors)
    assert "12.50" in caught.value.errors[0].fix


def test_a_header_of_neither_dialect_names_what_was_expected():
    # given a CSV that is not a Shopify product export
    # when it is read
    found = problems(parse_product_csv, "Name,Price\nTee,10\n", "other.csv")
    # then the message names both dialects' key columns
    assert len(found) == 1
    assert found[0].startswith("other.csv:1:1: ")
    assert "'Handle'" in found[0] and "'URL handle'" in found[0]


def test_unknown_columns_and_extra_metafields_are_ignored():
    # given a minimal legacy file with a metafield column
    text = ("Handle,Title,Custom (product.metafields.custom.fit),Variant Price\n"
            "mug,Mug,relaxed,9.50\n")
    # when it is read
    (mug,) = parse_product_csv(text, "mini.csv")
    # then the metafield is ignored and the defaults fill the rest
    assert (mug.handle, mug.title, mug.variants[0].price) == ("mug", "Mug", Decimal("9.50"))
    assert mug.status is ProductStatus.ACTIVE and mug.variants[0].inventory_tracked


def test_option_value_without_option_name_on_first_row():
    text = "Handle,Title,Option1 Name,Option1 Value,Variant Price\ncap,Cap,,Red,10\n"
    assert problems(parse_product_csv, text, "p.csv") == [
        "p.csv:2:4 (Option1 Value): Option1 Value 'Red' has no Option1 Name"]


def test_a_row_past_the_header_width_is_an_error():
    text = "Handle,Title,Variant Price\ncap,Cap,10,oops\n"
    assert problems(parse_product_csv, text, "p.csv") == [
        "p.csv:2:4: a value in column 4 but the header has only 3 columns"]


def test_a_row_shorter_than_the_header_is_an_error_with_the_quote_hint():
    # given a row that stops two columns short
    text = "Handle,Title,Variant SKU,Variant Price\ncap,Cap\n"
    # when it is read
    with pytest.raises(InputErrors) as caught:
        parse_product_csv(text, "p.csv")
    # then the width is named, with the likely cause
    (error,) = caught.value.errors
    assert (error.where, error.problem) == (
        "p.csv:2:2", "the row has 2 cells but the header has 4 columns")
    assert 'unbalanced quote (") on this or the previous line' in error.fix


def test_an_unbalanced_quote_gives_one_error_naming_the_lines_it_swallowed():
    # given an export where one description lost its closing quote on line 4,
    # so the cell swallows lines 5 and 6 (another product's first row)
    found = problems(read_product_csv, FIXTURES / "unbalanced_quote.csv")
    # then one error points at the row and the quote, not a cascade of shifted cells
    source = str(FIXTURES / "unbalanced_quote.csv")
    assert [p.replace(source, "q.csv") for p in found] == [
        "q.csv:4:15: a value in column 15 but the header has only 14 columns "
        "(the row runs on to line 6)",
    ]


def test_negative_stock_of_an_oversold_variant_is_read_in_both_dialects():
    # given CONTINUE-policy variants Shopify oversold, in either header dialect
    legacy = ("Handle,Title,Variant SKU,Variant Inventory Qty,Variant Inventory Policy,"
              "Variant Price\npre-order-mug,Mug,MUG-1,-3,continue,12.00\n")
    current = ("Title,URL handle,SKU,Inventory quantity,Continue selling when out of stock,"
               "Price\nMug,pre-order-mug,MUG-1,-3,TRUE,12.00\n")
    # when they are read
    (old,) = parse_product_csv(legacy, "legacy.csv")
    (new,) = parse_product_csv(current, "current.csv")
    # then the quantity stays negative, as Shopify reports it
    assert old.variants[0].inventory_quantity == new.variants[0].inventory_quantity == -3
    assert old.variants[0].inventory_policy is InventoryPolicy.CONTINUE


def test_counts_that_cannot_be_negative_are_still_refused():
    # given a negative image position
    text = ("Handle,Title,Variant Price,Image Src,Image Position,Variant Grams\n"
            "cap,Cap,10,https://cdn.example/cap.png,-1,-5\n")
    # then both are refused where they are
    assert problems(parse_product_csv, text, "p.csv") == [
        "p.csv:2:6 (Variant Grams): '-5' is not a weight in grams",
        "p.csv:2:5 (Image Position): negative position -1",
    ]


def test_a_file_that_is_not_utf8_names_the_line_and_column_of_the_bad_byte(tmp_path):
    # given a CSV saved as Windows-1252: "é" is one byte 0xE9 on line 3, after "Caf"
    path = tmp_path / "latin.csv"
    path.write_bytes("Handle,Title,Variant Price\nmug,Mug,9\ncafé,Café,4\n"
                     .encode("cp1252"))
    # when it is read
    with pytest.raises(InputErrors) as caught:
        read_product_csv(path)
    # then the error points at the letter, and says how to fix the file
    (error,) = caught.value.errors
    assert error.where == f"{path}:3:4"
    assert "0xE9" in error.problem
    assert "UTF-8" in error.fix and "Save As" in error.fix


def test_the_bad_byte_column_counts_characters_and_skips_the_bom(tmp_path):
    # given a UTF-8 file with a BOM and an accented letter before a stray Latin-1 byte
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\xef\xbb\xbf\xc3\xa9t\xe9,Title\n")
    # then the column is the one an editor shows: é, t, then the bad byte
    with pytest.raises(InputErrors) as caught:
        read_product_csv(path)
    assert caught.value.errors[0].where == f"{path}:1:3"


def test_current_dialect_derives_the_handle_from_the_title():
    text = "Title,URL handle,Price\nTrail Mug 2.0,,12\n"
    (mug,) = parse_product_csv(text, "p.csv")
    assert mug.handle == "trail-mug-2-0"


def test_category_name_is_the_last_segment_of_the_taxonomy_path():
    assert category_name("Apparel & Accessories > Clothing > Shirts & Tops") == "Shirts & Tops"
    assert category_name("Candles") == "Candles"


@pytest.mark.parametrize("dialect", ["legacy", "current"])
def test_write_then_read_gives_equal_products(tmp_path, dialect):
    # given products read from the fixture
    products = read_product_csv(LEGACY)
    # when they are written in a dialect and read back
    path = write_product_csv(products, tmp_path / "out.csv", dialect=dialect)
    # then nothing is lost, and the header is the dialect's
    assert read_product_csv(path) == products
    assert path.read_text(encoding="utf-8").splitlines()[0] == ",".join(header(dialect))


def test_writing_an_unknown_dialect_is_refused():
    with pytest.raises(ValueError, match="legacy"):
        product_csv_text([], "2019")


def test_inventory_rows_per_variant_and_location():
    # given an inventory export with a row per variant and location, one "not stocked"
    rows = read_inventory_csv(FIXTURES / "inventory.csv")
    # then stocked rows come back with their quantities and options; "not stocked" is left out
    figures = [(r.sku, r.location, r.available, r.committed, r.unavailable, r.on_hand)
               for r in rows]
    assert figures == [
        ("RFS-S-MOSS", "Fernhill Warehouse", 3, 1, 0, 4),
        ("RFS-S-MOSS", "Fernhill Flagship Store", 1, 0, 1, 2),
        ("RFS-M-MOSS", "Fernhill Warehouse", 0, 0, 0, 0),
        ("", "Fernhill Warehouse", 12, 0, 0, 12),
    ]
    assert rows[0].options == {"Size": "S", "Colour": "Moss"}
    assert rows[3].options == {} and rows[3].handle == "beeswax-candle"
    assert (rows[2].incoming, rows[2].on_hand_new) == (5, 6)


def test_inventory_errors_are_collected_with_places():
    source = str(FIXTURES / "bad_inventory.csv")
    found = [p.replace(source, "inv.csv")
             for p in problems(read_inventory_csv, FIXTURES / "bad_inventory.csv")]
    assert found == [
        "inv.csv:2:7 (Unavailable (not editable)): negative quantity -1",
        "inv.csv:3:10 (On hand (current)): On hand 4 is not available 3 + committed 2 "
        "+ unavailable 0 = 5",
        "inv.csv:3:6 (Location): 'K-S' at 'Fernhill Warehouse' repeats line 2",
        "inv.csv:4:6 (Location): the Location is empty",
    ]


def test_inventory_of_an_oversold_variant_may_go_below_zero():
    # given an oversold CONTINUE variant, before and after the order is fulfilled
    text = ("Handle,SKU,Location,Unavailable (not editable),Committed (not editable),"
            "Available (not editable),On hand (current),On hand (new)\n"
            "mug,MUG-1,Warehouse,0,2,-2,0,\n"
            "mug,MUG-1,Shop,0,0,-2,-2,-2\n")
    # when it is read
    rows = parse_inventory_csv(text, "inv.csv")
    # then available and on hand keep their sign
    assert [(r.available, r.committed, r.on_hand, r.on_hand_new) for r in rows] == [
        (-2, 2, 0, None), (-2, 0, -2, -2)]


def test_inventory_committed_and_unavailable_cannot_be_negative():
    text = ("Handle,SKU,Location,Unavailable (not editable),Committed (not editable),"
            "Available (not editable),On hand (current)\n"
            "mug,MUG-1,Warehouse,0,-1,1,1\n")
    assert problems(parse_inventory_csv, text, "inv.csv") == [
        "inv.csv:2:5 (Committed (not editable)): negative quantity -1"]


def test_inventory_row_short_of_the_header_is_one_error():
    text = ("Handle,SKU,Location,Available (not editable),On hand (current)\n"
            "mug,MUG-1,Warehouse\n")
    found = problems(parse_inventory_csv, text, "inv.csv")
    assert found == ["inv.csv:2:3: the row has 3 cells but the header has 5 columns"]


def test_inventory_header_must_be_shopifys():
    found = problems(parse_inventory_csv, "sku,qty\nA,1\n", "stock.csv")
    assert len(found) == 1 and "Handle, Location, Available (not editable)" in found[0]


def test_inventory_round_trip(tmp_path):
    rows = read_inventory_csv(FIXTURES / "inventory.csv")
    path = write_inventory_csv(rows, tmp_path / "inventory.csv")
    assert read_inventory_csv(path) == rows
    assert parse_inventory_csv(inventory_csv_text(rows), "again.csv") == rows


words = st.text(alphabet=string.ascii_letters + string.digits + " -&'é", min_size=1,
                max_size=12).map(str.strip).filter(bool)
html = st.text(alphabet=string.printable.replace("\r", "").replace("\x0b", "").replace("\x0c", ""),
               max_size=40)
amounts = st.decimals(min_value=0, max_value=9999, places=2, allow_nan=False)


@st.composite
def catalogs(draw) -> list[Product]:
    products = []
    for number in range(draw(st.integers(1, 4))):
        names = draw(st.lists(words, max_size=3, unique=True))
        options = [Option(n, tuple(draw(st.lists(words, min_size=1, max_size=3, unique=True))))
                   for n in names if n != "Title"]
        combos: list[dict[str, str]] = [{}]
        for option in options:
            combos = [{**c, option.name: v} for c in combos for v in option.values]
        variants = [Variant(
            sku=draw(st.sampled_from(["", f"SKU-{number}-{i}"])), price=draw(amounts),
            options=combo, title=" / ".join(combo.values()) or "Default Title",
            compare_at_price=draw(st.none() | amounts), inventory_quantity=draw(st.integers(0, 99)),
            inventory_tracked=draw(st.booleans()),
            inventory_policy=draw(st.sampled_from(list(InventoryPolicy))),
            grams=draw(st.none() | st.integers(0, 5000)), requires_shipping=draw(st.booleans()),
            taxable=draw(st.booleans()), position=i + 1,
        ) for i, combo in enumerate(combos)]
        images = [Image(f"https://cdn.example/{number}-{i}.png", draw(words), i + 1)
                  for i in range(draw(st.integers(0, len(variants) + 2)))]
        products.append(Product(
            handle=f"product-{number}", title=draw(words), body_html=draw(html),
            vendor=draw(words), product_type=draw(words), category=draw(st.none() | words),
            tags=draw(st.lists(words, max_size=3, unique=True)),
            status=draw(st.sampled_from(list(ProductStatus))), published=draw(st.booleans()),
            options=options, variants=variants, images=images,
        ))
    return products


@settings(max_examples=40, deadline=None)
@given(catalogs(), st.sampled_from(["legacy", "current"]))
def test_any_catalog_round_trips_in_both_dialects(products, dialect):
    text = product_csv_text(products, dialect)
    assert parse_product_csv(text, "generated.csv") == products
