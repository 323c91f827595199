"""Progress draws a bar on a terminal, logs sparse structured lines elsewhere, and can be quiet."""

from __future__ import annotations

import io
import logging

import pytest

from sync.plumbing.clock import VirtualClock
from sync.plumbing.progress import progress, set_display


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


def test_by_default_a_terminal_gets_a_bar_whatever_the_log_level(caplog):
    # given the CLI's default log level (WARNING) and a job longer than a second
    caplog.set_level(logging.WARNING, logger="sync.progress")
    clock, tty = VirtualClock(), Tty()
    # when
    with progress(10, "Syncing", stream=tty, clock=clock) as job:
        for _ in range(10):
            clock.advance(0.5)
            job.update()
    # then
    assert "Syncing" in tty.getvalue() and "10/10" in tty.getvalue()
    assert _events(caplog) == []


def test_by_default_piped_output_follows_the_log_level(caplog):
    # given WARNING (no -v) and a stream that is not a terminal
    caplog.set_level(logging.WARNING, logger="sync.progress")
    piped = io.StringIO()
    # when
    with progress(10, "Syncing", stream=piped) as job:
        job.update(10)
    # then neither a bar nor a log line
    assert piped.getvalue() == "" and _events(caplog) == []


def test_a_job_under_a_second_draws_no_bar():
    clock, tty = VirtualClock(), Tty()
    with progress(4, "Rendering", stream=tty, clock=clock) as job:
        for _ in range(4):
            clock.advance(0.2)
            job.update()
    assert tty.getvalue() == ""


def test_the_bar_appears_after_a_second_and_catches_up():
    # given
    clock, tty = VirtualClock(), Tty()
    with progress(100, "Uploading", stream=tty, clock=clock) as job:
        job.update(40)
        assert tty.getvalue() == ""  # under a second: nothing yet
        # when the job is still running a second later
        clock.advance(1.0)
        job.update(10)
        # then the bar shows the work done so far
        assert "50/100" in tty.getvalue()


def test_quiet_and_json_turn_default_progress_off_until_restored(caplog):
    # given the CLI's switch set off (--quiet or --json)
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock, tty = VirtualClock(), Tty()
    restore = set_display(False)
    try:
        # when a library call leaves progress to the default
        with progress(10, "Syncing", stream=tty, clock=clock) as job:
            clock.advance(5)
            job.update(10)
        with progress(10, "Syncing", stream=io.StringIO(), clock=clock) as job:
            job.update(10)
    finally:
        restore()
    # then nothing was shown, on a terminal or in the log
    assert tty.getvalue() == "" and _events(caplog) == []
    # and once restored the default is back
    with progress(10, "Syncing", stream=io.StringIO(), clock=clock) as job:
        job.update(10)
    assert _events(caplog)


def test_on_a_terminal_a_click_bar_is_drawn(caplog):
    # given
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock, tty = VirtualClock(), Tty()
    # when a job takes two seconds
    with progress(4, "Rendering", stream=tty, clock=clock) as job:
        for _ in range(4):
            clock.advance(0.5)
            job.update()
    # then
    drawn = tty.getvalue()
    assert "Rendering" in drawn and "4/4" in drawn
    assert _events(caplog) == []


def test_a_bar_with_an_unknown_total_still_counts(caplog):
    caplog.set_level(logging.INFO, logger="sync.progress")
    clock, tty = VirtualClock(), Tty()
    with progress(None, "Downloading", stream=tty, clock=clock) as job:
        clock.advance(2)
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


@pytest.fixture
def probe():
    """A throw-away subcommand that runs a two-second job with progress left to the default."""
    import click

    from sync.cli import main
    from sync.cli.options import json_option

    drawn: list[str] = []

    @main.command("progress-probe")
    @json_option
    def command(as_json: bool) -> None:
        clock, tty = VirtualClock(), Tty()
        with progress(3, "Probing", stream=tty, clock=clock) as job:
            for _ in range(3):
                clock.advance(1)
                job.update()
        drawn.append(tty.getvalue())
        click.echo("{}" if as_json else "done")

    yield drawn
    main.commands.pop("progress-probe")


@pytest.mark.parametrize(
    ("args", "shown"),
    [([], True), (["--quiet"], False), (["-q"], False), (["--json"], False)],
)
def test_the_cli_shows_bars_by_default_and_not_with_quiet_or_json(probe, args, shown):
    from click.testing import CliRunner

    from sync.cli import main

    # given a root flag or the command's --json
    root = [a for a in args if a != "--json"]
    command = [a for a in args if a == "--json"]
    # when
    result = CliRunner().invoke(main, [*root, "progress-probe", *command])
    # then
    assert result.exit_code == 0, result.output
    assert ("3/3" in probe[0]) is shown
    # and nothing leaks into the next run
    CliRunner().invoke(main, ["progress-probe"])
    assert "3/3" in probe[1]
