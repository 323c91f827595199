"""Generate the Fernhill demo store in sync/local/demo/ (seeded: the same files every run).

Run ``python scripts/make_demo_store.py`` from the repository root and commit
its output; ``hubshop demo`` loads those files, never this script.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import random
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from sync.catalog.csv_write import write_inventory_csv, write_product_csv
from sync.catalog.inventory_csv import InventoryRow
from sync.model.shop import Image, InventoryPolicy, Option, Product, ProductStatus, Variant

SEED = 20250115
CENTS = Decimal("0.01")
OUT = Path(__file__).resolve().parent.parent / "sync" / "local" / "demo"
PER_CATEGORY = 16
LOCATIONS = [
    {"name": "Fernhill Warehouse", "warehouse_code": "WH-MAIN"},
    {"name": "Fernhill Flagship Store", "warehouse_code": "STORE-01"},
]
WAREHOUSE, STORE = (loc["name"] for loc in LOCATIONS)
CODE = {loc["name"]: loc["warehouse_code"] for loc in LOCATIONS}
COLOURS = {
    "Moss": "#5b6b3a", "Rust": "#a0522d", "Navy": "#22324a", "Oat": "#d8ccb0",
    "Charcoal": "#3a3a3c", "Forest": "#2f5d3a", "Sand": "#c9b28f", "Slate": "#5d6d7e",
    "Ochre": "#c8902e", "Berry": "#7b2d43", "Sky": "#7fa7c9", "Black": "#1d1d1f",
}
PLACES = [
    "Ridge", "Harbour", "Moor", "Alder", "Bracken", "Heath", "Tarn", "Fell", "Cairn", "Birch",
    "Willow", "Larch", "Dune", "Cove", "Glen", "Marsh", "Rowan", "Hazel", "Sorrel", "Thistle",
]
BLURBS = {
    "shirts": ("A shirt for cool mornings on the trail and long lunches after.",
               "Soft from the first wear and softer every wash.",
               "Cut roomy enough to layer over a tee."),
    "tees": ("The tee you reach for first, in a weight that holds its shape.",
             "Garment-dyed for a lived-in colour from day one."),
    "trousers": ("Trousers with a gusseted crotch and room to climb.",
                 "A straight leg that works in town and on the towpath."),
    "dresses": ("An easy dress with pockets deep enough for a map.",
                "Light, breathable and made to move in."),
    "outerwear": ("Keeps the weather out and packs into its own pocket.",
                  "Taped seams, a stiffened hood and a two-way zip."),
    "knitwear": ("Knitted in Portugal from yarn that stays warm when damp.",
                 "A close knit that shrugs off wind on the fell."),
    "footwear": ("Goodyear-welted so it can be resoled for years.",
                 "Broken in within a weekend, comfortable for a decade."),
    "bags": ("Carries a day's kit and a laptop without complaint.",
             "Water-resistant fabric and a lifetime repair promise."),
    "accessories": ("The finishing layer for cold ears and bright mornings.",
                    "One size, generously cut."),
    "home": ("Hand-poured in small batches with a cotton wick.",
             "Smells of pine needles, woodsmoke and a walk home."),
}
CARE = ("Machine wash at 30°", "Wash cold, dry flat", "Wipe clean", "Repairable for life",
        "Burn for up to 45 hours")
APPAREL = ["XS", "S", "M", "L", "XL"]


@dataclass(frozen=True)
class Category:
    code: str
    product_type: str
    path: str
    styles: tuple[str, ...]
    prices: tuple[int, int]
    grams: int
    materials: tuple[str, ...]
    tag: str
    sizes: tuple[str, ...] = ()
    partner: str = ""


CATEGORIES = [
    Category("SH", "Shirts", "Apparel & Accessories > Clothing > Clothing Tops > Shirts",
             ("Flannel Shirt", "Oxford Shirt", "Linen Shirt", "Overshirt"), (49, 89), 320,
             ("organic-cotton", "linen"), "shirts", tuple(APPAREL)),
    Category("TE", "T-Shirts", "Apparel & Accessories > Clothing > Clothing Tops > T-Shirts",
             ("Tee", "Pocket Tee", "Long Sleeve Tee"), (25, 39), 180,
             ("organic-cotton", "hemp"), "tees", tuple(APPAREL)),
    Category("TR", "Trousers", "Apparel & Accessories > Clothing > Pants",
             ("Hiking Trousers", "Chinos", "Cord Trousers"), (69, 119), 520,
             ("organic-cotton", "recycled-nylon"), "trousers", ("S", "M", "L", "XL")),
    Category("DR", "Dresses", "Apparel & Accessories > Clothing > Dresses",
             ("Shirt Dress", "Wrap Dress", "Smock Dress"), (79, 149), 380,
             ("linen", "tencel"), "dresses", ("XS", "S", "M", "L")),
    Category("JK", "Jackets", "Apparel & Accessories > Clothing > Outerwear > Coats & Jackets",
             ("Rain Jacket", "Waxed Jacket", "Fleece", "Down Vest"), (129, 289), 820,
             ("recycled-nylon", "waxed-cotton"), "outerwear", ("S", "M", "L", "XL")),
    Category("KN", "Knitwear", "Apparel & Accessories > Clothing > Clothing Tops > Sweaters",
             ("Crew Sweater", "Cardigan", "Roll Neck"), (79, 169), 450,
             ("merino", "lambswool"), "knitwear", ("S", "M", "L", "XL"), "Loom & Lichen"),
    Category("SO", "Boots", "Apparel & Accessories > Shoes > Boots",
             ("Trail Boot", "Chelsea Boot", "Camp Moc"), (119, 229), 1100,
             ("leather", "suede"), "footwear", tuple(str(n) for n in range(38, 46)),
             "Northpaw Footwear"),
    Category("BG", "Bags", "Luggage & Bags > Backpacks",
             ("Daypack", "Roll-top Pack", "Tote", "Hip Pack"), (39, 149), 700,
             ("recycled-polyester", "canvas"), "bags"),
    Category("AC", "Hats", "Apparel & Accessories > Clothing Accessories > Hats",
             ("Beanie", "Cap", "Bucket Hat"), (19, 45), 90,
             ("merino", "organic-cotton"), "accessories"),
    Category("HM", "Candles", "Home & Garden > Decor > Home Fragrances > Candles",
             ("Candle", "Travel Candle", "Pillar Candle"), (16, 38), 320,
             ("soy-wax", "beeswax"), "home", (), "Hollow Oak Candle Co."),
]

# Shopify Payments as `hubshop payouts` shows it on the embedded default (demo money), in the
# shape of the Admin API's shopifyPaymentsAccount.
PAYOUTS = {
    "_comment": "Demo Shopify Payments figures for the embedded default. Not real money.",
    "balance": [{"amount": "677.90", "currencyCode": "EUR"}],
    "payoutSchedule": {"interval": "DAILY", "weeklyAnchor": None, "monthlyAnchor": None},
    "payouts": [
        {"legacyResourceId": str(9100000001 + n), "issuedAt": f"2026-03-{day:02d}T06:00:00Z",
         "status": status, "transactionType": "DEPOSIT",
         "net": {"amount": amount, "currencyCode": "EUR"}}
        for n, (day, status, amount) in enumerate([
            (9, "SCHEDULED", "412.80"), (6, "PAID", "265.10"), (5, "PAID", "530.45"),
            (4, "FAILED", "198.00"), (3, "PAID", "341.75")])
    ],
}

def main(out: Path = OUT) -> None:
    """Write the whole demo store into ``out`` (the shipped folder by default)."""
    rng = random.Random(SEED)
    products = [product for category in CATEGORIES
                for product in make_category(rng, category)] + gift_cards()
    assign_statuses(rng, products)
    empty_some_skus(rng, products)
    levels = stock_levels(rng, products)
    shutil.rmtree(out / "images", ignore_errors=True)
    (out / "images").mkdir(parents=True, exist_ok=True)
    for product in products:
        write_images(out, product)
    write_product_csv(products, out / "products.csv", dialect="legacy")
    write_inventory_csv(levels, out / "inventory.csv")
    differences = write_warehouse_feed(out, rng, levels)
    dump(out / "collections.json", collections(rng, products))
    dump(out / "locations.json", LOCATIONS)
    dump(out / "shop.json", {
        "name": "Fernhill", "domain": "fernhill-demo.myshopify.com", "currency": "EUR",
        "iana_timezone": "Europe/Amsterdam", "storefront_domain": "shop.fernhill.example",
        "primary_locale": "en", "money_format": "€{{amount}}", "email": "hello@fernhill.example",
    })
    dump(out / "nightly_changes.json", nightly_changes(products))
    dump(out / "payouts.json", PAYOUTS)
    write_readme(out, products, levels, differences)
    print(f"{len(products)} products, {sum(len(p.variants) for p in products)} variants, "
          f"{len(levels)} inventory rows, {len(differences)} warehouse differences -> {out}")


def make_category(rng: random.Random, category: Category) -> list[Product]:
    names = rng.sample([(p, s) for p in PLACES for s in category.styles], PER_CATEGORY)
    products = []
    for number, (place, style) in enumerate(names, start=1):
        title = f"{place} {style}"
        handle = title.lower().replace(" ", "-")
        material = rng.choice(category.materials)
        vendor = category.partner if category.partner and rng.random() < 0.6 else "Fernhill"
        low, high = category.prices
        price = Decimal(rng.randrange(low // 5 + 1, high // 5 + 1) * 5) - rng.choice((0, 1))
        price = price.quantize(CENTS)
        compare_at = None
        tags = [category.tag, material]
        if rng.random() < 0.2:
            compare_at = ((price * Decimal("1.3") / 5).quantize(Decimal(1)) * 5).quantize(CENTS)
            tags.append("sale")
        tags += [t for t, p in (("new", 0.25), ("bestseller", 0.15)) if rng.random() < p]
        if material == "organic-cotton":
            tags.append("organic")
        care = CARE[-1] if category.tag == "home" else rng.choice(CARE[:-1])
        colours = rng.sample(list(COLOURS), rng.choice((1, 2, 2, 3)))
        if category.code == "HM":
            colours = colours[:1]
        sizes = pick_sizes(rng, category)
        options = []
        if category.sizes:
            options.append(Option("Size", tuple(sizes)))
        if len(colours) > 1 or category.sizes:
            options.append(Option("Colour", tuple(colours)))
        if category.code == "HM" and rng.random() < 0.5:
            # a candle comes in weights, as Shopify candle shops name it (never under Size)
            options = [Option("Weight", ("180 g", "320 g"))]
        product = Product(
            handle=handle, title=title, vendor=vendor, product_type=category.product_type,
            category=category.path, tags=tags,
            body_html=(f"<p>{rng.choice(BLURBS[category.tag])}</p><ul>"
                       f"<li>{material.replace('-', ' ').capitalize()}</li>"
                       f"<li>{care}</li></ul>"),
            options=options,
            images=[Image(f"images/{handle}-{c.lower()}.svg", f"{title} in {c}", n)
                    for n, c in enumerate(colours, start=1)],
        )
        combos: list[dict[str, str]] = [{}]
        for option in options:
            combos = [{**c, option.name: v} for c in combos for v in option.values]
        for position, combo in enumerate(combos, start=1):
            colour = combo.get("Colour", colours[0])
            extra = Decimal("6.00") if combo.get("Weight") == "320 g" else Decimal(0)
            sku = "-".join(["FH", category.code, f"{number:03d}"]
                           + [v.replace(" ", "").upper()[:3] for v in combo.values()])
            product.variants.append(Variant(
                sku=sku, price=price + extra, options=combo,
                title=" / ".join(combo.values()) or "Default Title",
                compare_at_price=None if compare_at is None else compare_at + extra,
                grams=category.grams + rng.randrange(0, 40, 10),
                image_src=f"images/{handle}-{colour.lower()}.svg" if options else None,
                position=position,
            ))
        products.append(product)
    return products


def pick_sizes(rng: random.Random, category: Category) -> list[str]:
    if not category.sizes:
        return []
    count = min(len(category.sizes), rng.choice((3, 4, 4, 5)))
    start = rng.randrange(0, len(category.sizes) - count + 1)
    return list(category.sizes[start:start + count])


def gift_cards() -> list[Product]:
    """Gift cards: untracked, never out of stock; the e-gift card ships nothing."""
    cards = []
    for handle, title, ships in (("fernhill-gift-card", "Fernhill Gift Card", True),
                                 ("fernhill-e-gift-card", "Fernhill E-Gift Card", False)):
        amounts = ("25", "50", "100")
        card = Product(
            handle=handle, title=title, vendor="Fernhill", product_type="Gift Card",
            tags=["gift"], body_html=f"<p>A {title} to spend on anything Fernhill.</p>",
            options=[Option("Amount", tuple(f"€{a}" for a in amounts))],
            images=[Image(f"images/{handle}.svg", title, 1)],
        )
        for position, amount in enumerate(amounts, start=1):
            card.variants.append(Variant(
                sku=f"FH-GC-{'P' if ships else 'E'}{amount}", price=Decimal(f"{amount}.00"),
                options={"Amount": f"€{amount}"}, title=f"€{amount}", inventory_tracked=False,
                inventory_policy=InventoryPolicy.CONTINUE, requires_shipping=ships,
                taxable=False, position=position,
            ))
        cards.append(card)
    return cards


def assign_statuses(rng: random.Random, products: list[Product]) -> None:
    """Five drafts and two archived products; only active ones are published."""
    chosen = rng.sample(range(len(products) - 2), 7)
    for index in chosen[:5]:
        products[index].status = ProductStatus.DRAFT
    for index in chosen[5:]:
        products[index].status = ProductStatus.ARCHIVED
    for product in products:
        product.published = product.status is ProductStatus.ACTIVE


def empty_some_skus(rng: random.Random, products: list[Product]) -> None:
    """Real stores have variants without SKUs; the demo keeps five."""
    variants = [v for p in products[:-2] for v in p.variants]
    for variant in rng.sample(variants, 5):
        variant.sku = ""


def stock_levels(rng: random.Random, products: list[Product]) -> list[InventoryRow]:
    """Per-location quantities; ~8% of products sold out, some variants at one location only."""
    sold_out = set(rng.sample(range(len(products) - 2), round(len(products) * 0.08)))
    rows = []
    for index, product in enumerate(products):
        for variant in product.variants:
            if not variant.inventory_tracked:
                continue
            where = rng.choices(((WAREHOUSE, STORE), (WAREHOUSE,), (STORE,)), (75, 20, 5))[0]
            empty = index in sold_out or rng.random() < 0.08
            total = 0
            for location in where:
                available = 0 if empty else rng.randrange(0, 5 if location == STORE else 40)
                committed = rng.choice((0, 0, 0, 1, 2)) if location == WAREHOUSE else 0
                unavailable = 1 if rng.random() < 0.04 else 0
                total += available
                rows.append(InventoryRow(
                    handle=product.handle, sku=variant.sku, options=dict(variant.options),
                    location=location, available=available, committed=committed,
                    unavailable=unavailable, on_hand=available + committed + unavailable,
                    title=product.title,
                ))
            variant.inventory_quantity = total
    return rows


def write_warehouse_feed(target: Path, rng: random.Random,
                         levels: list[InventoryRow]) -> list[dict]:
    """The warehouse's own feed: equal to the store except for eight documented rows."""
    start = datetime(2025, 1, 15, 6, 0, tzinfo=timezone(timedelta(hours=1)))
    feed = {}
    for row in levels:
        if row.sku:
            feed[(row.sku, CODE[row.location])] = {
                "sku": row.sku, "location_code": CODE[row.location],
                "qty_on_hand": row.on_hand, "qty_allocated": row.committed + row.unavailable,
                "qty_available": row.available,
                "last_movement_at": (start - timedelta(minutes=rng.randrange(60, 20000)))
                .isoformat(),
            }
    warehouse_rows = [r for key, r in feed.items()
                      if key[1] == "WH-MAIN" and r["qty_available"] >= 3]
    picks = rng.sample(warehouse_rows, 6)
    differences = []

    def change(row: dict, why: str, on_hand: int, allocated: int | None = None) -> None:
        before = {"qty_on_hand": row["qty_on_hand"], "qty_available": row["qty_available"]}
        row["qty_allocated"] = row["qty_allocated"] if allocated is None else allocated
        row["qty_on_hand"] = on_hand
        row["qty_available"] = on_hand - row["qty_allocated"]
        row["last_movement_at"] = start.isoformat()
        differences.append({"sku": row["sku"], "location_code": row["location_code"],
                            "why": why, "store": before,
                            "warehouse": {k: row[k] for k in before}})

    for row in picks[:3]:
        change(row, "received stock (a delivery the store has not seen)", row["qty_on_hand"] + 24)
    change(picks[3], "count correction (found fewer on the shelf)",
           max(picks[3]["qty_allocated"], picks[3]["qty_on_hand"] - 2))
    change(picks[4], "count correction (none left)", 0, 0)
    change(picks[5], "allocated to an order the store has not committed",
           picks[5]["qty_on_hand"], picks[5]["qty_allocated"] + 1)
    only_warehouse = next(key for key in feed if key[1] == "WH-MAIN"
                          and (key[0], "STORE-01") not in feed and key not in
                          {(r["sku"], r["location_code"]) for r in picks})
    zero = {**feed[only_warehouse], "location_code": "STORE-01", "qty_on_hand": 0,
            "qty_allocated": 0, "qty_available": 0, "last_movement_at": start.isoformat()}
    feed[(only_warehouse[0], "STORE-01")] = zero
    differences.append({"sku": zero["sku"], "location_code": "STORE-01",
                        "why": "a location code with zero where the store stocks nothing",
                        "store": None, "warehouse": {"qty_on_hand": 0, "qty_available": 0}})
    unknown = {"sku": "FH-SH-999-SAMPLE", "location_code": "WH-MAIN", "qty_on_hand": 3,
               "qty_allocated": 0, "qty_available": 3, "last_movement_at": start.isoformat()}
    feed[(unknown["sku"], "WH-MAIN")] = unknown
    differences.append({"sku": unknown["sku"], "location_code": "WH-MAIN",
                        "why": "a SKU the store does not know (a sample, never listed)",
                        "store": None, "warehouse": {"qty_on_hand": 3, "qty_available": 3}})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(unknown), lineterminator="\n")
    writer.writeheader()
    writer.writerows(sorted(feed.values(), key=lambda r: (r["sku"], r["location_code"])))
    (target / "warehouse_stock.csv").write_text(out.getvalue(), encoding="utf-8")
    return differences


