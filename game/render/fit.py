"""Text that fits its box: a smaller size first, then an ellipsis, at any window and text size.

The map's boxes are sized by the window while the trainee chooses the text size (Ctrl +/-,
0.8x to 2x), so a touchpoint's label or a channel's status can be wider than its box. ``Fitter``
measures once per (text, size, width) and remembers the answer: the map asks the same
questions every frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from game.ui import Painter

ELLIPSIS = "\u2026"
SMALLEST = 9  # base size below which text is cut instead of shrunk further


class DrawnSize(int):
    """A base size with the ``Fitter``'s shrink already taken off: what a ``Fitted`` is drawn at.

    Why a type of its own: callers measure what they draw with the same ``Fitter`` that fitted it
    (``fit.width(fitted.lines[0], fitted.base)``, ``fit.line_height(fitted.base)``), and taking the
    shrink off twice measured text smaller than it is drawn, so the next line or label overlapped it.
    ``Fitter.size`` leaves a ``DrawnSize`` as it is; arithmetic on one gives a plain ``int`` again
    (a base asked for).
    """


@dataclass(frozen=True, slots=True)
class Fitted:
    """Lines to draw at base size ``base`` (each one fits the width asked for; the shrink is already off)."""

    lines: tuple[str, ...]
    base: DrawnSize


class Fitter:
    """Fits text to widths for one painter state (make a new one after a resize or a text-size change).

    ``shrink`` takes that many points off every base size asked for, for a layout that cannot
    hold the text at the trainee's size (a big text size in a small window); a ``Fitted.base``
    is the size to draw at, with the shrink already taken off.
    """

    def __init__(self, painter: Painter, shrink: int = 0) -> None:
        self.p = painter
        self.shrink = shrink
        self._cache: dict[tuple[str, int, bool, int, bool, int, int], Fitted] = {}

    def size(self, base: int) -> DrawnSize:
        """The base size drawn for ``base`` asked for (a ``DrawnSize`` is drawn as it is)."""
        if isinstance(base, DrawnSize):
            return base
        return DrawnSize(max(6, base - self.shrink))

    def width(self, text: str, base: int, bold: bool = False) -> int:
        return int(self.p.font(self.size(base), bold).size(text)[0])

    def line_height(self, base: int, bold: bool = False) -> int:
        return int(self.p.font(self.size(base), bold).get_linesize())

    def one(self, text: str, base: int, width: int, bold: bool = False, smallest: int = SMALLEST) -> Fitted:
        """One line: the largest size from ``base`` down to ``smallest`` that fits, else cut with an ellipsis."""
        return self.lines(text, base, width, bold, 1, smallest)

    def lines(self, text: str, base: int, width: int, bold: bool = False, most: int = 2, smallest: int = SMALLEST) -> Fitted:
        """Up to ``most`` lines wrapped at words; sizes down to ``smallest`` before cutting the last line."""
        drawn = isinstance(base, DrawnSize)  # equal to the int asked for, but already shrunk: keyed apart
        key = (text, base, drawn, width, bold, most, smallest)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        if len(self._cache) > 4000:
            self._cache.clear()
        result = None
        smallest = DrawnSize(min(base, smallest)) if drawn else self.size(min(base, smallest))
        base = self.size(base)
        for size in range(base, smallest - 1, -1):
            wrapped = self._wrap(text, size, width, bold)
            if len(wrapped) <= most and all(self._width(line, size, bold) <= width for line in wrapped):
                result = Fitted(tuple(wrapped), DrawnSize(size))
                break
        if result is None:
            size = smallest
            wrapped = self._wrap(text, size, width, bold)
            kept = wrapped[: most - 1] if most > 1 else []
            rest = " ".join(wrapped[len(kept) :])
            kept = [self._cut(line, size, width, bold) for line in kept]
            result = Fitted((*kept, self._cut(rest, size, width, bold)), DrawnSize(size))
        self._cache[key] = result
        return result

    def _width(self, text: str, size: int, bold: bool) -> int:  # at a size already shrunk
        return int(self.p.font(size, bold).size(text)[0])

    def _wrap(self, text: str, size: int, width: int, bold: bool) -> list[str]:
        words = text.split()
        out: list[str] = []
        line = ""
        for word in words:
            trial = f"{line} {word}" if line else word
            if not line or self._width(trial, size, bold) <= width:
                line = trial
            else:
                out.append(line)
                line = word
        if line or not out:
            out.append(line)
        return out

    def _cut(self, text: str, size: int, width: int, bold: bool) -> str:
        if self._width(text, size, bold) <= width:
            return text
        lo, hi = 0, len(text)
        while lo < hi:  # the longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if self._width(text[:mid].rstrip() + ELLIPSIS, size, bold) <= width:
                lo = mid
            else:
                hi = mid - 1
        return (text[:lo].rstrip() + ELLIPSIS) if lo else ""


# --- remembered measurements for text drawn every frame ------------------------------------------------
# Keyed by the font's pixel size (window scale and text scale in one number), so a resize or Ctrl +/-
# measures afresh and an unchanged frame measures nothing.

Scale = tuple[float, float]
_WRAPPED: dict[tuple[str, int, Scale, bool, int], tuple[str, ...]] = {}
_CUT: dict[tuple[str, int, Scale, bool, int, bool], str] = {}
_SHRUNK: dict[tuple[str, int, Scale, bool, int, int], tuple[int, str]] = {}
CACHE_LIMIT = 4000
K = TypeVar("K")
V = TypeVar("V")


def _remember(cache: dict[K, V], key: K, value: V) -> V:
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


def _scale(p: Painter) -> Scale:
    return (p.scale, p.text_scale)


def wrapped_lines(p: Painter, text: str, base: int, width: int, bold: bool = False) -> tuple[str, ...]:
    """``text`` wrapped to ``width`` (``Painter.lines``: a blank line between paragraphs), each line cut to fit."""
    key = (text, base, _scale(p), bold, width)
    hit = _WRAPPED.get(key)
    if hit is None:
        hit = _remember(_WRAPPED, key, tuple(cut_line(p, line, base, width, bold) for line in p.lines(text, base, width, bold)))
    return hit


def cut_line(p: Painter, text: str, base: int, width: int, bold: bool = False, *, end: bool = False) -> str:
    """``Painter.fitting``, remembered: ``text`` cut with an ellipsis at its end (``end=True``: at its start) to fit."""
    key = (text, base, _scale(p), bold, width, end)
    hit = _CUT.get(key)
    if hit is None:
        hit = _remember(_CUT, key, p.fitting(text, base, width, bold, end=end))
    return hit


def shrunk_line(p: Painter, text: str, base: int, width: int, bold: bool = False, smallest: int = 9) -> tuple[int, str]:
    """(size, text): the largest base size from ``base`` down to ``smallest`` at which ``text`` fits, else cut at it."""
    key = (text, base, _scale(p), bold, width, smallest)
    hit = _SHRUNK.get(key)
    if hit is None:
        size = base
        while size > smallest and p.width(text, size, bold) > width:
            size -= 1
        hit = _remember(_SHRUNK, key, (size, cut_line(p, text, size, width, bold)))
    return hit
