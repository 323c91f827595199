"""The ``hubshop`` command: thin click commands over the library.

Each command parses options, calls one library function and renders its
result; library errors become ``click.ClickException`` only here.
"""

from __future__ import annotations

import click

from sync import __version__
from sync.cli.context import AppContext
from sync.errors import HubshopError
from sync.plumbing.clock import SYSTEM_CLOCK
from sync.plumbing.redact import redact


class HubshopGroup(click.Group):
    """The root group: every library error becomes one redacted line, never a traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except HubshopError as exc:
            raise click.ClickException(redact(_words(exc))) from None
        except click.ClickException as exc:
            exc.message = redact(exc.message)
            raise


def _words(exc: HubshopError) -> str:
    """A library error in the CLI's words: typed errors about a choice name its flag."""
    from sync.catalog.plan import TableTooLarge
    from sync.catalog.schema import ColumnTypeClash
    from sync.jobs.catalog import MissingCredentials, UnknownKind

    if isinstance(exc, TableTooLarge):
        return f"{exc} — e.g. --table NAME --products ID,..."
    if isinstance(exc, ColumnTypeClash):
        return f"{exc} — e.g. --table NAME"
    if isinstance(exc, MissingCredentials):
        return (f"--{exc.role} {exc.kind} needs {exc.service} credentials: missing "
                + ", ".join(exc.missing))
    if isinstance(exc, UnknownKind):
        return f"--{exc.role}: {exc.kind!r} is not a {exc.role}; choose {exc.choices}"
    return str(exc)


@click.group(
    cls=HubshopGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="hubshop")
@click.option(
    "--home",
    type=click.Path(file_okay=False),
    help="Where the embedded default keeps its state (env HUBSHOP_HOME, default .hubshop/).",
)
@click.option("--account", help="HubSpot account (name or id) from hubspot.config.yml.")
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "-q", "--quiet", is_flag=True,
    help="No progress bars (shown by default on a terminal for jobs over a second).",
)
@click.pass_context
def main(
    ctx: click.Context, home: str | None, account: str | None, verbose: int, quiet: bool
) -> None:
    """Run a brand's shop across Shopify, a HubSpot website and the warehouse.

    With no credentials every command works on the embedded default: a local
    SQLite store and the demo data shipped with hubshop.

    \b
    Example:
      hubshop demo
    """
    from sync.plumbing.logs import configure_logging
    from sync.plumbing.progress import set_display

    configure_logging("terminal", level=("WARNING", "INFO", "DEBUG")[min(verbose, 2)])
    ctx.call_on_close(set_display(False if quiet else None))
    app = AppContext(flags={"home": home} if home else {}, account=account, clock=SYSTEM_CLOCK)
    ctx.obj = app
    ctx.call_on_close(app.close)


def _register() -> None:
    from sync.cli.catalog import catalog
    from sync.cli.demo import demo
    from sync.cli.inventory import inventory_group
    from sync.cli.nightly import nightly
    from sync.cli.operator import register_operator_commands
    from sync.cli.products import products_group
    from sync.cli.serve import serve
    from sync.cli.store import store
    from sync.cli.theme import theme
    from sync.cli.webhooks import webhooks

    main.add_command(catalog)
    main.add_command(demo)
    main.add_command(inventory_group)
    main.add_command(nightly)
    main.add_command(products_group)
    main.add_command(serve)
    main.add_command(store)
    main.add_command(theme)
    main.add_command(webhooks)
    register_operator_commands(main)


_register()
