"""Plan a product import: creates, updates and (optionally) archives against the current catalog.

Pure: it takes the validated feed, the catalog as the catalog sync reads it,
and the digests of what earlier imports sent, and returns a plan. A product
is left alone when every field the catalog read shows equals the feed *and*
the digest of everything else it would send (images, weights, barcodes, the
mapped category) equals the last one Shopify accepted: Shopify rewrites image
URLs to its CDN, so those can only be compared by what was sent. ``productSet``
replaces list fields whole, so every change carries all variants and options.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sync.catalog.feed import Feed
from sync.catalog.feed_check import mapped
from sync.model.shop import Product, ProductStatus, Variant

CREATE, UPDATE, ARCHIVE = "create", "update", "archive"


@dataclass
class ProductChange:
    """One product to send: what, where it came from, and the digest to remember on success.

    ``product`` is the whole desired product; its variants carry the ids of the
    current variants they replace (matched by option values, then SKU), and
    ``new_variants`` the positions of variants that do not exist yet: only
    those get an initial quantity (stock is the inventory service's job).
    """

    action: str
    product: Product
    digest: str
    place: str = ""
    existing_id: str | None = None
    category_id: str | None = None
    fields: list[str] = field(default_factory=list)
    new_variants: list[int] = field(default_factory=list)

    @property
    def handle(self) -> str:
        return self.product.handle


@dataclass
class ImportPlan:
    """Everything an import would send, and how many products it leaves alone."""

    changes: list[ProductChange] = field(default_factory=list)
    unchanged: int = 0
    collections: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(change.action == action for change in self.changes)

    def describe(self, limit: int = 12) -> list[str]:
        """Lines for ``--dry-run``: ``create wool-beanie``, ``update tee: price, title``."""
        lines = [f"{c.action} {c.handle}" + (f": {', '.join(c.fields)}" if c.fields else "")
                 for c in self.changes]
        if len(lines) > limit:
            return [*lines[:limit], f"… and {len(lines) - limit} more"]
        return lines


def plan_import(
    feed: Feed,
    current: Iterable[Product],
    digests: Mapping[str, str],
    *,
    categories: Mapping[str, str],
    archive_missing: bool = False,
    identity: str = "handle",
    complete_read: bool = False,
) -> ImportPlan:
    """Compare the feed with the current catalog.

    Args:
        feed: validated products (invalid ones already dropped) and their places.
        current: the target's products, as the catalog sync reads them.
        digests: handle -> digest of what the last successful import sent.
        categories: ``[import] categories`` (taxonomy ids or ``collection:HANDLE``).
        archive_missing: archive active products the feed no longer has.
        identity: part of the digest, so switching the identifier resends once.
        complete_read: the read shows every field an import sends (the local store,
            unlike Shopify's CDN-rewritten images): equal content needs no digest.
    """
    existing = {p.handle: p for p in current}
    plan = ImportPlan()
    wanted: set[str] = set()
    for product in feed.products:
        category_id, collections = mapped(product, categories)
        desired = dataclasses.replace(product, collections=collections, id=None)
        wanted.add(desired.handle)
        plan.collections.extend(c for c in collections if c not in plan.collections)
        digest = digest_of(desired, category_id, identity)
        place = feed.places[desired.handle].at() if desired.handle in feed.places else ""
        old = existing.get(desired.handle)
        if old is None:
            plan.changes.append(ProductChange(CREATE, desired, digest, place,
                                              category_id=category_id,
                                              new_variants=list(range(len(desired.variants)))))
            continue
        matched, new = match_variants(desired.variants, old.variants)
        desired.variants = matched
        differs = differences(desired, old)
        if digests.get(desired.handle) == digest:
            # Shopify normalises HTML it stores; what it accepted from us last time counts
            differs = [name for name in differs if name != "body_html"]
        if not differs and (digests.get(desired.handle) == digest or (
                complete_read and digest_of(_as_sent(old, desired), category_id,
                                            identity) == digest)):
            plan.unchanged += 1
            continue
        plan.changes.append(ProductChange(UPDATE, desired, digest, place, old.id, category_id,
                                          differs or ["content"], new))
    if archive_missing:
        for handle, old in existing.items():
            if handle not in wanted and old.status is not ProductStatus.ARCHIVED:
                gone = dataclasses.replace(old, status=ProductStatus.ARCHIVED)
                plan.changes.append(ProductChange(ARCHIVE, gone, "", existing_id=old.id,
                                                  fields=["status"]))
    return plan


def _as_sent(current: Product, desired: Product) -> Product:
    """``current`` as the import would have sent it: ids and smart memberships aside."""
    collections = desired.collections if set(desired.collections) <= set(current.collections) \
        else current.collections
    variants = [dataclasses.replace(v, options=_opts(v.options)) for v in
                sorted(current.variants, key=lambda v: v.position)]
    options = [] if _option_list(current) == [] else current.options
    return dataclasses.replace(current, collections=collections, variants=variants,
                               options=options, id=None)


def match_variants(wanted: list[Variant], current: list[Variant]) -> tuple[list[Variant],
                                                                            list[int]]:
    """Give each wanted variant the id of the current one it replaces; positions of new ones.

    Real exports leave SKUs empty, so option values decide first; a SKU match
    covers a variant whose option values were renamed.
    """
    free = list(current)
    out: list[Variant] = []
    new: list[int] = []
    for index, variant in enumerate(wanted):
        found = next((c for c in free if _opts(c.options) == _opts(variant.options)), None)
        if found is None and variant.sku:
            found = next((c for c in free if c.sku == variant.sku), None)
        if found is not None:
            free.remove(found)
        else:
            new.append(index)
        out.append(dataclasses.replace(
            variant, id=found.id if found else None,
            inventory_item_id=found.inventory_item_id if found else None))
    return out, new


def differences(desired: Product, current: Product) -> list[str]:
    """The fields the catalog read shows that differ (stock, ids and images left out)."""
    changed = [name for name in ("title", "vendor", "product_type", "status")
               if getattr(desired, name) != getattr(current, name)]
    if desired.body_html.strip() != current.body_html.strip():
        changed.append("body_html")
    if sorted(desired.tags) != sorted(current.tags):
        changed.append("tags")
    if _option_list(desired) != _option_list(current):
        changed.append("options")
    if [_variant_view(v) for v in desired.variants] != \
            [_variant_view(v) for v in sorted(current.variants, key=lambda v: v.position)]:
        changed.append("variants")
    return changed


def _variant_view(variant: Variant) -> tuple:
    return (variant.sku or "", variant.price, variant.compare_at_price, _opts(variant.options),
            variant.inventory_policy.value, variant.inventory_tracked)


DEFAULT_OPTION = ("Title", ("Default Title",))


def _option_list(product: Product) -> list[tuple[str, tuple[str, ...]]]:
    """Options, with Shopify's implicit ``Title: Default Title`` counted as none."""
    options = [(o.name, tuple(o.values)) for o in product.options]
    return [] if options == [DEFAULT_OPTION] else options


def _opts(chosen: Mapping[str, str]) -> dict[str, str]:
    return {} if dict(chosen) == {"Title": "Default Title"} else dict(chosen)


def digest_of(product: Product, category_id: str | None, identity: str) -> str:
    """A short hash of everything an import sends for ``product`` (not stock, not ids)."""
    data = {
        "product": {k: v for k, v in dataclasses.asdict(product).items()
                    if k not in ("id", "created_at", "updated_at", "variants")},
        "variants": [{k: v for k, v in dataclasses.asdict(variant).items()
                      if k not in ("id", "inventory_item_id", "inventory_quantity", "position")}
                     for variant in product.variants],
        "category": category_id,
        "identity": identity,
    }
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:20]
