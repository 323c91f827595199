"""The inventory service's own state in SQLite: ledger, runs, webhook dedupe, key hashes, flags.

The Lambda deployment keeps the same records in DynamoDB; engines only see the
small interfaces here (:class:`Ledger` above all), so either store fits. Keys
are kept as hashes only: the secrets themselves live in the secret store, and
this file can be copied into a bug report without leaking anything.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol

from sync.errors import HubshopError, InputError
from sync.local import db
from sync.local.db import transaction
from sync.plumbing.clock import SYSTEM_CLOCK, Clock

STAGES = ("CURRENT", "PREVIOUS", "PENDING")

db.register(
    "state",
    [
        """
        CREATE TABLE state_ledger (
          sku TEXT NOT NULL,
          location TEXT NOT NULL,
          warehouse INTEGER,
          shopify_available INTEGER,
          shopify_committed INTEGER,
          shopify_on_hand INTEGER,
          offset INTEGER NOT NULL DEFAULT 0,
          pending TEXT NOT NULL DEFAULT '[]',
          source TEXT,
          version INTEGER NOT NULL,
          updated_at TEXT NOT NULL,
          PRIMARY KEY (sku, location)
        );
        CREATE TABLE state_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          kind TEXT NOT NULL,
          started_at TEXT NOT NULL,
          finished_at TEXT,
          status TEXT NOT NULL,
          counts TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX state_runs_kind ON state_runs (kind, id);
        CREATE TABLE state_seen_webhooks (
          id TEXT PRIMARY KEY,
          topic TEXT NOT NULL,
          received_at TEXT NOT NULL
        );
        CREATE INDEX state_seen_webhooks_received ON state_seen_webhooks (received_at);
        CREATE TABLE state_keys (
          name TEXT NOT NULL,
          version TEXT NOT NULL,
          stage TEXT,
          secret_hash TEXT NOT NULL,
          created_at TEXT NOT NULL,
          PRIMARY KEY (name, version)
        );
        CREATE TABLE state_flags (
          name TEXT PRIMARY KEY,
          value TEXT NOT NULL,
          updated_at TEXT NOT NULL
        )
        """
    ],
)


class StateConflict(HubshopError):
    """Someone else wrote the record since it was read (optimistic concurrency lost)."""


@dataclass
class LedgerEntry:
    """The last figures both sides agreed on for one SKU at one location.

    ``pending`` holds changes not yet applied to the other side, each a dict
    with at least ``source`` (``warehouse``, ``shopify``, ``order``, ``admin`` …);
    ``source`` is where the last agreed change came from. ``version`` counts
    writes, for compare-and-swap in :meth:`Ledger.put`.
    """

    sku: str
    location: str
    warehouse: int | None = None
    shopify_available: int | None = None
    shopify_committed: int | None = None
    shopify_on_hand: int | None = None
    offset: int = 0
    pending: list[dict[str, Any]] = field(default_factory=list)
    source: str | None = None
    updated_at: datetime | None = None
    version: int = 0


class Ledger(Protocol):
    """What the reconcile engine needs from a ledger; SQLite here, DynamoDB in Lambda."""

    def get(self, sku: str, location: str) -> LedgerEntry | None: ...

    def put(self, entry: LedgerEntry, *, expected_version: int | None = None) -> LedgerEntry: ...

    def items(self, *, sku: str | None = None) -> Iterator[LedgerEntry]: ...


class SqliteLedger:
    """The ledger as rows keyed by (sku, location)."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = SYSTEM_CLOCK) -> None:
        self.conn, self.clock = conn, clock

    def get(self, sku: str, location: str) -> LedgerEntry | None:
        """The entry for ``sku`` at ``location``, or None before the first agreement."""
        row = self.conn.execute(
            "SELECT * FROM state_ledger WHERE sku = ? AND location = ?", (sku, location)
        ).fetchone()
        return _entry(row) if row else None

    def put(self, entry: LedgerEntry, *, expected_version: int | None = None) -> LedgerEntry:
        """Store ``entry``; with ``expected_version`` only if nobody wrote since (else
        StateConflict). Returns the entry with its new version and time."""
        if not entry.sku or not entry.location:
            raise InputError(f"ledger {entry.sku or '?'}@{entry.location or '?'}",
                             "an entry needs a SKU and a location")
        with transaction(self.conn):
            current = self.get(entry.sku, entry.location)
            version = current.version if current else 0
            if expected_version is not None and expected_version != version:
                raise StateConflict(
                    f"ledger {entry.sku}@{entry.location}: expected version {expected_version},"
                    f" found {version}"
                )
            stored = replace(entry, version=version + 1, updated_at=self.clock.now(),
                             pending=list(entry.pending))
            self.conn.execute(
                "INSERT OR REPLACE INTO state_ledger (sku, location, warehouse, shopify_available,"
                " shopify_committed, shopify_on_hand, offset, pending, source, version,"
                " updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (stored.sku, stored.location, stored.warehouse, stored.shopify_available,
                 stored.shopify_committed, stored.shopify_on_hand, stored.offset,
                 json.dumps(stored.pending, sort_keys=True, default=str), stored.source,
                 stored.version, stored.updated_at.isoformat()),
            )
            return stored

    def items(self, *, sku: str | None = None) -> Iterator[LedgerEntry]:
        """Every entry (or one SKU's), ordered by SKU then location."""
        sql, params = "SELECT * FROM state_ledger", []
        if sku is not None:
            sql, params = sql + " WHERE sku = ?", [sku]
        rows = self.conn.execute(sql + " ORDER BY sku, location", params).fetchall()
        return iter([_entry(r) for r in rows])

    def delete(self, sku: str, location: str) -> bool:
        """Forget an entry (a SKU gone from both sides); False when there was none."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "DELETE FROM state_ledger WHERE sku = ? AND location = ?", (sku, location)
            )
            return cursor.rowcount > 0


@dataclass(frozen=True)
class Run:
    """One job run (``reconcile``, ``webhook``, ``catalog-sync`` …) and what it counted."""

    id: int
    kind: str
    started_at: datetime
    status: str
    finished_at: datetime | None = None
    counts: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class KeyRecord:
    """A key's version and rotation stage; only a hash of the secret is ever kept."""

    name: str
    version: str
    stage: str | None
    secret_hash: str
    created_at: datetime


