"""The shop as a shopper meets it, at 1366 and 390 pixels: the phone journey, every page's
title, width and screenshot, on the live preview and the static build alike."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sync.paths import REPO_DIR
from sync.site.brand import load_brand
from tests.site.browser_support import ConsoleLog
from tests.site.theme_fixtures import (
    THEME,
    built_site,
    demo_products_by_csv,
    preview_url,
    product_hub,
    static_url,
)

pytestmark = pytest.mark.browser
__all__ = ["built_site", "preview_url", "product_hub", "static_url"]

SCREENSHOTS = REPO_DIR / "build" / "screenshots"
WIDTHS = {"desktop": (1366, 900), "phone": (390, 844)}
PAGES = {
    "home": "/",
    "listing": "/products/",
    "listing-boots": "/products/?category=Boots",
    "product": "/products/willow-overshirt/",
    "collection": "/collection/",
    "about": "/about/",
    "contact": "/contact/",
}


def open_tab(browser: Any, width: str) -> Any:
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, is_mobile=width == "phone",
                                  has_touch=width == "phone")
    return context, context.new_page()


@pytest.fixture(params=["preview", "static"])
def site(request: pytest.FixtureRequest) -> Iterator[str]:
    yield request.getfixturevalue("preview_url" if request.param == "preview" else "static_url")


def shown(page: Any) -> set[str]:
    return set(page.eval_on_selector_all("[data-product-grid-list] .product-card",
                                         "cards => cards.map(c => c.dataset.handle)"))


def facet(page: Any, key: str, value: str) -> Any:
    return page.locator(f"[data-facet={key}] [data-facet-value='{value}']")


def count_of(link: Any) -> int:
    text = link.locator("[data-facet-count]").inner_text()
    return int(text.strip("()"))


def test_on_a_phone_boots_in_my_size_under_150_take_three_taps(browser: Any, site: str):
    # given a phone on the listing, and the demo CSV's answer
    csv = demo_products_by_csv()
    want = {h for h, p in csv.items() if p["category"] == "Boots"
            and "Size: 42" in p["options"] and p["price_min"] <= 150}
    context, page = open_tab(browser, "phone")
    console = ConsoleLog(page)
    try:
        page.goto(site + "/products/")
        page.wait_for_function("() => document.querySelector('[data-facet-count]').textContent")
        taps = 0
        # when the shopper taps Boots, then 42, then Under €150, reading each count first
        for key, value, expected in [
            ("category", "Boots", {h for h, p in csv.items() if p["category"] == "Boots"}),
            ("option", "Size: 42", {h for h, p in csv.items() if p["category"] == "Boots"
                                    and "Size: 42" in p["options"]}),
            ("max", "150", want),
        ]:
            link = facet(page, key, value)
            assert link.is_visible() and count_of(link) == len(expected)
            link.tap()
            taps += 1
            page.wait_for_function(
                "n => document.querySelectorAll('[data-product-grid-list] .product-card').length"
                " === n && !document.querySelector('[aria-busy]')", arg=len(expected))
            # then each tap shows exactly the products its count promised
            assert shown(page) == expected
        assert taps == 3 and want
        status = page.inner_text("[data-product-grid-status]")
        assert status == f"Showing 1–{len(want)} of {len(want)}"
        assert "category=Boots" in page.url and "max=150" in page.url
        assert console.errors == []
    finally:
        context.close()


def settled(page: Any, search: str) -> None:
    """Wait until the grid shows what ``search`` (``location.search``) asks for."""
    page.wait_for_function("s => location.search === s && !document.querySelector('[aria-busy]')"
                           " && document.querySelector('[data-facet-count]').textContent",
                           arg=search)


def press(link: Any, width: str) -> None:
    """A tap on a phone, a click on a desktop."""
    if width == "phone":
        link.tap()
    else:
        link.click()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_facet_counts_chips_and_pages_agree_with_the_rows(browser: Any, site: str, width: str):
    # given the listing at this width, and what the demo CSV says it holds
    csv = demo_products_by_csv()
    total = len(csv)
    boots = {h for h, p in csv.items() if p["category"] == "Boots"}
    context, page = open_tab(browser, width)
    console = ConsoleLog(page)
    try:
        page.goto(site + "/products/")
        settled(page, "")
        counts = {link.get_attribute("data-facet-value"): count_of(link) for link in
                  page.locator("[data-facet=category] [data-facet-value]").all()}
        # then every category's count is its number of products, and they add up
        assert counts["Boots"] == len(boots)
        assert sum(counts.values()) == total
        assert page.inner_text("[data-product-grid-status]") == f"Showing 1–24 of {total}"
        assert page.is_hidden("[data-product-grid-chips]")
        # when the shopper picks Boots: a chip names it, the grid holds the boots
        press(facet(page, "category", "Boots"), width)
        settled(page, "?category=Boots")
        assert shown(page) == boots
        chip = page.locator("[data-chip=category]")
        assert chip.is_visible() and chip.inner_text().startswith("Boots")
        # when the chip is removed: every product again, no chips
        press(chip, width)
        settled(page, "")
        assert page.is_hidden("[data-product-grid-chips]") and len(shown(page)) == 24
        first = shown(page)
        # when the shopper goes to the next page, then the last one and past it
        press(page.locator("[data-product-grid-pages] a[rel=next]"), width)
        settled(page, "?page=2")
        assert shown(page).isdisjoint(first) and len(shown(page)) == 24
        assert page.inner_text("[data-product-grid-status]") == f"Showing 25–48 of {total}"
        pages = -(-total // 24)
        page.goto(site + f"/products/?page={pages + 5}")
        settled(page, f"?page={pages + 5}")
        assert page.inner_text("[data-product-grid-status]") == (
            f"Page {pages + 5} is past the end: {total} products match, on {pages} pages.")
        # and nothing was ever wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
        assert console.errors == []
    finally:
        context.close()


def test_facet_values_keep_the_shoppers_order_once_the_script_counts_them(browser: Any, site: str):
    # given the listing, its counts filled in by the script from the rows (or the snapshot)
    context, page = open_tab(browser, "desktop")
    try:
        page.goto(site + "/products/")
        settled(page, "")
        groups = page.eval_on_selector_all("[data-facet=option]", """facets => Object.fromEntries(
            facets.map(f => [f.querySelector('h2').textContent,
                [...f.querySelectorAll('li:not([hidden]) [data-facet-value]')]
                    .map(a => a.firstChild.textContent.trim())]))""")
        # then sizes read by size, amounts and weights by value, as the server wrote them
        assert groups["Size"] == ["XS", "S", "M", "L", "XL", *(str(n) for n in range(38, 46))]
        assert groups["Amount"] == ["€25", "€50", "€100"]
        assert groups["Weight"] == ["180 g", "320 g"]
        # and after a filter, the values left keep that order
        press(facet(page, "category", "Boots"), "desktop")
        settled(page, "?category=Boots")
        sizes = page.eval_on_selector_all(
            "[data-facet=option] li:not([hidden]) [data-facet-value^='Size: ']",
            "links => links.map(a => a.dataset.facetValue.slice(6))")
        assert sizes == sorted(sizes, key=int) and len(sizes) > 3
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_nothing_matching_and_past_the_end_say_what_to_do(browser: Any, site: str, width: str):
    # given a link to boots in XS, which the shop does not make
    context, page = open_tab(browser, width)
    console = ConsoleLog(page)
    try:
        page.goto(site + "/products/?category=Boots&option=Size%3A%20XS")
        settled(page, "?category=Boots&option=Size%3A%20XS")
        # then where the cards would be, a panel says what to do
        assert shown(page) == set() and page.is_visible("[data-product-grid-empty]")
        # when the shopper follows its link, every product is back and the panel gone
        press(page.locator("[data-product-grid-clear]"), width)
        settled(page, "")
        assert len(shown(page)) == 24 and page.is_hidden("[data-product-grid-empty]")
        # and past the last page, the pages offer only the way back
        page.goto(site + "/products/?page=99")
        settled(page, "?page=99")
        last = -(-len(demo_products_by_csv()) // 24)
        assert page.inner_text("[data-product-grid-pages]").strip() == f"Back to page {last}"
        assert page.is_hidden("[data-product-grid-empty]")
        assert console.errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_grid_shows_the_sale_price_beside_the_old_one(browser: Any, site: str, width: str):
    # given a product on sale in the CSV
    csv = demo_products_by_csv()
    context, page = open_tab(browser, width)
    try:
        page.goto(site + "/products/?category=Shirts")
        page.wait_for_function("() => document.querySelector('h1').textContent === 'Shirts'")
        on_sale = [h for h in shown(page) if csv[h]["sale"]]
        # when / then its card shows a Sale badge, the price and the struck old price
        assert on_sale
        card = page.locator(f".product-card[data-handle='{on_sale[0]}']")
        assert card.locator("[data-card-sale]").is_visible()
        assert card.locator("s.product-card__was").is_visible()
        price = card.locator("[data-card-price]").inner_text()
        assert price == f"€{csv[on_sale[0]]['price_min']:.2f}"
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_about_image_has_the_home_heros_corners(browser: Any, site: str, width: str):
    # given the brand's one radius for images in page content
    radius = load_brand(THEME / "brand.yml").radius["image"]
    context, page = open_tab(browser, width)
    corners = {}
    try:
        # when the home hero and the about page's image are drawn
        for path, image in (("/", ".hero__image"), ("/about/", "main img")):
            page.goto(site + path)
            corners[path] = page.eval_on_selector(
                image, "i => getComputedStyle(i).borderTopLeftRadius")
        # then both have that radius
        assert corners == {"/": radius, "/about/": radius} and radius != "0px"
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_about_panel_and_the_contact_form_sit_evenly(browser: Any, site: str, width: str):
    # given the about page's closing panel and the contact page's form
    context, page = open_tab(browser, width)
    try:
        page.goto(site + "/about/")
        # when its padding is measured from what it holds
        top, bottom = page.eval_on_selector(".panel", """p => {
            const box = p.getBoundingClientRect();
            return [p.firstElementChild.getBoundingClientRect().top - box.top,
                    box.bottom - p.lastElementChild.getBoundingClientRect().bottom]; }""")
        # then as much space sits below the button as above the heading
        assert abs(top - bottom) <= 1, (top, bottom)
        # and the form's title is as large as the page's other h2
        page.goto(site + "/contact/")
        sizes = page.evaluate("""() => [".form-title", "main h2"].map(
            s => getComputedStyle(document.querySelector(s)).fontSize)""")
        assert sizes[0] == sizes[1]
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_every_page_has_its_own_title_fits_the_screen_and_is_photographed(
        browser: Any, site: str, width: str, request: pytest.FixtureRequest):
    # given every page of the shop at this width
    kind = request.node.callspec.params["site"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context, page = open_tab(browser, width)
    titles: dict[str, str] = {}
    try:
        for name, path in PAGES.items():
            # when it opens
            page.goto(site + path)
            page.wait_for_load_state("networkidle")
            titles[name] = page.title()
            # then nothing is wider than the screen, and a reviewer can look at it
            overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert overflow <= 0, f"{name} is {overflow}px wider than {width}"
            # (the whole page, as a shopper scrolling it sees it: lazy images loaded)
            page.evaluate("""() => Promise.all([...document.images].map(i => {
                i.loading = 'eager';
                return i.complete ? null : new Promise(r => { i.onload = i.onerror = r; });
            }))""")
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-{name}-{width}.png"), full_page=True)
        assert len(set(titles.values())) == len(titles), titles
    finally:
        context.close()
