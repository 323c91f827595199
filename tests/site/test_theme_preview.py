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
    # then exactly the CSV's shirts priced 40..60, and the form remembers the choice
    assert status == 200
    assert set(cards(html)) == expected("Shirts", 40, 60) != set()
    page = BeautifulSoup(html.decode(), "html.parser")
    assert page.find("option", selected=True)["value"] == "Shirts"
    assert page.find("link", rel="canonical")["href"] == "http://127.0.0.1/products"


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
    about.write_text(about.read_text().replace("About us", "About Fernhill"))
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
