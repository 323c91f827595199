"""Rejections, hand edits and problems each leave one structured log line (no personal data)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from sync.inventory.report import HandEdit, Problem, Rejection, RunReport
from sync.service.decisions_log import MAX_LINES, log_report


def _lines(caplog: pytest.LogCaptureFixture, event: str) -> list[Any]:
    return [r for r in caplog.records if getattr(r, "event", None) == event]


def test_an_overwrite_is_logged_with_before_and_after(caplog: pytest.LogCaptureFixture) -> None:
    # given a run that overwrote a hand edit, hit a bundle and rejected a line
    report = RunReport(
        hand_edits=[HandEdit("TEE-S", "WH-MAIN", -2, "overwrite", 9, 7)],
        problems=[Problem("BUNDLE-1", "WH-MAIN", "non_mutable", "Shopify will not set it")],
        rejected=[Rejection("body[3]", "TEE-L", "on_hand: -1 is negative")])
    # when it is logged
    with caplog.at_level(logging.INFO, logger="sync"):
        log_report("reconcile", report)
    # then each decision is one line whose fields a log query can filter on
    [edit] = _lines(caplog, "hand_edit")
    assert (edit.sku, edit.policy, edit.before, edit.after, edit.delta) == (
        "TEE-S", "overwrite", 9, 7, -2)
    assert edit.levelno == logging.WARNING and "9 -> 7" in edit.getMessage()
    [problem] = _lines(caplog, "problem")
    assert (problem.sku, problem.code, problem.stage) == ("BUNDLE-1", "non_mutable", "reconcile")
    [rejected] = _lines(caplog, "rejected")
    assert (rejected.where, rejected.sku, rejected.reason) == (
        "body[3]", "TEE-L", "on_hand: -1 is negative")


def test_a_flood_of_rejections_is_capped_with_a_count(caplog: pytest.LogCaptureFixture) -> None:
    report = RunReport(rejected=[Rejection(f"body[{n}]", f"S-{n}", "unknown SKU")
                                 for n in range(MAX_LINES + 5)])
    with caplog.at_level(logging.INFO, logger="sync"):
        log_report("stock", report)
    lines = _lines(caplog, "rejected")
    assert len(lines) == MAX_LINES + 1 and lines[-1].not_logged == 5
