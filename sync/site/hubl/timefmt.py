"""Dates as HubL handles them: epoch millis, datetimes or strings in, strftime or LDML out."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sync.site.hubl.errors import HublProblem

_LDML_PRESETS = {
    "date": {"short": "M/d/yy", "medium": "MMM d, yyyy", "long": "MMMM d, yyyy",
             "full": "EEEE, MMMM d, yyyy"},
    "time": {"short": "h:mm a", "medium": "h:mm:ss a", "long": "h:mm:ss a z",
             "full": "h:mm:ss a zzzz"},
}
_LDML_TOKEN = re.compile(r"'[^']*'|y+|M+|d+|E+|H+|h+|m+|s+|S+|a|z+|Z+")


def zone(name: str | None) -> ZoneInfo:
    """An IANA zone; an unknown name is an error naming it."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise HublProblem(f"unknown time zone {name!r}", "use an IANA name such as "
                          "'America/New_York'") from exc


def to_datetime(value: Any, tz: str | None = None) -> datetime:
    """HubL accepts datetimes, dates, epoch milliseconds and ISO strings."""
    if isinstance(value, datetime):
        result = value if value.tzinfo else value.replace(tzinfo=UTC)
    elif isinstance(value, date):
        result = datetime(value.year, value.month, value.day, tzinfo=UTC)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        result = datetime.fromtimestamp(value / 1000, tz=UTC)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        result = datetime.fromtimestamp(int(value) / 1000, tz=UTC)
    elif isinstance(value, str) and value:
        try:
            result = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as exc:
            raise HublProblem(f"not a date: {value!r}", "pass a datetime, epoch "
                              "milliseconds or an ISO 8601 string") from exc
        if result.tzinfo is None:
            result = result.replace(tzinfo=UTC)
    else:
        raise HublProblem(f"not a date: {value!r}", "pass a datetime or epoch milliseconds")
    return result.astimezone(zone(tz)) if tz else result


def millis(value: Any) -> int:
    """Epoch milliseconds, HubL's ``unixtimestamp``."""
    return int(to_datetime(value).timestamp() * 1000)


def strftime(value: Any, fmt: str = "%H:%M / %d-%m-%Y", tz: str | None = None) -> str:
    """``datetimeformat``: Python/strftime directives, as HubL documents them."""
    return to_datetime(value, tz).strftime(fmt)


def ldml(value: Any, pattern: str = "medium", tz: str | None = None, kind: str = "date") -> str:
    """``format_date``/``format_time``/``format_datetime`` with Java (LDML) patterns."""
    moment = to_datetime(value, tz)
    if kind == "datetime" and pattern in _LDML_PRESETS["date"]:
        pattern = f"{_LDML_PRESETS['date'][pattern]}, {_LDML_PRESETS['time'][pattern]}"
    else:
        pattern = _LDML_PRESETS.get(kind, {}).get(pattern, pattern)
    return _LDML_TOKEN.sub(lambda m: _ldml_token(moment, m.group(0)), pattern)


def _ldml_token(moment: datetime, token: str) -> str:
    letter, width = token[0], len(token)
    if letter == "'":
        return token[1:-1] or "'"
    if letter == "y":
        return f"{moment.year % 100:02d}" if width == 2 else str(moment.year)
    if letter == "M":
        return {1: str(moment.month), 2: f"{moment.month:02d}",
                3: moment.strftime("%b")}.get(width, moment.strftime("%B"))
    if letter == "E":
        return moment.strftime("%A") if width >= 4 else moment.strftime("%a")
    if letter == "a":
        return moment.strftime("%p")
    if letter in "zZ":
        return moment.strftime("%Z") if letter == "z" else moment.strftime("%z")
    number = {"d": moment.day, "H": moment.hour, "h": moment.hour % 12 or 12,
              "m": moment.minute, "s": moment.second,
              "S": moment.microsecond // 1000}[letter]
    return f"{number:0{width}d}"


def parse(text: str, fmt: str | None = None, tz: str | None = None) -> datetime:
    """``strtotime``/``strtodate``: parse with a Java-style pattern or ISO 8601."""
    if not fmt:
        return to_datetime(text, tz)
    python = fmt
    for java, py in (("yyyy", "%Y"), ("yy", "%y"), ("MMMM", "%B"), ("MMM", "%b"), ("MM", "%m"),
                     ("dd", "%d"), ("HH", "%H"), ("hh", "%I"), ("mm", "%M"), ("ss", "%S"),
                     ("a", "%p"), ("'T'", "T"), ("Z", "%z"), ("X", "%z")):
        python = python.replace(java, py)
    try:
        result = datetime.strptime(text, python)
    except ValueError as exc:
        raise HublProblem(f"{text!r} does not match the date format {fmt!r}",
                          "check the pattern (Java style: yyyy-MM-dd HH:mm:ss)") from exc
    if result.tzinfo is None:
        result = result.replace(tzinfo=zone(tz))
    return result


def shift(value: Any, amount: int, unit: str) -> datetime:
    """``plus_time``/``minus_time``: add ``amount`` of a Java ChronoUnit name."""
    moment = to_datetime(value)
    unit = unit.lower().rstrip("s")
    if unit in ("year", "month"):
        months = moment.month - 1 + amount * (12 if unit == "year" else 1)
        year, month = moment.year + months // 12, months % 12 + 1
        days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30,
                31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return moment.replace(year=year, month=month, day=min(moment.day, days))
    seconds = {"milli": 0.001, "second": 1, "minute": 60, "hour": 3600, "day": 86400,
               "week": 604800, "halfday": 43200}.get(unit)
    if seconds is None:
        raise HublProblem(f"unknown time unit {unit!r}",
                          "use seconds, minutes, hours, days, weeks, months or years")
    return moment + timedelta(seconds=seconds * amount)
