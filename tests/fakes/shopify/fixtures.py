"""pytest fixtures for the Shopify fake; a conftest imports them with ``from … import *``.

``shopify_schema`` is session-scoped (the schema takes seconds to build);
``shopify_fake`` is a fresh fake over a small seeded local shop, installed on
an active ``responses`` mock so a real ``requests.post`` reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import graphql
import pytest
import responses

from sync.local.db import connect
from sync.local.shop import LocalShop
from sync.model.shop import Collection, Option, Product, Variant
from sync.plumbing.clock import VirtualClock

from .fake import ShopifyFake
from .schema import admin_schema, schema_available, schema_path

__all__ = ["seed_shop", "shopify_clock", "shopify_fake", "shopify_schema", "shopify_shop"]


@pytest.fixture(scope="session")
def shopify_schema() -> graphql.GraphQLSchema:
    """The 2026-04 Admin schema, built once per session; skips where the contracts are absent."""
    if not schema_available():
        pytest.skip(f"Shopify Admin schema not found at {schema_path()} (set HUBSHOP_CONTRACTS)")
    return admin_schema()


@pytest.fixture
def shopify_clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
def shopify_shop(shopify_clock: VirtualClock) -> Iterator[LocalShop]:
    """A small local shop: two locations, three products, one collection (see ``seed_shop``)."""
    conn = connect(":memory:")
    shop = LocalShop(conn, shopify_clock)
    seed_shop(shop)
    yield shop
    conn.close()


@pytest.fixture
def shopify_fake(
    shopify_schema: graphql.GraphQLSchema, shopify_shop: LocalShop, shopify_clock: VirtualClock
) -> Iterator[ShopifyFake]:
    """A Standard-plan fake answering on an active ``responses`` mock."""
    fake = ShopifyFake(shopify_shop, shopify_clock)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        fake.install(mock)
        yield fake


def seed_shop(shop: LocalShop) -> None:
    """Two locations; a tee in three sizes, a mug, an untracked gift card; a smart collection."""
    shop.add_location("Main Warehouse")
    shop.add_location("Shop Floor")
    sizes = ("S", "M", "L")
    shop.upsert_product(
        Product(
            handle="fern-tee",
            title="Fern Tee",
            body_html="<p>Organic <b>cotton</b> tee.</p>",
            vendor="Fernhill",
            product_type="Shirts",
            category="Apparel & Accessories > Clothing > Shirts & Tops",
            tags=["cotton", "summer"],
            options=[Option("Size", sizes)],
            variants=[
                Variant(sku=f"TEE-{size}", price=Decimal("25.00"), options={"Size": size},
                        title=size, compare_at_price=Decimal("30.00"), inventory_quantity=5,
                        position=index)
                for index, size in enumerate(sizes, start=1)
            ],
        ),
        stock_at="Main Warehouse",
    )
    shop.upsert_product(
        Product(
            handle="moss-mug",
            title="Moss Mug",
            vendor="Fernhill",
            product_type="Mugs",
            tags=["kitchen"],
            variants=[Variant(sku="MUG-1", price=Decimal("14.50"), inventory_quantity=12)],
        ),
        stock_at="Main Warehouse",
    )
    shop.upsert_product(
        Product(
            handle="gift-card",
            title="Gift Card",
            vendor="Fernhill",
            variants=[Variant(sku="GIFT-25", price=Decimal("25.00"), inventory_tracked=False)],
        )
    )
    shop.upsert_collection(Collection(handle="summer", title="Summer", rule_tag="summer"))
