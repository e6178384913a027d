"""The debrief's pages: the trainee's decisions, the short- against long-term table and one
customer's story (page 1); profit, NPS and buying again over time, and the lessons (page 2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pygame

from game import ui
from game.counterfactuals import Alternative
from game.render.charts import line_chart
from game.ui import Painter
from sim.clock import format_time

ROWS: tuple[tuple[str, str, str], ...] = (
    ("Callers' CSAT (now)", "callers_csat", "csat"),
    ("Affected customers' NPS (later)", "affected_nps", "nps"),
    ("Affected customers' repeat probability", "affected_repeat", "pct"),
    ("Repeat purchase rate, all", "repeat_rate", "pct"),
    ("Profit over the run", "profit", "money"),
)

Compared = Sequence[tuple[Alternative, dict[str, Any] | None]]  # each alternative with its summary (None: still running)


@dataclass(frozen=True, slots=True)
class Taken:
    """One decision the trainee took, as the timeline shows it."""

    time: float
    label: str
    style: str
    debrief: str


def fmt(value: Any, kind: str, currency: str) -> str:
    if value is None:
        return "n/a"
    if kind == "csat":
        return f"{value:.2f} / 5"
    if kind == "nps":
        return f"{value:+.1f}"
    if kind == "pct":
        return f"{100 * value:.1f} %"
    return ui.money(value, currency)


def draw_status(surface: pygame.Surface, p: Painter, done: int, total: int, failed: str | None) -> None:
    """The heading, and how far the what-if replays are."""
    w, _h = surface.get_size()
    p.text(surface, "Debrief", (p.px(24), p.px(14)), 28, bold=True)
    status = failed or (
        f"replaying the same customers with the other choices: {done} of {total} done" if done < total else
        f"same seed, same customers: {total} runs compared"
    )  # fmt: skip
    p.text(surface, status, (w - p.px(24), p.px(24)), 14, ui.YELLOW if done < total else ui.MUTED, anchor="topright")
    if done < total and not failed:
        bar = pygame.Rect(w - p.px(324), p.px(46), p.px(300), p.px(8))
        pygame.draw.rect(surface, ui.PANEL_EDGE, bar, border_radius=4)
        pygame.draw.rect(surface, ui.SKY, (bar.left, bar.top, bar.width * done // max(1, total), bar.height), border_radius=4)


def draw_decisions(
    surface: pygame.Surface, p: Painter, taken: Sequence[Taken], compared: Compared, story: Sequence[str], currency: str
) -> None:
    """Page 1: the decisions on a timeline, the table, and a key moment's story."""
    w, h = surface.get_size()
    left = pygame.Rect(p.px(20), p.px(70), p.px(440), h - p.px(150))
    ui.panel(surface, left)
    p.text(surface, "YOUR DECISIONS", (left.left + p.px(12), left.top + p.px(10)), 12, ui.MUTED)
    y = left.top + p.px(32)
    if not taken:
        p.text(surface, "No decision came up in this run.", (left.left + p.px(12), y), 14)
    for t in taken:
        colour = ui.GREEN if t.style == "proactive" else ui.ORANGE if t.style == "reactive" else ui.TEXT
        p.text(surface, format_time(t.time), (left.left + p.px(12), y), 13, ui.MUTED)
        y += p.px(18)
        y = p.wrapped(surface, f"{t.label} ({t.style})", pygame.Rect(left.left + p.px(12), y, left.width - p.px(24), p.px(60)),
                      14, colour, bold=True)  # fmt: skip
        if t.debrief:
            y = p.wrapped(surface, t.debrief, pygame.Rect(left.left + p.px(12), y + p.px(2), left.width - p.px(24), p.px(140)), 13)
        y += p.px(12)
    right = pygame.Rect(left.right + p.px(16), p.px(70), w - left.right - p.px(36), p.px(250))
    draw_table(surface, p, right, compared, currency)
    box = pygame.Rect(right.left, right.bottom + p.px(12), right.width, h - right.bottom - p.px(92))
    ui.panel(surface, box)
    p.text(surface, "A KEY MOMENT: ONE CUSTOMER'S STORY", (box.left + p.px(12), box.top + p.px(10)), 12, ui.MUTED)
    y = box.top + p.px(30)
    for line in story or ["No customer in this run was hit by a failure and surveyed."]:
        y = p.wrapped(surface, line, pygame.Rect(box.left + p.px(12), y, box.width - p.px(24), p.px(40)), 13)
        if y > box.bottom - p.px(18):
            break


def draw_table(surface: pygame.Surface, p: Painter, rect: pygame.Rect, compared: Compared, currency: str) -> None:
    """Short term against long term for the trainee's answers and up to three alternatives."""
    ui.panel(surface, rect)
    results = compared[:4]
    label_w = p.px(260)
    col_w = (rect.width - label_w - p.px(24)) // max(1, len(results))
    p.text(surface, "SHORT TERM vs LONG TERM, SAME CUSTOMERS", (rect.left + p.px(12), rect.top + p.px(10)), 12, ui.MUTED)
    y = rect.top + p.px(32)
    for i, (alt, _res) in enumerate(results):
        x = rect.left + label_w + i * col_w
        head = "Your choices" if alt.yours else (alt.label if len(alt.label) <= 64 else alt.label[:61] + "...")
        p.wrapped(surface, head, pygame.Rect(x, y, col_w - p.px(8), p.px(60)), 12, ui.YELLOW if alt.yours else ui.TEXT, bold=True)
    y += p.px(72)
    for label, key, kind in ROWS:
        p.text(surface, label, (rect.left + p.px(12), y), 13, ui.MUTED)
        for i, (_alt, res) in enumerate(results):
            x = rect.left + label_w + i * col_w
            value = "..." if res is None else fmt(res.get(key), kind, currency)
            p.text(surface, value, (x, y), 14, bold=True)
        y += p.px(28)


def draw_charts(surface: pygame.Surface, p: Painter, compared: Compared, lessons: Sequence[str], currency: str) -> None:
    """Page 2: three charts over days across the alternatives, and the scenario's lessons."""
    w, h = surface.get_size()
    results = [(alt, res) for alt, res in compared[:4] if res is not None]
    third = (w - p.px(72)) // 3
    top = p.px(70)
    ch = h - p.px(330)

    def series(key: str, smooth: bool) -> list:
        return [
            ("yours" if a.yours else a.label, _smooth(r[key], 7) if smooth else r[key], ui.SERIES_COLOURS[i])
            for i, (a, r) in enumerate(results)
        ]

    charts = (
        ("Profit so far (cumulative)", series("profit_cumulative", False), currency),
        ("NPS by day (7-day average)", series("nps_daily", True), ""),
        ("Buying again, % (7-day average)", series("repeat_daily", True), "%"),
    )
    for k, (title, data, unit) in enumerate(charts):
        line_chart(surface, p, pygame.Rect(p.px(20) + k * (third + p.px(16)), top, third, ch), title, data, unit)
    box = pygame.Rect(p.px(20), top + ch + p.px(12), w - p.px(40), h - top - ch - p.px(92))
    ui.panel(surface, box)
    p.text(surface, "LESSONS", (box.left + p.px(12), box.top + p.px(10)), 12, ui.MUTED)
    y = box.top + p.px(30)
    for objective in lessons:
        y = p.wrapped(surface, f"- {objective}", pygame.Rect(box.left + p.px(12), y, box.width - p.px(24), p.px(60)), 14)


def _smooth(values: list[float | None], window: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out
