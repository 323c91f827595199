"""The catalog engine's ports built from Settings: the source and the HubDB product table.

Two registries keyed by kind, :data:`SOURCES` (``shopify``, ``local``,
``csv:PATH``) and :data:`TARGETS` (``hubdb``, ``local``); ``None`` picks the
real service when its credentials are set, else the embedded default.
:func:`sync_catalog` opens both and runs the engine (:func:`sync.catalog.sync.run_sync`).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sync.catalog.apply import ProductTable
from sync.catalog.sources import CatalogSource, CsvSource
from sync.catalog.sync import SyncReport, run_sync
from sync.config import Settings
from sync.errors import ConfigError, InputError
from sync.inventory.ports import StateStore
from sync.jobs.runs import recorded_run
from sync.model.shop import ShopFacts, gid
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

Connect = Callable[[], sqlite3.Connection]
SourceFactory = Callable[[str, Settings, Clock, Connect], CatalogSource]
TargetFactory = Callable[[Settings, str, Clock, Connect], ProductTable]


class MissingCredentials(ConfigError):
    """A source or target named explicitly whose service has no credentials (the CLI words it)."""

    def __init__(self, role: str, kind: str, service: str, missing: Sequence[str]) -> None:
        self.role, self.kind, self.service, self.missing = role, kind, service, list(missing)
        super().__init__(f"{role} {kind} needs {service} credentials: missing "
                         + ", ".join(missing))


class UnknownKind(InputError):
    """A source or target kind no registry knows (the CLI words it with its flag)."""

    def __init__(self, role: str, kind: str, choices: str) -> None:
        self.role, self.kind, self.choices = role, kind, choices
        super().__init__(f"catalog {role}", f"{kind!r} is not a {role}", f"choose {choices}")


def _shopify_source(spec: str, settings: Settings, clock: Clock, conn: Connect) -> CatalogSource:
    if not settings.shopify.configured:
        raise MissingCredentials("source", "shopify", "Shopify", settings.shopify.missing())
    from sync.shopify.catalog import ShopifyCatalog, catalog_client

    client = catalog_client(settings.shopify, clock=clock)
    return ShopifyCatalog(client, bulk_threshold=settings.catalog.bulk_threshold)


def _local_source(spec: str, settings: Settings, clock: Clock, conn: Connect) -> CatalogSource:
    from sync.local.catalog_source import LocalSource
    from sync.local.shop import LocalShop

    return LocalSource(LocalShop(conn(), clock))


def _csv_source(spec: str, settings: Settings, clock: Clock, conn: Connect) -> CatalogSource:
    from sync.local.shop import LocalShop

    path = Path(spec.partition(":")[2])
    if not path.is_file():
        raise InputError(f"catalog source {spec}", f"{path} is not a file")
    info = LocalShop(conn(), clock).info()
    facts = ShopFacts(domain=settings.shopify.store or info.domain, currency=info.currency)
    return CsvSource(path, facts)


# kind (the part of the spec before ":") -> factory
SOURCES: dict[str, SourceFactory] = {
    "shopify": _shopify_source,
    "local": _local_source,
    "csv": _csv_source,
}
SOURCE_CHOICES = "shopify, local or csv:PATH"


def _hubdb_target(settings: Settings, table: str, clock: Clock, conn: Connect) -> ProductTable:
    if not settings.hubspot.configured:
        raise MissingCredentials("target", "hubdb", "HubSpot", settings.hubspot.missing())
    from sync.hubspot.client import shared_client
    from sync.hubspot.hubdb import HubDBProductTable

    return HubDBProductTable(shared_client(settings.hubspot, clock=clock), table)


def _local_target(settings: Settings, table: str, clock: Clock, conn: Connect) -> ProductTable:
    from sync.local.hubdb import LocalHubDB
    from sync.local.product_table import LocalProductTable

    return LocalProductTable(LocalHubDB(conn(), clock), table)


TARGETS: dict[str, TargetFactory] = {"hubdb": _hubdb_target, "local": _local_target}
TARGET_CHOICES = tuple(TARGETS)


def open_source(spec: str | None, settings: Settings, *, clock: Clock,
                connection: Connect) -> CatalogSource:
    """The source ``spec`` names; ``None`` means Shopify when configured, else local.

    Raises:
        MissingCredentials: ``shopify`` without credentials (naming the missing settings).
        UnknownKind / InputError: an unknown source, or a CSV path that does not exist.
    """
    if spec is None:
        spec = "shopify" if settings.shopify.configured else "local"
    kind = spec.partition(":")[0] if spec.startswith("csv:") else spec
    factory = SOURCES.get(kind)
    if factory is None:
        raise UnknownKind("source", spec, SOURCE_CHOICES)
    return factory(spec, settings, clock, connection)


def open_target(kind: str | None, settings: Settings, table: str, *, clock: Clock,
                connection: Connect) -> tuple[ProductTable, str]:
    """The product table ``kind`` names and that name; ``None``: HubDB when configured,
    else the local HubDB.

    Raises:
        MissingCredentials: ``hubdb`` without HubSpot credentials.
        UnknownKind: a kind no registry line knows.
    """
    if kind is None:
        kind = "hubdb" if settings.hubspot.configured else "local"
    factory = TARGETS.get(kind)
    if factory is None:
        raise UnknownKind("target", kind, " or ".join(TARGETS))
    return factory(settings, table, clock, connection), kind


TABLE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


def check_table_name(name: str) -> None:
    """HubDB's naming rule, checked before planning (HubDB answers 400 only at the write).

    Raises:
        InputError: a name HubDB would refuse.
    """
    if not TABLE_NAME.fullmatch(name):
        suggestion = re.sub(r"[^a-z0-9_]+", "_", name.lower()).strip("_") or "products"
        raise InputError(f"table {name!r}", "HubDB table names are lowercase letters, digits "
                         "and underscores, not starting with a digit", f"e.g. {suggestion}")


def product_gid(product: str) -> str:
    """A product as the engine keys it: a numeric id (``7000000000084``) becomes its gid,
    so the numeric id and the gid address the same row; anything else passes as given."""
    return gid("Product", product) if product.isdigit() else product


@dataclass
class _LazyConnection:
    """The local store, opened only when a local source or target needs it."""

    settings: Settings
    stack: ExitStack
    conn: sqlite3.Connection | None = None

    def __call__(self) -> sqlite3.Connection:
        if self.conn is None:
            from sync.local.db import connect

            self.conn = connect(self.settings.database)
            self.stack.callback(self.conn.close)
        return self.conn


def sync_catalog(
    settings: Settings,
    *,
    source: str | CatalogSource | None = None,
    target: str | ProductTable | None = None,
    table: str | None = None,
    products: Sequence[str] | None = None,
    since: datetime | None = None,
    rebuild_text: bool = False,
    dry_run: bool = False,
    clock: Clock = SYSTEM_CLOCK,
    show_progress: bool | None = False,
    publish: bool = True,
    runs: StateStore | None = None,
) -> SyncReport:
    """Open the source and target ``settings`` and the arguments name, then run the sync.

    Args:
        source: ``shopify``/``local``/``csv:PATH``, a :class:`CatalogSource`, or None.
        target: ``hubdb``/``local``, a :class:`ProductTable`, or None.
        table: table name (default ``[catalog] table``).
        products: product ids (or CSV handles) for an incremental run.
        since: only products updated at or after this time (no deletions of gone rows).
        rebuild_text: sanitise every description anew (see :func:`run_sync`).
        dry_run: plan only.
        publish: False leaves the changes in the draft.
        runs: the state store the run is recorded in (default: the local store). A
            Lambda passes the stack's DynamoDB state: its SQLite file is thrown away,
            and ``hubshop --stack NAME status`` reads the stack's.

    Raises:
        MissingCredentials, UnknownKind, InputError, CatalogWriteError.
    """
    name = table or settings.catalog.table
    check_table_name(name)
    if products:
        products = [product_gid(p) for p in products]
    with ExitStack() as stack:
        conn = _LazyConnection(settings, stack)
        reader = (source if source is not None and not isinstance(source, str)
                  else open_source(source, settings, clock=clock, connection=conn))
        if target is not None and not isinstance(target, str):
            writer, target_name = target, getattr(target, "kind", type(target).__name__)
        else:
            writer, target_name = open_target(target, settings, name, clock=clock,
                                              connection=conn)
        with recorded_run(runs or _run_log(conn), "catalog_sync", clock, dry_run=dry_run) as run:
            run.extra = {"table": name, "target": target_label(target_name, settings)}
            report = run_sync(reader, writer, settings.catalog, target=target_name, table=name,
                              products=products, since=since, rebuild_text=rebuild_text,
                              dry_run=dry_run, clock=clock, show_progress=show_progress,
                              publish=publish)
            counts = report.counts()
            run.api_calls = counts.pop("api_calls")
            run.counts = counts
            run.extra["published"] = report.published
        return report


def target_label(kind: str, settings: Settings) -> str:
    """Which table a run wrote, for the run record: the local table or a HubDB portal's."""
    if kind == "hubdb":
        portal = settings.hubspot.account_id or settings.hubspot.account_name
        return f"HubDB portal {portal}" if portal else "HubDB"
    return "local table" if kind == "local" else kind


class _RunLog:
    """The local state store, opened only when a run is recorded (not on a dry run)."""

    def __init__(self, conn: _LazyConnection) -> None:
        self.conn = conn

    def record_run(self, summary: dict[str, object]) -> None:
        from sync.local.ledger import SqliteState

        SqliteState(self.conn()).record_run(summary)


def _run_log(conn: _LazyConnection) -> StateStore:
    return _RunLog(conn)  # type: ignore[return-value]  # record_run is all recorded_run uses
