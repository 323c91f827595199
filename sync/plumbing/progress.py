"""Progress for long jobs: a bar on a terminal, sparse structured log lines anywhere else.

A person at a terminal wants a live bar (click's ``progressbar``: click is
already the CLI's library, so no second terminal toolkit); a CI log or Lambda
wants a few lines it can search (``{"event": "progress", "label", "done",
"total", "pct"}``), not a thousand carriage returns. Callers write the same code
for both. On a terminal the bar is on by default but appears only once a job
has run for a second, so quick commands stay quiet; piped, progress goes to the
log (seen with ``-v``, and in Lambda's JSON logs). The CLI turns it all off for
``--quiet`` and ``--json`` with :func:`set_display`.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, Any

from sync.plumbing.clock import SYSTEM_CLOCK, Clock

log = logging.getLogger("sync.progress")

STEP_PCT = 10
"""Log mode reports each time another 10 % is done…"""
EVERY_SECONDS = 10.0
"""…or this long has passed since the last report, whichever comes first."""
BAR_AFTER_SECONDS = 1.0
"""A terminal bar appears only for jobs still running after this long."""

_DISPLAY: ContextVar[bool | None] = ContextVar("hubshop_progress_display", default=None)


def set_display(enabled: bool | None) -> Callable[[], None]:
    """Decide, for this run, progress that callers left to the default (``enabled=None``).

    The CLI's one switch: ``False`` for ``--quiet`` and ``--json`` (nothing on
    stderr but errors and warnings), ``None`` for the default. A library call
    that passes ``enabled=True`` or ``False`` itself is not overridden.

    Returns:
        A function that restores the previous choice (``ctx.call_on_close`` it).
    """
    token = _DISPLAY.set(enabled)
    return lambda: _DISPLAY.reset(token)


class Progress:
    """What a job reports to: ``update(n)`` after work, or iterate it to count items."""

    def __init__(self, label: str, total: int | None, items: Iterable[Any] | None) -> None:
        self.label = label
        self.total = total
        self.done = 0
        self._items = items
        self._listeners: list[Any] = []

    @property
    def pct(self) -> float | None:
        """Percent done, or None when the total is unknown."""
        if not self.total:
            return None
        return round(min(100.0, self.done * 100.0 / self.total), 1)

    def update(self, n: int = 1) -> None:
        """Record ``n`` more units of work done."""
        self.done += n
        for listener in self._listeners:
            listener(n)

    def __iter__(self) -> Iterator[Any]:
        if self._items is None:
            raise TypeError(f"progress {self.label!r} was given a count, not items; call update()")
        for item in self._items:
            yield item
            self.update(1)


class _LogLines:
    """Reports to the log at each 10 % step or every ``every_seconds``, and once at the end."""

    def __init__(self, job: Progress, clock: Clock, every_seconds: float) -> None:
        self.job = job
        self.clock = clock
        self.every_seconds = every_seconds
        self.last_time = clock.monotonic()
        self.last_step = 0
        self.last_done = 0

    def __call__(self, _n: int) -> None:
        now = self.clock.monotonic()
        step = int(self.job.pct // STEP_PCT) if self.job.pct is not None else self.last_step
        if step > self.last_step or now - self.last_time >= self.every_seconds:
            self.emit()

    def emit(self) -> None:
        job = self.job
        self.last_time = self.clock.monotonic()
        self.last_step = int(job.pct // STEP_PCT) if job.pct is not None else 0
        self.last_done = job.done
        if job.total is None:
            text = f"{job.label}: {job.done} done"
        else:
            text = f"{job.label}: {job.done}/{job.total} ({job.pct:g}%)"
        fields = {"done": job.done, "total": job.total, "pct": job.pct}
        log.info(text, extra={"event": "progress", "label": job.label, **fields})

    def finish(self) -> None:
        if self.job.done != self.last_done or self.job.done == 0:
            self.emit()


def _total_of(iterable_or_total: Iterable[Any] | int | None) -> tuple[int | None, Any]:
    if iterable_or_total is None:
        return None, None
    if isinstance(iterable_or_total, int):
        if iterable_or_total < 0:
            raise ValueError(f"a progress total cannot be negative ({iterable_or_total})")
        return iterable_or_total, None
    try:
        return len(iterable_or_total), iterable_or_total  # type: ignore[arg-type]
    except TypeError:
        return None, iterable_or_total


@contextmanager
def progress(
    iterable_or_total: Iterable[Any] | int | None,
    label: str,
    *,
    enabled: bool | None = None,
    stream: IO[str] | None = None,
    clock: Clock = SYSTEM_CLOCK,
    every_seconds: float = EVERY_SECONDS,
    bar_after: float = BAR_AFTER_SECONDS,
) -> Iterator[Progress]:
    """Show progress of a job while the ``with`` block runs.

    Args:
        iterable_or_total: items to iterate (sized or not), a total count, or
            None when the amount of work is unknown.
        label: what is being done ("Uploading images").
        enabled: False shows nothing; True shows progress; None (default)
            follows :func:`set_display` (the CLI's ``--quiet``/``--json``),
            else a bar on a terminal, and log lines elsewhere when logging
            is at INFO (``-v``, Lambda).
        stream: where a bar draws (stderr); a bar is drawn only on a TTY,
            otherwise progress goes to the ``sync.progress`` logger.
        clock: times the log-mode reports and the bar's delay (a ``VirtualClock`` in tests).
        every_seconds: longest gap between log-mode reports while work moves.
        bar_after: how long a job runs before its terminal bar appears.

    Example:
        >>> with progress(products, "Syncing products") as bar:
        ...     for product in bar:
        ...         push(product)
    """
    total, items = _total_of(iterable_or_total)
    job = Progress(label, total, items)
    out = stream if stream is not None else sys.stderr
    on_terminal = bool(getattr(out, "isatty", lambda: False)())
    if enabled is None:
        enabled = _DISPLAY.get()
        if enabled is None:
            enabled = on_terminal or log.isEnabledFor(logging.INFO)
    if not enabled:
        yield job
        return
    if on_terminal:
        bar = _Bar(job, out, clock, bar_after)
        job._listeners.append(bar)
        try:
            yield job
        finally:
            bar.finish()
        return
    reporter = _LogLines(job, clock, every_seconds)
    job._listeners.append(reporter)
    yield job
    reporter.finish()


class _Bar:
    """click's progress bar, opened once the job has run ``after`` seconds (then caught up)."""

    def __init__(self, job: Progress, out: IO[str], clock: Clock, after: float) -> None:
        self.job = job
        self.out = out
        self.clock = clock
        self.due = clock.monotonic() + after
        self.bar: Any = None

    def __call__(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)
        elif self.clock.monotonic() >= self.due:
            import click

            job = self.job
            sized: dict[str, Any] = (
                {"length": job.total} if job.total is not None else {"iterable": iter(())}
            )
            self.bar = click.progressbar(label=job.label, file=self.out, show_pos=True, **sized)
            self.bar.__enter__()
            self.bar.update(job.done)

    def finish(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
