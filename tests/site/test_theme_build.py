"""``hubshop theme build``: every page template and product row to static HTML, with assets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sync.catalog.csv_write import write_product_csv
from sync.errors import InputError
from sync.local.hubdb import LocalHubDB
from sync.model.shop import Product, Variant
from sync.site.build import BuildResult, SiteOptions, build_site
from sync.site.hubl import LocalHubDBSource
from tests.site.theme_fixtures import (
    MODULES,
    SHOP,
    THEME,
    built_site,
    demo_products_by_csv,
    product_hub,
    read,
    synced_hub,
)

__all__ = ["built_site", "product_hub"]  # fixtures used by name


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(read(path), "html.parser")


def test_every_page_template_and_every_product_row_is_rendered(built_site: BuildResult):
    # given the demo catalogue's visible products
    handles = set(demo_products_by_csv())
    # then: no failures, one page per template, one per product
    assert built_site.failed == []
    pages = set(built_site.rendered)
    assert {"index.html", "about/index.html", "contact/index.html", "collection/index.html",
            "products/index.html", "404.html"} <= pages
    assert {f"products/{h}/index.html" for h in handles} <= pages
    assert len(pages) == 6 + len(handles)


def test_assets_are_copied_with_css_rendered_and_modules_merged(built_site: BuildResult):
    out = built_site.out_dir
    css = read(out / "css" / "main.css")
    assert "{%" not in css and "{{" not in css
    assert "--color-primary: #1F4E79;" in css
    assert (out / "js" / "main.js").exists()
    assert (out / "modules" / "shopify-buy-button.module" / "module.css").exists()
    assert (out / "modules" / "product-grid.module" / "module.js").exists()
    assert not (out / "modules" / "product-grid.module" / "module.html").exists()
    assert not (out / "fields.json").exists() and not (out / "brand.yml").exists()


def test_every_local_link_and_asset_in_the_built_pages_exists(built_site: BuildResult):
    # given every page's href/src that points into the site
    out = built_site.out_dir
    missing = set()
    for page in built_site.rendered:
        for tag in soup(out / page).find_all(["a", "link", "script", "img"]):
            url = tag.get("href") or tag.get("src") or ""
            if url.startswith("/") and not url.startswith("//"):
                target = out / url.split("?")[0].lstrip("/")
                if not (target.is_file() or (target / "index.html").is_file()):
                    missing.add(url)
    # then none is broken
    assert missing == set()


def test_product_page_has_json_ld_offer_and_canonical(built_site: BuildResult):
    # given a product read independently from the CSV
    expected = demo_products_by_csv()["willow-overshirt"]
    page = soup(built_site.out_dir / "products" / "willow-overshirt" / "index.html")
    # when
    data = json.loads(page.find("script", type="application/ld+json").string)
    canonical = page.find("link", rel="canonical")["href"]
    # then
    assert canonical == "http://localhost:8000/products/willow-overshirt"
    assert data["@type"] == "Product" and data["name"] == expected["title"]
    assert data["offers"]["price"] == f"{expected['price_min']:.2f}"
    assert data["offers"]["priceCurrency"] == "EUR"
    assert data["offers"]["availability"] == "https://schema.org/InStock"
    assert page.find("h1").get_text(strip=True) == expected["title"]


def test_buy_button_has_reserved_slot_and_a_cart_link_fallback(built_site: BuildResult):
    page = soup(built_site.out_dir / "products" / "willow-overshirt" / "index.html")
    embed = page.find(attrs={"data-shopify-embed": "product"})
    link = embed.find("a", attrs={"data-shopify-fallback": True})
    assert embed.find(attrs={"data-shopify-slot": True}) is not None
    assert link["href"].startswith(f"https://{SHOP}/cart/")
    assert link["href"].endswith(":1")
    assert link["href"].split("/cart/")[1][:-2].isdigit()


def test_listing_page_points_its_canonical_at_itself(built_site: BuildResult):
    page = soup(built_site.out_dir / "products" / "index.html")
    assert page.find("link", rel="canonical")["href"] == "http://localhost:8000/products"


def test_the_shop_has_one_listing_page(built_site: BuildResult):
    # when every built page's title is read
    titles = [soup(built_site.out_dir / name).title.get_text() for name in built_site.rendered]
    # then one page is the listing: the dynamic page's own URL, no second copy elsewhere
    assert titles.count("All products | Fernhill") == 1
    assert "product-listing/index.html" not in built_site.rendered


def test_the_collection_page_shows_a_real_collection_with_its_own_title(
        built_site: BuildResult):
    # given the demo rows in the bestsellers collection
    rows = json.loads(read(built_site.out_dir / "_hubshop" / "hubdb" / "products.json"))
    rows = rows.get("results", rows) if isinstance(rows, dict) else rows
    bestsellers = {r["path"] for r in rows if any(
        c == "bestsellers" or (isinstance(c, dict) and c.get("name") == "bestsellers")
        for c in (r["values"].get("collections") or []))}
    # when the collection page is read
    page = soup(built_site.out_dir / "collection" / "index.html")
    # then it is a shopper's page: its collection as h1, title and description, its products
    assert page.find("h1").get_text(strip=True) == "Bestsellers"
    assert page.title.get_text() == "Bestsellers | Fernhill"
    assert page.find("meta", attrs={"name": "description"})["content"] != "Fernhill"
    assert "Pick a collection" not in page.get_text()
    cards = {li["data-handle"] for li in page.select("[data-product-grid-list] .product-card")}
    assert cards and cards <= bestsellers


def test_pages_have_one_h1_a_skip_link_and_landmarks(built_site: BuildResult):
    for name in ("index.html", "products/index.html", "products/willow-overshirt/index.html",
                 "about/index.html", "404.html"):
        page = soup(built_site.out_dir / name)
        assert len(page.find_all("h1")) == 1, name
        assert page.find("a", class_="skip-link")["href"] == "#main-content"
        assert page.find("main", id="main-content") and page.find("header") and page.find(
            "footer")


def test_product_text_is_escaped_and_cannot_inject_script(tmp_path: Path):
    # given a product whose title and description try to inject script
    evil = Product(handle="evil", title='<script>alert("t")</script>',
                   body_html='<p onclick="x()">Hi</p><script>alert("d")</script>',
                   variants=[Variant(sku="E-1", price=10, inventory_quantity=1)])
    csv_path = write_product_csv([evil], tmp_path / "evil.csv")
    hub = synced_hub(tmp_path / "home", source=f"csv:{csv_path}")
    # when
    result = build_site(THEME, tmp_path / "out", SiteOptions(
        hubdb=LocalHubDBSource(hub), modules_dirs=(MODULES,)))
    # then the page renders and holds no executable script from the product
    assert result.failed == []
    html = read(tmp_path / "out" / "products" / "evil" / "index.html")
    assert "<script>alert" not in html and "onclick" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html or \
        "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt;" in html


def test_a_failing_template_is_reported_and_the_rest_still_render(tmp_path: Path):
    # given a foreign theme with one good and one broken page
    theme = tmp_path / "their-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.json").write_text('{"label": "Theirs"}')
    header = "<!--\n  templateType: page\n  isAvailableForNewContent: true\n  label: P\n-->\n"
    (theme / "templates" / "home.html").write_text(header + "<h1>{{ content.name }}</h1>")
    (theme / "templates" / "broken.html").write_text(header + "{{ 1|no_such_filter }}")
    # when
    result = build_site(theme, tmp_path / "out")
    # then
    assert result.rendered == ["index.html"]
    assert len(result.failed) == 1
    template, error = result.failed[0]
    assert template == "templates/broken.html"
    assert "templates/broken.html:6" in error and "no_such_filter" in error


def test_a_boilerplate_style_theme_builds(tmp_path: Path):
    # given a theme laid out like HubSpot's cms-theme-boilerplate (layouts, partials, system)
    theme = tmp_path / "boilerplate"
    for folder in ("templates/layouts", "templates/partials", "templates/system", "css",
                   "modules/card.module"):
        (theme / folder).mkdir(parents=True)
    (theme / "theme.json").write_text('{"label": "Boilerplate"}')
    (theme / "fields.json").write_text(json.dumps([{"name": "global_colors", "type": "group",
        "label": "Colours", "children": [{"name": "primary", "type": "color", "label": "P",
                                          "default": {"color": "#00a4bd", "opacity": 100}}]}]))
    (theme / "css" / "main.css").write_text("a { color: {{ theme.global_colors.primary.color }}; }")
    (theme / "templates" / "layouts" / "base.html").write_text(
        "<!--\n  templateType: none\n-->\n<!doctype html><html><head>"
        "{{ require_css(get_asset_url('../../css/main.css')) }}{{ standard_header_includes }}"
        "</head><body>{% include '../partials/header.html' %}{% block body %}{% endblock %}"
        "{{ standard_footer_includes }}</body></html>")
    (theme / "templates" / "partials" / "header.html").write_text(
        "<!--\n  templateType: global_partial\n  label: Header\n-->\n<header>{% menu 'main' %}"
        "</header>")
    (theme / "modules" / "card.module" / "module.html").write_text("<p>{{ module.text }}</p>")
    (theme / "modules" / "card.module" / "meta.json").write_text('{"label": "Card"}')
    (theme / "modules" / "card.module" / "fields.json").write_text(
        '[{"name": "text", "label": "Text", "type": "text", "default": "Hello"}]')
    page = "<!--\n  templateType: page\n  isAvailableForNewContent: true\n  label: {0}\n-->\n"
    (theme / "templates" / "home.html").write_text(
        page.format("Home") + "{% extends './layouts/base.html' %}{% block body %}"
        "{% dnd_area 'main' %}{% dnd_section %}{% dnd_module path='../modules/card' %}"
        "{% end_dnd_module %}{% end_dnd_section %}{% end_dnd_area %}{% endblock %}")
    (theme / "templates" / "system" / "404.html").write_text(
        page.replace("page", "error_page", 1).format("404")
        + "{% extends '../layouts/base.html' %}{% block body %}<h1>Gone</h1>{% endblock %}")
    # when
    result = build_site(theme, tmp_path / "out")
    # then
    assert result.failed == []
    assert sorted(result.rendered) == ["404.html", "index.html"]
    assert "<p>Hello</p>" in read(tmp_path / "out" / "index.html")
    assert read(tmp_path / "out" / "css" / "main.css") == "a { color: #00a4bd; }"


def test_build_refuses_a_folder_that_is_not_an_earlier_build(tmp_path: Path):
    # given
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "notes.txt").write_text("mine")
    # when / then
    with pytest.raises(InputError, match="is not empty and is not an earlier build"):
        build_site(THEME, tmp_path / "docs")
    assert (tmp_path / "docs" / "notes.txt").exists()


PAGE_HEADER = "<!--\n  templateType: {0}\n  isAvailableForNewContent: true\n  label: {1}\n-->\n"


def _foreign_theme(tmp_path: Path, templates: dict[str, str]) -> Path:
    """A minimal theme of someone else's: theme.json and the given templates (path: body)."""
    theme = tmp_path / "their-theme"
    (theme / "templates").mkdir(parents=True)
    (theme / "theme.json").write_text('{"label": "Theirs"}')
    for relative, body in templates.items():
        path = theme / "templates" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body)
    return theme


