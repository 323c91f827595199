"""Theme build, upload and rollback as recorded jobs, for ``theme …``, the demo and ``deploy``.

Whoever uploads the theme — the command itself or ``hubshop deploy`` — the
run lands in the state store the same way, so ``hubshop status`` shows the
theme's last change whatever made it.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Any

from sync.config import Settings
from sync.inventory.ports import StateStore
from sync.jobs.runs import RunRecord, recorded_run
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


def upload_theme(settings: Settings, folder: Path, modules: tuple[Path, ...], *,
                 environment: str, dest: str, prune: bool = False, dry_run: bool = False,
                 clock: Clock = SYSTEM_CLOCK,
                 state: StateStore | None = None) -> tuple[Any, RunRecord]:
    """Upload the theme keeping the previous release, and record the run (not a dry one).

    Returns the upload report and the run's record (counts, API calls).
    """
    from sync.site.rollback import upload_keeping_history

    with ExitStack() as stack:
        client, files_api, manifest = _open(settings, environment, clock)
        before = client.stats.calls
        with recorded_run(state or _local_log(settings, stack), "theme_upload", clock,
                          dry_run=dry_run) as run:
            report = upload_keeping_history(folder, files_api, dest=dest, manifest=manifest,
                                            modules_dirs=modules, prune=prune, dry_run=dry_run)
            plan = report.plan
            run.counts = {"uploaded": len(plan.upload), "unchanged": len(plan.unchanged),
                          "deleted": len(plan.delete)}
            run.api_calls = {"hubspot": client.stats.calls - before}
            run.extra = {"environment": environment, "dest": dest}
        return report, run


def build_theme(settings: Settings, folder: Path, out: Path, options: Any, *,
                clock: Clock = SYSTEM_CLOCK, state: StateStore | None = None) -> Any:
    """Build the site into ``out`` and record a ``theme_build`` run (pages built and failed).

    On the embedded default the local build is the theme's job (upload needs
    HubSpot), so ``hubshop status`` shows it like any other run; a build with
    failed pages is recorded as ``failed``.
    """
    from sync.site.build import build_site

    with ExitStack() as stack, recorded_run(state or _local_log(settings, stack),
                                            "theme_build", clock) as run:
        result = build_site(folder, out, options)
        run.counts = {"pages": len(result.rendered), "failed": len(result.failed),
                      "assets": int(result.assets)}
        run.extra = {"out": str(out)}
        run.result = "failed" if result.failed else "ok"
        return result


def rollback_theme(settings: Settings, *, environment: str, dry_run: bool = False,
                   clock: Clock = SYSTEM_CLOCK, state: StateStore | None = None) -> Any:
    """Re-upload the previous release to ``environment`` and record the run (not a dry one)."""
    from sync.site.rollback import rollback_theme as roll_back

    with ExitStack() as stack:
        client, files_api, manifest = _open(settings, environment, clock)
        before = client.stats.calls
        with recorded_run(state or _local_log(settings, stack), "theme_rollback", clock,
                          dry_run=dry_run) as run:
            report = roll_back(files_api, manifest, dry_run=dry_run)
            run.counts = {"uploaded": len(report.uploaded), "deleted": len(report.deleted)}
            run.api_calls = {"hubspot": client.stats.calls - before}
            run.extra = {"environment": environment}
        return report


def _open(settings: Settings, environment: str, clock: Clock) -> tuple[Any, Any, Any]:
    """HubSpot's client, its Source Code API for ``environment``, and the kept manifest."""
    from sync.hubspot.client import shared_client
    from sync.hubspot.source_code import SourceCode
    from sync.site.upload import Manifest, manifest_path

    account = settings.hubspot.account_id or settings.hubspot.account_name or "default"
    client = shared_client(settings.hubspot, clock=clock)
    return (client, SourceCode(client, environment),
            Manifest(manifest_path(settings.home, account, environment)))


def _local_log(settings: Settings, stack: ExitStack) -> StateStore:
    """The local state store, opened only when a run is recorded."""
    from sync.jobs.catalog import _LazyConnection, _run_log

    return _run_log(_LazyConnection(settings, stack))
