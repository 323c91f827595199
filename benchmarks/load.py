"""Load benchmark: warehouse movements and signed order webhooks through ``hubshop serve``.

A plain Python driver on loopback (no locust): for ``--minutes`` it sends
``--rate`` warehouse movements and ``--rate`` signed ``orders/create``
webhooks per minute (defaults: 2,000 each for 3 minutes), 20 % of them sent
twice and 10 % swapped with their neighbour, every movement stamped with the
warehouse's time (``last_movement_at``). The warehouse's own snapshot (a CSV
feed the driver rewrites every second) always holds the newest figures.

It prints throughput, p50/p99/max answer latency for pushes and webhooks,
errors, then, once the worker has drained the queue, the share of SKUs whose
store figure equals the newest warehouse figure (computed by the driver from
what it generated, not read from hubshop) and what a quiet reconcile then
writes. ``--mode direct`` runs the same events through the handler in
process (no HTTP; ``http`` runs ``hubshop serve`` as its own process);
``both`` runs one after the other on fresh stores.

    .venv/bin/python benchmarks/load.py --minutes 0.5 --rate 2000 --mode both

Bounded in count (minutes x rate x 2 events, plus duplicates) and time (the
run, then at most ``--drain`` seconds for the worker); it stops by itself.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

from sync.config import Settings, load_settings
from sync.demo.seed import seed_demo_store
from sync.inventory import run as inventory
from sync.jobs.inventory import open_ports
from sync.local.db import connect
from sync.paths import DEMO_DIR
from sync.plumbing.clock import SYSTEM_CLOCK
from sync.service.local_http import api_gateway_event
from sync.service.local_server import LocalService
from sync.service.signatures import sign
from sync.warehouse.csv_drop import DEMO_FIELDS

KEY = "load-push-key"
SECRET = "load-webhook-secret"
LOCATION = "WH-MAIN"
COLUMNS = ["sku", "location_code", "qty_on_hand", "qty_allocated", "last_movement_at"]
TOML = """
[inventory]
location_map = {{ "WH-MAIN" = "Fernhill Warehouse", "STORE-01" = "Fernhill Flagship Store" }}

[warehouse]
kind = "csv"
feed = "{feed}"
fields = {{ {fields} }}
"""


@dataclass
class Event:
    kind: str  # "push" or "webhook"
    body: bytes
    headers: dict[str, str]


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"push": [], "webhook": []})
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, status: int | str) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if status not in (200, 202):
                key = f"{kind} {status}"
                self.errors[key] = self.errors.get(key, 0) + 1


class Warehouse:
    """The driver's warehouse: figures per SKU, movements stamped with its own clock.

    Movements are generated (in warehouse time) before they are sent, so a swap
    in the sending order really delivers an older figure after a newer one; the
    snapshot (the feed) shows the movements generated up to the run's progress.
    """

    def __init__(self, feed: Path, rows: list[dict[str, str]], rng: random.Random) -> None:
        self.feed, self.rng = feed, rng
        self.initial = {(r["sku"], r["location_code"]): dict(r) for r in rows}
        self.rows = {k: dict(v) for k, v in self.initial.items()}
        self.skus = sorted(s for s, loc in self.rows if loc == LOCATION)
        self.clock = datetime(2026, 12, 1, tzinfo=UTC)
        self.history: list[dict[str, Any]] = []
        self.shown = 0  # movements the feed shows
        self.lock = threading.Lock()

    def move(self, sku: str) -> dict[str, Any]:
        """One movement: a new on-hand figure, one warehouse millisecond after the last."""
        row = self.rows[(sku, LOCATION)]
        on_hand = max(int(row["qty_allocated"]), int(row["qty_on_hand"])
                      + self.rng.randint(-3, 4))
        self.clock += timedelta(milliseconds=1)
        row.update(qty_on_hand=str(on_hand), last_movement_at=self.clock.isoformat())
        record = {"sku": sku, "location_code": LOCATION, "qty_on_hand": on_hand,
                  "qty_allocated": int(row["qty_allocated"]),
                  "last_movement_at": row["last_movement_at"]}
        self.history.append(record)
        return record

    def newest(self) -> dict[str, int]:
        """The newest sellable figure per SKU at WH-MAIN (what the store must end on)."""
        return {s: int(self.rows[(s, LOCATION)]["qty_on_hand"])
                - int(self.rows[(s, LOCATION)]["qty_allocated"]) for s in self.skus}

    def show(self, fraction: float) -> None:
        """Let the feed show the first ``fraction`` of the movements."""
        with self.lock:
            self.shown = max(self.shown, int(fraction * len(self.history)))

    def write_feed(self) -> None:
        """The warehouse's snapshot as of the movements shown, replaced atomically."""
        with self.lock:
            rows = {k: dict(v) for k, v in self.initial.items()}
            for record in self.history[:self.shown]:
                rows[(record["sku"], LOCATION)].update(
                    qty_on_hand=str(record["qty_on_hand"]),
                    last_movement_at=record["last_movement_at"])
        part = self.feed.with_suffix(".part")
        with part.open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows.values())
        part.replace(self.feed)


