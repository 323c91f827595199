"""The console page's data over the CLI's own store: ``hubshop console`` and its source."""

from __future__ import annotations

from typing import Any

from sync.config import Settings
from sync.jobs.payouts import open_payouts
from sync.plumbing.clock import SYSTEM_CLOCK, Clock


class LocalConsoleSource:
    """:class:`~sync.operator.console_page.ConsoleSource` over the CLI's own store and ports.

    Reads what ``hubshop inventory status`` reads (the local ledger; Shopify when
    configured). The embedded default has no dead-letter queue, and says so.
    """

    def __init__(self, settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> None:
        self.settings = settings
        self.clock = clock
        self.where = ("embedded default (local store)" if settings.embedded
                      else settings.mode_line().removeprefix("Talking to ").rstrip("."))

    def inventory_status(self) -> dict[str, Any]:
        from sync.inventory import run as inventory

        with self._ports() as ports:
            return inventory.status(ports.state, ports.store, ports.warehouse, ports.policy,
                                    clock=self.clock).as_dict()

    def payouts(self) -> Any:
        return open_payouts(self.settings, clock=self.clock).read(5)

    def reconcile(self) -> str:
        from sync.inventory import run as inventory

        with self._ports() as ports:
            report = inventory.reconcile(ports.store, ports.warehouse, ports.state, ports.policy,
                                         clock=self.clock)
        if report.paused:
            return f"Writes are paused: nothing written, {report.queued} change(s) queued."
        return (f"Reconciled with the warehouse: {report.written} written, {report.unchanged} "
                f"unchanged, {report.conflicts} conflicts, {report.skipped} skipped.")

    def retry_dead_letters(self) -> str:
        return ("The embedded default keeps no dead-letter queue, so there is nothing to retry; "
                "a deployed service retries its queue's dead letters here.")

    def _ports(self) -> Any:
        from contextlib import contextmanager

        from sync.jobs.inventory import open_ports
        from sync.local.db import connect

        @contextmanager
        def opened() -> Any:
            conn = connect(self.settings.database)
            try:
                yield open_ports(self.settings, conn, self.clock)
            finally:
                conn.close()

        return opened()


def local_console(settings: Settings, *, clock: Clock = SYSTEM_CLOCK) -> tuple[Any, Any, str]:
    """The console app over the embedded default, its keys and the shop its tokens name.

    Locally there is no Shopify admin to mint session tokens, so the keys are
    made here: a random secret for this run, used exactly like the app's.
    """
    import secrets

    from sync.operator.console_app import ConsoleApp
    from sync.operator.session_token import SessionKeys

    shop = settings.shopify.store or "fernhill-demo.myshopify.com"
    keys = SessionKeys(client_id="hubshop-local-console", secret=secrets.token_urlsafe(32),
                       shop=shop)
    app = ConsoleApp(LocalConsoleSource(settings, clock=clock), keys, embedded=False, clock=clock)
    return app, keys, shop
