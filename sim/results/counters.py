"""Streaming counters for the metrics: time-weighted levels and a bounded wait histogram.

Each holds a few numbers however long the run, so statistics stream and memory stays flat.
"""

from __future__ import annotations

_SEC_BINS = 3600
_MIN_BINS = 48 * 60 - 60
_LAST = _SEC_BINS + _MIN_BINS  # the last bin: every wait of two days or more


class Level:
    """Time-weighted average of a piecewise-constant quantity (queue length, busy agents)."""

    __slots__ = ("area", "last", "start", "value")

    def __init__(self, start: float) -> None:
        self.start = start
        self.last = start
        self.value = 0.0
        self.area = 0.0

    def set(self, t: float, value: float) -> None:
        """The quantity becomes ``value`` at time ``t``."""
        if t > self.last:
            self.area += self.value * (t - self.last)
            self.last = t
        self.value = value

    def add(self, t: float, delta: float) -> None:
        """The quantity changes by ``delta`` at time ``t``."""
        if t > self.last:
            self.area += self.value * (t - self.last)
            self.last = t
        self.value += delta

    def integral(self, until: float) -> float:
        """Area under the curve from the start to ``until``."""
        return self.area + (self.value * (until - self.last) if until > self.last else 0.0)


class WaitHistogram:
    """Fixed-size histogram of waits for quantiles: exact zeros, 1 s bins to an hour, then 1 min bins."""

    __slots__ = ("bins", "count", "overflow_max", "total", "zeros")

    def __init__(self) -> None:
        self.bins = [0] * (_LAST + 1)
        self.zeros = 0
        self.count = 0
        self.total = 0.0
        self.overflow_max = 0.0

    def add(self, wait_min: float) -> None:
        """Count one wait, in minutes."""
        self.count += 1
        if wait_min <= 0.0:
            self.zeros += 1
            return
        self.total += wait_min
        sec = wait_min * 60.0
        if sec < _SEC_BINS:
            self.bins[int(sec)] += 1
            return
        i = min(_SEC_BINS + int((sec - _SEC_BINS) / 60.0), _LAST)
        self.bins[i] += 1
        if i == _LAST:
            self.overflow_max = max(self.overflow_max, wait_min)

    def quantile(self, q: float) -> float | None:
        """The q-quantile in minutes (upper edge of its bin, so never optimistic), None if empty."""
        if not self.count:
            return None
        rank = q * self.count
        seen = self.zeros
        if seen >= rank:
            return 0.0
        last = len(self.bins) - 1
        for i, n in enumerate(self.bins):
            seen += n
            if n and seen >= rank:
                if i == last:
                    return self.overflow_max
                upper_sec = i + 1 if i < _SEC_BINS else _SEC_BINS + (i - _SEC_BINS + 1) * 60
                return upper_sec / 60.0
        return self.overflow_max
