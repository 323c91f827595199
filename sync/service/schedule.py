"""When ``hubshop serve``'s schedule loop runs the poll and the nightly reconcile (pure).

The same two jobs EventBridge Scheduler runs in AWS: a warehouse poll every
``poll_minutes`` and a full reconcile at 00:00 in the store's time zone. The
midnight is computed in that zone, so it follows daylight saving as
``ScheduleExpressionTimezone`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.errors import ConfigError


@dataclass
class Schedule:
    """Says which jobs are due at a moment; remembers when each last ran."""

    timezone: str = "UTC"
    poll_minutes: int = 15
    poll: bool = True
    last_poll: datetime | None = None
    last_night: date | None = field(default=None)

    def __post_init__(self) -> None:
        try:
            self.zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ConfigError(f"[inventory] timezone = {self.timezone!r} is not an IANA time"
                              " zone (like Europe/Amsterdam)") from None
        if self.poll_minutes < 1:
            raise ConfigError("[inventory] poll_minutes must be at least 1")

    def due(self, now: datetime) -> list[str]:
        """The jobs to run at ``now`` (``poll``, ``reconcile``), marking them as run.

        The first call only sets the clock going: a freshly started server does
        not reconcile at once because it happens to start after midnight.
        """
        jobs: list[str] = []
        today = now.astimezone(self.zone).date()
        if self.last_night is None:
            self.last_night = today
        elif today > self.last_night:
            self.last_night = today
            jobs.append("reconcile")
        if self.poll and (self.last_poll is None
                          or now - self.last_poll >= timedelta(minutes=self.poll_minutes)):
            self.last_poll = now
            jobs.append("poll")
        return jobs
