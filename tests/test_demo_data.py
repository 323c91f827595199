"""The shipped Fernhill demo store holds what the brief promises, counted from its files."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from collections import Counter, defaultdict

import pytest

from sync.catalog.inventory_csv import read_inventory_csv
from sync.catalog.product_csv import category_name, read_product_csv
from sync.model.shop import ProductStatus
from sync.paths import DEMO_DIR, REPO_DIR


@pytest.fixture(scope="module")
def products():
    return read_product_csv(DEMO_DIR / "products.csv")


@pytest.fixture(scope="module")
def inventory():
    return read_inventory_csv(DEMO_DIR / "inventory.csv")


@pytest.fixture(scope="module")
def locations():
    return json.loads((DEMO_DIR / "locations.json").read_text(encoding="utf-8"))


def warehouse_feed() -> list[dict[str, str]]:
    with (DEMO_DIR / "warehouse_stock.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_catalog_size_categories_and_vendors(products):
    assert len(products) >= 150
    categories = {category_name(p.category) for p in products if p.category}
    assert len(categories) >= 8
    vendors = Counter(p.vendor for p in products)
    assert vendors.most_common(1)[0][0] == "Fernhill"
    assert 3 <= len(vendors) <= 4
    assert len({p.handle for p in products}) == len(products)


def test_variants_by_size_and_colour_and_some_single_variants(products):
    option_names = {o.name for p in products for o in p.options}
    assert {"Size", "Colour"} <= option_names
    assert sum(len(p.variants) > 1 for p in products) > 100
    singles = [p for p in products if [v.title for v in p.variants] == ["Default Title"]]
    assert len(singles) >= 5


def test_size_holds_only_sizes_and_candles_come_in_weights(products):
    # given the option values of each product, by option name
    values: dict[str, set[str]] = defaultdict(set)
    for product in products:
        for option in product.options:
            values[option.name].update(option.values)
    candles = [p for p in products if p.product_type == "Candles" and len(p.variants) > 1]
    # then Size is clothing and shoe sizes only: a weight never reads as a size
    assert not any(value.endswith((" g", " kg", "ml")) for value in values["Size"])
    # and the candles that come in two weights name the option Weight
    assert candles
    assert all([o.name for o in c.options] == ["Weight"] for c in candles)
    assert values["Weight"] == {"180 g", "320 g"}


def test_compare_at_prices_on_about_a_fifth(products):
    share = sum(p.on_sale for p in products) / len(products)
    assert 0.1 <= share <= 0.3
    assert all("sale" in p.tags for p in products if p.on_sale)


def test_tags_statuses_and_publication(products):
    tags = {t for p in products for t in p.tags}
    assert {"new", "bestseller", "organic", "sale", "merino", "linen"} <= tags
    statuses = Counter(p.status for p in products)
    assert 3 <= statuses[ProductStatus.DRAFT] <= 8
    assert 1 <= statuses[ProductStatus.ARCHIVED] <= 3
    assert all(p.published == (p.status is ProductStatus.ACTIVE) for p in products)


def test_stock_some_sold_out_some_partly_some_untracked_some_without_sku(products):
    tracked = [p for p in products if any(v.inventory_tracked for v in p.variants)]
    sold_out = [p for p in tracked if p.inventory_total == 0]
    partly = [p for p in tracked if 0 < sum(v.inventory_quantity == 0 for v in p.variants)
              < len(p.variants)]
    assert 0.05 <= len(sold_out) / len(products) <= 0.12
    assert len(partly) >= 10
    assert any(not v.inventory_tracked for p in products for v in p.variants)
    assert 1 <= sum(v.sku == "" for p in products for v in p.variants) <= 10


def test_one_small_accessible_local_image_per_colour(products):
    for product in products:
        assert product.images, product.handle
        colours = next((o.values for o in product.options if o.name == "Colour"), ())
        alts = [i.alt for i in product.images]
        assert all(any(alt.endswith(f" in {c}") for alt in alts) for c in colours)
        for image in product.images:
            assert image.src.startswith("images/") and image.src.endswith(".svg")
            svg = (DEMO_DIR / image.src).read_text(encoding="utf-8")
            assert len(svg.encode()) < 1024
            assert f"<title id=\"t\">{image.alt}</title>" in svg
    files = {p.name for p in (DEMO_DIR / "images").iterdir()}
    assert files == {i.src.removeprefix("images/") for p in products for i in p.images}


def test_inventory_covers_every_tracked_variant_and_adds_up(products, inventory, locations):
    names = {loc["name"] for loc in locations}
    assert len(locations) == 2
    assert {row.location for row in inventory} == names
    per_variant = defaultdict(list)
    for row in inventory:
        per_variant[(row.handle, tuple(row.options.values()))].append(row)
    for product in products:
        for variant in product.variants:
            rows = per_variant.get((product.handle, tuple(variant.options.values())), [])
            if not variant.inventory_tracked:
                assert rows == []
                continue
            assert rows, variant.sku
            assert sum(r.available for r in rows) == variant.inventory_quantity
    assert any(len(rows) == 1 for rows in per_variant.values())
    assert any(len(rows) == 2 for rows in per_variant.values())


def test_warehouse_feed_differs_from_the_store_in_a_few_places(inventory, locations):
    code = {loc["name"]: loc["warehouse_code"] for loc in locations}
    store = {(r.sku, code[r.location]): r for r in inventory if r.sku}
    feed = warehouse_feed()
    assert {row["location_code"] for row in feed} == set(code.values())
    differing = []
    for row in feed:
        level = store.get((row["sku"], row["location_code"]))
        assert int(row["qty_available"]) == int(row["qty_on_hand"]) - int(row["qty_allocated"])
        if level is None or (int(row["qty_on_hand"]), int(row["qty_available"])) != (
                level.on_hand, level.available):
            differing.append(row["sku"])
    assert 5 <= len(differing) <= 12
    known = {sku for sku, _ in store}
    assert sum(sku not in known for sku in differing) == 1
    # and every stocked SKU of the store has its row in the feed
    assert set(store) <= {(row["sku"], row["location_code"]) for row in feed}
    readme = (DEMO_DIR / "README.md").read_text(encoding="utf-8")
    assert all(f"`{sku}`" in readme for sku in differing)


def test_collections_smart_and_manual_point_at_real_products(products):
    collections = json.loads((DEMO_DIR / "collections.json").read_text(encoding="utf-8"))
    handles = {p.handle for p in products}
    tags = {t for p in products for t in p.tags}
    assert 8 <= len(collections) <= 12
    smart = [c for c in collections if c.get("rule_tag")]
    manual = [c for c in collections if c.get("product_handles")]
    assert len(smart) >= 5 and len(manual) >= 2
    assert all(c["rule_tag"] in tags for c in smart)
    assert all(set(c["product_handles"]) <= handles for c in manual)
    assert all(c["handle"] and c["title"] and c["body_html"] for c in collections)


def test_shop_settings():
    shop = json.loads((DEMO_DIR / "shop.json").read_text(encoding="utf-8"))
    assert shop["name"] == "Fernhill"
    assert shop["domain"] == "fernhill-demo.myshopify.com"
    assert (shop["currency"], shop["iana_timezone"]) == ("EUR", "Europe/Amsterdam")
    assert shop["storefront_domain"]


def test_demo_folder_stays_well_under_a_megabyte():
    size = sum(p.stat().st_size for p in DEMO_DIR.rglob("*") if p.is_file())
    assert size < 800_000


def test_the_shipped_files_are_what_the_seeded_script_writes(tmp_path, monkeypatch):
    # given the generator script
    script = REPO_DIR / "scripts" / "make_demo_store.py"
    if not script.exists():
        pytest.skip("scripts/ is not part of an installed wheel")
    spec = importlib.util.spec_from_file_location("make_demo_store", script)
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, module)
    spec.loader.exec_module(module)
    # when it writes a fresh copy
    module.main(tmp_path)
    # then every file equals the committed one, byte for byte
    shipped = {p.relative_to(DEMO_DIR): p.read_bytes() for p in DEMO_DIR.rglob("*") if p.is_file()}
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    assert fresh.keys() == shipped.keys()
    assert [name for name in fresh if fresh[name] != shipped[name]] == []
