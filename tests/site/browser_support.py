"""Headless Chromium for the site tests: the real Buy Button SDK and a Storefront stub, offline.

Nothing here reaches the network: ``page.route`` serves Shopify's SDK file from
npm's ``@shopify/buy-button-js`` and answers the SDK's Storefront GraphQL calls
by *executing* them against the 2026-04 Storefront schema with graphql-core, so
a document the schema rejects, or an answer it cannot type, fails the test.
"""

from __future__ import annotations

import gzip
import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import graphql
import pytest

from sync.local.hubdb import LocalHubDB
from sync.local.shop import LocalShop
from sync.model.shop import Product
from sync.paths import REPO_DIR

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NODE_MODULES = REPO_DIR / "node_modules"
SDK_DIST = NODE_MODULES / "@shopify" / "buy-button-js" / "dist"
SDK_FILE = SDK_DIST / "buybutton.min.js"
AXE_FILE = NODE_MODULES / "axe-core" / "axe.min.js"
SDK_ROUTE = "https://sdks.shopifycdn.com/**"
GID = re.compile(r"gid://shopify/[A-Za-z]+/[0-9]+")

CLS_OBSERVER = """
window.__layoutShifts = [];
new PerformanceObserver(function (list) {
  list.getEntries().forEach(function (entry) {
    if (!entry.hadRecentInput) { window.__layoutShifts.push(entry.value); }
  });
}).observe({ type: 'layout-shift', buffered: true });
"""


