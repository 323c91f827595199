"""The product page's gallery, the card's hover image and the cart link for the chosen variant."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.site.browser_support import CLS_OBSERVER, SDK_ROUTE, run_axe
from tests.site.theme_fixtures import SHOP, built_site, preview_url, product_hub, static_url

pytestmark = pytest.mark.browser
__all__ = ["built_site", "preview_url", "product_hub", "static_url"]

GALLERY = "alder-cardigan"
"""A demo product in two colours: two images."""
SIZED = "willow-overshirt"


def _row(hub: Any, handle: str) -> dict[str, Any]:
    return hub.rows("products", query=[("hs_path__eq", handle)])["results"][0]["values"]


def _variant_id(hub: Any, handle: str, **options: str) -> str:
    return next(v["id"] for v in _row(hub, handle)["variants"]
                if all(v["options"].get(k) == w for k, w in options.items()))


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, reduced_motion="reduce")
    tab = context.new_page()
    tab.add_init_script(CLS_OBSERVER)
    tab.route(SDK_ROUTE, lambda route: route.abort())
    yield tab
    context.close()


WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(params=["preview", "static"])
def site(request: pytest.FixtureRequest) -> str:
    return request.getfixturevalue("preview_url" if request.param == "preview" else "static_url")


@pytest.fixture(params=list(WIDTHS))
def sized_page(browser: Any, request: pytest.FixtureRequest) -> Iterator[tuple[str, Any]]:
    """A desktop tab, or a phone's (touch), counting layout shifts, with Shopify unreachable."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=WIDTHS[request.param], is_mobile=phone,
                                  has_touch=phone, reduced_motion="reduce")
    tab = context.new_page()
    tab.add_init_script(CLS_OBSERVER)
    tab.route(SDK_ROUTE, lambda route: route.abort())
    yield request.param, tab
    context.close()


def test_a_thumbnail_shows_its_image_in_the_main_place_without_moving_anything(
        sized_page: tuple[str, Any], site: str, product_hub: Any):
    # given the product page of a product with two images, on a desktop or a phone
    width, page = sized_page
    images = _row(product_hub, GALLERY)["images"]
    assert len(images) == 2
    page.goto(f"{site}/products/{GALLERY}/")
    main = page.locator("[data-gallery-main]")
    box = main.bounding_box()
    assert main.get_attribute("src") == images[0]["url"]
    thumbs = page.locator("[data-gallery-thumb]")
    # when the shopper picks the second thumbnail: by keyboard and Enter, or by a tap
    if width == "phone":
        thumb = thumbs.nth(1).bounding_box()
        assert thumb["width"] >= 44 and thumb["height"] >= 44  # a finger's target
        thumbs.nth(1).tap()
    else:
        thumbs.nth(1).focus()
        page.keyboard.press("Enter")
    # then the main image is the second one, in the same box, and the page did not navigate
    assert main.get_attribute("src") == images[1]["url"]
    assert main.get_attribute("alt") == images[1]["alt"]
    assert page.url.endswith(f"/products/{GALLERY}/")
    assert main.bounding_box() == box
    current = page.eval_on_selector_all("[data-gallery-thumb]",
                                        "t => t.map(x => x.getAttribute('aria-current'))")
    assert current == [None, "true"]
    # and the first brings it back
    if width == "phone":
        thumbs.nth(0).tap()
    else:
        thumbs.nth(0).click()
    assert main.get_attribute("src") == images[0]["url"]
    assert page.evaluate("window.__layoutShifts.reduce((a, b) => a + b, 0)") == 0
    # and the gallery fits the screen: the main image within it, nothing wider than it
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth - innerWidth") <= 0


def test_thumbnails_load_lazily_and_the_gallery_page_has_no_axe_violations(
        page: Any, preview_url: str):
    # given / when
    page.goto(f"{preview_url}/products/{GALLERY}/")
    page.wait_for_load_state("networkidle")
    page.wait_for_selector("[data-shopify-state=fallback]", timeout=15000)
    # then
    loading = page.eval_on_selector_all(".gallery__thumb-image", "i => i.map(x => x.loading)")
    assert loading == ["lazy", "lazy"]
    assert page.get_attribute("[data-gallery-main]", "fetchpriority") == "high"
    assert run_axe(page) == []


def test_a_card_shows_the_second_image_on_hover_and_focus_only_where_one_exists(
        page: Any, preview_url: str, product_hub: Any):
    # given the listing
    page.goto(f"{preview_url}/products/")
    card = page.locator(f".product-card[data-handle={GALLERY}]")
    if not card.count():
        page.goto(f"{preview_url}/products/?category=Knitwear")
    hover = card.locator("[data-card-hover-image]")
    opacity = "e => getComputedStyle(e).opacity"
    assert hover.get_attribute("src") == _row(product_hub, GALLERY)["images"][1]["url"]
    assert hover.evaluate(opacity) == "0"
    # when the pointer is on the card, then when the keyboard is
    card.locator("[data-card-link]").hover()
    hovered = hover.evaluate(opacity)
    page.mouse.move(0, 0)
    card.locator("[data-card-link]").focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    focused = hover.evaluate(opacity)
    # then the second image shows both times, and one-image products have none
    assert hovered == "1" and focused == "1"
    singles = page.eval_on_selector_all(
        "[data-product-grid-list] [data-card-hover-image][hidden]", "i => i.length")
    assert singles > 0


def test_without_javascript_the_cart_link_names_the_chosen_size(
        browser: Any, preview_url: str, product_hub: Any):
    # given the product page in a browser with JavaScript off
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{preview_url}/products/{SIZED}/")
        link = page.locator("a[data-shopify-fallback]")
        default = _row(product_hub, SIZED)["default_variant_id"]
        assert link.get_attribute("href") == f"https://{SHOP}/cart/{default}:1"
        # when the shopper picks L and submits the choice
        page.check("[data-option-name=Size] input[value=L]")
        page.click(".variant-picker__apply")
        page.wait_for_url("**Size=L**")
        # then the cart link adds the L variant, and L stays chosen
        wanted = _variant_id(product_hub, SIZED, Size="L")
        assert wanted != default
        assert link.get_attribute("href") == f"https://{SHOP}/cart/{wanted}:1"
        assert page.is_checked("[data-option-name=Size] input[value=L]")
    finally:
        context.close()


def test_with_javascript_the_cart_link_follows_the_picker(
        page: Any, preview_url: str, product_hub: Any):
    # given the product page whose Buy Button could not load
    page.goto(f"{preview_url}/products/{SIZED}/")
    page.wait_for_selector("[data-shopify-state=fallback]", timeout=15000)
    # when the shopper picks S
    page.click("[data-option-name=Size] label:has(input[value=S])")
    # then the link adds the S variant
    wanted = _variant_id(product_hub, SIZED, Size="S")
    assert page.get_attribute("a[data-shopify-fallback]", "href") == f"https://{SHOP}/cart/{wanted}:1"
