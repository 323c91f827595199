"""Logging set up once: concise lines for people, JSON lines for machines, secrets masked in both.

``auto`` picks JSON only inside AWS Lambda (``AWS_LAMBDA_FUNCTION_NAME`` set)
and the terminal format everywhere else, piped or not: CI logs and cron mail
are read by people, and a machine that wants JSON asks with
``--log-format json``. The Lambda handlers themselves log through Powertools'
``Logger``; this JSON mode is for CLI runs that want structured output.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from datetime import UTC, datetime
from typing import IO, Any

from sync.plumbing.redact import (
    STANDARD_RECORD_ATTRS,
    RedactingFilter,
    install_excepthook,
    redact,
)

MODES = ("terminal", "json", "auto")
LAMBDA_ENV = "AWS_LAMBDA_FUNCTION_NAME"


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra={...}`` fields a call attached to a record, without logging's own."""
    return {k: v for k, v in vars(record).items() if k not in STANDARD_RECORD_ATTRS}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: timestamp (ISO UTC), level, logger, message, extras, exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in extra_fields(record).items():
            entry.setdefault(key, value)
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = redact(self.formatException(record.exc_info))
        elif record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, default=str, ensure_ascii=False)


class TerminalFormatter(logging.Formatter):
    """Short human lines: the message, prefixed only when it is not plain information.

    ``warning: …`` and ``error: …`` stand out; debug lines name their logger;
    ``extra`` fields follow as ``key=value``, except on structured events
    (records with an ``event`` field, like progress), whose message already
    says in words what their fields say to machines. Colour only on a TTY and never
    when ``NO_COLOR`` is set.
    """

    _COLOURS = {
        logging.WARNING: "\x1b[33m",
        logging.ERROR: "\x1b[31m",
        logging.CRITICAL: "\x1b[31m",
    }

    def __init__(self, colour: bool = False) -> None:
        super().__init__()
        self.colour = colour

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        extras = extra_fields(record)
        if extras and "event" not in extras:
            text += " " + " ".join(f"{k}={v}" for k, v in extras.items())
        if record.levelno >= logging.WARNING:
            prefix = f"{record.levelname.lower()}: "
            if self.colour:
                prefix = f"{self._COLOURS.get(record.levelno, '')}{prefix}\x1b[0m"
            text = prefix + text
        elif record.levelno < logging.INFO:
            text = f"debug [{record.name}]: {text}"
        if record.exc_info and record.exc_info[0] is not None:
            text += "\n" + redact(self.formatException(record.exc_info))
        elif record.exc_text:
            text += "\n" + record.exc_text
        return text


def resolve_mode(mode: str) -> str:
    """Turn ``auto`` into ``json`` (inside Lambda) or ``terminal`` (everywhere else)."""
    if mode not in MODES:
        raise ValueError(f"log format must be one of {', '.join(MODES)}, not {mode!r}")
    if mode == "auto":
        return "json" if os.environ.get(LAMBDA_ENV) else "terminal"
    return mode


def _level(level: str | int) -> int:
    if isinstance(level, int):
        return level
    number = logging.getLevelName(level.upper())
    if not isinstance(number, int):
        raise ValueError(f"log level must be DEBUG, INFO, WARNING or ERROR, not {level!r}")
    return number


def configure_logging(
    mode: str = "auto",
    level: str | int = "INFO",
    stream: IO[str] | None = None,
    *,
    excepthook: bool = True,
) -> logging.Handler:
    """Send every log record to ``stream`` (stderr) in the chosen format, secrets masked.

    Replaces a handler an earlier call installed, so calling it again (tests,
    a CLI group and its subcommand) never doubles output; other handlers on
    the root logger are left alone. Also installs the redacting excepthook
    unless told not to. Returns the handler, e.g. for a test to remove.
    """
    resolved = resolve_mode(mode)
    number = _level(level)
    out = stream if stream is not None else sys.stderr
    handler = logging.StreamHandler(out)
    handler.set_name("hubshop")
    handler.addFilter(RedactingFilter())
    if resolved == "json":
        handler.setFormatter(JsonFormatter())
    else:
        isatty = getattr(out, "isatty", lambda: False)
        handler.setFormatter(TerminalFormatter(colour=isatty() and not os.environ.get("NO_COLOR")))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == "hubshop"]:
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(number)
    if excepthook:
        install_excepthook()
    return handler
