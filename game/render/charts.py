"""Charts: the play screen's sparklines and the debrief's line charts over days."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.ui import MUTED, PANEL_EDGE, SKY, TEXT, Painter, panel
from sim.clock import MINUTES_PER_DAY


def sparkline(
    surface: pygame.Surface, rect: pygame.Rect, values: Sequence[float | None], colour: tuple[int, int, int] = SKY
) -> None:
    """A small line chart of ``values`` (None gaps skipped), scaled to its own range."""
    points = [v for v in values if v is not None]
    if len(points) < 2:
        return
    step = max(1, len(values) // max(1, rect.width))
    sampled = [v for v in values[::step] if v is not None]
    lo, hi = min(sampled), max(sampled)
    span = (hi - lo) or 1.0
    n = len(sampled)
    pts = [
        (rect.left + i * rect.width / max(1, n - 1), rect.bottom - (v - lo) / span * rect.height) for i, v in enumerate(sampled)
    ]
    if len(pts) >= 2:
        pygame.draw.lines(surface, colour, False, pts, 2)


def line_chart(
    surface: pygame.Surface,
    painter: Painter,
    rect: pygame.Rect,
    title: str,
    series: Sequence[tuple[str, Sequence[float | None], tuple[int, int, int]]],
    unit: str,
    marks: Sequence[tuple[float, str]] = (),
) -> None:
    """A titled chart with several series over days, axis labels and a legend (for the debrief).

    ``marks``: (sim minute, name) of moments to mark with a vertical line and the name, the decisions.
    Point ``d`` of a series is day ``d + 1``, drawn at that day's middle, so a minute sits where its day is.
    """
    panel(surface, rect)
    painter.text(surface, title, (rect.left + painter.px(10), rect.top + painter.px(6)), 15, bold=True)
    per_row = 2 if len(series) > 2 else max(1, len(series))
    extra = painter.px(14) * ((len(series) - 1) // per_row)  # legend rows beyond the first
    plot = pygame.Rect(
        rect.left + painter.px(56), rect.top + painter.px(52) + extra, rect.width - painter.px(70),
        rect.height - painter.px(76) - extra,
    )  # fmt: skip
    values = [v for _, vals, _ in series for v in vals if v is not None]
    if not values:
        painter.text(surface, "computing...", plot.center, 14, MUTED, anchor="center")
        return
    lo, hi = min(values), max(values)
    if hi - lo < 1e-9:
        hi = lo + 1.0
    days = max(len(vals) for _, vals, _ in series)
    pygame.draw.line(surface, PANEL_EDGE, plot.bottomleft, plot.bottomright)
    pygame.draw.line(surface, PANEL_EDGE, plot.bottomleft, plot.topleft)
    painter.text(surface, f"{hi:,.0f} {unit}".strip(), (plot.left - painter.px(4), plot.top), 11, MUTED, anchor="topright")
    painter.text(surface, f"{lo:,.0f} {unit}".strip(), (plot.left - painter.px(4), plot.bottom), 11, MUTED, anchor="bottomright")
    painter.text(surface, "day 1", (plot.left, plot.bottom + painter.px(3)), 11, MUTED)
    painter.text(surface, f"day {days}", (plot.right, plot.bottom + painter.px(3)), 11, MUTED, anchor="topright")
    for k, (minute, name) in enumerate(marks):
        pos = min(max(minute / MINUTES_PER_DAY - 0.5, 0.0), max(1, days - 1))
        x = round(plot.left + pos * plot.width / max(1, days - 1))
        pygame.draw.line(surface, TEXT, (x, plot.top), (x, plot.bottom), 1)
        ty = plot.top + painter.px(2) + (k % 3) * painter.px(13)
        anchor = "topright" if x > plot.centerx else "topleft"
        painter.text(surface, name[:18], (x + (-painter.px(3) if anchor == "topright" else painter.px(3)), ty), 11, TEXT,
                     anchor=anchor)  # fmt: skip
    for i, (label, vals, colour) in enumerate(series):
        pts = [
            (plot.left + d * plot.width / max(1, days - 1), plot.bottom - (v - lo) / (hi - lo) * plot.height)
            for d, v in enumerate(vals)
            if v is not None
        ]
        if len(pts) >= 2:
            pygame.draw.lines(surface, colour, False, pts, 3 if i == 0 else 2)
        lx = rect.left + painter.px(10) + (i % per_row) * ((rect.width - painter.px(20)) // per_row)
        ly = rect.top + painter.px(36) + (i // per_row) * painter.px(14)
        pygame.draw.line(surface, colour, (lx, ly), (lx + painter.px(18), ly), 3)
        painter.text(surface, label[:26], (lx + painter.px(22), ly), 11, MUTED, anchor="midleft")
