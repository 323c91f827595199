"""The decision for one (SKU, location): from warehouse, Shopify and ledger to a write or not.

Shopify keeps ``on_hand = available + committed + unavailable``; an order
moves units ``available -> committed``, a restocking cancel moves them back,
a fulfilment lowers ``committed`` and ``on_hand`` together. The ledger holds
the figures last agreed with Shopify (``a0``, ``c0``) and the order traffic
noted since (placed ``P``, released ``R``, shipped ``S``, returned ``T``).
With Shopify now at ``a1``, ``c1``, ``u1``:

=====================================  ==================================================
situation                              decision
=====================================  ==================================================
record older than ``warehouse_at``     ``older``: skipped, counted ``stale``; the ledger
                                       keeps the newer figure's time
another run's write in flight (not     ``busy``: left alone, the work is retried after it
landed, its lease not over)
no ledger entry (first sight)          baseline: no hand edit; plan from the warehouse
pending write ``p`` and ``a1 - a0 + P  the write of a killed run landed: ``a0 := p``
- R - T == p - a0``
``c1 - c0 != P - R - S``               order traffic not known yet: no write, ``unexplained``
                                       (the next run catches orders up); after
                                       ``max_deferrals`` runs: re-baseline, reported
hand edit ``H = a1 - a0 + P - R - T``  ``H == 0``: none. Otherwise (after the engine has
                                       caught orders up and re-read once) by policy:
  ``offset``                           ``offset += H`` (kept store-side)
  ``forward``                          warehouse ``adjust(H)`` with reason and reference;
                                       its figure moves by ``H`` (no adjust: as ``offset``),
                                       taken at the time of the decision
  ``overwrite``                        logged with before and after; the warehouse wins
target                                 ``max(0, wh_on_hand - max(wh_allocated, c1 + u1)
                                       - buffer(sku) + offset)``
``target == a1``                       unchanged
otherwise                              write ``available = target`` if still ``a1``
                                       (``changeFromQuantity``); stale: re-read, re-decide
=====================================  ==================================================

``max(wh_allocated, c1 + u1)`` counts an order Shopify committed before the
warehouse allocated it (and an allocation the store has not seen), so an
order placed between the warehouse's count and our write is never sold twice.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from sync.inventory.policy import FORWARD, OFFSET, OVERWRITE, Policy
from sync.inventory.ports import LedgerEntry, StockRecord
from sync.inventory.report import HandEdit
from sync.model.shop import InventoryLevel

WRITE, UNCHANGED, UNEXPLAINED = "write", "unchanged", "unexplained"
OLDER, BUSY = "older", "busy"


@dataclass(frozen=True)
class Decision:
    """What to do for one key, and the ledger entry to keep if it is done.

    ``forward`` is the delta to send to the warehouse as an adjustment.
    ``consumed`` is the order traffic this decision accounted for, to be
    subtracted from the ledger's counters when it is stored (traffic noted
    meanwhile stays for the next read).
    """

    kind: str
    target: int
    entry: LedgerEntry
    hand_edit: HandEdit | None = None
    forward: int = 0
    consumed: tuple[int, int, int, int] = (0, 0, 0, 0)
    rebaselined: bool = False
    changed: bool = True  # False: the ledger already says exactly this
    base: LedgerEntry | None = None  # the entry decided from (None: first sight)


def decide(
    entry: LedgerEntry | None,
    level: InventoryLevel,
    record: StockRecord,
    policy: Policy,
    *,
    can_forward: bool,
    now: datetime | None = None,
    received_at: datetime | None = None,
) -> Decision:
    """Decide one key; pure, so the table above is what the tests assert.

    A record without a time of its own (``updated_at``) takes ``received_at``,
    its receive time. A record with its own, newer time is stored even when
    nothing else changed (a later delivery of an older record must find it);
    a receive time alone does not
    force that write, so reconciling a feed without times writes no ledger
    entry whose figures did not move.
    """
    own_time = record.updated_at is not None
    at = record.updated_at if own_time else received_at
    if entry is not None and is_older(at, entry.warehouse_at):
        return Decision(OLDER, level.available, entry, changed=False, base=entry)
    if entry is not None and in_flight(entry, level, now):
        return Decision(BUSY, level.available, entry, changed=False, base=entry)
    newer = own_time and entry is not None and is_older(entry.warehouse_at, at)
    if (entry is not None and not newer and entry.pending is None
            and entry.available == level.available
            and entry.committed == level.committed and entry.unavailable == level.unavailable
            and not (entry.placed or entry.released or entry.shipped or entry.returned)
            and not entry.deferrals and entry.warehouse == record.on_hand - record.allocated):
        # the common case: nothing moved on either side since the ledger agreed
        held = max(record.allocated, level.committed + level.unavailable)
        target = max(0, record.on_hand - held - policy.buffer_for(record.sku) + entry.offset)
        if target == level.available:
            return Decision(UNCHANGED, target, entry, changed=False, base=entry)
    original = entry
    entry = entry or LedgerEntry(sku=record.sku, location=record.location)
    consumed = (entry.placed, entry.released, entry.shipped, entry.returned)
    offset, hand, forward, rebaselined = entry.offset, None, 0, False
    if entry.available is not None and entry.pending is not None:
        moved = level.available - entry.available + entry.placed - entry.released \
            - entry.returned
        if moved == entry.pending - entry.available:
            entry = entry.evolve(available=entry.pending)
        entry = entry.evolve(pending=None, pending_until=None)
    if entry.available is not None:
        expected = entry.placed - entry.released - entry.shipped
        if level.committed - entry.committed != expected:
            if entry.deferrals + 1 < policy.max_deferrals:
                kept = entry.evolve(deferrals=entry.deferrals + 1,
                                    warehouse=record.on_hand - record.allocated,
                                    warehouse_at=_latest(entry.warehouse_at, at))
                return Decision(UNEXPLAINED, level.available, kept, base=original)
            rebaselined = True
        else:
            delta = level.available - entry.available + entry.placed - entry.released \
                - entry.returned
            if delta:
                mode = policy.hand_edits
                if mode == FORWARD and not can_forward:
                    mode = OFFSET
                if mode == OFFSET:
                    offset += delta
                elif mode == FORWARD:
                    forward = delta
                before = level.available - delta
                hand = HandEdit(record.sku, record.location, delta, mode, before, level.available)
    on_hand = record.on_hand + forward
    held = max(record.allocated, level.committed + level.unavailable)
    target = max(0, on_hand - held - policy.buffer_for(record.sku) + offset)
    kept = entry.evolve(
        available=level.available, committed=level.committed,
        unavailable=level.unavailable, offset=offset, deferrals=0,
        warehouse=on_hand - record.allocated, inventory_item_id=level.inventory_item_id,
        # a forwarded edit moves the warehouse's figure now: records sent before it
        # (without it) are older than the figure taken
        warehouse_at=_latest(entry.warehouse_at, _latest(at, now) if forward else at),
        source="hand_edit" if hand else entry.source or "reconcile",
        edits=entry.edits + (1 if hand else 0),
    )
    changed = original is None or any(consumed) or not kept.same_as(original)
    if changed:
        kept.updated_at = now or entry.updated_at
    if hand is not None and hand.policy == OVERWRITE:
        hand = dataclasses.replace(hand, before=level.available, after=target)
    kind = UNCHANGED if target == level.available else WRITE
    return Decision(kind, target, kept, hand, forward, consumed, rebaselined, changed, original)


def is_older(at: datetime | None, than: datetime | None) -> bool:
    """True when both times are known and ``at`` is strictly before ``than``.

    Equal times are not older: a duplicate delivery re-decides (and changes
    nothing); two different figures stamped with one time are taken in the
    order they are processed.
    """
    return at is not None and than is not None and at < than


def in_flight(entry: LedgerEntry, level: InventoryLevel, now: datetime | None) -> bool:
    """True when a write recorded in ``entry`` has not landed and may still land.

    A write that landed (Shopify moved by exactly what it set, order traffic
    aside) is settled whoever sent it; one whose lease is over can no longer
    land (its sender's call budget ran out first).
    """
    if entry.pending is None or entry.available is None or entry.pending_until is None:
        return False
    if now is not None and now >= entry.pending_until:
        return False
    moved = level.available - entry.available + entry.placed - entry.released - entry.returned
    return moved != entry.pending - entry.available


def _latest(first: datetime | None, second: datetime | None) -> datetime | None:
    if first is None or second is None:
        return first or second
    return max(first, second)
