"""JSON lines product feeds: one product per line, problems as ``file:line:column (field)``.

A line is ``{"handle", "title", "body_html", "vendor", "product_type",
"category", "tags", "status", "options": ["Size"], "variants": [{"sku",
"price", "compare_at_price", "options": {"Size": "M"}, "barcode", "grams",
"quantity", "policy", "tracked", "image"}], "images": [url or {"src",
"alt"}], "collections", "seo_title", "seo_description"}``. Unknown keys are
refused, because a misspelt key would silently drop data every night.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from sync.catalog.feed import Feed, Place
from sync.catalog.product_csv import slugify
from sync.model.shop import Image, InventoryPolicy, Option, Product, ProductStatus, Variant

PRODUCT_KEYS = {
    "handle", "title", "body_html", "vendor", "product_type", "category", "tags", "status",
    "published", "options", "variants", "images", "collections", "seo_title", "seo_description",
}
VARIANT_KEYS = {
    "sku", "price", "compare_at_price", "options", "barcode", "grams", "quantity", "policy",
    "tracked", "taxable", "requires_shipping", "image",
}


def parse_jsonl_feed(text: str, source: str) -> Feed:
    """Read JSON lines text into a feed; blank lines are skipped."""
    feed = Feed(source)
    for number, raw in enumerate(text.removeprefix("\ufeff").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as error:
            feed.reject(f"line-{number}", f"{source}:{number}:{error.colno}",
                        f"the line is not JSON: {error.msg}",
                        "write one JSON object per line (no trailing commas, double quotes)")
            continue
        if not isinstance(data, dict):
            feed.reject(f"line-{number}", f"{source}:{number}:1", "the line is not a JSON object",
                        "write one product object per line")
            continue
        place = Place(source, number, _key_columns(raw, data))
        _LineReader(feed, place, data).read()
    return feed


def _key_columns(raw: str, data: dict[str, Any]) -> dict[str, int]:
    """1-based column of each top-level key in the raw line, for error places."""
    return {key: raw.find(json.dumps(key)) + 1 for key in data if raw.find(json.dumps(key)) >= 0}


class _LineReader:
    """One product line, its problems recorded against its handle."""

    def __init__(self, feed: Feed, place: Place, data: dict[str, Any]) -> None:
        self.feed, self.place, self.data = feed, place, data
        title = str(data.get("title") or "").strip()
        self.handle = str(data.get("handle") or "").strip() or slugify(title) \
            or f"line-{place.line}"
        self.ok = True

    def fail(self, name: str, problem: str, fix: str) -> None:
        self.ok = False
        self.feed.reject(self.handle, self.place.at(name), problem, fix)

    def read(self) -> None:
        data = self.data
        for key in sorted(set(data) - PRODUCT_KEYS):
            self.fail(key, f"unknown key {key!r}", f"use one of {', '.join(sorted(PRODUCT_KEYS))}")
        status = ProductStatus.ACTIVE
        if data.get("status"):
            try:
                status = ProductStatus(str(data["status"]).upper())
            except ValueError:
                self.fail("status", f"unknown status {data['status']!r}",
                          "use active, draft or archived")
        names = [str(n).strip() for n in self._list("options")]
        variants = [self._variant(index, item, names)
                    for index, item in enumerate(self._list("variants"), start=1)]
        if not variants:
            variants = [Variant(sku="", price=Decimal(0))]
            self.fail("variants", "the product has no variants",
                      'give at least one variant: "variants": [{"sku": "X-1", "price": "9"}]')
        values: list[list[str]] = [[] for _ in names]
        for variant in variants:
            for slot, name in enumerate(names):
                value = variant.options.get(name)
                if value and value not in values[slot]:
                    values[slot].append(value)
        images = []
        for position, item in enumerate(self._list("images"), start=1):
            src, alt = (item.get("src"), item.get("alt")) if isinstance(item, dict) else (item, "")
            images.append(Image(src=str(src or ""), alt=str(alt or ""), position=position))
        tags = data.get("tags") or []
        if isinstance(tags, str):
            tags = tags.split(",")
        product = Product(
            handle=self.handle,
            title=str(data.get("title") or "").strip(),
            body_html=str(data.get("body_html") or ""),
            vendor=str(data.get("vendor") or "").strip(),
            product_type=str(data.get("product_type") or "").strip(),
            category=str(data.get("category") or "").strip() or None,
            tags=[str(t).strip() for t in tags if str(t).strip()],
            status=status,
            published=data.get("published", True) is not False,
            options=[Option(n, tuple(v)) for n, v in zip(names, values, strict=True)],
            variants=variants,
            images=images,
            collections=[str(c) for c in self._list("collections")],
            seo_title=str(data.get("seo_title") or ""),
            seo_description=str(data.get("seo_description") or ""),
        )
        first = self.feed.places.get(self.handle)
        if first is not None:
            self.fail("handle", f"handle {self.handle!r} repeats line {first.line}",
                      "give each product one handle, or merge the two lines")
        self.feed.products.append(product)
        self.feed.places.setdefault(self.handle, self.place)

    def _list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(key, f"{key!r} is not a list", f'write "{key}": [ … ]')
            return []
        return value

    def _variant(self, index: int, item: Any, names: list[str]) -> Variant:
        label = f"variants[{index}]"
        if not isinstance(item, dict):
            self.fail("variants", f"{label} is not an object", 'write {"sku": …, "price": …}')
            return Variant(sku="", price=Decimal(0))
        for key in sorted(set(item) - VARIANT_KEYS):
            self.fail("variants", f"{label} has unknown key {key!r}",
                      f"use one of {', '.join(sorted(VARIANT_KEYS))}")
        chosen = item.get("options") or {}
        if isinstance(chosen, list):
            chosen = dict(zip(names, chosen, strict=False))
        if not isinstance(chosen, dict):
            self.fail("variants", f"{label}.options is not an object", 'write {"Size": "M"}')
            chosen = {}
        options = {str(k): str(v).strip() for k, v in chosen.items()}
        price = self._money(item.get("price"), f"{label}.price", required=True)
        policy = str(item.get("policy") or "deny").upper()
        if policy not in ("DENY", "CONTINUE"):
            self.fail("variants", f"{label}.policy {item.get('policy')!r} is not a policy",
                      "write deny or continue")
            policy = "DENY"
        return Variant(
            sku=str(item.get("sku") or "").strip(),
            price=price or Decimal(0),
            options=options,
            title=" / ".join(options.values()) or "Default Title",
            compare_at_price=self._money(item.get("compare_at_price"),
                                         f"{label}.compare_at_price"),
            inventory_quantity=self._whole(item.get("quantity"), f"{label}.quantity") or 0,
            inventory_tracked=item.get("tracked", True) is not False,
            inventory_policy=InventoryPolicy(policy),
            barcode=str(item.get("barcode") or ""),
            grams=self._whole(item.get("grams"), f"{label}.grams", negative=False),
            requires_shipping=item.get("requires_shipping", True) is not False,
            taxable=item.get("taxable", True) is not False,
            image_src=str(item["image"]) if item.get("image") else None,
            position=index,
        )

    def _money(self, value: Any, label: str, *, required: bool = False) -> Decimal | None:
        if value is None or value == "":
            if required:
                self.fail("variants", f"{label} is missing", 'give the price, e.g. "24.95"')
            return None
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            amount = Decimal(-1)
        if isinstance(value, bool) or not amount.is_finite() or amount < 0:
            self.fail("variants", f"{label} {value!r} is not an amount of money",
                      'write a number with a dot for decimals, e.g. "12.50"')
            return None
        return amount

    def _whole(self, value: Any, label: str, *, negative: bool = True) -> int | None:
        if value is None or value == "":
            return None
        try:
            number = Decimal(str(value))
            if isinstance(value, bool) or number != number.to_integral_value():
                raise InvalidOperation
        except InvalidOperation:
            self.fail("variants", f"{label} {value!r} is not a whole number",
                      "write digits, e.g. 250")
            return None
        if number < 0 and not negative:
            self.fail("variants", f"{label} {value!r} is negative", "use 0 or more")
            return None
        return int(number)


def product_line(product: Product) -> dict[str, Any]:
    """``product`` as one JSON lines feed object (what :func:`parse_jsonl_feed` reads back)."""
    return {
        "handle": product.handle, "title": product.title, "body_html": product.body_html,
        "vendor": product.vendor, "product_type": product.product_type,
        "category": product.category, "tags": list(product.tags),
        "status": product.status.value.lower(), "published": product.published,
        "options": [o.name for o in product.options],
        "variants": [{
            "sku": v.sku, "price": str(v.price),
            "compare_at_price": None if v.compare_at_price is None else str(v.compare_at_price),
            "options": dict(v.options), "barcode": v.barcode, "grams": v.grams,
            "quantity": v.inventory_quantity, "policy": v.inventory_policy.value.lower(),
            "tracked": v.inventory_tracked, "taxable": v.taxable,
            "requires_shipping": v.requires_shipping, "image": v.image_src,
        } for v in sorted(product.variants, key=lambda v: v.position)],
        "images": [{"src": i.src, "alt": i.alt}
                   for i in sorted(product.images, key=lambda i: i.position)],
        "collections": list(product.collections),
        "seo_title": product.seo_title, "seo_description": product.seo_description,
    }