def collections(rng: random.Random, products: list[Product]) -> list[dict]:
    smart = [
        ("new-arrivals", "New Arrivals", "new", "Fresh from the Fernhill studio."),
        ("bestsellers", "Bestsellers", "bestseller", "What everyone keeps coming back for."),
        ("sale", "Sale", "sale", "Last chances at a lower price."),
        ("organic", "Organic Cotton", "organic", "Grown without synthetic pesticides."),
        ("knitwear", "Knitwear", "knitwear", "Merino and lambswool for cold mornings."),
        ("outerwear", "Outerwear", "outerwear", "Jackets for wind, rain and everything between."),
        ("footwear", "Footwear", "footwear", "Boots and mocs built to be resoled."),
        ("home", "Home", "home", "Candles poured in small batches."),
    ]
    result: list[dict] = [{"handle": h, "title": t, "body_html": f"<p>{b}</p>", "rule_tag": tag}
                          for h, t, tag, b in smart]
    active = [p.handle for p in products if p.status is ProductStatus.ACTIVE]
    result.append({"handle": "editors-picks", "title": "Editor's Picks",
                   "body_html": "<p>Our team's favourites this season.</p>",
                   "product_handles": rng.sample(active[:-2], 8)})
    result.append({"handle": "gift-guide", "title": "Gift Guide",
                   "body_html": "<p>Presents for people who love the outdoors.</p>",
                   "product_handles": rng.sample(active[:-2], 9) + ["fernhill-gift-card"]})
    return result


