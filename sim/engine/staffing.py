"""Shifts turned into a timeline of agents on duty, and opening hours into one of open and closed."""

from __future__ import annotations

import math

from sim.clock import MINUTES_PER_DAY, WEEKDAYS, parse_clock
from sim.scenario.schema import OpeningHours, Shift


def agents_at(shifts: list[Shift], weekday: int, minute_of_day: int) -> int:
    """Agents on duty on a weekday (0 = Monday) at a minute of the day."""
    day = WEEKDAYS[weekday]
    return sum(s.agents for s in shifts if day in s.days and parse_clock(s.start) <= minute_of_day < parse_clock(s.end))


def staffing_timeline(shifts: list[Shift], horizon_min: float) -> list[tuple[float, int]]:
    """(sim minute, agents) at time 0 and at every change up to the horizon."""
    bounds = sorted({0, *(parse_clock(s.start) for s in shifts), *(parse_clock(s.end) for s in shifts)} - {MINUTES_PER_DAY})
    out: list[tuple[float, int]] = []
    for day in range(math.ceil(horizon_min / MINUTES_PER_DAY)):
        for minute in bounds:
            t = float(day * MINUTES_PER_DAY + minute)
            if t >= horizon_min:
                break
            n = agents_at(shifts, day % 7, minute)
            if not out or out[-1][1] != n:
                out.append((t, n))
    return out


def as_shifts(hours: list[OpeningHours]) -> list[Shift]:
    """Opening hours as shifts of one agent each: open wherever one is on duty (their overlaps count once)."""
    return [Shift(start=h.start, end=h.end, agents=1, days=h.days) for h in hours]


def open_at(hours: list[OpeningHours], weekday: int, minute_of_day: int) -> bool:
    """Whether a channel with these opening hours is open on a weekday (0 = Monday) at a minute of the day."""
    return agents_at(as_shifts(hours), weekday, minute_of_day) > 0


def opening_timeline(hours: list[OpeningHours], horizon_min: float) -> list[tuple[float, int]]:
    """(sim minute, 1 open / 0 closed) at time 0 and at every change up to the horizon."""
    return [(t, min(n, 1)) for t, n in _merged(staffing_timeline(as_shifts(hours), horizon_min))]


def _merged(timeline: list[tuple[float, int]]) -> list[tuple[float, int]]:
    """Overlapping entries count once: keep only the changes between open and closed."""
    out: list[tuple[float, int]] = []
    for t, n in timeline:
        if not out or bool(out[-1][1]) != bool(n):
            out.append((t, n))
    return out
