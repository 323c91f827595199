"""The inventory library the edges call: reconcile, apply warehouse records, note webhooks, status.

The CLI (``hubshop inventory …``), ``hubshop serve`` and the Lambda handlers
each parse their input, call one of these functions with adapters for the
ports in :mod:`sync.inventory.ports`, and render the report. Nothing here does
I/O except through those ports.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from sync.inventory import engine, events
from sync.inventory.policy import Policy
from sync.inventory.ports import InventoryStore, ItemInfo, StateStore, StockRecord, Warehouse
from sync.inventory.records import parse_records
from sync.inventory.report import EventOutcome, Rejection, RunReport, StatusReport
from sync.model.runs import run_summary
from sync.plumbing.clock import Clock

PAUSED = "paused"


def reconcile(
    store: InventoryStore,
    warehouse: Warehouse,
    state: StateStore,
    policy: Policy,
    *,
    skus: Sequence[str] | None = None,
    inventory_item_ids: Sequence[str] | None = None,
    order_ids: Sequence[str] | None = None,
    dry_run: bool = False,
    clock: Clock,
) -> RunReport:
    """Make Shopify's ``available`` match the warehouse for every mapped (SKU, location).

    A full reconcile reads the warehouse snapshot; ``skus`` or
    ``inventory_item_ids`` restrict it to those items (a partial reconcile, as
    after a webhook). ``order_ids`` (orders webhooks named) are re-read from
    Shopify first and their SKUs added to the reconcile: what a webhook's body
    says is never counted on its own (not on a dry run, which reads nothing
    extra). While paused, nothing is written: the snapshot's records that
    differ from Shopify are queued (one per SKU and location, the newest
    figure) and the report says ``paused``. A snapshot record without a time
    takes the time the snapshot was read (records are ordered by the
    warehouse's clock: one older than the figure applied is skipped as stale).
    """
    start = clock.now()
    notes, named = [], set()
    if order_ids and not dry_run:
        notes, named = engine.read_orders(store, state, policy, order_ids, clock)
    read_at = clock.now()
    snapshot = warehouse.snapshot()
    records, rejected = parse_records(snapshot.records, ceiling=policy.quantity_ceiling,
                                      locations=policy.location_map)
    rejected = list(snapshot.rejected) + rejected
    wanted = set(skus or ()) | named
    if inventory_item_ids:
        wanted |= {e.sku for e in state.items() if e.inventory_item_id in set(inventory_item_ids)}
    if skus is not None or inventory_item_ids is not None or order_ids:
        records = [r for r in records if r.sku in wanted]
        rejected = [r for r in rejected if r.sku in wanted]
    if is_paused(state) and not dry_run:
        held = _hold_drift(records, store, warehouse, state, policy, clock, read_at)
        held.rejected, held.orders = rejected + held.rejected, notes
        return held
    report = engine.run(records, store, warehouse, state, policy, full=True,
                        dry_run=dry_run, clock=clock, received_at=read_at)
    report.orders = notes
    report.rejected = rejected + report.rejected
    report.skipped += len(rejected)
    if not dry_run:
        state.record_run(inventory_run("reconcile", start, clock.now(), report))
    return report


def apply_stock_records(
    records: Sequence[Mapping[str, object] | StockRecord],
    store: InventoryStore,
    state: StateStore,
    policy: Policy,
    *,
    warehouse: Warehouse | None = None,
    fields: Mapping[str, str] | None = None,
    source: str = "body",
    dry_run: bool = False,
    clock: Clock,
    received_at: datetime | None = None,
) -> RunReport:
    """Apply warehouse stock records (a push, or the changes of a poll) to Shopify.

    Each line is checked on its own: unknown SKU, unmapped location, negative,
    non-integer or absurd quantities (over ``policy.quantity_ceiling``),
    duplicates and malformed lines are rejected with a reason in
    ``report.rejected``; the valid rest is applied. ``fields`` maps hubshop's
    field names (``sku``, ``location``, ``on_hand``, ``allocated``,
    ``available``, ``updated_at``) to the payload's. While paused the valid
    records are queued. A record without ``updated_at`` takes ``received_at``
    (when the push reached the service; default: now); a record older than
    the figure already applied for its SKU and location is skipped and
    counted in ``report.stale``.
    """
    parsed, rejected = parse_records(records, ceiling=policy.quantity_ceiling,
                                     locations=policy.location_map, fields=fields, source=source)
    received = received_at or clock.now()
    known = _items(parsed, store, state)
    valid: list[StockRecord] = []
    for record in parsed:
        if record.sku in known:
            valid.append(record)
        else:
            rejected.append(Rejection(record.where, record.sku, "unknown SKU: Shopify has no"
                                      " variant with this SKU"))
    if is_paused(state) and not dry_run:
        state.enqueue(stamped(valid, received))
        return RunReport(paused=True, queued=len(valid), rejected=rejected,
                         api_calls=store.calls)
    report = engine.run(valid, store, warehouse, state, policy, full=False, dry_run=dry_run,
                        clock=clock, items=known, received_at=received)
    report.rejected = rejected + report.rejected
    report.skipped += len(rejected)
    return report


def _hold_drift(records: Sequence[StockRecord], store: InventoryStore, warehouse: Warehouse,
                state: StateStore, policy: Policy, clock: Clock, read_at: datetime) -> RunReport:
    """While paused: queue the records that differ from Shopify (a dry-run plan), nothing else.

    A record for a key already queued is queued too even when it no longer
    differs, so the newest warehouse figure replaces the held one (resume then
    writes nothing for it). The report counts what was planned (``unchanged``,
    ``skipped``) with ``paused`` set, ``written`` 0 and ``queued`` the records held.
    """
    plan = engine.run(records, store, warehouse, state, policy, full=True, dry_run=True,
                      clock=clock, received_at=read_at)
    drifting = {(w.sku, w.location) for w in plan.writes}
    drifting |= {(r.sku, r.location) for r in state.pending()}
    held = [r for r in records if (r.sku, r.location) in drifting]
    state.enqueue(stamped(held, read_at))
    return dataclasses.replace(plan, dry_run=False, paused=True, queued=len(held), writes=[],
                               written=0, products=[])


def stamped(records: Sequence[StockRecord], at: datetime) -> list[StockRecord]:
    """``records``, each without a time of its own given ``at`` (its receive time)."""
    return [r if r.updated_at is not None else dataclasses.replace(r, updated_at=at)
            for r in records]


def _items(records: Sequence[StockRecord], store: InventoryStore, state: StateStore,
           ) -> dict[str, ItemInfo]:
    """Item ids from the ledger where it knows them; one lookup for the rest."""
    known: dict[str, ItemInfo] = {}
    for record in records:
        entry = state.get(record.sku, record.location)
        if entry is not None and entry.inventory_item_id:
            known[record.sku] = ItemInfo(record.sku, entry.inventory_item_id,
                                         product_id=entry.product_id)
    missing = sorted({r.sku for r in records} - set(known))
    if missing:
        known.update(store.items_by_sku(missing))
    return known


def note_shopify_event(
    topic: str,
    payload: Mapping[str, object],
    state: StateStore,
    *,
    policy: Policy,
    webhook_id: str | None = None,
    clock: Clock,
) -> EventOutcome:
    """Note what a Shopify webhook names, once per webhook id.

    Order, fulfilment, refund and cancellation webhooks move nothing: they name
    the order (``outcome.order_ids``) that the follow-up reconcile re-reads from
    Shopify (``reconcile(order_ids=...)``), and the SKUs it then reconciles, so
    a signed body for an order Shopify does not have invents nothing. ``products/*`` marks the
    product for the site-freshness function; ``inventory_levels/update``
    names the item to reconcile. Personal data in order payloads is never
    kept or logged.
    """
    if webhook_id is not None:
        if state.seen(webhook_id):
            return EventOutcome(topic=topic, duplicate=True)
        outcome = events.note(topic, payload, state, policy, clock)
        state.remember(webhook_id, clock.now())
        return outcome
    return events.note(topic, payload, state, policy, clock)


def inventory_run(kind: str, start: datetime, end: datetime,
                  report: RunReport) -> dict[str, object]:
    """The run record of a reconcile or resume (the shape every job records)."""
    counts = {k: v for k, v in report.counts().items() if k != "api_calls"}
    return run_summary(kind, start, end, counts={**counts, "queued": report.queued},
                       api_calls={"shopify": report.api_calls}, dry_run=report.dry_run)


def state_status(state: StateStore, *, dead_letters: int | None = None,
                 clock: Clock | None = None, with_last_run: bool = True) -> StatusReport:
    """:func:`status` without drift: pending changes, offsets, pause and the last run from
    the state alone (when the warehouse or Shopify cannot be read, or are not configured)."""
    return engine.state_status(state, dead_letters=dead_letters, paused=is_paused(state),
                               clock=clock, with_last_run=with_last_run)


def is_paused(state: StateStore) -> bool:
    """True while ``hubshop inventory pause`` holds writes."""
    return state.flag(PAUSED) == "1"


def pause(state: StateStore) -> None:
    """Hold every write (e.g. during a stocktake); warehouse changes queue up meanwhile."""
    state.set_flag(PAUSED, "1")


def resume(
    store: InventoryStore,
    warehouse: Warehouse | None,
    state: StateStore,
    policy: Policy,
    *,
    clock: Clock,
) -> RunReport:
    """Lift the pause and apply what queued up meanwhile (newest record per SKU and location,
    by the warehouse's time; among equal times the last queued)."""
    start = clock.now()
    state.set_flag(PAUSED, None)
    queued = state.pending()
    latest: dict[tuple[str, str], StockRecord] = {}
    for record in queued:
        held = latest.get((record.sku, record.location))
        if held is None or not (record.updated_at and held.updated_at
                                and record.updated_at < held.updated_at):
            latest[(record.sku, record.location)] = record
    report = engine.run(list(latest.values()), store, warehouse, state, policy, full=False,
                        dry_run=False, clock=clock)
    state.clear_pending()
    report.queued = len(queued)
    state.record_run(inventory_run("resume", start, clock.now(), report))
    return report


def status(
    state: StateStore,
    store: InventoryStore,
    warehouse: Warehouse,
    policy: Policy | None = None,
    *,
    dead_letters: int | None = None,
    clock: Clock | None = None,
) -> StatusReport:
    """Drift (by a dry-run plan), pending changes, offsets, pause state and dead letters."""
    policy = policy or Policy()
    return engine.status(state, store, warehouse, policy, dead_letters=dead_letters,
                         paused=is_paused(state), clock=clock)