def nightly_changes(products: list[Product]) -> dict:
    """What the demo's product master says tonight: two new products, three changed, three gone.

    ``hubshop demo`` builds its nightly feed from ``products.csv`` with these
    changes, so the nightly import has something to create, update and archive.
    """
    active = [p for p in products if p.status is ProductStatus.ACTIVE
              and p.product_type != "Gift Card"]
    template = active[0]
    added = []
    for number, colour in ((1, "Heather"), (2, "Rust")):
        handle = f"{template.handle}-{colour.lower()}-edition"
        added.append({
            "handle": handle, "title": f"{template.title} ({colour} edition)",
            "body_html": f"<p>A limited {colour.lower()} run of the {template.title}.</p>",
            "vendor": template.vendor, "product_type": template.product_type,
            "category": template.category, "tags": [*template.tags, "limited"],
            "options": [o.name for o in template.options],
            "variants": [{"sku": f"{v.sku or template.handle}-LTD{number}",
                          "price": str(v.price + 6), "options": v.options,
                          "grams": v.grams, "quantity": 5}
                         for v in template.variants],
            "images": [{"src": f"/demo/{i.src}", "alt": f"{template.title} ({colour} edition)"}
                       for i in template.images[:1]],
        })
    return {
        "about": "hubshop demo: tonight's product master = products.csv with these changes",
        "add": added,
        "change": {
            active[3].handle: {"title": f"{active[3].title} (new season)"},
            active[6].handle: {"price": str(active[6].variants[0].price + 4)},
            active[9].handle: {"body_html": active[9].body_html + "<p>Now recycled packaging."
                                                                   "</p>"},
        },
        "drop": [p.handle for p in active[-3:]],
    }


