"""``hubshop serve``: the inventory service's handlers as a local HTTP server (no AWS)."""

from __future__ import annotations

import secrets as token_source
import sys
import threading

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.errors import EXIT_INTERRUPTED
from sync.service.settings import LOCAL_PUSH_KEY, ROUTE_STOCK, ROUTE_WEBHOOKS, SERVE_PORT

SWITCH_INTERVAL_S = 0.001


@click.command("serve")
@click.option("--port", type=int, default=SERVE_PORT, show_default=True, help="Port to listen on.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--push-key", envvar=LOCAL_PUSH_KEY,
              help=f"Key the warehouse sends in X-Api-Key (env {LOCAL_PUSH_KEY}; default: a "
                   "random one, printed at start).")
@click.option("--no-schedule", is_flag=True, help="No warehouse poll, no nightly reconcile.")
@pass_app
def serve(app: AppContext, port: int, host: str, push_key: str | None, no_schedule: bool) -> None:
    """Run the inventory service locally: warehouse push, Shopify webhooks, schedules.

    The same handlers as the AWS Lambda functions, on the embedded default
    (or on Shopify and the warehouse, when configured): POST stock to
    /warehouse/stock with the push key, point Shopify's webhooks (through a
    tunnel) at /webhooks/shopify. Stop with Ctrl-C.

    \b
    Example:
      hubshop serve --port 8080
    """
    from sync.service.local_server import LocalService

    settings = app.settings()
    app.announce(settings)
    app.embedded_store(settings)
    key = push_key or token_source.token_urlsafe(24)
    try:
        service = LocalService(settings, push_key=key, clock=app.clock,
                               schedule=not no_schedule, host=host, port=port)
    except OSError as exc:  # the port is taken, or the address is not ours
        raise click.ClickException(str(exc)) from None
    click.echo(f"hubshop serve on {service.address}")
    click.echo(f"  warehouse push: POST {service.address}{ROUTE_STOCK}  (X-Api-Key: "
               f"{key if not push_key else 'from ' + LOCAL_PUSH_KEY})")
    secret_note = "" if service.webhook_secrets else "  (no SHOPIFY_WEBHOOK_SECRET: all refused)"
    click.echo(f"  Shopify webhooks: POST {service.address}{ROUTE_WEBHOOKS}{secret_note}")
    # the worker's reconcile is pure Python: hand the GIL to answering threads sooner than
    # the default 5 ms, so an answer never waits long behind it
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    service.start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        click.echo("stopping")
        raise SystemExit(EXIT_INTERRUPTED) from None  # README "Exit codes": 130 interrupted
    finally:
        service.stop()
