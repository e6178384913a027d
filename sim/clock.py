"""Calendar arithmetic on sim time. Sim time is minutes from Monday 00:00 of day 1.

Trainers speak in days and clock times ("day 3 at 12:00"); the engine speaks in minutes.
These small pure functions are the only place the two meet.
"""

from __future__ import annotations

import re

MINUTES_PER_HOUR = 60
MINUTES_PER_DAY = 24 * 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

_CLOCK = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


def parse_clock(text: str) -> int:
    """Minutes after midnight of a "HH:MM" clock time ("24:00" is the end of the day)."""
    m = _CLOCK.match(text.strip())
    shown = repr(text if len(text) <= 20 else text[:17] + "...")
    if not m:
        raise ValueError(f"expected a clock time like '09:30' (got {shown})")
    hours, minutes = int(m.group(1)), int(m.group(2))
    if hours == 24 and minutes:
        raise ValueError(f"expected a clock time no later than '24:00' (got {shown})")
    return hours * MINUTES_PER_HOUR + minutes


def at_day(day: int, clock: str = "00:00") -> float:
    """Sim minute of a 1-based day number and clock time."""
    return float((day - 1) * MINUTES_PER_DAY + parse_clock(clock))


def day_of(t: float) -> int:
    """1-based day number of sim minute t."""
    return int(t // MINUTES_PER_DAY) + 1


def weekday_index(t: float) -> int:
    """0 for Monday ... 6 for Sunday, at sim minute t."""
    return int(t // MINUTES_PER_DAY) % 7


def format_time(t: float) -> str:
    """A human label for sim minute t, e.g. 'day 3 (wed) 12:05'."""
    minute = int(t % MINUTES_PER_DAY)
    return f"day {day_of(t)} ({WEEKDAYS[weekday_index(t)]}) {minute // 60:02d}:{minute % 60:02d}"
