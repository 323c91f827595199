"""Secrets never reach logs, error messages or tracebacks."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import textwrap

import pytest

from sync.plumbing.redact import (
    RedactingFilter,
    forget_secrets,
    redact,
    redacted_exception,
    register_secret,
)

SHOPIFY_TOKEN = "shpat_0123456789abcdef0123456789abcdef"
HUBSPOT_TOKEN = "pat-na1-12345678-abcd-4321-9876-0123456789ab"


@pytest.fixture(autouse=True)
def _clean_registry():
    forget_secrets()
    yield
    forget_secrets()


def test_a_registered_secret_is_masked_anywhere_even_url_encoded():
    # given
    register_secret("s3cr3t/value+with=odd chars")
    # when
    text = redact("key s3cr3t/value+with=odd chars in url ?k=s3cr3t%2Fvalue%2Bwith%3Dodd%20chars")
    # then
    assert text == "key *** in url ?k=***"


def test_short_and_empty_values_are_not_registered():
    # given
    register_secret("")
    register_secret(None)
    register_secret("admin")
    # when / then
    assert redact("admin logged in") == "admin logged in"


@pytest.mark.parametrize(
    ("text", "leak"),
    [
        (f"token {SHOPIFY_TOKEN} rejected", SHOPIFY_TOKEN),
        ("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", "aabbccddeeff"),
        ("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", "aabbccddeeff"),
        ("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", "aabbccddeeff"),
        (f"hubspot said no to {HUBSPOT_TOKEN}", "12345678-abcd"),
        ("pat-eu1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee", "aaaaaaaa-bbbb"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig", "eyJhbGci"),
        ("{'Authorization': 'Basic dXNlcjpwYXNzd29yZA=='}", "dXNlcjpw"),
        ("X-Shopify-Access-Token: abcdef1234567890", "abcdef1234567890"),
        ('{"X-Shopify-Access-Token": "abcdef1234567890"}', "abcdef1234567890"),
        ("GET https://x.test/oauth?access_token=abc123def456&shop=a", "abc123def456"),
        ("client_id=id&client_secret=topsecretvalue&grant_type=x", "topsecretvalue"),
        ('{"access_token": "tok_abc123456", "scope": "read"}', "tok_abc123456"),
        ("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtn"),
        ("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtn"),
    ],
)
def test_well_known_token_shapes_are_masked(text, leak):
    # when
    masked = redact(text)
    # then
    assert leak not in masked
    assert "***" in masked


def test_ordinary_text_is_left_alone():
    # given
    text = "Synced 152 products (3 drafts) to shop brand.myshopify.com; basic plan; pat-down"
    # when / then
    assert redact(text) == text


def test_redaction_keeps_the_label_so_the_reader_knows_what_was_there():
    assert redact("Authorization: Bearer abcdefghijkl") == "Authorization: ***"
    assert redact("url?access_token=abcdefgh&x=1") == "url?access_token=***&x=1"


def test_redacted_exception_masks_the_message_and_the_traceback():
    # given
    register_secret("my-very-secret-token")
    try:
        raise RuntimeError("call failed with my-very-secret-token")
    except RuntimeError as exc:
        error = exc
    # when
    one_line = redacted_exception(error)
    full = redacted_exception(error, with_traceback=True)
    # then
    assert one_line == "RuntimeError: call failed with ***"
    assert "Traceback" in full
    assert "my-very-secret-token" not in full


def _logger_with_filter() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s %(detail)s"))
    logger = logging.getLogger("test.redact")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    return logger, stream


def test_log_filter_masks_message_args_extras_and_exception_text():
    # given
    logger, stream = _logger_with_filter()
    register_secret("registered-secret-1")
    # when
    try:
        raise ValueError(f"store rejected {SHOPIFY_TOKEN}")
    except ValueError:
        logger.exception(
            "sending %s to %s",
            "registered-secret-1",
            "https://a.test/?access_token=abcdefgh",
            extra={"detail": f"header X-Shopify-Access-Token: {SHOPIFY_TOKEN}"},
        )
    # then
    output = stream.getvalue()
    assert "registered-secret-1" not in output
    assert "abcdefgh" not in output
    assert SHOPIFY_TOKEN not in output
    assert "Traceback" in output and "ValueError: store rejected ***" in output


def test_uncaught_traceback_is_redacted_on_stderr():
    # given a program that loads a token and then dies with it in the message
    program = textwrap.dedent(
        f"""
        from sync.plumbing.redact import install_excepthook, register_secret
        install_excepthook()
        token = "custom-warehouse-key-42"
        register_secret(token)
        def call():
            raise ConnectionError("warehouse refused key " + token + " and {HUBSPOT_TOKEN}")
        call()
        """
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", program], capture_output=True, text=True, timeout=60
    )
    # then
    assert result.returncode == 1
    assert "Traceback" in result.stderr and "ConnectionError" in result.stderr
    assert "custom-warehouse-key-42" not in result.stderr
    assert HUBSPOT_TOKEN not in result.stderr


def test_uncaught_exception_in_a_thread_is_redacted(capsys):
    # given
    import threading

    from sync.plumbing.redact import install_excepthook

    old_hooks = (sys.excepthook, threading.excepthook)
    install_excepthook()
    register_secret("thread-secret-value")

    def work():
        raise RuntimeError("thread-secret-value leaked")

    # when
    try:
        worker = threading.Thread(target=work, name="syncer")
        worker.start()
        worker.join()
    finally:
        sys.excepthook, threading.excepthook = old_hooks
    # then
    err = capsys.readouterr().err
    assert "Exception in thread syncer" in err
    assert "RuntimeError: *** leaked" in err