def write_images(out: Path, product: Product) -> None:
    """One illustration per colour, drawn for the product's style (``scripts/demo_art.py``)."""
    art = _demo_art()
    for image in product.images:
        colour = image.alt.rsplit(" in ", 1)[-1] if " in " in image.alt else "Forest"
        svg = art.illustration(product.title, image.alt, COLOURS.get(colour, "#2f5d3a"))
        (out / image.src).write_text(svg, encoding="utf-8")


def _demo_art():  # noqa: ANN202 - a module loaded by path, beside this script
    """``demo_art`` from this script's folder (scripts/ is not a package)."""
    path = Path(__file__).with_name("demo_art.py")
    spec = importlib.util.spec_from_file_location("demo_art", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def write_readme(out: Path, products: list[Product], levels: list[InventoryRow],
                 differences: list[dict]) -> None:
    variants = sum(len(p.variants) for p in products)
    lines = [
        "# Fernhill demo store",
        "",
        "The store `hubshop demo` loads: a fictional outdoor and lifestyle brand, generated by",
        "`python scripts/make_demo_store.py` (seeded, so every run writes the same files; edit",
        "the script, not these files).",
        "",
        "| file | what |",
        "|---|---|",
        f"| `products.csv` | Shopify product CSV, legacy dialect: {len(products)} products, "
        f"{variants} variants |",
        "| `images/*.svg` | one small image per product colour; `Image Src` refers to them "
        "relative to the CSV (real syncs use Shopify CDN URLs) |",
        "| `collections.json` | `[{handle, title, body_html, rule_tag}]` smart collections "
        "by tag, or `product_handles` for manual ones |",
        "| `locations.json` | the two locations and the warehouse's code for each |",
        f"| `inventory.csv` | Shopify inventory CSV: {len(levels)} rows, one per tracked "
        "variant and location it is stocked at |",
        "| `warehouse_stock.csv` | the warehouse's own stock feed (format below) |",
        "| `shop.json` | shop name, domain, currency, time zone |",
        "| `nightly_changes.json` | the demo's nightly feed: `products.csv` plus these additions,"
        " changes and drops |",
        "",
        "## The warehouse feed",
        "",
        "`sku,location_code,qty_on_hand,qty_allocated,qty_available,last_movement_at`: one row",
        "per SKU and warehouse location code (`WH-MAIN`, `STORE-01`, see `locations.json`);",
        "`qty_available = qty_on_hand - qty_allocated`, where allocated is Shopify's",
        "`committed + unavailable`; `last_movement_at` is ISO 8601 with offset. Variants",
        "without a SKU cannot appear in it. Everywhere else it equals `inventory.csv`,",
        "except these rows:",
        "",
        "| SKU | location | why | store (on hand / available) | warehouse |",
        "|---|---|---|---|---|",
    ]
    for d in differences:
        store = d["store"]
        shown = f"{store['qty_on_hand']} / {store['qty_available']}" if store else "no row"
        wh = d["warehouse"]
        lines.append(f"| `{d['sku']}` | {d['location_code']} | {d['why']} | {shown} | "
                     f"{wh['qty_on_hand']} / {wh['qty_available']} |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


def dump(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
