"""Charts: the play screen's sparklines and the debrief's line charts over days."""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.render.fit import cut_line
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
    with painter.within(rect):
        px = painter.px
        title_h = painter.font(15, True).get_linesize()
        small_h = painter.font(11).get_linesize()
        painter.text(
            surface, cut(painter, title, rect.width - px(20), 15, True), (rect.left + px(10), rect.top + px(4)), 15, bold=True
        )
        per_row = 2 if len(series) > 2 else max(1, len(series))
        legend_rows = (len(series) + per_row - 1) // per_row
        axis_w = max(painter.font(11).size(f"{v:,.0f} {unit}".strip())[0] for v in _extremes(series)) if series else px(40)
        top = rect.top + px(6) + title_h + legend_rows * small_h + px(4)
        plot = pygame.Rect(rect.left + px(14) + axis_w, top, rect.right - px(14) - (rect.left + px(14) + axis_w),
                           rect.bottom - small_h - px(8) - top)  # fmt: skip
        values = [v for _, vals, _ in series for v in vals if v is not None]
        if not values or plot.width < 10 or plot.height < 10:
            painter.text(surface, "computing..." if not values else "", rect.center, 14, MUTED, anchor="center")
            return
        lo, hi = min(values), max(values)
        if hi - lo < 1e-9:
            hi = lo + 1.0
        days = max(len(vals) for _, vals, _ in series)
        pygame.draw.line(surface, PANEL_EDGE, plot.bottomleft, plot.bottomright)
        pygame.draw.line(surface, PANEL_EDGE, plot.bottomleft, plot.topleft)
        painter.text(surface, f"{hi:,.0f} {unit}".strip(), (plot.left - px(4), plot.top), 11, MUTED, anchor="topright")
        painter.text(surface, f"{lo:,.0f} {unit}".strip(), (plot.left - px(4), plot.bottom), 11, MUTED, anchor="bottomright")
        painter.text(surface, "day 1", (plot.left, plot.bottom + px(2)), 11, MUTED)
        painter.text(surface, f"day {days}", (plot.right, plot.bottom + px(2)), 11, MUTED, anchor="topright")
        for k, (minute, name) in enumerate(marks):
            pos = min(max(minute / MINUTES_PER_DAY - 0.5, 0.0), max(1, days - 1))
            x = round(plot.left + pos * plot.width / max(1, days - 1))
            pygame.draw.line(surface, TEXT, (x, plot.top), (x, plot.bottom), 1)
            ty = plot.top + px(2) + (k % 3) * small_h
            right = x > plot.centerx
            room = (x - plot.left if right else plot.right - x) - px(4)
            label = cut(painter, name, room, 11)
            painter.text(surface, label, (x - px(3) if right else x + px(3), ty), 11, TEXT, anchor="topright" if right else "topleft")
        for i, (label, vals, colour) in enumerate(series):
            pts = [
                (plot.left + d * plot.width / max(1, days - 1), plot.bottom - (v - lo) / (hi - lo) * plot.height)
                for d, v in enumerate(vals)
                if v is not None
            ]
            if len(pts) >= 2:
                pygame.draw.lines(surface, colour, False, pts, 3 if i == 0 else 2)
            slot = (rect.width - px(20)) // per_row
            lx = rect.left + px(10) + (i % per_row) * slot
            ly = rect.top + px(6) + title_h + (i // per_row) * small_h + small_h // 2
            pygame.draw.line(surface, colour, (lx, ly), (lx + px(18), ly), 3)
            painter.text(surface, cut(painter, label, slot - px(28), 11), (lx + px(22), ly), 11, MUTED, anchor="midleft")


def _extremes(series: Sequence[tuple[str, Sequence[float | None], tuple[int, int, int]]]) -> list[float]:
    values = [v for _, vals, _ in series for v in vals if v is not None]
    return [min(values), max(values)] if values else [0.0]


def cut(painter: Painter, text: str, width: int, base: int, bold: bool = False) -> str:
    """``text`` shortened with an ellipsis until it is at most ``width`` pixels wide at ``base`` size (measured once)."""
    return cut_line(painter, text, base, width, bold)
