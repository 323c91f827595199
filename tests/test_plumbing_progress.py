"""Progress draws a bar on a terminal, logs sparse structured lines elsewhere, and can be quiet."""

from __future__ import annotations

import io
import logging

import pytest

from sync.plumbing.clock import VirtualClock
from sync.plumbing.progress import progress


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _events(caplog) -> list[dict]:
    return [
        {"label": r.label, "done": r.done, "total": r.total, "pct": r.pct}
        for r in caplog.records
        if getattr(r, "event", None) == "progress"
    ]


def test_off_a_terminal_progress_logs_at_most_every_ten_percent(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock = VirtualClock()
    # when
    with progress(1000, "Uploading images", stream=io.StringIO(), clock=clock) as job:
        for _ in range(1000):
            job.update()
    # then
    events = _events(caplog)
    assert [e["pct"] for e in events] == [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert events[-1] == {"label": "Uploading images", "done": 1000, "total": 1000, "pct": 100}
    assert caplog.records[-1].getMessage() == "Uploading images: 1000/1000 (100%)"


def test_a_slow_job_also_reports_every_n_seconds(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock = VirtualClock()
    # when
    with progress(1000, "Publishing", stream=io.StringIO(), clock=clock, every_seconds=5) as job:
        for _ in range(30):
            clock.advance(1.0)
            job.update()
    # then: 30 s of work on 3 % of the job → a line every 5 s, then the final one
    assert [e["done"] for e in _events(caplog)] == [5, 10, 15, 20, 25, 30]


def test_unknown_totals_report_counts_by_time(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock = VirtualClock()
    rows = (n for n in range(95))
    # when
    with progress(rows, "Reading feed", stream=io.StringIO(), clock=clock) as job:
        for _ in job:
            clock.advance(0.25)
    # then
    events = _events(caplog)
    assert [e["done"] for e in events] == [40, 80, 95]
    assert events[-1]["total"] is None and events[-1]["pct"] is None
    assert caplog.records[-1].getMessage() == "Reading feed: 95 done"


def test_iterating_a_sized_collection_counts_its_items(caplog):
    caplog.set_level(logging.INFO, logger="sync.progress")
    with progress(["a", "b", "c"], "Pages", stream=io.StringIO()) as job:
        seen = list(job)
    assert seen == ["a", "b", "c"]
    assert (job.done, job.total, job.pct) == (3, 3, 100.0)


def test_quiet_means_nothing_at_all(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    tty = Tty()
    # when
    with progress(10, "Syncing", enabled=False, stream=tty) as job:
        job.update(10)
    # then
    assert tty.getvalue() == ""
    assert _events(caplog) == []
    assert job.done == 10


def test_by_default_progress_follows_the_log_level(caplog):
    caplog.set_level(logging.WARNING, logger="sync.progress")
    with progress(10, "Syncing", stream=Tty()) as job:
        job.update(10)
    assert _events(caplog) == []


def test_on_a_terminal_a_click_bar_is_drawn(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    tty = Tty()
    # when
    with progress(4, "Rendering", stream=tty) as job:
        for _ in range(4):
            job.update()
    # then
    drawn = tty.getvalue()
    assert "Rendering" in drawn and "4/4" in drawn
    assert _events(caplog) == []


def test_a_bar_with_an_unknown_total_still_counts(caplog):
    caplog.set_level(logging.INFO, logger="sync.progress")
    tty = Tty()
    with progress(None, "Downloading", stream=tty) as job:
        job.update(7)
    assert "Downloading" in tty.getvalue() and "7" in tty.getvalue()


def test_no_final_line_when_the_job_fails(caplog):
    caplog.set_level(logging.INFO, logger="sync.progress")
    with pytest.raises(RuntimeError), progress(100, "Syncing", stream=io.StringIO()) as job:
        job.update(5)
        raise RuntimeError("boom")
    assert _events(caplog) == []


def test_a_count_cannot_be_iterated():
    with pytest.raises(TypeError, match="call update"), progress(5, "X", enabled=False) as job:
        list(job)
