"""The inventory engine's state in the shared SQLite file (the embedded default's StateStore).

Tables are the ``inventory`` component's own: ledger per (SKU, warehouse
location), order-line counts, seen webhook ids, flags, the pause queue,
products to refresh and run history. DynamoDB holds the same records in AWS.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime

from sync.inventory.codec import dump, load_entry, load_record, queue_time
from sync.inventory.ports import LedgerEntry, StateConflict, StockRecord
from sync.local import db
from sync.local.db import transaction

# the tables of a second, unused ledger (``sync/local/state.py``) older stores still hold
_OLD_STATE_TABLES = ("state_ledger", "state_runs", "state_seen_webhooks", "state_keys",
                     "state_flags")


def _drop_old_state(conn: sqlite3.Connection) -> None:
    """Move the old store's flags (the demo's version marker) here, then drop its tables."""
    old = {r["name"] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "state_flags" in old:
        for row in conn.execute("SELECT name, value FROM state_flags").fetchall():
            value = json.loads(row["value"])
            if value is not None:
                conn.execute("INSERT OR IGNORE INTO inventory_flags (name, value) VALUES (?, ?)",
                             (row["name"], str(value)))
    for table in _OLD_STATE_TABLES:
        if table in old:
            conn.execute(f"DROP TABLE {table}")
    conn.execute("DELETE FROM schema_versions WHERE component = 'state'")


def _add_revisions(conn: sqlite3.Connection) -> None:
    """A revision per ledger entry: puts are conditioned on it, so two writers cannot race."""
    columns = {r["name"] for r in conn.execute("PRAGMA table_info(inventory_ledger)")}
    if "rev" not in columns:
        conn.execute("ALTER TABLE inventory_ledger ADD COLUMN rev INTEGER NOT NULL DEFAULT 0")


_HOLD = ("INSERT INTO inventory_held (sku, location, at, seq, record) VALUES (?, ?, ?, ?, ?)"
         " ON CONFLICT(sku, location) DO UPDATE SET at = excluded.at, seq = excluded.seq,"
         " record = excluded.record WHERE excluded.at >= inventory_held.at")


def _key_the_queue(conn: sqlite3.Connection) -> None:
    """One held record per (SKU, location): the newest warehouse figure replaces older ones."""
    conn.execute("CREATE TABLE IF NOT EXISTS inventory_held (sku TEXT NOT NULL,"
                 " location TEXT NOT NULL, at TEXT NOT NULL, seq INTEGER NOT NULL,"
                 " record TEXT NOT NULL, PRIMARY KEY (sku, location))")
    tables = {r["name"] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "inventory_pending" not in tables:
        return  # already keyed (a store whose version record was set back)
    rows = conn.execute("SELECT id, record FROM inventory_pending ORDER BY id").fetchall()
    for row in rows:
        record = load_record(row["record"])
        conn.execute(_HOLD, (record.sku, record.location, queue_time(record), row["id"],
                             row["record"]))
    conn.execute("DROP TABLE inventory_pending")


db.register(
    "inventory",
    [
        """
        CREATE TABLE inventory_ledger (
          sku TEXT NOT NULL,
          location TEXT NOT NULL,
          data TEXT NOT NULL,
          PRIMARY KEY (sku, location)
        );
        CREATE TABLE inventory_lines (line_id TEXT PRIMARY KEY, counts TEXT NOT NULL);
        CREATE TABLE inventory_seen (id TEXT PRIMARY KEY, at TEXT NOT NULL);
        CREATE TABLE inventory_flags (name TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE inventory_pending (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          record TEXT NOT NULL
        );
        CREATE TABLE inventory_products (id TEXT PRIMARY KEY);
        CREATE TABLE inventory_runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          summary TEXT NOT NULL
        )
        """,
        _drop_old_state,
        _add_revisions,
        _key_the_queue,
    ],
)


class SqliteState:
    """A :class:`sync.inventory.ports.StateStore` on a ``sync.local.db`` connection.

    Ledger puts are optimistic, as DynamoDB's are: each entry carries a
    revision, and a put of an entry this instance read is conditioned on the
    revision it read (or on the entry still not existing); otherwise
    :class:`~sync.inventory.ports.StateConflict` is raised and nothing of the
    put is stored. Each writer (thread, process) uses its own instance.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._revs: dict[tuple[str, str], int] = {}
        self._taken: list[tuple[str, str, int]] | None = None
        db.apply_migrations(conn)

    # ledger ----------------------------------------------------------------------------

    def get(self, sku: str, location: str) -> LedgerEntry | None:
        row = self.conn.execute(
            "SELECT data, rev FROM inventory_ledger WHERE sku = ? AND location = ?",
            (sku, location)).fetchone()
        self._revs[(sku, location)] = row["rev"] if row else 0
        return load_entry(row["data"]) if row else None

    def put(self, entries: Iterable[LedgerEntry]) -> None:
        latest = {e.key: e for e in entries}
        written: dict[tuple[str, str], int] = {}
        try:
            with transaction(self.conn):
                for key, entry in latest.items():
                    written[key] = self._put_one(entry, self._revs.get(key))
        except StateConflict:
            for key in latest:
                self._revs.pop(key, None)
            raise
        self._revs.update(written)

    def _put_one(self, entry: LedgerEntry, rev: int | None) -> int:
        """Store one entry (conditioned on ``rev`` unless None); returns its new revision."""
        data = dump(entry)
        if rev is None:
            row = self.conn.execute(
                "INSERT INTO inventory_ledger (sku, location, data, rev) VALUES (?, ?, ?, 1)"
                " ON CONFLICT(sku, location) DO UPDATE SET data = excluded.data, rev = rev + 1"
                " RETURNING rev", (entry.sku, entry.location, data)).fetchone()
            return row["rev"]
        if rev == 0:
            inserted = self.conn.execute(
                "INSERT INTO inventory_ledger (sku, location, data, rev) VALUES (?, ?, ?, 1)"
                " ON CONFLICT(sku, location) DO NOTHING", (entry.sku, entry.location, data))
            changed = inserted.rowcount
        else:
            changed = self.conn.execute(
                "UPDATE inventory_ledger SET data = ?, rev = rev + 1"
                " WHERE sku = ? AND location = ? AND rev = ?",
                (data, entry.sku, entry.location, rev)).rowcount
        if changed != 1:
            raise StateConflict(f"ledger entry {entry.sku}@{entry.location} changed by another"
                                " writer since it was read; retry")
        return rev + 1

    def items(self) -> list[LedgerEntry]:
        rows = self.conn.execute(
            "SELECT sku, location, data, rev FROM inventory_ledger ORDER BY sku, location")
        found = []
        for row in rows:
            self._revs[(row["sku"], row["location"])] = row["rev"]
            found.append(load_entry(row["data"]))
        return found

    # order lines -----------------------------------------------------------------------

    def line_state(self, line_id: str) -> str | None:
        row = self.conn.execute(
            "SELECT counts FROM inventory_lines WHERE line_id = ?", (line_id,)
        ).fetchone()
        return row["counts"] if row else None

    def set_line_state(self, line_id: str, counts: str) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT INTO inventory_lines (line_id, counts) VALUES (?, ?)"
                " ON CONFLICT(line_id) DO UPDATE SET counts = excluded.counts", (line_id, counts))

    # webhooks --------------------------------------------------------------------------

    def seen(self, event_id: str) -> bool:
        return self.conn.execute(
            "SELECT 1 FROM inventory_seen WHERE id = ?", (event_id,)).fetchone() is not None

    def remember(self, event_id: str, at: datetime) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT OR IGNORE INTO inventory_seen (id, at) VALUES (?, ?)",
                              (event_id, at.isoformat()))

    # flags -----------------------------------------------------------------------------

    def flag(self, name: str) -> str | None:
        row = self.conn.execute(
            "SELECT value FROM inventory_flags WHERE name = ?", (name,)).fetchone()
        return row["value"] if row else None

    def set_flag(self, name: str, value: str | None) -> None:
        with transaction(self.conn):
            if value is None:
                self.conn.execute("DELETE FROM inventory_flags WHERE name = ?", (name,))
            else:
                self.conn.execute(
                    "INSERT INTO inventory_flags (name, value) VALUES (?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET value = excluded.value", (name, value))

    # pause queue -----------------------------------------------------------------------

    def enqueue(self, records: Sequence[StockRecord]) -> None:
        """Hold each record, one per (SKU, location): a newer-or-equal warehouse time wins."""
        with transaction(self.conn):
            seq = self.conn.execute(
                "SELECT COALESCE(MAX(seq), 0) FROM inventory_held").fetchone()[0]
            for number, record in enumerate(records, start=seq + 1):
                self.conn.execute(_HOLD, (record.sku, record.location, queue_time(record), number,
                                          dump(record)))

    def pending(self) -> list[StockRecord]:
        rows = self.conn.execute(
            "SELECT sku, location, seq, record FROM inventory_held ORDER BY seq").fetchall()
        self._taken = [(r["sku"], r["location"], r["seq"]) for r in rows]
        return [load_record(r["record"]) for r in rows]

    def clear_pending(self) -> None:
        """Delete the records :meth:`pending` returned (all, if it was not called).

        A record that replaced one of them since (a newer figure) stays held.
        """
        with transaction(self.conn):
            if self._taken is None:
                self.conn.execute("DELETE FROM inventory_held")
            else:
                self.conn.executemany(
                    "DELETE FROM inventory_held WHERE sku = ? AND location = ? AND seq = ?",
                    self._taken)
        self._taken = None

    # products --------------------------------------------------------------------------

    def mark_products(self, product_ids: Iterable[str]) -> None:
        with transaction(self.conn):
            self.conn.executemany("INSERT OR IGNORE INTO inventory_products (id) VALUES (?)",
                                  [(p,) for p in product_ids])

    def take_products(self) -> list[str]:
        with transaction(self.conn):
            ids = [r["id"] for r in self.conn.execute(
                "SELECT id FROM inventory_products ORDER BY id")]
            self.conn.execute("DELETE FROM inventory_products")
        return ids

    # runs ------------------------------------------------------------------------------

    def record_run(self, summary: dict[str, object]) -> None:
        with transaction(self.conn):
            self.conn.execute("INSERT INTO inventory_runs (summary) VALUES (?)",
                              (json.dumps(summary, default=str),))

    def runs(self, limit: int = 10) -> list[dict[str, object]]:
        rows = self.conn.execute(
            "SELECT summary FROM inventory_runs ORDER BY id DESC LIMIT ?", (limit,))
        return [json.loads(r["summary"]) for r in rows]
