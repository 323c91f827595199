"""``hubshop status`` text: no Python ``None``, unknown drift names its error, readable times."""

from __future__ import annotations

from datetime import UTC, datetime

from sync.cli.status import _line
from sync.model.time import when

NOW = datetime(2026, 12, 4, 23, 30, tzinfo=UTC)


def test_unknown_drift_says_unknown_with_the_reason() -> None:
    # given a catalog whose HubDB table could not be read
    state = {"last_run": None, "drift": {"count": None, "error": "HubSpot read table: gave up"},
             "pending": {"unpublished_draft": None}, "next_run": None}
    # when
    line = _line("catalog", state, NOW)
    # then
    assert "None" not in line
    assert "drift unknown (HubSpot read table: gave up)" in line


def test_the_last_run_names_its_target_and_a_readable_time() -> None:
    # given a catalog sync against the local table, two hours ago
    state = {"last_run": {"kind": "catalog_sync", "end": "2026-12-04T21:29:59.123456+00:00",
                          "result": "ok", "counts": {"updated": 3}, "target": "local table"},
             "drift": {"count": 0}, "next_run": "2026-12-05T00:00:00+00:00"}
    # when
    line = _line("catalog", state, NOW)
    # then
    assert "catalog_sync on local table 2026-12-04 21:29 UTC (2 h ago) ok" in line
    assert "next run 2026-12-05 00:00 UTC (in 30 min)" in line
    assert ".123456" not in line


def test_when_reads_like_a_person_would_say_it() -> None:
    assert when("2026-12-04T23:29:30+00:00", NOW) == "2026-12-04 23:29 UTC (just now)"
    assert when("2026-11-02T09:00:00+00:00", NOW) == "2026-11-02 09:00 UTC (32 d ago)"
    assert when("not a time", NOW) == "not a time"
