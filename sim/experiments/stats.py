"""Confidence intervals over replications: the numbers managers decide on.

One run of a stochastic model answers nothing; the mean of independent replications with a
Student-t interval does. Comparisons between policies use the *paired* differences of runs
that share a seed (common random numbers), which is what makes small effects visible.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.special import stdtrit


def t_quantile(p: float, df: float) -> float:
    """The Student-t quantile of probability ``p`` with ``df`` degrees of freedom (nan for ``df <= 0``).

    NOTE: ``scipy.special.stdtrit`` is what ``scipy.stats.t.ppf`` computes, to the bit; importing
    scipy.stats would add some 0.6 s to the start of every command that reports an interval.
    """
    return float(stdtrit(df, p))


@dataclass(frozen=True)
class Interval:
    """A mean with its confidence interval.

    ``half`` is the Student-t half-width when the ends were clipped to the values the KPI can
    take (``clipped``); otherwise it is None and the half-width is half the distance between the ends.
    """

    mean: float
    low: float
    high: float
    n: int
    half: float | None = None

    @property
    def half_width(self) -> float:
        """The half-width of the t interval: how precise the mean is (unchanged by clipping the ends)."""
        return self.half if self.half is not None else (self.high - self.low) / 2

    def clipped(self, lowest: float, highest: float) -> Interval:
        """The interval with its ends kept within [lowest, highest] (a fraction's within 0 to 1).

        A t interval is symmetric, so near a bound it reaches values the KPI cannot take (an
        abandonment of 1.7 +/- 5.3 % "from -3.6 %"). Clipping the ends keeps the coverage (the
        cut-off part held no possible value) and keeps the t half-width as the measure of precision.
        """
        low, high = min(max(self.low, lowest), highest), max(min(self.high, highest), lowest)
        if (low, high) == (self.low, self.high):
            return self
        return Interval(self.mean, low, high, self.n, self.half_width)

    def excludes_zero(self) -> bool:
        """True when the interval lies entirely above or below 0."""
        return self.low > 0 or self.high < 0

    def to_dict(self) -> dict[str, float | int]:
        """Plain data for JSON."""
        return {"mean": self.mean, "ci_low": self.low, "ci_high": self.high, "half_width": self.half_width, "n": self.n}

    @classmethod
    def from_dict(cls, data: dict[str, float | int]) -> Interval:
        """The interval ``to_dict`` wrote (a clipped one keeps its t half-width)."""
        low, high, half = float(data["ci_low"]), float(data["ci_high"]), float(data["half_width"])
        return cls(float(data["mean"]), low, high, int(data["n"]), None if half == (high - low) / 2 else half)


def mean_interval(values: Sequence[float], confidence: float = 0.95) -> Interval:
    """Student-t interval of the mean; with one value the interval is the value itself."""
    n = len(values)
    if n == 0:
        raise ValueError("no values")
    mean = statistics.fmean(values)
    if n == 1:
        return Interval(mean, mean, mean, 1)
    half = t_quantile(0.5 + confidence / 2, n - 1) * statistics.stdev(values) / math.sqrt(n)
    return Interval(mean, mean - half, mean + half, n)


def paired_interval(a: Sequence[float], b: Sequence[float], confidence: float = 0.95) -> Interval:
    """Interval of the mean of b - a over pairs that share a seed."""
    if len(a) != len(b):
        raise ValueError(f"paired samples differ in length ({len(a)} and {len(b)})")
    return mean_interval([y - x for x, y in zip(a, b, strict=True)], confidence)


class Running:
    """Welford's running mean and variance: one pass over the replications, constant memory.

    Experiments feed it in job order, so the result is the same whatever the number of workers.
    """

    __slots__ = ("m2", "mean", "n")

    def __init__(self) -> None:
        self.n = 0
        self.mean = 0.0
        self.m2 = 0.0

    def add(self, x: float) -> None:
        self.n += 1
        delta = x - self.mean
        self.mean += delta / self.n
        self.m2 += delta * (x - self.mean)

    @property
    def variance(self) -> float:
        return self.m2 / (self.n - 1) if self.n > 1 else math.nan

    def interval(self, confidence: float = 0.95) -> Interval:
        """Student-t interval of the mean (the value itself when n is 1)."""
        if self.n == 0:
            raise ValueError("no values")
        if self.n == 1:
            return Interval(self.mean, self.mean, self.mean, 1)
        half = t_quantile(0.5 + confidence / 2, self.n - 1) * math.sqrt(max(self.variance, 0.0) / self.n)
        return Interval(self.mean, self.mean - half, self.mean + half, self.n)


def welch_half_width(a: Running, b: Running, confidence: float = 0.95) -> float | None:
    """Half-width of the Welch interval of mean(b) - mean(a), ignoring the pairing (for contrast with the paired one).

    None when either side has fewer than two values (a KPI some replications do not have, such
    as the NPS of customers hit by a failure in a run where nobody was hit): there is no interval.
    """
    if a.n < 2 or b.n < 2:
        return None
    va, vb = max(a.variance, 0.0) / a.n, max(b.variance, 0.0) / b.n
    se = math.sqrt(va + vb)
    if se == 0:
        return 0.0
    df = (va + vb) ** 2 / ((va**2) / (a.n - 1) + (vb**2) / (b.n - 1)) if va + vb > 0 else a.n + b.n - 2
    return t_quantile(0.5 + confidence / 2, df) * se
