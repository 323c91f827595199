"""Inventory benchmark: 50,000 SKUs x 2 locations, 2% changed, on a virtual clock.

Runs the engine's full reconcile against an in-memory Shopify stand-in at the
port level (``inventorySetQuantities`` semantics: batches applied whole,
``changeFromQuantity`` compared, calls counted and charged virtual time),
beside the connector habit of one call per variant on the same stand-in, then
applies one warehouse event. Checks the issue's budgets and prints a table.

    .venv/bin/python benchmarks/inventory.py [--skus 50000] [--changed 0.02]
"""

from __future__ import annotations

import argparse
import math
import sys
import time
import tracemalloc
from collections.abc import Sequence

from sync.inventory import run
from sync.inventory.memory_state import MemoryState
from sync.inventory.policy import Policy
from sync.inventory.ports import (
    STALE,
    ItemInfo,
    ItemOutcome,
    OrderPage,
    OrdersRead,
    QuantityChange,
    StockRecord,
    WriteResult,
)
from sync.model.shop import InventoryLevel, Location
from sync.plumbing.clock import VirtualClock
from sync.warehouse.memory import MemoryWarehouse

CALL_SECONDS = 0.25  # what one Admin API round trip costs on the virtual clock
CODES = {"WH-MAIN": "Warehouse", "STORE-01": "Flagship"}


class BenchShop:
    """Shopify at the port level, in dicts; time spent in it is not engine time."""

    def __init__(self, skus: int, clock: VirtualClock) -> None:
        self.clock = clock
        self.calls = self.reads = self.writes = 0
        self.spent = 0.0
        self.places = [Location(name, f"gid://shopify/Location/{i}")
                       for i, name in enumerate(CODES.values(), start=1)]
        self.items = {f"SKU-{n:06d}": f"gid://shopify/InventoryItem/{n}" for n in range(skus)}
        self.sku_of = {item: sku for sku, item in self.items.items()}
        self.available = {(item, p.id): 10 for item in self.items.values() for p in self.places}

    def _call(self) -> float:
        self.calls += 1
        self.clock.sleep(CALL_SECONDS)
        return time.process_time()

    def _done(self, started: float) -> None:
        self.spent += time.process_time() - started

    def locations(self) -> list[Location]:
        started = self._call()
        self._done(started)
        return self.places

    def items_by_sku(self, skus: Sequence[str]) -> dict[str, ItemInfo]:
        started = self._call()
        found = {s: ItemInfo(s, self.items[s]) for s in skus if s in self.items}
        self._done(started)
        return found

    def read_levels(self, inventory_item_ids: Sequence[str]) -> list[InventoryLevel]:
        started = self._call()
        self.reads += 1
        levels = [InventoryLevel(item, p.id, self.sku_of[item], self.available[(item, p.id)])
                  for item in inventory_item_ids for p in self.places]
        self._done(started)
        return levels

    def set_available(self, changes: Sequence[QuantityChange], *, idempotency_key: str,
                      reason: str = "correction") -> WriteResult:
        started = self._call()
        self.writes += 1
        stale = [ItemOutcome(i, STALE, "stale") for i, c in enumerate(changes)
                 if self.available[(c.inventory_item_id, c.location_id)] != c.change_from]
        if not stale:
            for c in changes:
                self.available[(c.inventory_item_id, c.location_id)] = c.quantity
        self._done(started)
        return WriteResult(not stale, stale)

    def activate(self, inventory_item_id: str, location_id: str) -> None:
        self._call()

    def order_lines(self, since: str | None) -> OrderPage:
        started = self._call()
        self._done(started)
        return OrderPage([], since)

    def read_orders(self, order_ids: Sequence[str]) -> OrdersRead:
        started = self._call()
        self._done(started)
        return OrdersRead([], list(order_ids))  # the stand-in has no orders


def _warehouse(skus: int, clock: VirtualClock) -> MemoryWarehouse:
    warehouse = MemoryWarehouse(clock)
    for n in range(skus):
        for code in CODES:
            warehouse.stock[(f"SKU-{n:06d}", code)] = StockRecord(f"SKU-{n:06d}", code, 10)
    return warehouse


def _change(warehouse: MemoryWarehouse, changed: float) -> int:
    """Deliveries for every 1/changed-th level; returns how many levels moved."""
    step, moved = round(1 / changed), 0
    for index, (sku, code) in enumerate(sorted(warehouse.stock)):
        if index % step == 0:
            warehouse.stock[(sku, code)] = StockRecord(sku, code, 15)
            moved += 1
    return moved


