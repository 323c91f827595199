"""What every command gets: settings, the local store and the clock, created lazily."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Any

import click

from sync.config import Settings, load_settings
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


@dataclass
class AppContext:
    """Built once per invocation by the root group; commands read it with ``pass_app``."""

    flags: dict[str, Any] = field(default_factory=dict)
    account: str | None = None
    clock: Clock = SYSTEM_CLOCK
    verbose: int = 0
    _settings: Settings | None = None
    _conn: sqlite3.Connection | None = None
    announced: bool = False

    def settings(self, **flags: Any) -> Settings:
        """Settings with this command's flags on top; a bad setting becomes a CLI error."""
        if self._settings is None or flags:
            settings = load_settings(flags={**self.flags, **flags}, account=self.account)
            if not flags:
                self._settings = settings
            return settings
        return self._settings

    def connection(self) -> sqlite3.Connection:
        """The embedded store (created and migrated on first use)."""
        if self._conn is None:
            from sync.local.db import connect

            self._conn = connect(self.settings().database)
        return self._conn

    def embedded_store(self, settings: Settings | None = None) -> None:
        """On the embedded default with an empty local store, create the demo store first.

        The README's first commands (``inventory sync``, ``serve``) work right
        after install; this is the CLI's explicit step, never the port factory's.
        """
        from sync.demo.seed import ensure_demo_store
        from sync.jobs.inventory import local_store_empty

        settings = settings or self.settings()
        if ensure_demo_store(settings, self.connection(), self.clock):
            click.echo("The local store was empty: created the demo store (`hubshop demo` "
                       "shows it; `hubshop store load FILE` loads your own).", err=True)
        elif local_store_empty(settings, self.connection(), self.clock):
            click.echo("The local store is empty: run `hubshop demo` or `hubshop store load "
                       "FILE` first (or set Shopify's credentials).", err=True)

    def announce(self, settings: Settings | None = None) -> None:
        """Say once, on stderr, which world this command talks to."""
        if not self.announced:
            click.echo((settings or self.settings()).mode_line(), err=True)
            self.announced = True

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


pass_app = click.make_pass_decorator(AppContext)
