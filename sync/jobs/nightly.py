"""``hubshop nightly``: import the product master, then sync the website's table, then stock.

Steps and what they need: ``catalog`` (the HubDB table) and ``inventory`` (the
reconcile, which must see the new variants) both depend on ``import``; a
failed import skips them and the report says why. One report per run
(counts, failures per line, duration, API calls per service) is stored as a
run record in the state store (``hubshop inventory status`` shows the last)
and logged as one structured line. A lock in the state store keeps two runs
from overlapping; a lock older than ``[import] lock_minutes`` is taken over
(its holder died).
"""

from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4

from sync.config import Settings
from sync.errors import HubshopError
from sync.plumbing.clock import Clock

log = logging.getLogger(__name__)

LOCK = "nightly.lock"
STEPS = ("import", "catalog", "inventory")
NEEDS = {"catalog": ("import",), "inventory": ("import",)}


@dataclass
class StepResult:
    """One step: ok, failed (``error``) or skipped (``skipped`` says why)."""

    name: str
    ok: bool = False
    line: str = ""
    counts: dict[str, Any] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    api_calls: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None
    skipped: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "line": self.line,
                "counts": integer_counts(self.counts),
                "failures": self.failures, "api_calls": self.api_calls,
                "seconds": round(self.seconds, 3), "error": self.error, "skipped": self.skipped}


def integer_counts(counts: dict[str, Any]) -> dict[str, int]:
    """The CLI contract's counts: integers only. A step's report may carry its API calls
    (an object, kept apart as ``api_calls``) and flags such as ``dry_run`` beside them."""
    return {k: v for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool)}


@dataclass
class NightlyReport:
    """The whole run, as stored and as ``--json`` prints it."""

    run_id: str
    started_at: datetime
    dry_run: bool = False
    steps: list[StepResult] = field(default_factory=list)
    seconds: float = 0.0
    locked_out: str | None = None

    @property
    def ok(self) -> bool:
        return self.locked_out is None and all(s.ok or s.skipped == "nothing to do"
                                               for s in self.steps)

    def api_calls(self) -> dict[str, int]:
        total: dict[str, int] = {}
        for step in self.steps:
            for service, calls in step.api_calls.items():
                total[service] = total.get(service, 0) + int(calls)
        return total

    def as_dict(self) -> dict[str, Any]:
        return {"kind": "nightly", "run_id": self.run_id, "at": self.started_at.isoformat(),
                "ok": self.ok, "dry_run": self.dry_run, "locked_out": self.locked_out,
                "seconds": round(self.seconds, 3), "api_calls": self.api_calls(),
                "steps": [s.as_dict() for s in self.steps]}

    def run_record(self, end: datetime) -> dict[str, Any]:
        """The stored run: the shape every job records (kind, start, end, result, counts —
        each step's, prefixed with its name — API calls), plus the steps in full."""
        from sync.model.runs import run_summary

        counts = {f"{s.name}_{k}": v for s in self.steps
                  for k, v in integer_counts(s.counts or {}).items()}
        return {**self.as_dict(), **run_summary(
            "nightly", self.started_at, end, result="ok" if self.ok else "failed",
            counts=counts, api_calls=self.api_calls())}

    def line(self) -> str:
        if self.locked_out:
            return f"nightly not started: {self.locked_out}"
        parts = [f"{s.name}: {s.line or s.error or s.skipped}" for s in self.steps]
        return f"nightly {'ok' if self.ok else 'FAILED'} in {self.seconds:.1f} s; " + "; ".join(
            parts)


class NightlyLock:
    """An overlap guard in the state store's flags, taken over when older than ``timeout``.

    The ``StateStore`` has no compare-and-swap, so the lock is written, then read
    back: of two runs starting in the same instant, the one whose id stays wins.
    """

    def __init__(self, state: Any, clock: Clock, *, timeout: timedelta) -> None:
        self.state, self.clock, self.timeout = state, clock, timeout

    def acquire(self, run_id: str) -> str | None:
        """None when the lock is ours now; else why not (who holds it since when)."""
        held = self._held()
        now = self.clock.now()
        if held is not None:
            since = datetime.fromisoformat(held["at"])
            if now - since < self.timeout:
                return (f"run {held['run']} holds the lock since {held['at']} (taken over "
                        f"after {int(self.timeout.total_seconds() // 60)} minutes)")
            log.warning("taking over a stale nightly lock of run %s from %s", held["run"],
                        held["at"])
        self.state.set_flag(LOCK, json.dumps({"run": run_id, "at": now.isoformat()}))
        mine = self._held()
        return None if mine and mine["run"] == run_id else "another run took the lock first"

    def release(self, run_id: str) -> None:
        held = self._held()
        if held and held["run"] == run_id:
            self.state.set_flag(LOCK, None)

    def _held(self) -> dict[str, str] | None:
        raw = self.state.flag(LOCK)
        try:
            return json.loads(raw) if raw else None
        except ValueError:
            return None


Step = Callable[[], StepResult]


