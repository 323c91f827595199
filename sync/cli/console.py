"""``hubshop console``: the private app's embedded page, served locally on loopback."""

from __future__ import annotations

import click

from sync.cli.context import AppContext, pass_app
from sync.cli.errors import EXIT_INTERRUPTED

LOCAL_TOKEN_SECONDS = 12 * 3600


@click.command("console")
@click.option("--port", type=click.IntRange(0, 65535), default=8070, show_default=True,
              help="Port on 127.0.0.1 (0: any free port).")
@pass_app
def console(app: AppContext, port: int) -> None:
    """Serve the operator console locally: inventory status, drift, dead letters, payouts.

    The same page the private app shows inside Shopify's admin, over the
    embedded default (or the configured services), on 127.0.0.1 only. The
    printed address carries a session token signed for this run; the page's
    two actions (reconcile now, retry dead letters) need it. Stop with Ctrl-C.

    \b
    Example:
      hubshop console --port 8070
    """
    from wsgiref.simple_server import WSGIRequestHandler, make_server

    from sync.jobs.console import local_console
    from sync.operator.session_token import issue_token

    settings = app.settings()
    app.announce(settings)
    console_app, keys, shop = local_console(settings, clock=app.clock)

    class Quiet(WSGIRequestHandler):
        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib name
            """Requests carry tokens in their URLs; keep them out of the terminal."""

    try:
        server = make_server("127.0.0.1", port, console_app, handler_class=Quiet)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}") from None
    token = issue_token(keys, shop, clock=app.clock, seconds=LOCAL_TOKEN_SECONDS)
    click.echo(f"hubshop console on http://127.0.0.1:{server.server_port}/?id_token={token}")
    click.echo("  (the link is valid for 12 hours and only for this run; Ctrl-C stops)")
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        click.echo("stopping")
        raise SystemExit(EXIT_INTERRUPTED) from None  # README "Exit codes": 130 interrupted
    finally:
        server.server_close()