def require_browser_tools() -> str:
    """Chromium's path, or skip saying exactly what is missing and how to get it."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("chromium not installed (apt-get install -y chromium); CI installs it")
    for needed in (SDK_FILE, AXE_FILE):
        if not needed.exists():
            pytest.skip(f"{needed.relative_to(REPO_DIR)} missing: run `npm ci` in the repository")
    return chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = require_browser_tools()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


class StorefrontStub:
    """Answers Storefront API GraphQL for the store's products, typed by the 2026-04 schema.

    Only products the store holds are found, by their real global ids: an id
    that is not a well-formed gid is an error (as Shopify's "Invalid global id"),
    a well-formed one the store lacks is ``null``.
    """

    def __init__(self, schema: graphql.GraphQLSchema, products: list[Product], currency: str):
        self.schema = schema
        self.currency = currency
        self.by_gid = {p.id: p for p in products if p.id}
        self.documents: list[str] = []
        self.asked_ids: list[str] = []
        self.errors: list[str] = []

    def answer(self, body: dict[str, Any]) -> dict[str, Any]:
        query = body.get("query", "")
        self.documents.append(query)
        document = graphql.parse(query)
        problems = graphql.validate(self.schema, document)
        if problems:
            self.errors += [p.message for p in problems]
            return {"errors": [{"message": p.message} for p in problems]}
        # the Storefront schema declares @defer/@stream, which plain ``execute`` refuses
        execute = getattr(graphql, "experimental_execute_incrementally", graphql.execute)
        result = execute(self.schema, document, root_value=self,
                         variable_values=body.get("variables") or {})
        if result.errors:
            self.errors += [e.message for e in result.errors]
        return {"data": result.data,
                **({"errors": [{"message": e.message} for e in result.errors]}
                   if result.errors else {})}

    # root fields (graphql-core calls these with (info, **arguments))
    def node(self, info: Any, id: str) -> dict[str, Any] | None:  # noqa: A002
        self.asked_ids.append(id)
        if not GID.fullmatch(id):
            raise graphql.GraphQLError(f"Invalid global id '{id}'")
        product = self.by_gid.get(id)
        return self._product(product) if product else None

    def nodes(self, info: Any, ids: list[str]) -> list[dict[str, Any] | None]:
        return [self.node(info, i) for i in ids]

    def product(self, info: Any, id: str | None = None, handle: str | None = None  # noqa: A002
                ) -> dict[str, Any] | None:
        if id:
            return self.node(info, id)
        found = [p for p in self.by_gid.values() if p.handle == handle]
        return self._product(found[0]) if found else None

    def _money(self, amount: Any) -> dict[str, Any]:
        return {"amount": f"{amount:.2f}", "currencyCode": self.currency}

    def _product(self, product: Product) -> dict[str, Any]:
        image = product.images[0] if product.images else None
        image_node = {"id": "gid://shopify/ProductImage/1", "url": image.src,
                      "altText": image.alt, "width": 800, "height": 800} if image else None
        variants = []
        for variant in product.variants:
            variants.append({"cursor": variant.id, "node": {
                "__typename": "ProductVariant",
                "id": variant.id,
                "title": variant.title, "price": self._money(variant.price),
                "weight": float(variant.grams or 0), "availableForSale": variant.available_for_sale,
                "sku": variant.sku, "image": image_node,
                "compareAtPrice": self._money(variant.compare_at_price)
                if variant.compare_at_price else None,
                "selectedOptions": [{"name": k, "value": v} for k, v in variant.options.items()],
                "unitPrice": None, "unitPriceMeasurement": None,
            }})
        page_info = {"hasNextPage": False, "hasPreviousPage": False}
        return {
            "__typename": "Product", "id": product.id,
            "availableForSale": any(v.available_for_sale for v in product.variants),
            "createdAt": "2026-01-01T00:00:00Z", "updatedAt": "2026-01-01T00:00:00Z",
            "publishedAt": "2026-01-01T00:00:00Z", "descriptionHtml": product.body_html,
            "description": product.title, "handle": product.handle,
            "productType": product.product_type, "title": product.title,
            "vendor": product.vendor, "onlineStoreUrl": None,
            "options": [{"id": f"gid://shopify/ProductOption/{i}", "name": o.name,
                         "values": list(o.values)} for i, o in enumerate(product.options)],
            "images": {"pageInfo": page_info,
                       "edges": [{"cursor": "1", "node": image_node}] if image_node else []},
            "variants": {"pageInfo": page_info, "edges": variants},
        }


@pytest.fixture(scope="session")
def storefront_schema(contracts: Path) -> graphql.GraphQLSchema:
    path = contracts / "shopify" / "storefront-2026-04.graphql.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return graphql.build_schema(handle.read(), assume_valid=True)


@pytest.fixture
def storefront(storefront_schema: graphql.GraphQLSchema, product_hub: LocalHubDB
               ) -> StorefrontStub:
    """The stub over the same store the product table was synced from."""
    products = LocalShop(product_hub.conn, product_hub.clock).list_products()
    return StorefrontStub(storefront_schema, list(products), "EUR")


def serve_sdk(route: Any) -> None:
    """Answer ``sdks.shopifycdn.com`` with the npm package's files (the storefront build)."""
    name = route.request.url.rsplit("/", 1)[-1]
    path = SDK_FILE if name.endswith(".js") else SDK_DIST / name
    if path.exists():
        route.fulfill(path=str(path))
    else:
        route.fulfill(status=404, body="")


def route_storefront(page: Any, shop: str, stub: StorefrontStub) -> None:
    """Send the SDK's Storefront GraphQL calls for ``shop`` to ``stub``."""

    def answer(route: Any) -> None:
        body = json.loads(route.request.post_data or "{}")
        route.fulfill(status=200, content_type="application/json",
                      headers={"Access-Control-Allow-Origin": "*"},
                      body=json.dumps(stub.answer(body)))

    page.route(f"https://{shop}/api/*/graphql*", answer)
    page.route(f"https://{shop}/api/*/graphql.json*", answer)


class ConsoleLog:
    """Collects console errors and uncaught exceptions of a page."""

    def __init__(self, page: Any) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"{m.text} {m.location.get('url', '')}")
                if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))


def run_axe(page: Any) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is, with every rule enabled."""
    page.add_script_tag(path=str(AXE_FILE))
    return page.evaluate("() => axe.run(document).then(r => r.violations.map(v => ("
                         "{id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target)})))")