def prepare(root: Path) -> tuple[Settings, Warehouse]:
    """A seeded demo store reconciled once with a warehouse feed (a copy of the demo's)."""
    plain = load_settings(env={"HUBSHOP_HOME": str(root / "home")}, cwd=root)
    conn = connect(plain.database)
    seed_demo_store(plain, conn)
    conn.close()
    feed_dir = root / "feed"
    feed_dir.mkdir()
    with (DEMO_DIR / "warehouse_stock.csv").open(encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    fields = ", ".join(f'{k} = "{v}"' for k, v in DEMO_FIELDS.items() if k != "available")
    (root / "hubshop.toml").write_text(TOML.format(feed=feed_dir, fields=fields), "utf-8")
    settings = load_settings(env={"HUBSHOP_HOME": str(root / "home")}, cwd=root)
    warehouse = Warehouse(feed_dir / "stock.csv", rows, random.Random(7))
    warehouse.write_feed()
    # a live shop has run before: start in step with the feed, so what the quiet
    # reconcile at the end writes is what the load left behind, not the demo's drift
    conn = connect(settings.database)
    try:
        ports = open_ports(settings, conn, SYSTEM_CLOCK)
        inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                            clock=SYSTEM_CLOCK)
    finally:
        conn.close()
    return settings, warehouse


def plan(warehouse: Warehouse, skus: list[str], count: int, rng: random.Random
         ) -> list[tuple[str, Any]]:
    """``count`` movements and ``count`` webhooks, interleaved, 20 % twice, 10 % swapped."""
    items: list[tuple[str, Any]] = []
    for n in range(count):
        items.append(("push", warehouse.move(skus[rng.randrange(len(skus))])))
        order = {"id": 9_000_000_000 + n, "admin_graphql_api_id": f"gid://shopify/Order/{n}",
                 "line_items": [{"id": 8_000_000_000 + n, "sku": skus[rng.randrange(len(skus))],
                                 "quantity": rng.randint(1, 2), "variant_id": 1,
                                 "fulfillable_quantity": 1, "fulfillment_status": None}]}
        items.append(("webhook", (uuid.UUID(int=rng.getrandbits(128)).hex, order)))
    out: list[tuple[str, Any]] = []
    for item in items:
        out.append(item)
        if rng.random() < 0.2:
            out.append(("again", item))
    for i in range(0, len(out) - 1):
        if rng.random() < 0.1:
            out[i], out[i + 1] = out[i + 1], out[i]
    return out


def materialise(item: tuple[str, Any], warehouse: Warehouse, sent: dict[int, Event]) -> Event:
    """The request for a planned item (a duplicate repeats the very same request)."""
    kind, what = item
    if kind == "again":
        return sent.get(id(what)) or materialise(what, warehouse, sent)
    if kind == "push":
        body = json.dumps([what]).encode()
        event = Event("push", body, {"x-api-key": KEY, "content-type": "application/json"})
    else:
        webhook_id, order = what
        body = json.dumps(order).encode()
        event = Event("webhook", body, {
            "x-shopify-hmac-sha256": sign(body, SECRET), "x-shopify-topic": "orders/create",
            "x-shopify-webhook-id": webhook_id, "content-type": "application/json"})
    sent[id(item)] = event
    return event


def drive(service: LocalService | None, address: str, warehouse: Warehouse, *,
          minutes: float, rate: int, seed: int) -> tuple[Tally, float]:
    """Send the planned events at their pace: to ``service`` in process, else over HTTP."""
    rng = random.Random(seed)
    count = int(minutes * rate)
    items = plan(warehouse, warehouse.skus[:100], count, rng)
    seconds = minutes * 60
    tally, sent = Tally(), {}
    session = requests.Session()
    route = {"push": "/warehouse/stock", "webhook": "/webhooks/shopify"}

    def send(event: Event) -> None:
        started = time.perf_counter()
        try:
            if service is not None:
                status: int | str = service.respond(api_gateway_event(
                    "POST", route[event.kind], event.headers, event.body))["statusCode"]
            else:
                status = session.post(address + route[event.kind], data=event.body,
                                      headers=event.headers, timeout=30).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        tally.add(event.kind, time.perf_counter() - started, status)

    stop = threading.Event()

    def feed_writer() -> None:
        while not stop.wait(1.0):
            warehouse.write_feed()

    writer = threading.Thread(target=feed_writer, daemon=True)
    writer.start()
    began = time.perf_counter()
    with ThreadPoolExecutor(max_workers=8) as pool:
        for n, item in enumerate(items):
            warehouse.show((n + 1) / len(items))
            due = began + seconds * n / len(items)
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            pool.submit(send, materialise(item, warehouse, sent))
    elapsed = time.perf_counter() - began
    warehouse.show(1.0)
    stop.set()
    writer.join()
    warehouse.write_feed()
    return tally, elapsed