def run_nightly(settings: Settings, *, conn: sqlite3.Connection, clock: Clock,
                dry_run: bool = False, feed: str | None = None, state: Any = None,
                steps: dict[str, Step] | None = None) -> NightlyReport:
    """One nightly cycle; ``steps`` replaces the real ones (tests, the demo)."""
    from sync.jobs.products import open_state

    state = state or open_state(conn)
    report = NightlyReport(uuid4().hex[:12], clock.now(), dry_run=dry_run)
    lock = NightlyLock(state, clock, timeout=timedelta(minutes=settings.imports.lock_minutes))
    report.locked_out = None if dry_run else lock.acquire(report.run_id)
    if report.locked_out:
        log.warning("nightly %s", report.line())
        return report
    started = time.monotonic()
    chosen = steps or default_steps(settings, conn=conn, clock=clock, dry_run=dry_run,
                                    feed=feed, state=state)
    try:
        for name in STEPS:
            failed = [n for n in NEEDS.get(name, ()) if _failed(report, n)]
            if failed:
                report.steps.append(StepResult(name, skipped=f"skipped: {failed[0]} failed"))
                continue
            report.steps.append(_run_step(name, chosen[name]))
    finally:
        report.seconds = time.monotonic() - started
        if not dry_run:
            lock.release(report.run_id)
            state.record_run(report.run_record(clock.now()))
        log.info("nightly %s", report.line(), extra={"nightly": report.as_dict()})
    return report


def _failed(report: NightlyReport, name: str) -> bool:
    return any(s.name == name and not s.ok and s.skipped != "nothing to do"
               for s in report.steps)


def _run_step(name: str, step: Step) -> StepResult:
    started = time.monotonic()
    try:
        result = step()
    except HubshopError as error:
        result = StepResult(name, error=str(error))
    except (OSError, ValueError) as error:
        result = StepResult(name, error=f"{type(error).__name__}: {error}")
    result.seconds = time.monotonic() - started
    return result


def default_steps(settings: Settings, *, conn: sqlite3.Connection, clock: Clock,
                  dry_run: bool, feed: str | None, state: Any,
                  deadline: float | None = None) -> dict[str, Step]:
    """The real steps: the import, ``catalog sync`` and ``inventory sync``."""

    def do_import() -> StepResult:
        from sync.jobs.products import import_products

        spec = feed or settings.imports.feed
        if not spec:
            return StepResult("import", skipped="nothing to do",
                              line="no feed: set [import] feed in hubshop.toml")
        report = import_products(settings, spec, conn=conn, clock=clock, state=state,
                                 dry_run=dry_run, deadline=deadline)
        failures = report.failures + [
            {"handle": p["handle"], "where": p["where"], "errors": [
                {"field": "", "message": p["problem"]}]} for p in report.problems]
        return StepResult("import", ok=report.refused is None, line=report.line(),
                          counts=report.counts(),
                          failures=failures, api_calls=dict(report.api_calls),
                          error=report.refused)

    def do_catalog() -> StepResult:
        from sync.jobs.catalog import sync_catalog

        report = sync_catalog(settings, dry_run=dry_run, clock=clock, show_progress=False,
                              runs=state)
        counts = report.counts()
        line = (f"{counts['created']} created, {counts['updated']} updated, "
                f"{counts['deleted']} deleted, {counts['unchanged']} unchanged")
        return StepResult("catalog", ok=True, line=line, counts=counts,
                          api_calls=dict(counts.get("api_calls") or {}))

    def do_inventory() -> StepResult:
        from sync.inventory import run as inventory
        from sync.jobs.inventory import open_ports

        ports = open_ports(settings, conn, clock)
        report = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                     dry_run=dry_run, clock=clock)
        counts = report.counts()
        calls = counts.pop("api_calls", 0)
        line = ", ".join(f"{v} {k}" for k, v in counts.items() if isinstance(v, int))
        failures = [{"handle": r.sku, "where": r.where, "errors": [
            {"field": "", "message": r.reason}]} for r in report.rejected]
        return StepResult("inventory", ok=True, line=line, counts=counts,
                          failures=failures, api_calls={"shopify": int(calls or 0)})

    return {"import": do_import, "catalog": do_catalog, "inventory": do_inventory}


def lambda_steps(settings: Settings, *, clock: Clock, state: Any, feed: str | None,
                 invoke_reconcile: Callable[[], str],
                 deadline: float | None = None) -> dict[str, Step]:
    """The steps in AWS: the import and the catalog sync here, the reconcile handed over.

    Stock belongs to the inventory service (its DynamoDB ledger, its function),
    so the last step asks that function to reconcile, asynchronously, once the
    products it must know exist.
    """
    import sqlite3

    conn = sqlite3.connect(":memory:")
    steps = default_steps(settings, conn=conn, clock=clock, dry_run=False, feed=feed,
                          state=state, deadline=deadline)

    def hand_over() -> StepResult:
        return StepResult("inventory", ok=True, line=invoke_reconcile())

    return {**steps, "inventory": hand_over}


def run_at(settings: Settings, at: str, *, conn: sqlite3.Connection, clock: Clock,
           runs: int | None = None, dry_run: bool = False,
           on_report: Callable[[NightlyReport], None] | None = None) -> int:
    """Run every day at ``at`` (HH:MM in ``[inventory] timezone``): for a plain server.

    ``runs`` stops after that many cycles (tests); returns how many ran.
    """
    from zoneinfo import ZoneInfo

    zone = ZoneInfo(settings.inventory.timezone)
    hour, minute = (int(part) for part in at.split(":"))
    done = 0
    while runs is None or done < runs:
        now = clock.now().astimezone(zone)
        due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
        if due <= now:
            due += timedelta(days=1)
        clock.sleep((due - now).total_seconds())
        report = run_nightly(settings, conn=conn, clock=clock, dry_run=dry_run)
        done += 1
        if on_report:
            on_report(report)
    return done