def test_hubl_html_templates_get_the_urls_of_their_html_names(tmp_path: Path):
    # given templates named the newer way, *.hubl.html
    theme = _foreign_theme(tmp_path, {
        "home.hubl.html": PAGE_HEADER.format("page", "Home") + "<h1>Home</h1>",
        "team.hubl.html": PAGE_HEADER.format("page", "Team") + "<h1>Team</h1>",
        "system/404.hubl.html": PAGE_HEADER.format("error_page", "404") + "<h1>Gone</h1>",
    })
    # when
    result = build_site(theme, tmp_path / "out")
    # then
    assert result.failed == []
    assert sorted(result.rendered) == ["404.html", "index.html", "team/index.html"]


def test_a_dynamic_page_with_no_table_configured_renders_once_and_says_so(tmp_path: Path):
    # given another company's dynamic-page template; its table is chosen in HubSpot, not the theme
    theme = _foreign_theme(tmp_path, {"places.html": PAGE_HEADER.format("page", "Places") + (
        "{% if dynamic_page_hubdb_row %}<h1>{{ dynamic_page_hubdb_row.hs_name }}</h1>"
        "{% else %}<h1>All places</h1>{% endif %}")})
    # when built over a store with no such table
    result = build_site(theme, tmp_path / "out",
                        SiteOptions(hubdb=LocalHubDBSource(LocalHubDB.in_memory())))
    # then the listing renders, no row pages, and it is a note rather than a failure
    assert result.failed == [] and result.rendered == ["places/index.html"]
    assert "<h1>All places</h1>" in read(tmp_path / "out" / "places" / "index.html")
    assert [t for t, _ in result.notes] == ["templates/places.html"]
    assert "no table configured" in result.notes[0][1]


