"""Estimates as people read them: the half-width decides how many digits a number shows.

A mean printed with fewer digits than its interval needs hides a real difference ("lowers CES
by 0.00 (-0.00 to -0.00)" for an interval of -0.006 to -0.002; "+/- 0.00" for a half-width of
0.003); printed with more, it claims a precision the runs do not have. So the half-width is
shown to two significant digits and the mean and the interval's ends get the same decimals.
Where there is no interval (one run, or a difference that is the same on every seed) a number
keeps its unit's usual decimals, and at least two significant digits, so it never shows as 0.

This is the one formatter of estimates: the console tables, the verdicts, the HTML report and
the sweep tables call it (``sim.results.results.format_interval`` too).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SIGNIFICANT = 2  # significant digits of a half-width
MAX_DECIMALS = 6
COUNT_UNITS = frozenset({"", "orders", "customers", "contacts", "visits", "journeys", "reviews", "failures", "prospects"})


@dataclass(frozen=True, slots=True)
class Style:
    """How a unit is shown: a factor (fractions as %), the suffix, the usual decimals, and whether signed."""

    factor: float
    suffix: str
    decimals: int
    signed: bool = False


def style(unit: str, currency: str = "") -> Style:
    """The display of a KPI unit of the catalogue (``sim.results.kpis``)."""
    if unit == "fraction":
        return Style(100.0, "%", 1)
    if unit == "currency":
        return Style(1.0, currency, 0)
    if unit == "points":  # NPS: a signed score from -100 to 100
        return Style(1.0, "", 1, signed=True)
    if unit == "score":
        return Style(1.0, "", 2)
    if unit == "min":
        return Style(1.0, "min", 2)
    if unit in COUNT_UNITS:
        return Style(1.0, "", 1)
    return Style(1.0, unit, 1)


def decimals_for(half_width: float, significant: int = SIGNIFICANT) -> int | None:
    """Decimals that show ``half_width`` (in display units) to ``significant`` digits; None without a width.

    0.003 -> 4 (0.0030), 0.3 -> 2 (0.30), 1.8 -> 1, 638 -> 0 (never rounds into the integer digits).
    """
    if not math.isfinite(half_width) or half_width <= 0:
        return None
    return min(max(significant - 1 - math.floor(math.log10(half_width)), 0), MAX_DECIMALS)


def _decimals(value: float, half_width: float | None, usual: int) -> int:
    """The interval's decimals, else the unit's usual ones (more if the value would otherwise show as 0)."""
    found = decimals_for(half_width) if half_width is not None else None
    if found is not None:
        return found
    return max(usual, decimals_for(abs(value)) or 0)


EXTRA_DIGITS = 6
"""The most digits ``number`` adds to show that a small number is not zero."""


def number(value: float, decimals: int, *, signed: bool = False) -> str:
    """A number with thousands separators and the given decimals ('+' in front when ``signed``).

    One that is not zero but would round to it gets the digits that show it ('-0.04', not
    '-0.0'): at an interval's end its sign is the verdict (an interval from -0.04 spans zero, one
    from +0.04 does not). Zero itself, or a difference too small for EXTRA_DIGITS more, is 0.
    """
    if value != 0 and round(value, decimals) == 0:
        more = next((d for d in range(decimals + 1, decimals + EXTRA_DIGITS + 1) if round(value, d) != 0), None)
        if more is None:
            value = 0.0
        else:
            decimals = more
    value += 0.0  # -0.0 is 0.0
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def _with(text: str, suffix: str) -> str:
    return f"{text} {suffix}" if suffix else text


def format_estimate(
    mean: float | None, half_width: float | None, unit: str, currency: str = "",
    *, low: float | None = None, high: float | None = None,
) -> str:  # fmt: skip
    """A mean and its 95 % interval for a table cell: '27.53 ± 0.30 %', '1,820 ± 638 EUR', '+22.4 ± 3.8'.

    ``half_width`` None means there is no interval (a single run): the value alone, no '±'.
    Given ``low`` and ``high`` that were clipped (a fraction's interval near 0 % or 100 %), the
    ends are shown instead: '1.7 % (0.0 to 7.0 %)'.
    """
    if mean is None or not math.isfinite(mean):
        return "–"
    s = style(unit, currency)
    hw = None if half_width is None else half_width * s.factor
    d = _decimals(mean * s.factor, hw, s.decimals if unit not in COUNT_UNITS or mean != int(mean) else 0)
    shown = number(mean * s.factor, d, signed=s.signed)
    if hw is None:
        return _with(shown, s.suffix)
    if low is not None and high is not None and half_width is not None and _clipped(mean, half_width, low, high):
        ends = f"{number(low * s.factor, d, signed=s.signed)} to {number(high * s.factor, d, signed=s.signed)}"
        return f"{_with(shown, s.suffix)} ({_with(ends, s.suffix)})"
    return _with(f"{shown} ± {number(hw, d)}", s.suffix)


def _clipped(mean: float, half_width: float, low: float, high: float) -> bool:
    tolerance = 1e-9 * max(1.0, abs(mean), half_width)
    return low > mean - half_width + tolerance or high < mean + half_width - tolerance


def format_summary(iv: Mapping[str, Any] | None, unit: str, currency: str = "") -> str:
    """A summary entry of the experiment JSON (mean, half_width, ci_low, ci_high) as a table cell."""
    if iv is None:
        return "–"
    return format_estimate(iv["mean"], iv["half_width"], unit, currency, low=iv.get("ci_low"), high=iv.get("ci_high"))


@dataclass(frozen=True, slots=True)
class Change:
    """A paired difference in words: its size ('721 EUR (+39.6 %)') and its interval ('+226 to +1,216 EUR')."""

    amount: str
    interval: str
    exact: bool  # the same on every seed: no interval to give


def format_change(mean: float, low: float, high: float, unit: str, currency: str = "", base: float | None = None) -> Change:
    """The size and 95 % interval of a difference b - a, for a verdict.

    Fractions in percentage points; NPS in points; money in its currency and, against a
    baseline that is not 0, in percent of it; counts as a number and a percent; minutes and
    scores in their own units. The decimals follow the interval's half-width.
    """
    s = style(unit, currency)
    hw = (high - low) / 2 * s.factor
    exact = hw == 0
    d = _decimals(mean * s.factor, None if exact else hw, 0 if unit in COUNT_UNITS and mean == int(mean) else s.decimals)
    size = number(abs(mean) * s.factor, d)
    ends = f"{number(low * s.factor, d, signed=True)} to {number(high * s.factor, d, signed=True)}"
    if unit == "fraction":
        return Change(f"{size} percentage points", f"{ends} points", exact)
    if unit in ("points", "score"):
        return Change(f"{size} points", f"{ends} points", exact)
    relative = ""
    if (unit == "currency" or unit in COUNT_UNITS) and base:  # against a baseline of 0 a percent means nothing
        rel_hw = None if exact else hw / abs(base) * 100
        rd = _decimals(mean / abs(base) * 100, rel_hw, 1)
        relative = f" ({number(mean / abs(base) * 100, rd, signed=True)} %)"
    return Change(_with(size, s.suffix) + relative, _with(ends, s.suffix), exact)


def format_difference_range(mean: float, low: float, high: float, unit: str, currency: str = "", confidence: float = 0.95) -> str:
    """A paired difference and its interval's ends: '+8,165 EUR (95 % CI +4,522 to +11,810 EUR)', '+3.5 pp (...)'.

    The interval's ends are given (they may be clipped); the digits follow its half-width. A
    ``confidence`` other than 95 % (a sequential check's wider looks) is named as it is: '98.75 % CI'.
    """
    s = style(unit, currency)
    hw = (high - low) / 2 * s.factor
    d = _decimals(mean * s.factor, hw if hw > 0 else None, s.decimals)
    suffix = "pp" if unit == "fraction" else s.suffix
    ends = f"{number(low * s.factor, d, signed=True)} to {number(high * s.factor, d, signed=True)}"
    level = f"{100 * confidence:.4g}"
    return f"{_with(number(mean * s.factor, d, signed=True), suffix)} ({level} % CI {_with(ends, suffix)}"


def format_difference(mean: float, half_width: float, unit: str, currency: str = "") -> str:
    """A paired difference and its half-width for a table cell: '-4.8 ± 1.2 pp', '+3,700 ± 950 EUR'.

    Fractions differ in percentage points (pp); every other unit as in ``format_estimate``.
    """
    s = style(unit, currency)
    hw = half_width * s.factor
    d = _decimals(mean * s.factor, hw if hw > 0 else None, 0 if unit in COUNT_UNITS and mean == int(mean) else s.decimals)
    return _with(f"{number(mean * s.factor, d, signed=True)} ± {number(hw, d)}", "pp" if unit == "fraction" else s.suffix)
