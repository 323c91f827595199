"""Every image of a Shopify product reaches the products table's ``images`` column, in order.

The gallery and the card's hover image read that column; Shopify serves the
images as ``Product.media`` (videos and 3D models among them), paged in the
paged reader and as child lines of the bulk JSONL.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from sync.jobs.catalog import sync_catalog
from sync.model.shop import Image
from sync.shopify.catalog import MEDIA_PAGE, images_from_media
from tests.catalog_world import world

pytestmark = pytest.mark.usefixtures("contracts")

READERS = {"paged": {"bulk_threshold": 10**6}, "bulk": {"bulk_threshold": 0}}


@pytest.fixture(autouse=True)
def _quiet_warnings(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR)


def _gallery(w, index: int, images: int, *, video_at: int | None = None) -> str:
    """Give the shop's ``index``-th product ``images`` images (and a video); its handle."""
    product = w.shop.list_products()[index]
    product.images = [
        Image(src=f"https://cdn.example/{product.handle}-{i}.jpg",
              alt=f"{product.title}, view {i}", position=i, width=800, height=1000)
        for i in range(1, images + 1)
    ]
    product = w.shop.upsert_product(product)
    if video_at is not None:
        w.shopify.add_media(product.id, "Video", position=video_at)
    return product.handle


def _row(w, handle: str) -> dict:
    found = w.hubdb.hubdb.rows("products", draft=True, query={"handle__eq": handle})
    return found["results"][0]["values"]


def _expected(handle: str, title: str, count: int) -> list[dict]:
    return [{"url": f"https://cdn.example/{handle}-{i}.jpg", "alt": f"{title}, view {i}",
             "width": 800, "height": 1000} for i in range(1, count + 1)]


@pytest.mark.parametrize("reader", sorted(READERS))
def test_three_images_and_a_video_sync_as_three_images_in_order(tmp_path: Path, reader) -> None:
    # given a product with three images and a video between the first two
    with world(tmp_path, products=12, **READERS[reader]) as w:
        handle = _gallery(w, 4, 3, video_at=2)
        # when
        report = sync_catalog(w.settings, clock=w.clock)
        # then
        assert report.counts()["created"] == 12
        assert _row(w, handle)["images"] == _expected(handle, "Item 4", 3)
        assert [i["url"] for i in _row(w, "item-00005")["images"]] == [
            "https://cdn.example/item-5.jpg"]
        bulk_runs = w.shopify.calls.named("BulkRunQuery")
        assert len(bulk_runs) == (1 if reader == "bulk" else 0)
        # and a re-sync with the media unchanged writes nothing
        w.clock.advance(60)
        before = len(w.hubdb.calls)
        again = sync_catalog(w.settings, clock=w.clock)
        assert again.counts()["unchanged"] == 12
        assert w.hubspot_writes(before) == []


def test_the_bulk_query_asks_shopify_to_group_each_products_lines(tmp_path: Path) -> None:
    # given
    with world(tmp_path, products=5, bulk_threshold=0) as w:
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then: media carry no position, so the gallery order is the order of the lines
        (started,) = w.shopify.calls.named("BulkRunQuery")
        assert started.variables["groupObjects"] is True


@pytest.mark.parametrize("order", ["grouped", "roots_first", "children_first"])
def test_the_bulk_reader_keeps_each_gallery_in_any_line_order_keeping_siblings(
        tmp_path: Path, order: str) -> None:
    # given a file whose product and child lines come in another order than the query's
    with world(tmp_path, products=8, bulk_threshold=0) as w:
        handles = {n: _gallery(w, n, 2 + n % 3, video_at=1 + n % 2) for n in range(8)}
        w.shopify.state.bulk_order = order
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then
        for n, handle in handles.items():
            values = _row(w, handle)
            assert values["images"] == _expected(handle, f"Item {n}", 2 + n % 3), handle
            assert len(values["variants"]) == 3


def test_a_shuffled_bulk_file_still_puts_every_image_on_its_own_product(tmp_path: Path) -> None:
    # given the ungrouped order Shopify may write: every line anywhere, siblings too
    with world(tmp_path, products=8, bulk_threshold=0) as w:
        handles = {n: _gallery(w, n, 2 + n % 3, video_at=2) for n in range(8)}
        w.shopify.state.bulk_order = "ungrouped"
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then nothing is lost or misplaced (the order is what grouping is asked for)
        for n, handle in handles.items():
            images = _row(w, handle)["images"]
            assert sorted(images, key=lambda i: i["url"]) == _expected(
                handle, f"Item {n}", 2 + n % 3)


def test_a_gallery_longer_than_a_page_is_read_to_its_end(tmp_path: Path) -> None:
    # given one product with more images than the page reads with it
    count = MEDIA_PAGE + 3
    with world(tmp_path, products=6, bulk_threshold=10**6) as w:
        handle = _gallery(w, 2, count, video_at=MEDIA_PAGE)
        # when
        sync_catalog(w.settings, clock=w.clock)
        # then one follow-up call reads the rest, media only
        assert _row(w, handle)["images"] == _expected(handle, "Item 2", count)
        (more,) = w.shopify.calls.named("CatalogProductMore")
        assert more.variables["variantsFirst"] == more.variables["collectionsFirst"] == 0
        assert more.variables["mediaFirst"] > 0 and more.variables["mediaAfter"]


def test_an_incremental_sync_by_id_reads_the_whole_gallery(tmp_path: Path) -> None:
    # given a synced table, then a product given three images and a video
    with world(tmp_path, products=6, bulk_threshold=10**6) as w:
        sync_catalog(w.settings, clock=w.clock)
        handle = _gallery(w, 3, 3, video_at=1)
        product = w.shop.get_product(handle)
        # when
        report = sync_catalog(w.settings, clock=w.clock, products=[product.id])
        # then
        assert report.counts()["updated"] == 1
        assert _row(w, handle)["images"] == _expected(handle, "Item 3", 3)


def _media(n: int, *, image: bool = True, ready: bool = True) -> dict:
    kind = "MediaImage" if image else "Video"
    node: dict = {"id": f"gid://shopify/{kind}/{n}"}
    if image:
        node["image"] = {"url": f"https://cdn.example/{n}.jpg", "altText": f"view {n}",
                         "width": 10, "height": 20} if ready else None
    return node


def test_the_featured_image_comes_first_and_items_without_a_picture_are_skipped() -> None:
    # given media in position order whose featured item is the third, one still processing
    node = {"featuredMedia": {"id": "gid://shopify/MediaImage/3"},
            "media": {"nodes": [_media(1), _media(2, image=False), _media(3),
                                _media(4, ready=False), _media(5)]}}
    # when
    images = images_from_media(node)
    # then
    assert [(i.src, i.position) for i in images] == [
        ("https://cdn.example/3.jpg", 1), ("https://cdn.example/1.jpg", 2),
        ("https://cdn.example/5.jpg", 3)]
    assert images[0].alt == "view 3" and (images[0].width, images[0].height) == (10, 20)


def test_a_featured_video_leaves_the_images_in_position_order() -> None:
    # given
    node = {"featuredMedia": {"id": "gid://shopify/Video/9"},
            "media": {"nodes": [_media(9, image=False), _media(1), _media(2)]}}
    # when
    images = images_from_media(node)
    # then
    assert [i.src for i in images] == ["https://cdn.example/1.jpg", "https://cdn.example/2.jpg"]
    assert images_from_media({"featuredMedia": None, "media": None}) == []