def test_our_theme_without_a_synced_product_table_renders_empty_pages(tmp_path: Path):
    # given our theme and a store where the product table was never synced
    options = SiteOptions(hubdb=LocalHubDBSource(LocalHubDB.in_memory()), modules_dirs=(MODULES,))
    # when
    result = build_site(THEME, tmp_path / "out", options)
    # then every page template renders, no product pages, the missing table is told
    assert result.failed == []
    assert "products/index.html" in result.rendered
    assert not [p for p in result.rendered if p.startswith("products/") and p.count("/") > 1]
    listing = soup(tmp_path / "out" / "products" / "index.html")
    status = listing.find(attrs={"data-product-grid-status": True})
    assert status is not None and status.get_text(strip=True)
    assert ("products", "HubDB table does not exist: pages that list it render empty") in \
        result.notes
    assert any("table 'products' does not exist yet" in why for _, why in result.notes)


def test_every_page_template_including_the_404_has_a_dnd_area_for_marketers(
        built_site: BuildResult):
    # given every page and error template of our theme
    templates = [p for p in (THEME / "templates").rglob("*.html")
                 if "templateType: page" in read(p) or "templateType: error_page" in read(p)]
    # then each declares a drag-and-drop area, and the built 404 carries it with its text
    assert any(p.name == "404.html" for p in templates)
    assert [p.name for p in templates if "{% dnd_area" not in read(p)] == []
    page = soup(built_site.out_dir / "404.html")
    area = page.find("section", class_="error-page").find(class_="dnd-section")
    assert area is not None, "404 has no rendered dnd section"
    assert "We could not find that page" in area.get_text()
    assert area.find("a", class_="button")["href"] == "/products"


