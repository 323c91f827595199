"""The one time helper: ISO 8601 text and epoch milliseconds, always in UTC."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive time is taken to be UTC already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def iso(moment: datetime) -> str:
    """Stored form of a time: UTC, microseconds, fixed width, so text order is time order."""
    return utc(moment).isoformat(timespec="microseconds")


def iso_millis(moment: datetime) -> str:
    """HubSpot's timestamp form: UTC, milliseconds, ``Z``."""
    moment = utc(moment)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def from_iso(text: str | None) -> datetime | None:
    """An ISO 8601 time (``Z`` accepted); None or empty stays None."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def epoch_millis(value: Any) -> int | None:
    """Epoch milliseconds from an int/float, a digit string or an ISO date/datetime; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return int(value)
    if isinstance(value, datetime):
        return int(utc(value).timestamp() * 1000)
    if isinstance(value, date):
        return epoch_millis(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        try:
            return epoch_millis(from_iso(text))
        except ValueError:
            return None
    return None


def when(text: object, now: datetime) -> str:
    """A stored time as a person reads it: ``2026-12-04 21:30 UTC (2 h ago)``.

    For text output only (``--json`` keeps ISO 8601); anything that is not a
    time is returned as given.
    """
    try:
        moment = utc(datetime.fromisoformat(str(text).replace("Z", "+00:00")))
    except ValueError:
        return str(text)
    seconds = (utc(now) - moment).total_seconds()
    ahead, span = seconds < 0, abs(seconds)
    if span < 60:
        relative = "just now"
    else:
        for unit, size in (("d", 86400), ("h", 3600), ("min", 60)):
            if span >= size:
                amount = f"{int(span // size)} {unit}"
                break
        relative = f"in {amount}" if ahead else f"{amount} ago"
    return f"{moment.strftime('%Y-%m-%d %H:%M')} UTC ({relative})"
