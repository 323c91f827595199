"""The ``hubshop`` command: thin click commands over the library.

Each command parses options, calls one library function and renders its
result; library errors become one line (or, with ``--json``, one error
object) only here. Subcommands are loaded on first use (:mod:`sync.cli.registry`),
so ``hubshop --version`` and ``--help`` import no command module.
"""

from __future__ import annotations

import importlib

import click

from sync import __version__
from sync.cli.errors import fail_json, words
from sync.cli.registry import COMMANDS, SUBCOMMANDS

_words = words  # kept for callers of the old name


def _load(target: str) -> click.Command:
    module, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module), attribute)


class HubshopGroup(click.Group):
    """The root group: loads subcommands lazily and turns every error into one clear answer.

    A library error becomes one redacted line, never a traceback; with
    ``--json`` anywhere on the command line it becomes ``{"error": {...}}``
    on stdout instead (exit codes: README "Exit codes").
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.commands:
            return self.commands[cmd_name]
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        command = _load(entry[0])
        if isinstance(command, click.Group):
            for target in SUBCOMMANDS.get(cmd_name, ()):
                sub = _load(target)
                command.commands.setdefault(sub.name or target, sub)
        self.commands[cmd_name] = command
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registry's help lines (no command module imported)."""
        rows = [(name, COMMANDS[name][1] if name in COMMANDS
                 else self.commands[name].get_short_help_str(80))
                for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, *args: object, **kwargs: object) -> object:  # type: ignore[override]
        return fail_json(super().main, *args, **kwargs)

    def invoke(self, ctx: click.Context) -> object:
        from sync.cli.errors import converted

        with converted(ctx):
            return super().invoke(ctx)


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
@click.option(
    "--stack", metavar="NAME",
    help="The CloudFormation stack the inventory service runs in ([service] stack, env "
    "HUBSHOP_STACK): status, pause, resume and dead letters then act on it.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.option(
    "-q", "--quiet", is_flag=True,
    help="No progress bars (shown by default on a terminal for jobs over a second).",
)
@click.pass_context
def main(
    ctx: click.Context, home: str | None, account: str | None, stack: str | None,
    verbose: int, quiet: bool,
) -> None:
    """Run a brand's shop across Shopify, a HubSpot website and the warehouse.

    With no credentials every command works on the embedded default: a local
    SQLite store and the demo data shipped with hubshop.

    \b
    Example:
      hubshop demo
    """
    from sync.cli.context import AppContext
    from sync.plumbing.clock import SYSTEM_CLOCK
    from sync.plumbing.logs import configure_logging
    from sync.plumbing.progress import set_display

    configure_logging("terminal", level=("WARNING", "INFO", "DEBUG")[min(verbose, 2)])
    ctx.call_on_close(set_display(False if quiet else None))
    flags: dict[str, object] = {"home": home} if home else {}
    if stack:
        flags["service.stack"] = stack
    app = AppContext(flags=flags, account=account, clock=SYSTEM_CLOCK, verbose=verbose)
    ctx.obj = app
    ctx.call_on_close(app.close)
