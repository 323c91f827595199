"""Progress for long jobs: a bar on a terminal, sparse structured log lines anywhere else.

A person at a terminal wants a live bar; a CI log or Lambda wants a few lines
it can search (``{"event": "progress", "label", "done", "total", "pct"}``), not
a thousand carriage returns. Callers write the same code for both.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import IO, Any

from sync.plumbing.clock import SYSTEM_CLOCK, Clock

log = logging.getLogger("sync.progress")

STEP_PCT = 10
"""Log mode reports each time another 10 % is done…"""
EVERY_SECONDS = 10.0
"""…or this long has passed since the last report, whichever comes first."""


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
) -> Iterator[Progress]:
    """Show progress of a job while the ``with`` block runs.

    Args:
        iterable_or_total: items to iterate (sized or not), a total count, or
            None when the amount of work is unknown.
        label: what is being done ("Uploading images").
        enabled: False shows nothing; True shows progress; None (default)
            shows it unless logging is quieter than INFO (``--quiet``).
        stream: where a bar draws (stderr); a bar is drawn only on a TTY,
            otherwise progress goes to the ``sync.progress`` logger.
        clock: times the log-mode reports (a ``VirtualClock`` in tests).
        every_seconds: longest gap between log-mode reports while work moves.

    Example:
        >>> with progress(products, "Syncing products") as bar:
        ...     for product in bar:
        ...         push(product)
    """
    total, items = _total_of(iterable_or_total)
    job = Progress(label, total, items)
    out = stream if stream is not None else sys.stderr
    if enabled is None:
        enabled = log.isEnabledFor(logging.INFO)
    if not enabled:
        yield job
        return
    if getattr(out, "isatty", lambda: False)():
        import click

        length_or_none: dict[str, Any] = (
            {"length": total} if total is not None else {"iterable": (x for x in ())}
        )
        with click.progressbar(label=label, file=out, show_pos=True, **length_or_none) as bar:
            job._listeners.append(bar.update)
            yield job
        return
    reporter = _LogLines(job, clock, every_seconds)
    job._listeners.append(reporter)
    yield job
    reporter.finish()
