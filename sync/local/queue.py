"""A durable work queue and dead-letter table in SQLite: what SQS and its DLQ are to ``serve``.

``hubshop serve`` answers a push or a webhook only once its messages are
committed here (:meth:`LocalQueue.put` is one transaction), so a 202 survives
a busy store, a crashed worker or a killed process. The worker claims
messages, acknowledges each one it finished, and hands back the ones that
failed; a message that failed :data:`MAX_RECEIVES` times moves to the
dead-letter table, which ``/health`` and ``hubshop inventory status`` report
(depth and the oldest one's age). Nothing here knows what a message means:
bodies are opaque JSON text (the service encodes and decodes them).

The queue lives in its own file beside the store (:func:`queue_path`): its
transactions are a few rows long, so an answer never waits behind the
worker's long writes to the store, and a locked store never blocks a 202.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sync.local import db
from sync.local.db import transaction

MAX_RECEIVES = 5  # as the events queue's maxReceiveCount in template.yaml
BUSY_TIMEOUT_MS = 2_000  # how long an answer waits for the queue file before a 503
REASON_CHARS = 500

# the queue file holds only these two tables (no other component's migrations run there)
_SCHEMA = """
        CREATE TABLE IF NOT EXISTS service_queue (
          seq INTEGER PRIMARY KEY AUTOINCREMENT,
          id TEXT NOT NULL,
          body TEXT NOT NULL,
          enqueued_at REAL NOT NULL,
          available_at REAL NOT NULL,
          receives INTEGER NOT NULL DEFAULT 0,
          claimed INTEGER NOT NULL DEFAULT 0,
          last_error TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX IF NOT EXISTS service_queue_ready
          ON service_queue (claimed, available_at, seq);
        CREATE TABLE IF NOT EXISTS service_dead_letters (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL,
          body TEXT NOT NULL,
          enqueued_at REAL NOT NULL,
          failed_at REAL NOT NULL,
          receives INTEGER NOT NULL,
          reason TEXT NOT NULL
        )
"""


def queue_path(database: Path | str) -> Path:
    """The queue file for a store: ``hubshop.sqlite3`` -> ``hubshop.queue.sqlite3``."""
    path = Path(database)
    return path.with_name(f"{path.stem}.queue{path.suffix or '.sqlite3'}")


@dataclass(frozen=True)
class Claimed:
    """A message the worker holds: its queue sequence, id, body and how often it was tried."""

    seq: int
    id: str
    body: str
    receives: int
    enqueued_at: float


@dataclass(frozen=True)
class QueueDepths:
    """What ``/health`` and ``status`` show: waiting and dead messages, and the oldest ages."""

    waiting: int
    oldest_waiting_s: float | None
    dead: int
    oldest_dead_s: float | None

    def as_dict(self) -> dict[str, object]:
        return {"waiting": self.waiting, "oldest_waiting_s": self.oldest_waiting_s,
                "dead_letters": self.dead, "oldest_dead_letter_s": self.oldest_dead_s}


class LocalQueue:
    """The queue and dead-letter tables in one SQLite file, one connection per thread.

    Args:
        path: the queue file (``":memory:"`` is refused: threads would not share it).
        busy_timeout_ms: how long a statement waits for a lock before failing.
    """

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        # one writer at a time inside this process: SQLite's own busy handler sleeps in
        # steps of up to 100 ms, which would land in the answer's latency
        self._write = threading.Lock()
        conn = self._conn()
        with transaction(conn):
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = db.connect(self.path, migrate=False)
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    def close(self) -> None:
        """Close every thread's connection (at shutdown)."""
        with self._guard:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    # the edge --------------------------------------------------------------------------

    def put(self, messages: list[tuple[str, str]], now: datetime) -> None:
        """Commit ``(id, body)`` pairs in one transaction; raises if the file is locked.

        Raises:
            sqlite3.OperationalError: the queue stayed locked past the busy timeout
                (the caller answers 503: nothing was accepted).
        """
        stamp = now.timestamp()
        conn = self._conn()
        with self._write, transaction(conn):
            conn.executemany(
                "INSERT INTO service_queue (id, body, enqueued_at, available_at)"
                " VALUES (?, ?, ?, ?)", [(ident, body, stamp, stamp) for ident, body in messages])

    # the worker ------------------------------------------------------------------------

    def release_all(self) -> int:
        """Hand back every claimed message (a worker starting after one died mid-batch)."""
        conn = self._conn()
        with self._write, transaction(conn):
            return conn.execute("UPDATE service_queue SET claimed = 0 WHERE claimed = 1").rowcount

    def claim(self, now: datetime, limit: int = 100) -> list[Claimed]:
        """Up to ``limit`` ready messages, oldest first, marked claimed and received once more."""
        conn = self._conn()
        with self._write, transaction(conn):
            rows = conn.execute(
                "SELECT seq, id, body, receives, enqueued_at FROM service_queue"
                " WHERE claimed = 0 AND available_at <= ? ORDER BY seq LIMIT ?",
                (now.timestamp(), limit)).fetchall()
            conn.executemany(
                "UPDATE service_queue SET claimed = 1, receives = receives + 1 WHERE seq = ?",
                [(r["seq"],) for r in rows])
        return [Claimed(r["seq"], r["id"], r["body"], r["receives"] + 1, r["enqueued_at"])
                for r in rows]

    def next_ready_in(self, now: datetime) -> float | None:
        """Seconds until the soonest handed-back message may be tried again (None: none wait)."""
        row = self._conn().execute(
            "SELECT MIN(available_at) FROM service_queue WHERE claimed = 0").fetchone()
        return None if row[0] is None else max(0.0, row[0] - now.timestamp())

    def ack(self, seqs: list[int]) -> None:
        """Delete finished messages."""
        conn = self._conn()
        with self._write, transaction(conn):
            conn.executemany("DELETE FROM service_queue WHERE seq = ?", [(s,) for s in seqs])

    def fail(self, message: Claimed, reason: str, now: datetime, *, retry_in: float) -> bool:
        """Hand a failed message back for another try, or dead-letter it after its last.

        Returns:
            True when the message moved to the dead-letter table.
        """
        conn = self._conn()
        reason = reason[:REASON_CHARS]
        with self._write, transaction(conn):
            if message.receives >= MAX_RECEIVES:
                conn.execute(
                    "INSERT OR REPLACE INTO service_dead_letters"
                    " (seq, id, body, enqueued_at, failed_at, receives, reason)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (message.seq, message.id, message.body, message.enqueued_at,
                     now.timestamp(), message.receives, reason))
                conn.execute("DELETE FROM service_queue WHERE seq = ?", (message.seq,))
                return True
            conn.execute("UPDATE service_queue SET claimed = 0, available_at = ?, last_error = ?"
                         " WHERE seq = ?", (now.timestamp() + retry_in, reason, message.seq))
            return False

    # reports ---------------------------------------------------------------------------

    def depths(self, now: datetime) -> QueueDepths:
        """Waiting and dead messages, each with the age of its oldest (seconds)."""
        conn = self._conn()
        waiting, first = conn.execute(
            "SELECT COUNT(*), MIN(enqueued_at) FROM service_queue").fetchone()
        dead, first_dead = conn.execute(
            "SELECT COUNT(*), MIN(failed_at) FROM service_dead_letters").fetchone()
        stamp = now.timestamp()
        return QueueDepths(waiting, None if first is None else round(stamp - first, 3),
                           dead, None if first_dead is None else round(stamp - first_dead, 3))

    def dead_letters(self, limit: int = 100) -> list[dict[str, object]]:
        """The oldest dead letters (id, reason, receives, when), for a look before a replay."""
        rows = self._conn().execute(
            "SELECT id, reason, receives, failed_at FROM service_dead_letters"
            " ORDER BY failed_at LIMIT ?", (limit,))
        return [dict(r) for r in rows]

    def redrive(self, now: datetime) -> int:
        """Move every dead letter back to the queue (after fixing the cause); returns how many."""
        conn = self._conn()
        stamp = now.timestamp()
        with self._write, transaction(conn):
            moved = conn.execute(
                "INSERT INTO service_queue (id, body, enqueued_at, available_at)"
                " SELECT id, body, enqueued_at, ? FROM service_dead_letters ORDER BY seq",
                (stamp,)).rowcount
            conn.execute("DELETE FROM service_dead_letters")
        return moved
