"""The site in real headless Chromium: filtering, product pages, the Buy Button, axe-core."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.browser_support import (
    CLS_OBSERVER,
    SDK_ROUTE,
    ConsoleLog,
    StorefrontStub,
    route_storefront,
    run_axe,
    serve_sdk,
    storefront,
    storefront_schema,
)
from tests.site.theme_fixtures import (
    SHOP,
    built_site,
    demo_products_by_csv,
    preview_url,
    product_hub,
    static_url,
)

pytestmark = pytest.mark.browser
__all__ = ["built_site", "preview_url", "product_hub", "static_url", "storefront",
           "storefront_schema"]

PRODUCT = "willow-overshirt"


def storefront_gid(handle: str, storefront: StorefrontStub) -> str:
    """The global id the store gave the product with this handle."""
    return next(gid for gid, p in storefront.by_gid.items() if p.handle == handle)


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.add_init_script(CLS_OBSERVER)
    yield tab
    context.close()


def shown_handles(page: Any) -> set[str]:
    return set(page.eval_on_selector_all(
        "[data-product-grid-list] .product-card", "cards => cards.map(c => c.dataset.handle)"))


def test_shopper_filters_by_category_and_price_without_a_reload(page: Any, preview_url: str):
    # given the listing, and what an independent reading of the demo CSV says should match
    expected = {h for h, p in demo_products_by_csv().items()
                if p["category"] == "Boots" and 100 <= p["price_min"] <= 150}
    console = ConsoleLog(page)
    page.goto(preview_url + "/products/")
    page.evaluate("window.__sameDocument = true")
    # when the shopper picks a category (its count shown) and a price range
    boots = page.locator("[data-facet=category] [data-facet-value=Boots]")
    page.wait_for_function("() => document.querySelector('[data-facet-count]').textContent")
    assert boots.inner_text().endswith(f"({len(boots_in_csv())})")
    boots.click()
    page.wait_for_function("() => location.search === '?category=Boots'")
    page.click("summary.product-grid__more-toggle")
    page.fill("input[name=min]", "100")
    page.fill("input[name=max]", "150")
    page.press("input[name=max]", "Enter")
    page.wait_for_function(
        "() => location.search.includes('max=150') && !document.querySelector('[aria-busy]')")
    # then exactly those products show, the URL holds the filters, the page never reloaded
    assert expected and shown_handles(page) == expected
    assert "category=Boots" in page.url and "min=100" in page.url
    assert page.evaluate("window.__sameDocument") is True
    assert page.inner_text("h1") == "Boots"
    assert console.errors == []
    # and the same URL opened fresh (server-rendered, no JavaScript needed) shows the same
    page.goto(page.url)
    assert shown_handles(page) == expected


def test_without_javascript_apply_lands_on_the_clean_url(browser: Any, preview_url: str,
                                                         static_url: str):
    # given the live preview with JavaScript off, on the boots
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    try:
        tab.goto(preview_url + "/products/?category=Boots")
        # when the shopper opens "More filters and sort" and applies it as it is
        tab.click("summary.product-grid__more-toggle")
        tab.click("button.product-grid__apply")
        tab.wait_for_url("**/products/?category=Boots")
        # then the URL holds only the choice made, and the page is the boots
        assert tab.url == preview_url + "/products/?category=Boots"
        assert tab.inner_text("h1") == "Boots"
        assert set(tab.eval_on_selector_all(
            "[data-product-grid-list] .product-card", "c => c.map(x => x.dataset.handle)")
        ) == boots_in_csv()
        # and the static build, which cannot filter without its script, says so
        tab.goto(static_url + "/products/?category=Boots")
        assert "filters, sorts and pages with JavaScript" in tab.inner_text("main")
    finally:
        context.close()


def boots_in_csv() -> set[str]:
    return {h for h, p in demo_products_by_csv().items() if p["category"] == "Boots"}


def test_the_static_build_filters_sorts_and_pages_like_the_live_site(page: Any,
                                                                     static_url: str):
    # given the static build on a plain file server, opened on a filtered URL
    console = ConsoleLog(page)
    page.goto(static_url + "/products/?category=Boots&sort=-price")
    # when its script has read the rows snapshot
    page.wait_for_function("() => document.querySelector('h1').textContent === 'Boots'")
    # then it shows the boots, dearest first, with the same status wording as the server
    csv = demo_products_by_csv()
    boots = sorted(boots_in_csv(), key=lambda h: -csv[h]["price_min"])
    handles = page.eval_on_selector_all("[data-product-grid-list] .product-card",
                                        "cards => cards.map(c => c.dataset.handle)")
    assert set(handles) == set(boots)
    assert [csv[h]["price_min"] for h in handles] == sorted(
        (csv[h]["price_min"] for h in boots), reverse=True)
    status = page.inner_text("[data-product-grid-status]")
    assert status == f"Showing 1–{len(boots)} of {len(boots)}"
    assert page.title() == "Boots | Fernhill"
    # and nothing jumped on the way from the unfiltered HTML to the filtered grid
    assert page.evaluate("window.__layoutShifts.reduce((a, b) => a + b, 0)") == 0
    # and "Next page" on the unfiltered listing goes to page 2, not page 1 again
    page.click("[data-chip=all]")
    page.wait_for_function("() => location.search === ''")
    first = shown_handles(page)
    page.click("a[rel=next]")
    page.wait_for_function("() => location.search === '?page=2'")
    assert shown_handles(page).isdisjoint(first) and len(shown_handles(page)) == 24
    assert page.inner_text("[data-product-grid-status]").startswith("Showing 25–48 of ")
    assert console.errors == []


WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=["preview", "static"])
def site(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("preview_url" if request.param == "preview" else "static_url")


@pytest.fixture(params=list(WIDTHS))
def sized_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A tab as wide as a desktop or a phone, counting layout shifts."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=WIDTHS[request.param], is_mobile=phone,
                                  has_touch=phone)
    tab = context.new_page()
    tab.add_init_script(CLS_OBSERVER)
    yield tab
    context.close()


def test_buy_button_mounts_the_real_sdk_with_no_layout_shift(
        sized_page: Any, site: str, storefront: StorefrontStub):
    # given the SDK served from npm and a Storefront stub typed by the 2026-04 schema,
    # answering for the store the product table was synced from
    page = sized_page
    sdk_requests: list[str] = []
    page.on("request", lambda r: sdk_requests.append(r.url)
            if r.url.startswith("https://sdks.shopifycdn.com/") else None)
    page.route(SDK_ROUTE, serve_sdk)
    route_storefront(page, SHOP, storefront)
    console = ConsoleLog(page)
    # when the product page opens and the shopper brings the button into view
    page.goto(f"{site}/products/{PRODUCT}/")
    page.locator("[data-shopify-embed]").scroll_into_view_if_needed()
    page.wait_for_selector("[data-shopify-state=mounted]", timeout=15000)
    frame = page.wait_for_selector("[data-shopify-slot] iframe")
    frame.content_frame().wait_for_selector("button", timeout=15000)
    page.wait_for_timeout(500)
    # then it mounted in its slot from one SDK load, by the product's real global id,
    # without errors or layout shift
    assert storefront.errors == [] and storefront.documents
    assert storefront.asked_ids == [storefront_gid(PRODUCT, storefront)]
    assert [u for u in sdk_requests if u.endswith(".js")] == [
        "https://sdks.shopifycdn.com/buy-button/latest/buy-button-storefront.min.js"]
    assert page.evaluate("window.__layoutShifts.reduce((a, b) => a + b, 0)") == 0
    assert page.is_hidden("[data-shopify-fallback]")
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0
    assert console.errors == []


def test_the_size_chosen_on_the_page_is_handed_to_the_buy_button(
        page: Any, preview_url: str, storefront: StorefrontStub):
    # given the product page, its options rendered from the row before any script ran
    page.route(SDK_ROUTE, serve_sdk)
    route_storefront(page, SHOP, storefront)
    page.goto(f"{preview_url}/products/{PRODUCT}/")
    sizes = page.eval_on_selector_all("[data-option-name=Size] input", "i => i.map(x => x.value)")
    assert sizes == ["XS", "S", "M", "L"]
    page.wait_for_selector("[data-shopify-state=mounted]", timeout=15000)
    # when the shopper picks M
    page.click("[data-option-name=Size] label:has(input[value=M])")
    # then the SDK's product has the variant in M selected, and shows no options of its own
    selected = page.evaluate("""() => document.querySelector('[data-shopify-embed]')
        .shopifyComponent.selectedVariant.selectedOptions.map(o => o.value)""")
    assert "M" in selected
    assert page.evaluate("window.__layoutShifts.reduce((a, b) => a + b, 0)") == 0


def test_a_button_below_the_fold_loads_the_sdk_only_when_used(
        browser: Any, preview_url: str, storefront: StorefrontStub):
    # given a viewport so short that the product page's button is far below it
    context = browser.new_context(viewport={"width": 1280, "height": 120})
    page = context.new_page()
    # (pushed far down once parsed, before the deferred theme script watches it)
    page.add_init_script("""document.addEventListener('readystatechange', function () {
      if (document.readyState === 'interactive') {
        document.querySelector('[data-shopify-embed]').style.marginTop = '4000px';
      }
    });""")
    sdk_requests: list[str] = []
    page.on("request", lambda r: sdk_requests.append(r.url)
            if r.url.startswith("https://sdks.shopifycdn.com/") else None)
    page.route(SDK_ROUTE, serve_sdk)
    route_storefront(page, SHOP, storefront)
    try:
        page.goto(f"{preview_url}/products/{PRODUCT}/")
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)
        assert sdk_requests == []
        # when the shopper focuses the button (keyboard use, no scrolling by the page)
        page.focus("a[data-shopify-fallback]")
        # then the SDK loads and the button mounts
        page.wait_for_selector("[data-shopify-state=mounted]", timeout=15000)
        assert len([u for u in sdk_requests if u.endswith(".js")]) == 1
    finally:
        context.close()


def test_a_product_the_storefront_does_not_know_keeps_the_cart_link(
        page: Any, preview_url: str, storefront_schema: Any):
    # given a Storefront that has no product for the synced id
    empty = StorefrontStub(storefront_schema, [], "EUR")
    page.route(SDK_ROUTE, serve_sdk)
    route_storefront(page, SHOP, empty)
    # when the SDK loads and asks for the product
    page.goto(f"{preview_url}/products/{PRODUCT}/")
    page.wait_for_selector("[data-shopify-state=fallback]", timeout=15000)
    # then the button is not marked mounted and the cart link still shows and sells
    assert empty.errors == [] and empty.asked_ids
    assert page.get_attribute("[data-shopify-embed]", "data-mounted") is None
    assert page.is_visible("a[data-shopify-fallback]")


def test_with_the_sdk_blocked_the_cart_link_reaches_checkout(page: Any, preview_url: str):
    # given Shopify's CDN unreachable, and Shopify's cart permalink redirecting to checkout
    page.route(SDK_ROUTE, lambda route: route.abort())
    page.route(f"https://{SHOP}/cart/**", lambda route: route.fulfill(
        status=302, headers={"Location": f"https://{SHOP}/checkouts/cn/demo"}))
    page.route(f"https://{SHOP}/checkouts/**", lambda route: route.fulfill(
        status=200, content_type="text/html", body="<title>Checkout</title><h1>Checkout</h1>"))
    page.goto(f"{preview_url}/products/{PRODUCT}/")
    page.wait_for_selector("[data-shopify-state=fallback]", timeout=15000)
    # when the shopper uses the button
    link = page.locator("a[data-shopify-fallback]")
    href = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"https://{SHOP}/checkouts/**")
    # then the cart permalink for the default variant took them to checkout
    assert href.startswith(f"https://{SHOP}/cart/") and href.endswith(":1")
    assert page.title() == "Checkout"


@pytest.mark.parametrize("path", ["/", "/products/", "/products/?category=Boots&max=150",
                                  f"/products/{PRODUCT}/", "/about/", "/contact/"])
def test_axe_finds_no_violations(sized_page: Any, preview_url: str,
                                 storefront: StorefrontStub, path: str):
    # given the page, at this width, with the Buy Button mounted where there is one
    page = sized_page
    page.route(SDK_ROUTE, serve_sdk)
    route_storefront(page, SHOP, storefront)
    console = ConsoleLog(page)
    page.goto(preview_url + path)
    page.wait_for_load_state("networkidle")
    if path == f"/products/{PRODUCT}/":
        page.locator("[data-shopify-embed]").scroll_into_view_if_needed()
        page.wait_for_selector("[data-shopify-state=mounted]", timeout=15000)
    # when / then
    assert run_axe(page) == []
    assert console.errors == []
