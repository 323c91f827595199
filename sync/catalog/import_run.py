"""Run one product import: refuse bad or shrunken feeds, plan, write through a port, report.

The engine knows the target only through :class:`ProductWriter` (Shopify's
``productSet``, one at a time or as one bulk operation; or the local store)
and the current catalog only through :class:`CatalogSource`, the same reader
the catalog sync uses. Nothing is written unless the whole feed is valid (or
``skip_invalid``) and not suspiciously smaller than the last accepted one (or
``force``). Digests are saved as results arrive, so a killed run resumes
where Shopify stopped confirming.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sync.catalog.feed import Feed
from sync.catalog.import_memory import FlagStore, ImportMemory
from sync.catalog.import_plan import ARCHIVE, CREATE, UPDATE, ImportPlan, ProductChange, plan_import
from sync.catalog.sources import CatalogSource

SAVE_EVERY = 50
"""Digests are saved after this many confirmed products (and at the end)."""


@dataclass(frozen=True)
class WriteOutcome:
    """What the target said about one product; ``errors`` are ``(field, message)`` pairs."""

    handle: str
    ok: bool
    product_id: str | None = None
    errors: tuple[tuple[str, str], ...] = ()


class ProductWriter(Protocol):
    """Where products go: Shopify (``sync.shopify.product_writer``) or the local store."""

    name: str
    on_operation: Callable[[str], None] | None

    @property
    def calls(self) -> int: ...

    def settle(self, operation: str, handles: Sequence[str]) -> Iterator[WriteOutcome]:
        """Outcomes of an earlier run's ``operation`` (``handles`` in line order), once done."""

    def ensure_collections(self, handles: Sequence[str]) -> None:
        """Create the collections the category mapping names, if missing."""

    def write(self, changes: Sequence[ProductChange]) -> Iterator[WriteOutcome]:
        """Send every change; yield one outcome per change as each is confirmed."""


@dataclass(frozen=True)
class ImportRules:
    """``[import]`` settings the engine needs."""

    categories: dict[str, str] = field(default_factory=dict)
    archive_missing: bool = False
    shrink_percent: int = 20
    identity: str = "handle"
    complete_read: bool = False


@dataclass
class ImportReport:
    """Counts, per-line failures and API calls of one import (what ``--json`` prints)."""

    source: str
    target: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    archived: int = 0
    unchanged: int = 0
    invalid: int = 0
    api_calls: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    refused: str | None = None
    plan: ImportPlan | None = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.refused is None and not self.failures

    def counts(self) -> dict[str, Any]:
        return {"created": self.created, "updated": self.updated, "archived": self.archived,
                "unchanged": self.unchanged, "invalid": self.invalid,
                "api_calls": dict(self.api_calls), "dry_run": self.dry_run}

    def as_dict(self) -> dict[str, Any]:
        return {**self.counts(), "source": self.source, "target": self.target,
                "refused": self.refused, "problems": self.problems, "failures": self.failures,
                "seconds": round(self.seconds, 3)}

    def line(self) -> str:
        """One line for logs, the nightly report and ``hubshop demo``."""
        verb = "would create" if self.dry_run else "created"
        text = (f"{verb} {self.created}, updated {self.updated}, archived {self.archived}, "
                f"unchanged {self.unchanged}, invalid {self.invalid}")
        if self.refused:
            text = f"refused: {self.refused}"
        if self.failures:
            text += f"; {len(self.failures)} failed"
        return text


def run_import(
    feed: Feed,
    current: CatalogSource,
    writer: ProductWriter,
    state: FlagStore,
    rules: ImportRules,
    *,
    dry_run: bool = False,
    skip_invalid: bool = False,
    force: bool = False,
) -> ImportReport:
    """Import ``feed`` into ``writer``'s target; see the module docstring for the guards."""
    started = time.monotonic()
    report = ImportReport(feed.source, writer.name, dry_run=dry_run)
    report.problems = [p.as_dict() for p in feed.problems]
    report.invalid = len(feed.invalid)
    memory = ImportMemory(state)
    refusal = _refusal(feed, memory, rules, skip_invalid=skip_invalid, force=force)
    if refusal:
        report.refused = refusal
        report.api_calls = {"shopify": current.calls + writer.calls}
        return report
    if not dry_run:
        _settle(writer, memory)
    plan = plan_import(feed, current.products(), memory.digests(), categories=rules.categories,
                       archive_missing=rules.archive_missing, identity=rules.identity,
                       complete_read=rules.complete_read)
    report.plan, report.unchanged = plan, plan.unchanged
    if dry_run:
        report.created, report.updated = plan.count(CREATE), plan.count(UPDATE)
        report.archived = plan.count(ARCHIVE)
    else:
        _apply(plan, writer, memory, report)
        if not report.failures:
            memory.set_last_count(feed.total)
    report.api_calls = {"shopify": current.calls + writer.calls}
    report.seconds = time.monotonic() - started
    return report


def _refusal(feed: Feed, memory: ImportMemory, rules: ImportRules, *, skip_invalid: bool,
             force: bool) -> str | None:
    if feed.fatal:
        return f"{feed.source} cannot be read ({len(feed.problems)} problem(s))"
    if feed.problems and not skip_invalid:
        return (f"{len(feed.invalid)} invalid product(s) in {feed.source}; fix them or pass "
                "--skip-invalid to import the rest")
    total = feed.total
    if total == 0 and not force:
        return f"{feed.source} has no products (a probable upstream fault); --force imports it"
    last = memory.last_count()
    floor = (last or 0) * (100 - rules.shrink_percent) / 100
    if last and total < floor and not force:
        return (f"{feed.source} has {total} products, {last - total} fewer than the "
                f"{last} last accepted (more than {rules.shrink_percent}% fewer: a probable "
                "upstream fault); --force imports it")
    return None


def _settle(writer: ProductWriter, memory: ImportMemory) -> None:
    """Take in what an earlier, interrupted run's bulk operation confirmed after it died."""
    journal = memory.journal()
    if journal is None:
        return
    operation, lines = journal
    if operation:
        digests = dict(lines)
        for outcome in writer.settle(operation, [handle for handle, _ in lines]):
            if outcome.ok:
                memory.remember(outcome.handle, digests.get(outcome.handle) or None)
        memory.save()
    memory.close_journal()


def _apply(plan: ImportPlan, writer: ProductWriter, memory: ImportMemory,
           report: ImportReport) -> None:
    by_handle = {change.handle: change for change in plan.changes}
    if plan.collections and plan.changes:
        writer.ensure_collections(plan.collections)
    confirmed = 0
    memory.open_journal([(c.handle, c.digest) for c in plan.changes])
    writer.on_operation = memory.journal_operation
    try:
        for outcome in writer.write(plan.changes):
            change = by_handle[outcome.handle]
            if not outcome.ok:
                report.failures.append({
                    "handle": outcome.handle, "where": change.place, "action": change.action,
                    "errors": [{"field": f, "message": m} for f, m in outcome.errors]})
                memory.remember(outcome.handle, None)
                continue
            if change.action == CREATE:
                report.created += 1
            elif change.action == UPDATE:
                report.updated += 1
            else:
                report.archived += 1
            memory.remember(outcome.handle, change.digest or None)
            confirmed += 1
            if confirmed % SAVE_EVERY == 0:
                memory.save()
    finally:  # a run killed half-way keeps what the target confirmed
        memory.save()
    memory.close_journal()
