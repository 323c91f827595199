"""The products table with a snapshot kept at each publish, and rolling back to it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any

from sync.config import Settings
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


@contextmanager
def catalog_target(settings: Settings, target: str | None, table: str | None, *,
                   clock: Clock = SYSTEM_CLOCK) -> Iterator[Any]:
    """The products table (HubDB when configured, else local), keeping a snapshot at publish.

    Just before each publish, the rows about to be replaced are saved under
    hubshop's home, so ``catalog rollback`` can put them back.
    """
    from sync.jobs.catalog import _LazyConnection, open_target
    from sync.local.catalog_snapshots import SnapshotFile

    name = table or settings.catalog.table
    with ExitStack() as stack:
        writer, kind = open_target(target, settings, name, clock=clock,
                                   connection=_LazyConnection(settings, stack))
        snapshots = SnapshotFile(_snapshot_path(settings, kind, name))

        def keep_snapshot() -> None:
            rows = writer.published_rows()
            if rows is not None:
                snapshots.save(name, rows, clock.now().isoformat())

        writer.before_publish = keep_snapshot
        writer.snapshots = snapshots
        yield writer


def rollback_catalog(settings: Settings, *, target: str | None = None, table: str | None = None,
                     dry_run: bool = False, clock: Clock = SYSTEM_CLOCK) -> Any:
    """Restore the rows of the table's previous published version and publish them.

    Raises:
        InputError: no snapshot is kept for this table yet (names the file).
    """
    from sync.catalog.rollback import apply_rollback, plan_rollback
    from sync.jobs.catalog import _LazyConnection, _run_log, target_label
    from sync.jobs.runs import recorded_run

    with ExitStack() as stack, catalog_target(settings, target, table, clock=clock) as writer:
        before = writer.calls
        snapshot = writer.snapshots.load()
        with recorded_run(_run_log(_LazyConnection(settings, stack)), "catalog_rollback", clock,
                          dry_run=dry_run) as run:
            plan = plan_rollback(snapshot, writer.draft_rows())
            plan.dry_run = dry_run
            try:
                if not dry_run:
                    apply_rollback(plan, writer)
            finally:
                plan.api_calls = {"hubspot": writer.calls - before}
                run.api_calls = plan.api_calls
            run.counts = {"created": len(plan.create), "updated": len(plan.update),
                          "deleted": len(plan.purge), "unchanged": plan.unchanged}
            run.extra = {"table": plan.table, "restored": plan.taken_at,
                         "target": target_label(getattr(writer, "kind", target or ""), settings)}
        return plan


def _snapshot_path(settings: Settings, kind: str, table: str) -> Any:
    from sync.local.catalog_snapshots import snapshot_path

    account = "local"
    if kind == "hubdb":
        account = settings.hubspot.account_id or settings.hubspot.account_name or "hubdb"
    return snapshot_path(settings.home, account, table)
