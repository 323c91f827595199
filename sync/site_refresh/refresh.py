"""Take the products the inventory side marked and re-sync just their HubDB rows.

The inventory service marks a product when a change flips its availability
or moves its total, and on every ``products/*`` webhook; this runs every few
minutes, takes the marks (each mark is taken by one run only) and calls the
catalog sync's incremental path for those products in one batch. If the sync
fails the marks are put back, so the next run tries again and nothing is lost.
"""

from __future__ import annotations

import logging
from typing import Any, Protocol

from sync.plumbing.clock import SYSTEM_CLOCK, Clock

log = logging.getLogger(__name__)

MAX_PRODUCTS_PER_RUN = 500  # a run stays well inside its timeout; the rest wait five minutes


class ProductMarks(Protocol):
    """The part of the inventory StateStore this function uses."""

    def take_products(self) -> list[str]: ...

    def mark_products(self, product_ids: list[str]) -> None: ...

    def record_run(self, summary: dict[str, object]) -> None: ...


def refresh_products(
    marks: ProductMarks,
    settings: Any,
    *,
    source: Any = None,
    target: Any = None,
    clock: Clock = SYSTEM_CLOCK,
    limit: int = MAX_PRODUCTS_PER_RUN,
) -> dict[str, Any]:
    """Sync the HubDB rows of the marked products; returns the sync's counts.

    Args:
        marks: where the inventory side marks products (DynamoDB or SQLite state);
            the catalog sync's run is recorded there too (the function's own
            SQLite file would be thrown away with it).
        settings: hubshop Settings (Shopify and HubSpot credentials, ``[catalog]``).
        source / target: as :func:`sync.jobs.catalog.sync_catalog` takes them
            (default: Shopify and HubDB when configured, else the local stand-ins).
        limit: at most this many products per run; the rest are marked again.
    """
    from sync.jobs.catalog import sync_catalog

    taken = marks.take_products()
    if not taken:
        return {"products": 0}
    now, later = taken[:limit], taken[limit:]
    if later:
        marks.mark_products(later)
    try:
        report = sync_catalog(settings, source=source, target=target, products=now, clock=clock,
                              runs=marks)
    except Exception:
        marks.mark_products(now)  # nothing lost: the next run tries these again
        log.exception("site refresh failed; %d product(s) marked again", len(now))
        raise
    counts = {"products": len(now), "waiting": len(later), **report.counts()}
    log.info("site refresh: %d product(s)", len(now), extra={"counts": counts})
    return counts
