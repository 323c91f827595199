"""Record a job's run in the state store: a context manager every job wraps its work in.

``with recorded_run(state, "catalog_sync", clock) as run: …; run.counts = …``
records kind, start, end, result (``ok``, or ``failed`` with the error's text
when the block raises), counts and API calls per service, in the shape of
:func:`sync.model.runs.run_summary`. A dry run records nothing: it changed
nothing, and ``hubshop status`` shows what last changed the world.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sync.inventory.ports import StateStore
from sync.model.runs import run_summary
from sync.plumbing.clock import Clock

# the kinds hubshop status reads, per job
JOB_KINDS: dict[str, tuple[str, ...]] = {
    "catalog": ("catalog_sync", "catalog_rollback"),
    "inventory": ("reconcile", "resume", "poll", "stock"),
    "nightly": ("nightly", "products_import"),  # the nightly's import, also run by hand
    "theme": ("theme_upload", "theme_rollback", "theme_build"),  # build: the local site
}


@dataclass
class RunRecord:
    """What the block fills in while it runs."""

    counts: dict[str, int] = field(default_factory=dict)
    api_calls: dict[str, int] = field(default_factory=dict)
    extra: dict[str, object] = field(default_factory=dict)
    dry_run: bool = False
    result: str = "ok"  # or "failed" for a block that finished but did not do its job


@contextmanager
def recorded_run(state: StateStore, kind: str, clock: Clock, *,
                 dry_run: bool = False) -> Iterator[RunRecord]:
    """Run the block and record it (also when it fails, then re-raise)."""
    record = RunRecord(dry_run=dry_run)
    start = clock.now()
    try:
        yield record
    except Exception as exc:
        if not record.dry_run:
            state.record_run(run_summary(kind, start, clock.now(), result="failed",
                                         counts=record.counts, api_calls=record.api_calls,
                                         error=str(exc)[:500], **record.extra))
        raise
    if not record.dry_run:
        extra = {"result": record.result, **record.extra}  # an extra ``result`` has the say
        state.record_run(run_summary(kind, start, clock.now(), counts=record.counts,
                                     api_calls=record.api_calls, **extra))


def last_runs(state: StateStore, *, scan: int = 200) -> dict[str, dict[str, object] | None]:
    """The latest run of each job in :data:`JOB_KINDS` (None: never ran)."""
    latest: dict[str, dict[str, object] | None] = dict.fromkeys(JOB_KINDS)
    for run in state.runs(scan):
        for job, kinds in JOB_KINDS.items():
            if latest[job] is None and run.get("kind") in kinds:
                latest[job] = run
    return latest


def latest_runs(*views: dict[str, dict[str, object] | None]) -> dict[str, dict[str, object] | None]:
    """Per job, the later of several stores' last runs (the local store's and a stack's)."""
    merged: dict[str, dict[str, object] | None] = dict.fromkeys(JOB_KINDS)
    for view in views:
        for job, run in view.items():
            if run is not None and (merged.get(job) is None or _ended(run) > _ended(merged[job])):
                merged[job] = run
    return merged


def _ended(run: dict[str, object] | None) -> datetime:
    text = str((run or {}).get("end") or (run or {}).get("at") or "")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
