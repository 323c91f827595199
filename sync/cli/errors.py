"""How the CLI words every error: one redacted line, or one ``{"error": …}`` object with --json.

Exit codes (README "Exit codes"): 0 done; 1 the job failed or found problems
(bad setting, bad input, a service refused or could not be reached, a check
failed); 2 the command line itself is wrong (click's usage errors); 130
interrupted (quietly: no click ``Aborted!``); 141 stdout was closed early (``| head``):
output stops quietly, as for any tool killed by SIGPIPE. With ``--json`` the error object
goes to stdout, so a script that reads stdout always gets one JSON object.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from sync.errors import (
    ConfigError,
    HubshopError,
    InputError,
    InputErrors,
    RemoteError,
    Unreachable,
)

JSON_FLAG = "hubshop.json"
EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_PIPE = 141  # 128 + SIGPIPE: what a shell reports for `yes | head -1`'s writer


class CliFailure(click.ClickException):
    """An error in the CLI's words, carrying its kind and a hint for the JSON object."""

    def __init__(self, message: str, *, kind: str = "failed", hint: str = "") -> None:
        super().__init__(message)
        self.kind, self.hint = kind, hint


def words(exc: HubshopError) -> str:
    """A library error in the CLI's words: typed errors about a choice name its flag."""
    from sync.catalog.plan import TableTooLarge
    from sync.catalog.schema import ColumnTypeClash
    from sync.jobs.catalog import MissingCredentials, UnknownKind
    from sync.plumbing.retry import RetriesExhausted

    if isinstance(exc, TableTooLarge):
        return f"{exc} — e.g. --table NAME --products ID,..."
    if isinstance(exc, ColumnTypeClash):
        return f"{exc} — e.g. --table NAME"
    if isinstance(exc, MissingCredentials):
        return (f"--{exc.role} {exc.kind} needs {exc.service} credentials: missing "
                + ", ".join(exc.missing))
    if isinstance(exc, UnknownKind):
        return f"--{exc.role}: {exc.kind!r} is not a {exc.role}; choose {exc.choices}"
    if isinstance(exc, RetriesExhausted) and exc.last_reason.startswith("cannot reach"):
        return f"{exc} — {UNREACHABLE_HINT}"
    return str(exc)


UNREACHABLE_HINT = ("check the address (SHOPIFY_STORE, HUBSPOT_API_BASE, WAREHOUSE_URL), "
                    "the network or proxy, and that the service is up")


def kind_of(exc: BaseException) -> tuple[str, str]:
    """``(kind, hint)`` for the JSON error object."""
    from sync.plumbing.retry import RetriesExhausted

    if isinstance(exc, CliFailure):
        return exc.kind, exc.hint
    if isinstance(exc, click.UsageError):
        return "usage", "see the command's --help"
    if isinstance(exc, ConfigError):
        missing = getattr(exc, "missing", None)  # MissingCredentials names what to set
        if missing:
            return "config", (f"set {', '.join(missing)} (README: 'Configuration for real "
                              "services')")
        return "config", "fix the setting named (README: 'Configuration for real services')"
    if isinstance(exc, InputError):
        return "input", exc.fix or "fix the input at the place named"
    if isinstance(exc, InputErrors):
        return "input", "fix every place listed"
    if isinstance(exc, RetriesExhausted) and exc.last_reason.startswith("cannot reach"):
        return "unreachable", UNREACHABLE_HINT
    if isinstance(exc, Unreachable):
        return "unreachable", exc.fix or UNREACHABLE_HINT
    if isinstance(exc, RemoteError):
        return "remote", "check the service named, its credentials and the network"
    if isinstance(exc, OSError):
        return "os", "check the file, folder or port named"
    if isinstance(exc, HubshopError):
        return "failed", ""
    return "failed", ""


@contextmanager
def converted(ctx: click.Context) -> Iterator[None]:
    """Library errors (and file/port errors) become :class:`CliFailure`, never a traceback."""
    from sync.plumbing.redact import redact

    try:
        yield
    except CliFailure:
        raise
    except BrokenPipeError:
        raise click.exceptions.Exit(pipe_closed()) from None
    except HubshopError as exc:
        kind, hint = kind_of(exc)
        raise CliFailure(redact(words(exc)), kind=kind, hint=hint) from None
    except OSError as exc:
        kind, hint = kind_of(exc)
        raise CliFailure(redact(_os_words(exc)), kind=kind, hint=hint) from None
    except click.ClickException as exc:
        exc.message = redact(exc.message)
        raise


def pipe_closed() -> int:
    """The reader of stdout went away (``| head``): stop quietly, as Unix tools do.

    Later writes and the interpreter's final flush go to /dev/null instead of raising
    again, so no "Broken pipe" line or "Exception ignored" noise reaches the terminal.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # stdout without a file (a test runner's)
        pass
    return EXIT_PIPE


def _os_words(exc: OSError) -> str:
    if exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return exc.strerror or str(exc)


def fail_json(run: Callable[..., Any], args: Any = None, prog_name: Any = None,
              complete_var: Any = None, standalone_mode: bool = True, **extra: Any) -> Any:
    """Run click's ``main`` and answer errors in the CLI contract's shape, then exit."""
    if not standalone_mode:
        return run(args, prog_name, complete_var, standalone_mode=False, **extra)
    argv = list(sys.argv[1:] if args is None else args)
    as_json = "--json" in argv
    try:
        code = run(argv, prog_name, complete_var, standalone_mode=False, **extra)
        sys.stdout.flush()
    except BrokenPipeError:
        sys.exit(pipe_closed())
    except click.ClickException as exc:
        if as_json:
            kind, hint = kind_of(exc)
            emit_error(kind, exc.format_message(), hint)
        else:
            exc.show()
        sys.exit(exc.exit_code)
    except (click.Abort, KeyboardInterrupt, EOFError) as exc:
        interrupted = isinstance(exc, KeyboardInterrupt | EOFError) or isinstance(
            exc.__cause__, KeyboardInterrupt | EOFError)
        if as_json:
            emit_error("interrupted", "interrupted", "")
        elif not interrupted:  # a declined confirmation; Ctrl-C speaks for itself
            click.echo("Aborted!", err=True)
        sys.exit(EXIT_INTERRUPTED)
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def emit_error(kind: str, message: str, hint: str) -> None:
    """The one JSON object an error prints on stdout with --json."""
    import json

    click.echo(json.dumps({"error": {"kind": kind, "message": message, "hint": hint}},
                          indent=2, sort_keys=True))
