"""Read, decide, write: one inventory pass over warehouse records, with bounded stale re-reads.

The pass reads Shopify's levels for the records' items, decides each (SKU,
location) with :func:`sync.inventory.decide.decide`, stores the agreed figures
and the intended write in the ledger, then sends ``inventorySetQuantities``
batches with ``changeFromQuantity`` and an idempotency key derived from each
batch's contents. A stale compare costs one re-read and a re-decision of the
stale items, at most ``policy.max_rereads`` times; refused items are reported
once, never retried in a loop.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from sync.inventory.decide import BUSY, OLDER, UNEXPLAINED, WRITE, Decision, decide, is_older
from sync.inventory.events import apply_lines, remember_locations
from sync.inventory.overlay import DryRunState
from sync.inventory.policy import Policy
from sync.inventory.ports import (
    NON_MUTABLE,
    NOT_STOCKED,
    STALE,
    InventoryStore,
    ItemInfo,
    LedgerEntry,
    QuantityChange,
    StateStore,
    StockRecord,
    Warehouse,
)
from sync.inventory.report import (
    Drift,
    OlderRecord,
    OrderNote,
    Problem,
    RunReport,
    StatusReport,
)
from sync.model.shop import InventoryLevel, numeric_id
from sync.plumbing.clock import Clock

ORDERS_CURSOR = "orders_cursor"
Key = tuple[str, str]


@dataclasses.dataclass
class _Pass:
    """What one pass carries between its steps."""

    store: InventoryStore
    warehouse: Warehouse | None
    state: StateStore
    policy: Policy
    clock: Clock
    dry_run: bool
    report: RunReport
    location_ids: dict[str, str]  # warehouse code -> Shopify location gid
    codes: dict[str, str]  # Shopify location gid / numeric id -> warehouse code
    items: Mapping[str, ItemInfo]
    now: datetime | None = None
    can_forward: bool = False
    products: set[str] = dataclasses.field(default_factory=set)  # whose stock moved
    received: datetime | None = None  # the time of records without one of their own


def run(
    records: Sequence[StockRecord],
    store: InventoryStore,
    warehouse: Warehouse | None,
    state: StateStore,
    policy: Policy,
    *,
    full: bool,
    dry_run: bool,
    clock: Clock,
    items: Mapping[str, ItemInfo] | None = None,
    received_at: datetime | None = None,
) -> RunReport:
    """One pass over ``records``; ``full`` catches order traffic up before reading.

    A record without a time of its own takes ``received_at`` (the snapshot's
    or the push's receive time; default: now), so records are ordered by the
    warehouse's clock wherever they came from.
    """
    calls_before = store.calls
    received = received_at or clock.now()
    report = RunReport(dry_run=dry_run)
    work = DryRunState(state) if dry_run else state
    location_ids, codes = _locations(store, policy)
    if not dry_run:
        remember_locations(state, codes)
    wanted = [r for r in records if _mapped(r, location_ids, report)]
    if items is None:
        items = store.items_by_sku(sorted({r.sku for r in wanted})) if wanted else {}
    p = _Pass(store, warehouse, work, policy, clock, dry_run, report, location_ids, codes, items,
              clock.now(), bool(warehouse is not None and warehouse.can_adjust),
              received=received)
    keyed: dict[Key, StockRecord] = {}
    for record in wanted:
        info = items.get(record.sku)
        if info is None:
            _skip(report, record.sku, record.location, "unknown_sku",
                  "Shopify has no variant with this SKU")
        elif not info.tracked:
            _skip(report, record.sku, record.location, "untracked",
                  "Shopify does not track this item's inventory; turn tracking on to sync it")
        else:
            keyed[(record.sku, record.location)] = record
    if full and keyed:
        _catch_up(p)
    pending = keyed
    for _ in range(policy.max_rereads + 1):
        if not pending:
            break
        decisions = _decide_all(p, pending)
        stale = _write(p, decisions)
        pending = {k: keyed[k] for k in stale}
    for sku, location in pending:
        report.conflicts += 1
        report.problems.append(Problem(sku, location, "stale", "Shopify kept changing during "
                                       f"{policy.max_rereads} re-reads; the next run retries"))
    _mark_products(p)
    report.api_calls = store.calls - calls_before
    return report


def read_orders(store: InventoryStore, state: StateStore, policy: Policy,
                order_ids: Sequence[str], clock: Clock) -> tuple[list[OrderNote], set[str]]:
    """Re-read the orders webhooks named and count what Shopify shows, once per line.

    Returns a note per order (lines moved, or why nothing changed) and the
    SKUs of the lines read, for the reconcile that follows.
    """
    _, codes = _locations(store, policy)
    remember_locations(state, codes)
    wanted = sorted(set(order_ids))
    read = store.read_orders(wanted)
    notes, skus = [], {line.sku for line in read.lines if line.sku}
    for order in wanted:
        if order in read.missing:
            notes.append(OrderNote(order, 0, "Shopify does not know this order: the webhook"
                                             " changes nothing"))
            continue
        moved, _ = apply_lines([x for x in read.lines if x.order_id == order], state, codes,
                               clock.now())
        notes.append(OrderNote(order, moved, "" if moved else "Shopify's order shows nothing"
                               " the ledger has not counted: the webhook changes nothing"))
    return notes, skus


def status(state: StateStore, store: InventoryStore, warehouse: Warehouse, policy: Policy, *,
           dead_letters: int | None, paused: bool, clock: Clock | None) -> StatusReport:
    """Drift from a dry run over the warehouse snapshot, plus what the state holds."""
    from sync.plumbing.clock import SYSTEM_CLOCK

    clock = clock or SYSTEM_CLOCK
    plan = run(warehouse.snapshot().records, store, warehouse, state, policy, full=True,
               dry_run=True, clock=clock)
    report = state_status(state, dead_letters=dead_letters, paused=paused, clock=clock)
    report.drift = [Drift(w.sku, w.location, w.change_from, w.quantity) for w in plan.writes]
    report.unexplained = sum(1 for x in plan.problems if x.code == "unexplained")
    return report


def state_status(state: StateStore, *, dead_letters: int | None, paused: bool,
                 clock: Clock | None, with_last_run: bool = True) -> StatusReport:
    """What the state alone tells (pending changes, offsets, the last run), with no drift.

    The part of :func:`status` that needs neither the warehouse nor Shopify: what
    a deployed status or the console shows when those cannot be read.
    ``with_last_run=False`` leaves ``last_run`` None, for a caller that picks the
    job's own last run (one read of the runs fewer).
    """
    from sync.plumbing.clock import SYSTEM_CLOCK

    entries = state.items()
    runs = state.runs(1) if with_last_run else []
    return StatusReport(
        paused=paused,
        pending=len(state.pending()) + sum(1 for e in entries if e.pending is not None),
        offsets={f"{e.sku}@{e.location}": e.offset for e in entries if e.offset},
        drift=[], unexplained=0,
        last_run=runs[0] if runs else None,
        dead_letters=dead_letters,
        checked_at=(clock or SYSTEM_CLOCK).now(),
    )


# --------------------------------------------------------------------------- steps


def _locations(store: InventoryStore, policy: Policy) -> tuple[dict[str, str], dict[str, str]]:
    by_name = {loc.name: loc.id for loc in store.locations() if loc.id}
    location_ids = {code: by_name[name] for code, name in policy.location_map.items()
                    if name in by_name}
    codes: dict[str, str] = {}
    for code, location_id in location_ids.items():
        codes[location_id] = code
        codes[numeric_id(location_id)] = code
    return location_ids, codes


def _mapped(record: StockRecord, location_ids: Mapping[str, str], report: RunReport) -> bool:
    if record.location in location_ids:
        return True
    _skip(report, record.sku, record.location, "unmapped_location",
          f"warehouse location {record.location!r} has no Shopify location in [inventory]"
          " location_map (or the mapped name does not exist in Shopify)")
    return False


def _skip(report: RunReport, sku: str, location: str, code: str, message: str) -> None:
    report.skipped += 1
    report.problems.append(Problem(sku, location, code, message))


def _catch_up(p: _Pass) -> None:
    """Read order lines changed since the cursor into the ledger (once per pass)."""
    page = p.store.order_lines(p.state.flag(ORDERS_CURSOR))
    apply_lines(page.lines, p.state, p.codes, p.clock.now())
    if page.cursor is not None:
        p.state.set_flag(ORDERS_CURSOR, page.cursor)


def _read(p: _Pass, keys: Sequence[Key]) -> dict[Key, InventoryLevel]:
    item_ids = sorted({p.items[sku].inventory_item_id for sku, _ in keys})
    by_pair = {(lv.inventory_item_id, lv.location_id): lv for lv in p.store.read_levels(item_ids)}
    found: dict[Key, InventoryLevel] = {}
    for sku, code in keys:
        level = by_pair.get((p.items[sku].inventory_item_id, p.location_ids[code]))
        if level is not None:
            found[(sku, code)] = level
    return found


def _decide_all(p: _Pass, records: Mapping[Key, StockRecord]) -> dict[Key, Decision]:
    """Read and decide; unexplained keys get one order catch-up and a re-read."""
    levels = _read(p, list(records))
    for key in [k for k in records if k not in levels]:
        level = _unstocked(p, records[key])
        if level is not None:
            levels[key] = level
    decisions = {k: _decide(p, records[k], levels[k]) for k in records if k in levels}
    # An order placed and fulfilled unseen looks like a hand edit, and an order not
    # yet seen leaves committed unexplained: before believing either, catch order
    # traffic up once more and read those keys again.
    puzzling = [k for k, d in decisions.items()
                if d.kind == UNEXPLAINED or d.hand_edit is not None]
    if puzzling:
        _catch_up(p)
        again = _read(p, puzzling)
        decisions.update({k: _decide(p, records[k], again[k]) for k in puzzling if k in again})
    for key, decision in list(decisions.items()):
        if decision.kind == OLDER:
            _older(p, records[key], decision.entry.warehouse_at)
            del decisions[key]
        elif decision.kind == BUSY:
            _busy(p, key, decision.entry)
            del decisions[key]
        elif decision.kind == UNEXPLAINED:
            if _commit(p, decision):
                p.report.conflicts += 1
                p.report.problems.append(Problem(
                    key[0], key[1], "unexplained", "Shopify's committed figure moved in a way"
                    " the order traffic seen so far does not explain; left alone until it does"))
            del decisions[key]
        elif decision.rebaselined:
            p.report.problems.append(Problem(
                key[0], key[1], "rebaselined", f"unexplained for {p.policy.max_deferrals} runs;"
                " Shopify's figures taken as the new baseline"))
    return decisions


def _unstocked(p: _Pass, record: StockRecord) -> InventoryLevel | None:
    info, location_id = p.items[record.sku], p.location_ids[record.location]
    if not p.policy.activate_unstocked:
        _skip(p.report, record.sku, record.location, "not_stocked",
              "Shopify does not stock this item at the mapped location (set"
              " [inventory] activate_unstocked = true to stock it)")
        return None
    if not p.dry_run:
        p.store.activate(info.inventory_item_id, location_id)
    return InventoryLevel(info.inventory_item_id, location_id, record.sku, 0)


def _decide(p: _Pass, record: StockRecord, level: InventoryLevel) -> Decision:
    """Decide one key; remember its product, and note it if Shopify's figure moved meanwhile."""
    before = p.state.get(record.sku, record.location)
    decision = decide(before, level, record, p.policy, can_forward=p.can_forward, now=p.now,
                      received_at=p.received)
    product = p.items[record.sku].product_id or (before.product_id if before else None)
    if product and decision.entry.product_id != product:
        decision = dataclasses.replace(decision, entry=decision.entry.evolve(product_id=product),
                                       changed=True)
    if product and before is not None and before.available is not None \
            and before.available != level.available:
        p.products.add(product)  # orders or a hand edit moved it since we last agreed
    return decision


def _older(p: _Pass, record: StockRecord, newest: datetime | None) -> None:
    p.report.older.append(OlderRecord(record.sku, record.location,
                                      record.updated_at or p.received, newest, record.where))


def _busy(p: _Pass, key: Key, entry: LedgerEntry | None) -> None:
    p.report.conflicts += 1
    if entry is not None and entry.pending is not None and entry.pending_until is not None:
        why = ("another run's write to this item may still land (until"
               f" {entry.pending_until.isoformat()}); retry after it")
    else:
        why = "another run decided this item meanwhile; retry"
    p.report.problems.append(Problem(key[0], key[1], "busy", why))


def _mark_products(p: _Pass) -> None:
    """Report the products whose stock moved and mark them for the site-freshness function."""
    if not p.products:
        return
    p.report.products = sorted(p.products)
    if not p.dry_run:
        p.state.mark_products(p.report.products)


def _commit(p: _Pass, decision: Decision, *, consume: bool = True, **changes: object) -> bool:
    """Store a decision's entry, keeping order traffic noted since it was read.

    The traffic the decision accounted for is subtracted once (``consume``);
    later updates of the same decision (after its write) keep the counters.
    The entry is read again first, and the put is conditioned on that read
    (the store's revision), so the checks below and the put are one step:
    a decision is stored only if no newer warehouse figure was taken and no
    other run started a write meanwhile; a write's outcome only while its
    pending mark is still this run's. Returns False when it was not stored.
    """
    entry = decision.entry.evolve(**changes)
    current = p.state.get(entry.sku, entry.location)
    if consume and is_older(entry.warehouse_at, current.warehouse_at if current else None):
        _older(p, StockRecord(entry.sku, entry.location, 0, updated_at=entry.warehouse_at),
               current.warehouse_at if current else None)
        return False
    if consume and not _same_basis(current, decision.base, entry.key):
        _busy(p, entry.key, current)
        return False
    if not consume and (current is None or current.pending != decision.target
                        or current.version != decision.entry.version):
        return False  # another run settled this write and went on: its entry stands
    if current is not None and not consume:
        entry.placed, entry.released = current.placed, current.released
        entry.shipped, entry.returned = current.shipped, current.returned
    elif current is not None:
        placed, released, shipped, returned = decision.consumed
        entry.placed = current.placed - placed
        entry.released = current.released - released
        entry.shipped = current.shipped - shipped
        entry.returned = current.returned - returned
    p.state.put([entry])
    return True


def _write(p: _Pass, decisions: Mapping[Key, Decision]) -> list[Key]:
    """Account every decision, send the writes; return the keys whose compare went stale."""
    changes: list[QuantityChange] = []
    chosen: dict[Key, Decision] = {}
    for key, decision in decisions.items():
        if decision.hand_edit is not None:
            p.report.hand_edits.append(decision.hand_edit)
        if decision.forward and not p.dry_run:
            reference = f"hubshop:hand-edit:{key[0]}:{key[1]}:{decision.entry.edits}"
            p.warehouse.adjust(key[0], key[1], decision.forward, "shopify_hand_edit", reference)
        if decision.kind != WRITE:
            if not decision.changed or _commit(p, decision):
                p.report.unchanged += 1
            continue
        # every attempt gets its own version, so its idempotency key differs from an
        # earlier attempt that went stale (Shopify would replay that refusal)
        decision = dataclasses.replace(decision, entry=decision.entry.evolve(
            version=decision.entry.version + 1))
        lease = (p.now or p.clock.now()) + timedelta(seconds=p.policy.write_lease_seconds)
        if p.dry_run:
            _commit(p, decision, pending=decision.target)
        elif not _commit(p, decision, pending=decision.target, pending_until=lease):
            continue
        chosen[key] = decision
        changes.append(QuantityChange(key[0], key[1], decision.entry.inventory_item_id or "",
                                      p.location_ids[key[1]], decision.target,
                                      decision.entry.available or 0))
    if p.dry_run:
        p.report.writes.extend(changes)
        p.report.written += len(changes)
        p.products.update(d.entry.product_id for d in chosen.values() if d.entry.product_id)
        return []
    stale: list[Key] = []
    size = p.policy.batch_size
    for start in range(0, len(changes), size):
        stale += _send(p, changes[start:start + size], chosen)
    return stale


def _send(p: _Pass, batch: list[QuantityChange], chosen: Mapping[Key, Decision]) -> list[Key]:
    """Send one batch; drop refused items and resend the rest until it applies."""
    stale: list[Key] = []
    while batch:
        try:
            result = p.store.set_available(batch, idempotency_key=batch_key(batch, chosen))
        except BaseException:
            _call_over(p, batch, chosen)
            raise
        if result.applied:
            for change in batch:
                decision = chosen[(change.sku, change.location)]
                _settle(p, decision, available=change.quantity, source="warehouse")
                if decision.entry.product_id:
                    p.products.add(decision.entry.product_id)
            p.report.written += len(batch)
            p.report.writes.extend(batch)
            return stale
        refused = {f.index: f for f in result.failures if 0 <= f.index < len(batch)}
        if not refused:
            for change in batch:
                _settle(p, chosen[(change.sku, change.location)])
                _skip(p.report, change.sku, change.location, "refused",
                      "Shopify refused the batch without naming an item")
            return stale
        for index, failure in refused.items():
            change = batch[index]
            key = (change.sku, change.location)
            _settle(p, chosen[key])
            if failure.code == STALE:
                stale.append(key)
            else:
                code = {NOT_STOCKED: "not_stocked", NON_MUTABLE: "non_mutable"}.get(
                    failure.code, "refused")
                _skip(p.report, change.sku, change.location, code, failure.message)
        batch = [c for i, c in enumerate(batch) if i not in refused]
    return stale


def _call_over(p: _Pass, batch: Sequence[QuantityChange], chosen: Mapping[Key, Decision],
               ) -> None:
    """The write call failed: end its leases (it is no longer in flight, though it may
    have landed), so the next run settles the marks by reading Shopify, not by waiting."""
    now = p.clock.now()
    for change in batch:
        try:
            decision = chosen[(change.sku, change.location)]
            _commit(p, decision, consume=False, pending=decision.target, pending_until=now)
        except Exception:  # noqa: BLE001 - the call's own error is the one to raise
            return


def _settle(p: _Pass, decision: Decision, **changes: object) -> None:
    """After a write: clear its pending mark (and store what landed), if the mark is ours."""
    _commit(p, decision, consume=False, pending=None, pending_until=None, **changes)


_BASIS = ("available", "committed", "unavailable", "offset", "pending", "version", "warehouse",
          "warehouse_at", "deferrals", "edits")


def _same_basis(current: LedgerEntry | None, base: LedgerEntry | None, key: Key) -> bool:
    """True when no other run stored a decision for the key since this one read it.

    Order counters (and who noted them) may move meanwhile: ``_commit`` keeps them.
    """
    if current is None:
        return base is None
    base = base or LedgerEntry(sku=key[0], location=key[1])
    return all(getattr(current, name) == getattr(base, name) for name in _BASIS)


def batch_key(batch: Sequence[QuantityChange], chosen: Mapping[Key, Decision]) -> str:
    """The ``@idempotent`` key: a digest of what the batch sets, from what, at which version.

    A killed run resending the same batch gets Shopify's first answer back;
    a later, different decision (even to the same figures) has a new version.
    """
    body = [(c.inventory_item_id, c.location_id, c.quantity, c.change_from,
             chosen[(c.sku, c.location)].entry.version) for c in batch]
    digest = hashlib.sha256(json.dumps(body, separators=(",", ":")).encode()).hexdigest()
    return f"hubshop-inv-{digest[:40]}"
