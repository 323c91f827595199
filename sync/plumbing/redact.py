"""Keep secrets out of logs, error messages and tracebacks.

Two nets, because either alone leaks: a process-wide registry of the exact
secrets this run loaded (config calls :func:`register_secret` for every token it
reads), and patterns for the token shapes Shopify, HubSpot and AWS use, which
also catch secrets that arrive from elsewhere (a pasted URL, a response body).
"""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType
from urllib.parse import quote

MASK = "***"
MIN_SECRET_LENGTH = 8
"""Shorter values are ignored: masking every "admin" or "1234" would garble logs."""

_lock = threading.Lock()
_secrets: set[str] = set()
_secret_pattern: re.Pattern[str] | None = None

_QUOTED = r"[\"']"
_VALUE_NAMES = (
    r"access_token|refresh_token|client_secret|id_token|api_key|apikey|hapikey"
    r"|personal_?access_?key|password|secret"
)
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # Shopify tokens: admin API, custom app, shared secret, partner/private app.
    (re.compile(r"\bshp(?:at|ca|ss|pa|ua|tka)_[A-Za-z0-9]{8,}"), MASK),
    # HubSpot private-app and personal access tokens: pat-na1-…, pat-eu1-….
    (re.compile(r"\bpat-[a-z]{2,4}\d-[A-Za-z0-9-]{8,}"), MASK),
    # Header lines and header dict reprs: the whole value, whatever the scheme.
    (
        re.compile(
            r"(?i)(" + _QUOTED + r"?\b(?:x-shopify-access-token|authorization|proxy-authorization"
            r"|x-api-key|x-hubspot-api-key)" + _QUOTED + r"?\s*[:=]\s*" + _QUOTED + r"?)"
            r"[^\"'\r\n,}]+"
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 " + MASK),
    # key=value in URLs and form bodies.
    (re.compile(r"(?i)\b((?:" + _VALUE_NAMES + r")=)[^&\s\"'<>]+"), r"\1" + MASK),
    # "key": "value" in JSON bodies.
    (
        re.compile(r"(?i)(" + _QUOTED + r"(?:" + _VALUE_NAMES + r"|token)" + _QUOTED + r"\s*:\s*"
                   + _QUOTED + r")[^\"']+"),
        r"\1" + MASK,
    ),
    # AWS secret keys in config files, env dumps and reprs.
    (
        re.compile(r"(?i)(aws_secret_access_key" + _QUOTED + r"?\s*[:=]\s*" + _QUOTED + r"?)"
                   r"[A-Za-z0-9/+=]{16,}"),
        r"\1" + MASK,
    ),
)


def register_secret(value: str | None) -> None:
    """Remember a secret so :func:`redact` masks it wherever it appears.

    Its URL-encoded form is registered too, since tokens travel in query strings.
    Empty and short values are ignored on purpose (see ``MIN_SECRET_LENGTH``).
    """
    global _secret_pattern
    if not value or len(value) < MIN_SECRET_LENGTH:
        return
    with _lock:
        before = len(_secrets)
        _secrets.update({value, quote(value, safe="")})
        if len(_secrets) != before:
            ordered = sorted(_secrets, key=len, reverse=True)
            _secret_pattern = re.compile("|".join(re.escape(s) for s in ordered))


def forget_secrets() -> None:
    """Empty the registry (tests; a long-lived process switching accounts)."""
    global _secret_pattern
    with _lock:
        _secrets.clear()
        _secret_pattern = None


def redact(text: object) -> str:
    """Return ``text`` with registered secrets and known token shapes replaced by ``***``."""
    result = text if isinstance(text, str) else str(text)
    if not result:
        return result
    pattern = _secret_pattern
    if pattern is not None:
        result = pattern.sub(MASK, result)
    for shape, replacement in _PATTERNS:
        result = shape.sub(replacement, result)
    return result


def redacted_exception(exc: BaseException, *, with_traceback: bool = False) -> str:
    """Describe an exception safely: ``Type: message``, or the whole traceback if asked."""
    if with_traceback:
        return redact("".join(traceback.format_exception(exc)))
    return redact(f"{type(exc).__name__}: {exc}")


STANDARD_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
"""A LogRecord's own attributes; anything else on a record came from ``extra=``."""


class RedactingFilter(logging.Filter):
    """A logging filter that masks secrets in the message, its args, extras and exception text.

    Install it on *handlers*: a logger's own filters do not see records that
    propagate up from child loggers. The record is rewritten in place (args are
    merged into the message, exception info becomes redacted ``exc_text``), so
    every formatter downstream only ever sees the masked text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and record.exc_info[0] is not None:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact(text)
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        for key, value in list(vars(record).items()):
            if key not in STANDARD_RECORD_ATTRS and isinstance(value, str):
                setattr(record, key, redact(value))
        return True


def _write_redacted(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    text = "".join(traceback.format_exception(exc_type, exc, tb))
    sys.stderr.write(redact(text))
    sys.stderr.flush()


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    sys.stderr.write(f"Exception in thread {name}:\n")
    _write_redacted(args.exc_type, args.exc_value, args.exc_traceback)


def install_excepthook() -> None:
    """Route uncaught exceptions (main thread and others) through :func:`redact`.

    Python's default hook prints the raw traceback, which carries any token an
    exception message was built from. Calling this twice is harmless.
    """
    sys.excepthook = _write_redacted
    threading.excepthook = _thread_hook
