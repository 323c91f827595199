"""One SQLite file holds the whole embedded default; each part migrates its own tables.

Components (``shop``, ``hubdb``, ``inventory`` …) register ordered migrations with
:func:`register`; :func:`connect` applies whatever is new, recording the version
per component in ``schema_versions``. Parts can then evolve independently
without one central schema file every issue has to edit.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from sync.errors import HubshopError


class StoreUnavailable(HubshopError):
    """The SQLite file cannot be created, opened or migrated (permissions, corruption)."""


Migration = Callable[[sqlite3.Connection], None] | str

_MIGRATIONS: dict[str, list[Migration]] = {}

DB_FILENAME = "hubshop.sqlite3"


def register(component: str, migrations: list[Migration]) -> None:
    """Declare a component's migrations in order; never edit one that has shipped, append."""
    _MIGRATIONS[component] = migrations


def connect(path: Path | str, *, migrate: bool = True) -> sqlite3.Connection:
    """Open (creating if needed) the store at ``path`` in WAL mode and bring it up to date.

    ``path`` may be ``":memory:"`` for tests. Rows come back as ``sqlite3.Row``.
    """
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            str(path), timeout=30, isolation_level=None, check_same_thread=False
        )
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        if str(path) != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        if migrate:
            _load_components()
            apply_migrations(conn)
    except (OSError, sqlite3.Error) as exc:
        raise StoreUnavailable(
            f"cannot open the local store {path}: {exc}. Point HUBSHOP_HOME (or --home) at a "
            "writable folder, or delete the file if it is damaged (hubshop demo --reset)"
        ) from None
    return conn


def _load_components() -> None:
    """Import the modules that register migrations, so a bare ``connect`` sees them all."""
    import importlib

    for module in ("sync.local.shop", "sync.local.hubdb", "sync.local.ledger"):
        try:
            importlib.import_module(module)
        except ModuleNotFoundError as exc:  # a component not built yet
            if exc.name != module:
                raise


def apply_migrations(conn: sqlite3.Connection) -> dict[str, int]:
    """Apply pending migrations of every registered component; returns the versions now."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_versions ("
        " component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
    )
    versions: dict[str, int] = {}
    for component, migrations in sorted(_MIGRATIONS.items()):
        row = conn.execute(
            "SELECT version FROM schema_versions WHERE component = ?", (component,)
        ).fetchone()
        current = row["version"] if row else 0
        for number, migration in enumerate(migrations[current:], start=current + 1):
            with transaction(conn):
                if isinstance(migration, str):
                    for statement in _statements(migration):
                        conn.execute(statement)
                else:
                    migration(conn)
                conn.execute(
                    "INSERT INTO schema_versions (component, version) VALUES (?, ?)"
                    " ON CONFLICT(component) DO UPDATE SET version = excluded.version",
                    (component, number),
                )
        versions[component] = len(migrations)
    return versions


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


class transaction:  # noqa: N801 - used like a keyword: ``with transaction(conn):``
    """``BEGIN IMMEDIATE`` … ``COMMIT``/``ROLLBACK``; nests by using savepoints."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.savepoint: str | None = None

    def __enter__(self) -> sqlite3.Connection:
        if self.conn.in_transaction:
            self.savepoint = f"sp_{id(self)}"
            self.conn.execute(f"SAVEPOINT {self.savepoint}")
        else:
            self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.savepoint:
            if exc_type is None:
                self.conn.execute(f"RELEASE {self.savepoint}")
            else:
                self.conn.execute(f"ROLLBACK TO {self.savepoint}")
                self.conn.execute(f"RELEASE {self.savepoint}")
        elif exc_type is None:
            self.conn.execute("COMMIT")
        else:
            self.conn.execute("ROLLBACK")