def per_variant(shop: BenchShop, warehouse: MemoryWarehouse) -> int:
    """The habit the issue replaces: read and set each variant's level on its own."""
    before = shop.calls
    for record in warehouse.snapshot().records:
        item = shop.items[record.sku]
        place = next(p.id for p in shop.places if p.name == CODES[record.location])
        shop.read_levels([item])
        shop.set_available([QuantityChange(record.sku, record.location, item, place,
                                           record.on_hand, shop.available[(item, place)])],
                           idempotency_key=f"one-{record.sku}-{record.location}")
    return shop.calls - before


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skus", type=int, default=50_000)
    parser.add_argument("--changed", type=float, default=0.02)
    parser.add_argument("--batch-size", type=int, default=100)
    args = parser.parse_args(argv)
    policy = Policy(location_map=CODES, batch_size=args.batch_size)

    clock = VirtualClock()
    shop = BenchShop(args.skus, clock)
    warehouse = _warehouse(args.skus, clock)
    state = MemoryState()
    run.reconcile(shop, warehouse, state, policy, clock=clock)  # the ledger's baseline
    changed = _change(warehouse, args.changed)
    calls, writes_before, slept, spent = shop.calls, shop.writes, clock.slept, shop.spent
    started = time.process_time()
    report = run.reconcile(shop, warehouse, state, policy, clock=clock)
    cpu = time.process_time() - started - (shop.spent - spent)
    simulated = clock.slept - slept
    reconcile_writes = shop.writes - writes_before
    # the same run again on a fresh copy, under tracemalloc, for peak memory
    clock2 = VirtualClock()
    shop2, warehouse2, state2 = BenchShop(args.skus, clock2), _warehouse(args.skus, clock2), \
        MemoryState()
    run.reconcile(shop2, warehouse2, state2, policy, clock=clock2)
    _change(warehouse2, args.changed)
    tracemalloc.start()
    run.reconcile(shop2, warehouse2, state2, policy, clock=clock2)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    second = run.reconcile(shop, warehouse, state, policy, clock=clock)

    # one warehouse event: a delivery of one SKU at one location
    reads, writes = shop.reads, shop.writes
    record = warehouse.move("SKU-000007", "WH-MAIN", 3)
    event = run.apply_stock_records([record], shop, state, policy, clock=clock)
    event_reads, event_writes = shop.reads - reads, shop.writes - writes

    baseline_clock = VirtualClock()
    baseline_shop = BenchShop(args.skus, baseline_clock)
    baseline_calls = per_variant(baseline_shop, warehouse)

    budget = math.ceil(changed / args.batch_size)
    checks = [
        ("write calls <= ceil(changed / batch size)", reconcile_writes <= budget,
         f"{reconcile_writes} <= {budget}"),
        ("engine CPU < 2 s", cpu < 2.0, f"{cpu:.2f} s"),
        ("peak memory < 256 MB", peak < 256 * 2**20, f"{peak / 2**20:.0f} MB"),
        ("warehouse event: 1 write, <= 1 read", event_writes == 1 and event_reads <= 1,
         f"{event_writes} write, {event_reads} read"),
        ("second reconcile writes nothing", second.written == 0, f"{second.written}"),
    ]
    levels = args.skus * len(CODES)
    print(f"inventory benchmark: {args.skus:,} SKUs x {len(CODES)} locations = {levels:,} "
          f"levels, {changed:,} changed ({changed / levels:.1%}), batch {args.batch_size}")
    print(f"{'':28}{'engine':>14}{'per variant':>14}")
    print(f"{'API calls':28}{shop.calls - calls:>14,}{baseline_calls:>14,}")
    print(f"{'  of which writes':28}{reconcile_writes:>14,}{baseline_shop.writes:>14,}")
    print(f"{'simulated API time':28}{simulated:>13,.0f}s{baseline_clock.slept:>13,.0f}s")
    print(f"written {report.written:,}, unchanged {report.unchanged:,}; engine CPU {cpu:.2f} s "
          f"(store stand-in excluded), peak traced memory {peak / 2**20:.0f} MB")
    print(f"warehouse event: {event.written} written with {event_reads} read + {event_writes} "
          f"write ({event.api_calls} calls)")
    for name, ok, value in checks:
        print(f"  [{'ok' if ok else 'FAIL'}] {name}: {value}")
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
