"""``hubshop status``: each job's state in one object (catalog, inventory, nightly, theme).

Inventory comes from the deployed service when a stack is set (its DynamoDB
state, queues, alarms and push key), else from the local store; the other
jobs' runs are recorded in the local store by the CLI that ran them. Catalog
drift is the catalog planner's dry run: the products whose HubDB row differs
from the shop.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sync.config import Settings
from sync.errors import HubshopError
from sync.inventory import run as inventory
from sync.inventory.report import StatusReport
from sync.jobs.runs import last_runs, latest_runs
from sync.plumbing.clock import Clock

if TYPE_CHECKING:
    from sync.jobs.stack import DeployedService

JOBS = ("catalog", "inventory", "nightly", "theme")


def shop_status(settings: Settings, connect: Callable[[], sqlite3.Connection],
                clock: Clock) -> dict[str, dict[str, object]]:
    """One object: for each job its last run, drift, pending work, dead letters, pause,
    key ages and next scheduled run (None where the job has no such thing or it is unknown)."""
    from sync.jobs.inventory import open_state
    from sync.jobs.key_ages import by_job

    runs = last_runs(open_state(connect()))
    service = None
    if settings.service.stack:
        # the stack's functions record their runs (the nightly's above all) in its table;
        # the service is opened once (one listing of the stack's resources) for the view
        from sync.jobs.stack import open_service

        service = open_service(settings, clock)
        runs = latest_runs(runs, last_runs(service.state()))
    view = {job: _blank(runs[job]) for job in JOBS}
    drift = _catalog_drift(settings, clock)
    stale = drift.pop("stale_draft", None)
    view["catalog"]["drift"] = drift
    if stale is not None:  # the draft holds changes the live table does not (--no-publish)
        view["catalog"]["pending"] = {"unpublished_draft": stale}
    view["inventory"] = inventory_status(settings, connect, clock, service=service)
    for job, keys in by_job(view["inventory"].pop("keys", None) or {}).items():
        view[job]["keys"] = keys
    view["inventory"]["next_run"] = next_midnight(settings.inventory.timezone, clock.now())
    view["inventory"]["schedule"] = {"reconcile": f"00:00 {settings.inventory.timezone}",
                                     "poll_minutes": settings.inventory.poll_minutes}
    if settings.imports.feed or settings.service.stack:
        # the nightly runs at 00:00 store time where a feed is set (hubshop nightly --at
        # 00:00, cron) or the deployed stack's NightlyFunction schedule runs it
        view["nightly"]["next_run"] = next_midnight(settings.inventory.timezone, clock.now())
        view["nightly"]["schedule"] = {"import": f"00:00 {settings.inventory.timezone}",
                                       "feed": settings.imports.feed}
        # the nightly's second step is a catalog sync
        view["catalog"]["next_run"] = view["nightly"]["next_run"]
        view["catalog"]["schedule"] = {"sync": "with the nightly"}
    _switched_off(view, view["inventory"].get("schedules"))
    return view


# the stack's schedules by the logical ids SAM gives them (function + event, template.yaml);
# CloudFormation names each "<stack>-<logical id>-<suffix>"
SCHEDULED = {"inventory": "schedulefunctionnightly", "nightly": "nightlyfunctionnightly"}


def _switched_off(view: dict[str, dict[str, object]], schedules: object) -> None:
    """A job whose stack schedule is disabled has no next run (catalog: with the nightly's)."""
    if not isinstance(schedules, dict):
        return
    for job, logical in SCHEDULED.items():
        states = [state for name, state in schedules.items() if logical in name.lower()]
        if states and "ENABLED" not in states:
            view[job]["next_run"] = None
            schedule = view[job].get("schedule")
            view[job]["schedule"] = {**(schedule if isinstance(schedule, dict) else {}),
                                     "state": "DISABLED"}
            if job == "nightly" and view["catalog"].get("schedule"):
                view["catalog"]["next_run"] = None


def _blank(last: dict[str, object] | None) -> dict[str, object]:
    return {"last_run": last, "drift": None, "pending": None, "dead_letters": None,
            "paused": None, "keys": None, "next_run": None}


def _catalog_drift(settings: Settings, clock: Clock) -> dict[str, object]:
    """Products whose row differs from the shop, by the planner's dry run (no writes)."""
    from sync.jobs.catalog import sync_catalog

    try:
        report = sync_catalog(settings, dry_run=True, clock=clock, show_progress=False)
    except HubshopError as exc:
        return {"count": None, "error": str(exc)}
    counts = report.counts()
    return {"count": counts["created"] + counts["updated"] + counts["deleted"],
            "created": counts["created"], "updated": counts["updated"],
            "deleted": counts["deleted"], "api_calls": counts["api_calls"],
            "stale_draft": report.plan.stale_draft}


def inventory_status(settings: Settings, connect: Callable[[], sqlite3.Connection],
                     clock: Clock, *, service: DeployedService | None = None
                     ) -> dict[str, object]:
    """The inventory job's state: the deployed service's with a stack, else the local store's.

    ``service``: the stack's service when the caller opened it already (each opening
    lists the stack's resources again).
    """
    if settings.service.stack:
        return deployed_status(settings, clock, service=service)
    from sync.jobs.inventory import open_ports
    from sync.jobs.key_ages import local_keys

    ports = open_ports(settings, connect(), clock)
    depths = serve_queue(settings, clock)
    report = inventory.status(ports.state, ports.store, ports.warehouse, ports.policy,
                              dead_letters=depths.dead if depths else None, clock=clock)
    dead = None if depths is None else {"depth": depths.dead,
                                        "oldest_s": depths.oldest_dead_s}
    return {**_report_view(report, last_runs(ports.state)["inventory"]),
            "where": "local", "dead_letters": dead,
            "serve_queue": depths.as_dict() if depths else None,
            "keys": local_keys(settings, ports.state, clock.now())}


def serve_queue(settings: Settings, clock: Clock) -> object | None:
    """``hubshop serve``'s queue and dead letters beside the store (None: serve never ran)."""
    from sync.local.queue import LocalQueue, queue_path

    path = queue_path(settings.database)
    if not path.exists():
        return None
    queue = LocalQueue(path)
    try:
        return queue.depths(clock.now())
    finally:
        queue.close()


def deployed_status(settings: Settings, clock: Clock, *, session: object = None,
                    service: DeployedService | None = None) -> dict[str, object]:
    """The deployed service: its state table, queues, alarms and push key.

    Drift needs Shopify and the warehouse: it is computed (a dry run over the
    service's own ledger, nothing written) when their settings are here, else None.
    """
    from sync.jobs.stack import open_service

    service = service or open_service(settings, clock, session=session)
    state = service.state()
    report = None
    if settings.shopify.configured:
        from sync.jobs.inventory import open_policy, open_store, open_warehouse

        report = inventory.status(state, open_store(settings, _no_conn(), clock),
                                  open_warehouse(settings), open_policy(settings,
                                                                        embedded=False),
                                  clock=clock)
    if report is None:
        # the inventory's own last run is picked from the runs below
        report = inventory.state_status(state, clock=clock, with_last_run=False)
    dlq = service.queue(service.resources.dead_letter_queue_url, peek=True)
    view = _report_view(report, last_runs(state)["inventory"])
    if not settings.shopify.configured:
        view["drift"] = None
    view.update(where=f"stack {service.stack}", dead_letters=dlq,
                queue=service.queue(service.resources.events_queue_url),
                alarms=service.alarms(), keys=service.keys(), schedules=service.aws.schedules())
    return view


def _no_conn() -> sqlite3.Connection:
    return sqlite3.connect(":memory:")  # Shopify's store never touches it


def _report_view(report: StatusReport, last: dict[str, object] | None) -> dict[str, object]:
    return {
        "last_run": last,
        "paused": report.paused,
        "pending": report.pending,
        "drift": {"count": len(report.drift), "unexplained": report.unexplained,
                  "items": [{"sku": d.sku, "location": d.location, "shopify": d.shopify,
                             "warehouse": d.target} for d in report.drift[:100]]},
        "offsets": dict(report.offsets),
    }


def next_midnight(timezone: str, now: datetime) -> str:
    """The nightly reconcile's next start: 00:00 in the store's time zone, as UTC ISO text."""
    zone = ZoneInfo(timezone)
    local = now.astimezone(zone)
    midnight = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=zone)
    return midnight.isoformat()
