"""Logs come out as concise terminal lines or JSON lines, with secrets masked either way."""

from __future__ import annotations

import io
import json
import logging
import re
import sys
import threading

import pytest

from sync.plumbing.logs import configure_logging, resolve_mode
from sync.plumbing.redact import forget_secrets, register_secret

TOKEN = "shpat_0123456789abcdef0123456789abcdef"


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def configure(monkeypatch):
    """configure_logging, undone after the test: root handler, level and excepthooks."""
    root = logging.getLogger()
    level = root.level
    hooks = (sys.excepthook, threading.excepthook)
    installed = []

    def _configure(*args, **kwargs):
        handler = configure_logging(*args, **kwargs)
        installed.append(handler)
        return handler

    yield _configure
    for handler in installed:
        root.removeHandler(handler)
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks
    forget_secrets()


def test_auto_means_json_in_lambda_and_terminal_elsewhere(monkeypatch):
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    assert resolve_mode("auto") == "terminal"
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "hubshop-inventory")
    assert resolve_mode("auto") == "json"
    assert resolve_mode("terminal") == "terminal"


def test_unknown_mode_or_level_is_refused_by_name(configure):
    with pytest.raises(ValueError, match="log format must be one of terminal, json, auto"):
        configure("xml")
    with pytest.raises(ValueError, match="log level .* not 'LOUD'"):
        configure("terminal", level="LOUD")


def test_json_lines_carry_timestamp_level_logger_message_and_extras(configure):
    # given
    stream = io.StringIO()
    configure("json", stream=stream)
    # when
    logging.getLogger("sync.catalog").info("planned %d changes", 3, extra={"run_id": "r-1"})
    # then
    entry = json.loads(stream.getvalue())
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", entry.pop("timestamp"))
    assert entry == {
        "level": "INFO",
        "logger": "sync.catalog",
        "message": "planned 3 changes",
        "run_id": "r-1",
    }


def test_json_exceptions_are_one_redacted_string(configure):
    # given
    stream = io.StringIO()
    configure("json", stream=stream)
    # when
    try:
        raise PermissionError(f"Shopify refused {TOKEN}")
    except PermissionError:
        logging.getLogger("sync.shopify").exception("sync failed")
    # then
    entry = json.loads(stream.getvalue())
    assert entry["level"] == "ERROR"
    assert "Traceback" in entry["exception"]
    assert "PermissionError: Shopify refused ***" in entry["exception"]
    assert TOKEN not in stream.getvalue()


def test_terminal_lines_are_short_and_mark_only_what_needs_attention(configure):
    # given
    stream = io.StringIO()
    configure("terminal", level="DEBUG", stream=stream)
    log = logging.getLogger("sync.site")
    # when
    log.info("rendered 40 pages")
    log.warning("2 images missing", extra={"sku": "TEE-RED-M"})
    log.error("upload failed")
    log.debug("cache hit")
    # then
    assert stream.getvalue().splitlines() == [
        "rendered 40 pages",
        "warning: 2 images missing sku=TEE-RED-M",
        "error: upload failed",
        "debug [sync.site]: cache hit",
    ]


def test_terminal_colours_only_on_a_tty_without_no_color(configure, monkeypatch):
    # given
    monkeypatch.delenv("NO_COLOR", raising=False)
    tty = Tty()
    configure("terminal", stream=tty)
    # when
    logging.getLogger("sync").warning("careful")
    # then
    assert tty.getvalue() == "\x1b[33mwarning: \x1b[0mcareful\n"
    monkeypatch.setenv("NO_COLOR", "1")
    plain = Tty()
    configure("terminal", stream=plain)
    logging.getLogger("sync").warning("careful")
    assert plain.getvalue() == "warning: careful\n"


def test_terminal_mode_masks_registered_secrets_in_messages_and_tracebacks(configure):
    # given
    stream = io.StringIO()
    configure("terminal", stream=stream)
    register_secret("warehouse-api-key-99")
    # when
    try:
        raise ConnectionError("key warehouse-api-key-99 refused")
    except ConnectionError:
        logging.getLogger("sync.warehouse").exception("using %s", "warehouse-api-key-99")
    # then
    output = stream.getvalue()
    assert output.startswith("error: using ***\nTraceback")
    assert "warehouse-api-key-99" not in output


def test_configuring_twice_replaces_the_handler_instead_of_doubling_output(configure):
    # given
    first, second = io.StringIO(), io.StringIO()
    configure("terminal", stream=first)
    configure("terminal", stream=second)
    # when
    logging.getLogger("sync").info("once")
    # then
    assert first.getvalue() == ""
    assert second.getvalue() == "once\n"


def test_level_filters_quieter_records(configure):
    stream = io.StringIO()
    configure("terminal", level="warning", stream=stream)
    logging.getLogger("sync").info("chatter")
    assert stream.getvalue() == ""


def test_terminal_shows_structured_events_by_their_message_alone(configure):
    stream = io.StringIO()
    configure("terminal", stream=stream)
    logging.getLogger("sync.progress").info(
        "Pages: 3/3 (100%)", extra={"event": "progress", "done": 3, "total": 3, "pct": 100.0}
    )
    assert stream.getvalue() == "Pages: 3/3 (100%)\n"