def test_the_text_summary_counts_placeholders_per_template_with_pages_behind_verbose(
        built_site: BuildResult):
    from sync.site.build_summary import summary_lines

    # when the build is summarised as text, plainly and verbosely
    plain = [line for line in summary_lines(built_site) if "placeholders" in line]
    verbose = [line for line in summary_lines(built_site, verbose=True) if "placeholders" in line]
    # then one line per template, counting its pages; the per-page list only with -v
    product_lines = [line for line in plain if "templates/product.html" in line]
    rows = sum(1 for page in built_site.rendered if page.startswith("products/")
               and page.count("/") == 2)
    assert len(product_lines) == 1
    assert f"menu()×{rows + 1} on {rows + 1} page(s)" in product_lines[0]
    assert not any("[willow-tote]" in line for line in plain)
    assert any("templates/product.html [willow-tote]: menu()×1" in line for line in verbose)


def test_the_header_menu_has_about_and_contact(built_site: BuildResult):
    # when the home page's header nav is read
    page = soup(built_site.out_dir / "index.html")
    links = [(a.get_text(strip=True), a["href"])
             for a in page.select(".header__nav a")]
    # then the demo's header menu carries the pages the footer links to
    assert [label for label, _ in links] == ["Home", "Shop", "About", "Contact"]
    assert dict(links)["About"] == "/about" and dict(links)["Contact"] == "/contact"


def test_the_static_listing_says_its_filters_need_javascript(built_site: BuildResult):
    # given the static build, which a file server serves whatever the query string
    listing = soup(built_site.out_dir / "products" / "index.html")
    home = soup(built_site.out_dir / "index.html")
    # then a shopper without JavaScript is told, beside the filters, rather than shown all
    # products under a filtered URL; a grid without filters (new arrivals) says nothing
    note = listing.select_one("[data-product-grid] noscript")
    assert note is not None and "JavaScript" in note.get_text()
    assert home.select_one("[data-product-grid] noscript") is None