def verdict(settings: Settings, warehouse: Warehouse) -> dict[str, Any]:
    """The share of SKUs on the newest figure (the driver's own), then a quiet reconcile."""
    newest = warehouse.newest()
    conn = connect(settings.database)
    clock = SYSTEM_CLOCK
    try:
        ports = open_ports(settings, conn, clock)
        items = ports.store.items_by_sku(sorted(newest))
        location = next(loc.id for loc in ports.store.locations()
                        if loc.name == ports.policy.location_map[LOCATION])
        levels = {lv.inventory_item_id: lv.available for lv in ports.store.read_levels(
            sorted(i.inventory_item_id for i in items.values())) if lv.location_id == location}
        equal = sum(1 for sku, figure in newest.items()
                    if sku in items and levels.get(items[sku].inventory_item_id) == figure)
        touched = [s for s in warehouse.skus[:100]]
        on_newest = sum(1 for s in touched if s in items
                        and levels.get(items[s].inventory_item_id) == newest[s])
        quiet = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                    clock=clock)
        again = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                    clock=clock)
    finally:
        conn.close()
    return {"skus_moved": len(touched), "moved_on_newest": on_newest,
            "all_on_newest": equal, "all_skus": len(newest),
            "quiet_reconcile_writes": quiet.written, "second_reconcile_writes": again.written}


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000


def serve(root: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``hubshop serve`` in its own process (the driver must not share its interpreter)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "HUBSHOP_HOME": str(root / "home"), "HUBSHOP_PUSH_KEY": KEY,
           "SHOPIFY_WEBHOOK_SECRET": SECRET}
    hubshop = Path(sys.executable).with_name("hubshop")
    process = subprocess.Popen([str(hubshop), "serve", "--port", str(port), "--no-schedule"],
                               cwd=root, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    address = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{address}/health", timeout=1)
            return process, address
        except requests.RequestException:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("hubshop serve did not start")


def wait_drained(health: Any, timeout: float) -> tuple[bool, dict[str, Any]]:
    ends = time.perf_counter() + timeout
    while True:
        state = health()
        if not state["queue"] or time.perf_counter() > ends:
            return not state["queue"], state
        time.sleep(0.2)


def one(mode: str, args: argparse.Namespace) -> None:
    root = Path(tempfile.mkdtemp(prefix=f"hubshop-load-{mode}-"))
    try:
        settings, warehouse = prepare(root)
        if mode == "http":
            process, address = serve(root)
            try:
                tally, elapsed = drive(None, address, warehouse, minutes=args.minutes,
                                       rate=args.rate, seed=args.seed)
                started = time.perf_counter()
                drained, health = wait_drained(
                    lambda: requests.get(f"{address}/health", timeout=10).json(), args.drain)
                drain_s = time.perf_counter() - started
            finally:
                process.send_signal(signal.SIGINT)
                process.wait(timeout=30)
        else:
            service = LocalService(settings, push_key=KEY, webhook_secrets=[SECRET],
                                   schedule=False, port=0).start()
            try:
                tally, elapsed = drive(service, "", warehouse, minutes=args.minutes,
                                       rate=args.rate, seed=args.seed)
                started = time.perf_counter()
                drained, health = wait_drained(service.health, args.drain)
                drain_s = time.perf_counter() - started
            finally:
                service.stop()
        result = verdict(settings, warehouse)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = sum(len(v) for v in tally.latencies.values())
    print(f"\n== {mode}: {args.minutes:g} min at {args.rate}/min movements + {args.rate}/min "
          "webhooks (20 % twice, 10 % swapped)")
    print(f"requests {total} in {elapsed:.1f} s = {total / elapsed:.1f}/s; errors "
          f"{sum(tally.errors.values())} {tally.errors or ''}")
    for kind, values in tally.latencies.items():
        print(f"  {kind:8s} n={len(values):5d}  p50 {pct(values, 0.5):7.2f} ms  "
              f"p99 {pct(values, 0.99):7.2f} ms  max {pct(values, 1.0):7.2f} ms  "
              f"mean {statistics.fmean(values) * 1000 if values else 0:7.2f} ms")
    print(f"worker: drained={drained} in {drain_s:.1f} s after the run; dead letters "
          f"{health['dead_letters']}")
    share = 100 * result["moved_on_newest"] / max(1, result["skus_moved"])
    print(f"SKUs on the newest warehouse figure: {result['moved_on_newest']} of "
          f"{result['skus_moved']} moved ({share:.0f} %); {result['all_on_newest']} of "
          f"{result['all_skus']} at {LOCATION} overall")
    print(f"quiet reconcile wrote {result['quiet_reconcile_writes']}; a second one "
          f"{result['second_reconcile_writes']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--rate", type=int, default=2000, help="movements (and webhooks) a minute")
    parser.add_argument("--mode", choices=("http", "direct", "both"), default="both")
    parser.add_argument("--drain", type=float, default=300.0, help="longest wait for the worker")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for mode in ("http", "direct") if args.mode == "both" else (args.mode,):
        one(mode, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
