"""``hubshop theme preview``: live pages, server-side filters from the URL, HubDB's rows API."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from sync.local.hubdb import LocalHubDB
from sync.site.preview import CHANGES_PATH, PreviewSite
from tests.site.theme_fixtures import (
    THEME,
    demo_products_by_csv,
    product_hub,
    site_options,
)

__all__ = ["product_hub"]


@pytest.fixture(scope="module")
def site(product_hub: LocalHubDB) -> PreviewSite:
    return PreviewSite(THEME, site_options(product_hub), live_reload=False)


def get(site: PreviewSite, path: str) -> tuple[int, str, bytes]:
    return site.handle(path, "127.0.0.1:8000")


def cards(html: bytes) -> list[str]:
    page = BeautifulSoup(html.decode(), "html.parser")
    return [li["data-handle"] for li in page.select("[data-product-grid-list] .product-card")]


def expected(category: str, low: float, high: float) -> set[str]:
    return {h for h, p in demo_products_by_csv().items()
            if p["category"] == category and low <= p["price_min"] <= high}


def test_listing_filters_server_side_from_the_query_string(site: PreviewSite):
    # when: no JavaScript, the form's GET submit
    status, _, html = get(site, "/products/?category=Shirts&min=40&max=60")
    # then exactly the CSV's shirts priced 40..60, and the facets and form remember the choice
    assert status == 200
    assert set(cards(html)) == expected("Shirts", 40, 60) != set()
    page = BeautifulSoup(html.decode(), "html.parser")
    assert page.select_one("[data-facet=category] [aria-current]")["data-facet-value"] == "Shirts"
    assert page.find("input", attrs={"name": "min"})["value"] == "40"
    assert page.find("link", rel="canonical")["href"] == "http://127.0.0.1:8000/products"


def test_the_listing_names_the_filter_in_one_h1_and_its_title(site: PreviewSite):
    # when
    _, _, html = get(site, "/products/?category=Boots")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then one h1, the category's name, which the title and description repeat
    assert [h.get_text(strip=True) for h in page.find_all("h1")] == ["Boots"]
    assert page.title.get_text() == "Boots | Fernhill"
    assert page.find("meta", attrs={"name": "description"})["content"].startswith("Boots from")


def test_status_line_counts_the_whole_match_and_chips_remove_one_filter(site: PreviewSite):
    # given the CSV's boots under 150
    boots = expected("Boots", 0, 150)
    # when
    _, _, html = get(site, "/products/?category=Boots&max=150")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then the status line gives the range and the total, as the script words it
    status = page.select_one("[data-product-grid-status]").get_text()
    assert status == f"Showing 1–{len(boots)} of {len(boots)}"
    # and each chip links to the listing without its own filter, "Clear all" to none
    chips = {a["data-chip"]: a["href"] for a in page.select("[data-chip]")}
    assert chips == {"category": "/products/?max=150", "max": "/products/?category=Boots",
                     "all": "/products/"}


def test_links_carry_only_the_parameters_that_are_set(site: PreviewSite):
    # when
    _, _, html = get(site, "/products/?category=Boots&min=&max=&tag=&option=&page=1")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then no link on the grid carries an empty parameter
    hrefs = [a["href"] for a in page.select("[data-product-grid] a[href]")]
    assert hrefs and not [h for h in hrefs if "=&" in h or h.endswith("=")]
    assert page.select_one("[data-facet=option] a")["href"].startswith("/products/?category=Boots&")


def test_a_page_past_the_last_says_so_and_links_back(site: PreviewSite):
    # when
    _, _, html = get(site, "/products/?page=99")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then it names the total and the last page, and "Previous page" goes to the last one
    total = len(demo_products_by_csv())
    last = -(-total // 24)
    assert page.select_one("[data-product-grid-status]").get_text() == (
        f"Page 99 is past the end: {total} products match, on {last} pages.")
    assert page.find("a", rel="prev")["href"] == f"/products/?page={last}"


def test_the_card_is_written_once_as_a_template_the_script_clones(site: PreviewSite):
    # when
    _, _, html = get(site, "/products/")
    page = BeautifulSoup(html.decode(), "html.parser")
    template = page.select_one("template[data-product-grid-card]")
    card = page.select_one("[data-product-grid-list] .product-card")
    # then the template holds the same card markup, empty, and the script builds no cards
    assert template is not None
    assert [e.name for e in template.select("li *")] == [e.name for e in card.select("*")]
    script = (THEME.parent / "modules" / "product-grid.module" / "module.js").read_text()
    assert not [tag for tag in ("li", "img", "h3", "p") if f"createElement('{tag}')" in script]


def test_unknown_values_and_parameters_are_ignored_not_queried(site: PreviewSite):
    # given a category that is not an option, injection attempts and a bad number
    path = "/products/?category=Shirts%26price_min__lt%3D0&min=abc&evil__eq=1&sort=drop"
    # when
    status, _, html = get(site, path)
    # then the listing is the unfiltered first page
    assert status == 200
    assert len(cards(html)) == 24


def test_pages_follow_next_links_to_the_end(site: PreviewSite):
    # given / when: walk every page of the full listing
    seen, path = [], "/products/"
    while path:
        _, _, html = get(site, path)
        seen += cards(html)
        link = BeautifulSoup(html.decode(), "html.parser").find("a", rel="next")
        path = "/products/" + link["href"].split("/products", 1)[1].lstrip("/") if link else ""
    # then every visible product appears once
    assert sorted(seen) == sorted(demo_products_by_csv())


def test_rows_api_answers_like_hubdbs_public_read(site: PreviewSite):
    # when
    status, kind, body = get(site, "/cms/v3/hubdb/tables/products/rows?portalId=1"
                                   "&category__eq=Shirts&price_min__gte=40&price_min__lte=60")
    data = json.loads(body)
    # then
    assert status == 200 and kind.startswith("application/json")
    assert {r["path"] for r in data["results"]} == expected("Shirts", 40, 60)
    assert data["total"] == len(data["results"])


def test_rows_api_rejects_unknown_columns(site: PreviewSite):
    status, _, body = get(site, "/cms/v3/hubdb/tables/products/rows?colour__eq=red")
    assert status == 400 and "colour" in json.loads(body)["message"]


def test_a_product_path_renders_its_row_and_unknown_paths_the_404(site: PreviewSite):
    status, _, html = get(site, "/products/willow-overshirt")
    assert status == 200 and b"<h1 class=\"product__title\">Willow Overshirt</h1>" in html
    status, _, html = get(site, "/products/no-such-thing")
    assert status == 404 and b"We could not find that page" in html


def test_changes_version_moves_when_a_theme_file_changes(tmp_path: Path, product_hub):
    # given a preview of a theme copy
    import shutil

    theme = tmp_path / "theme"
    shutil.copytree(THEME, theme)
    site = PreviewSite(theme, site_options(product_hub))
    before = json.loads(get(site, CHANGES_PATH)[2])["version"]
    # when a template is edited
    about = theme / "templates" / "about.html"
    about.write_text(about.read_text().replace("Our story", "About Fernhill"))
    # then the version moves and the page shows the edit with the reload script
    assert json.loads(get(site, CHANGES_PATH)[2])["version"] != before
    html = get(site, "/about/")[2].decode()
    assert "About Fernhill" in html and CHANGES_PATH in html


def test_rows_api_refuses_a_table_without_public_access_as_hubspot_does():
    # given a published table that does not allow public API access
    hub = LocalHubDB.in_memory()
    hub.create_table({"name": "private_stock", "label": "Private stock",
                      "allowPublicApiAccess": False,
                      "columns": [{"name": "title", "label": "Title", "type": "TEXT"}]})
    hub.batch_create("private_stock", {"inputs": [{"values": {"title": "Secret"}}]})
    hub.publish("private_stock")
    site = PreviewSite(THEME, site_options(hub), live_reload=False)
    # when the grid's script reads its rows without credentials
    status, _, body = get(site, "/cms/v3/hubdb/tables/private_stock/rows?portalId=1")
    # then it is refused, naming the table and the flag, and no row leaks
    answer = json.loads(body)
    assert status == 403 and answer["category"] == "FORBIDDEN"
    assert "private_stock" in answer["message"] and "allowPublicApiAccess" in answer["message"]
    assert "Secret" not in body.decode()


def test_the_synced_product_table_is_public_so_the_grid_can_read_it(site: PreviewSite):
    # given the product table the catalog sync created; when / then
    status, _, _ = get(site, "/cms/v3/hubdb/tables/products/rows?limit=1")
    assert status == 200


def test_facet_values_read_in_the_order_shoppers_expect(site: PreviewSite):
    # when the listing renders its facets (no JavaScript)
    _, _, html = get(site, "/products/")
    page = BeautifulSoup(html.decode(), "html.parser")
    groups = {
        f.select_one(".product-grid__facet-title").get_text(strip=True):
            [a["data-facet-value"].split(": ", 1)[-1] for a in f.select("[data-facet-value]")]
        for f in page.select("[data-facet=option]")}
    # then sizes go by size, then shoe sizes by number; amounts by value; weights apart
    assert groups["Size"] == ["XS", "S", "M", "L", "XL", *(str(n) for n in range(38, 46))]
    assert groups["Amount"] == ["€25", "€50", "€100"]
    assert groups["Weight"] == ["180 g", "320 g"]
    assert groups["Colour"] == sorted(groups["Colour"])
    # and Size comes first, the choice most shoppers make before any other
    assert next(iter(groups)) == "Size"
    categories = [a["data-facet-value"] for a in page.select("[data-facet=category] a")]
    assert categories == sorted(categories, key=str.casefold)


def test_contact_details_are_links_a_phone_can_follow(site: PreviewSite):
    # when
    _, _, html = get(site, "/contact/")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then the email and the phone number open the mail app and the dialler
    hrefs = [a["href"] for a in page.select(".contact-list a")]
    assert hrefs == ["mailto:hello@fernhill.example", "tel:+442079460000"]


def test_the_product_page_asks_for_the_size_first(site: PreviewSite):
    # when a product with sizes and colours renders
    _, _, html = get(site, "/products/willow-overshirt/")
    page = BeautifulSoup(html.decode(), "html.parser")
    # then its choices start with Size, as the listing's facets do
    groups = [g["data-option-name"] for g in page.select("[data-option-name]")]
    assert groups[0] == "Size" and "Colour" in groups


def test_nothing_matching_says_what_to_do_where_the_cards_would_be(site: PreviewSite):
    # when no product matches both filters
    _, _, html = get(site, "/products/?category=Boots&option=Size%3A%20XS")
    page = BeautifulSoup(html.decode(), "html.parser")
    empty = page.select_one("[data-product-grid-empty]")
    # then a panel says so and links to every product
    assert not empty.has_attr("hidden") and cards(html) == []
    assert empty.select_one("a")["href"] == "/products/"
    # and a listing that has products shows no such panel
    _, _, html = get(site, "/products/?category=Boots")
    assert BeautifulSoup(html.decode(), "html.parser").select_one(
        "[data-product-grid-empty]").has_attr("hidden")


def test_past_the_last_page_there_is_no_page_nine_of_seven(site: PreviewSite):
    # when
    _, _, html = get(site, "/products/?page=99")
    nav = BeautifulSoup(html.decode(), "html.parser").select_one("[data-product-grid-pages]")
    # then the pages say only the way back, naming the last page
    last = -(-len(demo_products_by_csv()) // 24)
    assert nav.get_text(" ", strip=True) == f"Back to page {last}"


def refresh_target(html: bytes) -> str | None:
    """Where a page's ``<meta http-equiv="refresh">`` sends the browser, if it has one."""
    meta = BeautifulSoup(html.decode(), "html.parser").find("meta", attrs={"http-equiv": "refresh"})
    return meta["content"].split("url=", 1)[1] if meta else None


def test_a_no_js_apply_is_sent_on_to_the_clean_url(site: PreviewSite):
    # when the filter form is submitted without JavaScript: every field, empty or default
    status, _, html = get(site, "/products/?category=Boots&min=&max=&tag=&sort=title")
    # then the page is the filtered listing, and it moves the browser to the clean URL
    assert status == 200 and set(cards(html)) == expected("Boots", 0, 10_000)
    assert refresh_target(html) == "/products/?category=Boots"
    # and a page past the first, a chosen sort and other parameters (tracking) are kept
    _, _, html = get(site, "/products/?utm_source=mail&min=&sort=-price&page=2&available=")
    assert refresh_target(html) == "/products/?utm_source=mail&sort=-price&page=2"
    # and a clean URL stays where it is
    for clean in ("/products/", "/products/?category=Boots", "/products/?sort=price&page=2"):
        assert refresh_target(get(site, clean)[2]) is None, clean