class StateStore:
    """Everything the inventory service remembers between invocations, in one SQLite file."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock = SYSTEM_CLOCK) -> None:
        self.conn, self.clock = conn, clock
        self.ledger = SqliteLedger(conn, clock)

    # runs ------------------------------------------------------------------------------

    def start_run(self, kind: str) -> Run:
        """Record that a run of ``kind`` began; finish it with :meth:`finish_run`."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT INTO state_runs (kind, started_at, status) VALUES (?, ?, 'running')",
                (kind, self.clock.now().isoformat()),
            )
            return self._run(cursor.lastrowid)

    def finish_run(self, run_id: int, *, status: str = "ok",
                   counts: dict[str, int] | None = None) -> Run:
        """Close a run with its outcome (``ok``, ``failed``, ``partial``) and counts."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "UPDATE state_runs SET finished_at = ?, status = ?, counts = ? WHERE id = ?",
                (self.clock.now().isoformat(), status, json.dumps(counts or {}, sort_keys=True),
                 run_id),
            )
            if cursor.rowcount == 0:
                raise InputError(f"state_runs/{run_id}", "no such run")
            return self._run(run_id)

    def runs(self, *, kind: str | None = None, limit: int = 50) -> list[Run]:
        """Recent runs, newest first."""
        sql, params = "SELECT id FROM state_runs", []
        if kind is not None:
            sql, params = sql + " WHERE kind = ?", [kind]
        rows = self.conn.execute(sql + " ORDER BY id DESC LIMIT ?", [*params, limit]).fetchall()
        return [self._run(r["id"]) for r in rows]

    def last_run(self, kind: str, *, status: str | None = "ok") -> Run | None:
        """The latest finished run of ``kind`` (with ``status``, unless None): where to resume."""
        sql = "SELECT id FROM state_runs WHERE kind = ? AND finished_at IS NOT NULL"
        params: list[object] = [kind]
        if status is not None:
            sql, params = sql + " AND status = ?", [*params, status]
        row = self.conn.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
        return self._run(row["id"]) if row else None

    def _run(self, run_id: int) -> Run:
        r = self.conn.execute("SELECT * FROM state_runs WHERE id = ?", (run_id,)).fetchone()
        return Run(id=r["id"], kind=r["kind"], started_at=datetime.fromisoformat(r["started_at"]),
                   status=r["status"], counts=json.loads(r["counts"]),
                   finished_at=datetime.fromisoformat(r["finished_at"])
                   if r["finished_at"] else None)

    # webhook dedupe --------------------------------------------------------------------

    def seen(self, webhook_id: str) -> bool:
        """True when a delivery with this ``X-Shopify-Webhook-Id`` was already handled."""
        row = self.conn.execute(
            "SELECT 1 FROM state_seen_webhooks WHERE id = ?", (webhook_id,)
        ).fetchone()
        return row is not None

    def remember(self, webhook_id: str, topic: str = "") -> bool:
        """Mark a delivery handled; False when it already was (a retry or duplicate)."""
        with transaction(self.conn):
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO state_seen_webhooks (id, topic, received_at)"
                " VALUES (?, ?, ?)", (webhook_id, topic, self.clock.now().isoformat()))
            return cursor.rowcount == 1

    def forget_webhooks_before(self, moment: datetime) -> int:
        """Drop dedupe records older than ``moment`` (Shopify retries for 4 hours at most)."""
        with transaction(self.conn):
            return self.conn.execute(
                "DELETE FROM state_seen_webhooks WHERE received_at < ?", (moment.isoformat(),)
            ).rowcount

    # keys ------------------------------------------------------------------------------

    def put_key(self, name: str, version: str, secret: str, *, stage: str = "PENDING") -> KeyRecord:
        """Record a key version by the hash of its secret, at ``stage``.

        Promoting a version to CURRENT moves the old CURRENT to PREVIOUS and
        retires the old PREVIOUS (stage None), as Secrets Manager rotation does.
        """
        _check_stage(stage, name)
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR IGNORE INTO state_keys (name, version, stage, secret_hash, created_at)"
                " VALUES (?, ?, NULL, ?, ?)",
                (name, version, hash_secret(secret), self.clock.now().isoformat()),
            )
            return self.set_stage(name, version, stage)

    def set_stage(self, name: str, version: str, stage: str) -> KeyRecord:
        """Move a stored key version to ``stage`` (one version per stage and name)."""
        _check_stage(stage, name)
        with transaction(self.conn):
            if self._key(name, version) is None:
                raise InputError(f"state_keys/{name}/{version}", "no such key version")
            if stage == "CURRENT":
                old = self.conn.execute(
                    "SELECT version FROM state_keys WHERE name = ? AND stage = 'CURRENT'", (name,)
                ).fetchone()
                if old is not None and old["version"] != version:
                    self.conn.execute("UPDATE state_keys SET stage = NULL WHERE name = ?"
                                      " AND stage = 'PREVIOUS'", (name,))
                    self.conn.execute("UPDATE state_keys SET stage = 'PREVIOUS' WHERE name = ?"
                                      " AND version = ?", (name, old["version"]))
            self.conn.execute("UPDATE state_keys SET stage = NULL WHERE name = ? AND stage = ?"
                              " AND version != ?", (name, stage, version))
            self.conn.execute("UPDATE state_keys SET stage = ? WHERE name = ? AND version = ?",
                              (stage, name, version))
            return self._key(name, version)

    def keys(self, name: str) -> list[KeyRecord]:
        """Every version of a key, oldest first, retired ones with stage None."""
        rows = self.conn.execute(
            "SELECT * FROM state_keys WHERE name = ? ORDER BY created_at, version", (name,)
        ).fetchall()
        return [_key(r) for r in rows]

    def match_key(self, name: str, secret: str) -> KeyRecord | None:
        """The live version (CURRENT, PREVIOUS or PENDING) whose hash matches ``secret``."""
        digest = hash_secret(secret)
        for record in self.keys(name):
            if record.stage and hmac.compare_digest(record.secret_hash, digest):
                return record
        return None

    def _key(self, name: str, version: str) -> KeyRecord | None:
        row = self.conn.execute(
            "SELECT * FROM state_keys WHERE name = ? AND version = ?", (name, version)
        ).fetchone()
        return _key(row) if row else None

    # flags -----------------------------------------------------------------------------

    def flag(self, name: str, default: Any = None) -> Any:
        """A switch such as ``paused``; ``default`` when never set."""
        row = self.conn.execute("SELECT value FROM state_flags WHERE name = ?", (name,)).fetchone()
        return json.loads(row["value"]) if row else default

    def set_flag(self, name: str, value: Any) -> None:
        """Set a switch to any JSON value; None removes it."""
        with transaction(self.conn):
            if value is None:
                self.conn.execute("DELETE FROM state_flags WHERE name = ?", (name,))
                return
            self.conn.execute(
                "INSERT INTO state_flags (name, value, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT(name) DO UPDATE SET value = excluded.value,"
                " updated_at = excluded.updated_at",
                (name, json.dumps(value), self.clock.now().isoformat()),
            )

    def flags(self) -> dict[str, Any]:
        """Every switch that is set."""
        return {r["name"]: json.loads(r["value"])
                for r in self.conn.execute("SELECT * FROM state_flags ORDER BY name")}

    @property
    def paused(self) -> bool:
        """True while an operator has paused the service (flag ``paused``)."""
        return bool(self.flag("paused", False))


def hash_secret(secret: str) -> str:
    """``sha256:<hex>`` of a secret; keys are random and long, so no salt is needed."""
    return "sha256:" + hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _check_stage(stage: str, name: str) -> None:
    if stage not in STAGES:
        raise InputError(f"state_keys/{name}", f"stage {stage!r} is not one of {', '.join(STAGES)}")


def _entry(row: sqlite3.Row) -> LedgerEntry:
    return LedgerEntry(
        sku=row["sku"], location=row["location"], warehouse=row["warehouse"],
        shopify_available=row["shopify_available"], shopify_committed=row["shopify_committed"],
        shopify_on_hand=row["shopify_on_hand"], offset=row["offset"],
        pending=json.loads(row["pending"]), source=row["source"],
        updated_at=datetime.fromisoformat(row["updated_at"]), version=row["version"],
    )


def _key(row: sqlite3.Row) -> KeyRecord:
    return KeyRecord(name=row["name"], version=row["version"], stage=row["stage"],
                     secret_hash=row["secret_hash"],
                     created_at=datetime.fromisoformat(row["created_at"]))
