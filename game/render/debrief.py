"""The debrief's pages, drawn from what the scene computed (drawing only reads).

Page 1: the what-if table (one row per path: the trainee's answers and each single-decision
change, on the same customers; each value with its band over ten seeds), the trainee's decisions
with the scenario's debrief texts filled from the session, and one silent customer's story under
the trainee's choice and under the alternative. Page 2: profit, NPS and buying again over time
with the decision days marked, and the scenario's learning objectives.

Each function returns the strings it drew, keyed as a trainee reads them, so tests can read the
numbers from the screen state (``DebriefScene.shown``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pygame

from game import ui
from game.counterfactuals import Alternative
from game.render.charts import line_chart
from game.ui import Painter
from sim.clock import format_time

# (column heading, summary key, kind)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("Callers' CSAT (now)", "callers_csat", "csat"),
    ("Affected NPS (later)", "affected_nps", "nps"),
    ("Affected repeat prob.", "affected_repeat", "pct"),
    ("Repeat purchase, all", "repeat_rate", "pct"),
    ("Profit", "profit", "money"),
    ("Contacts", "contacts", "count"),
    ("Costs", "cost", "money"),
    ("n affected", "affected_n", "count"),
)

Compared = Sequence[tuple[Alternative, dict[str, Any] | None]]  # each path with its summary (None: still running)
Band = Callable[[int, str], tuple[float, float, int] | None]  # (path, key) -> (min, max, replays)


@dataclass(frozen=True, slots=True)
class Taken:
    """One decision the trainee took, as the timeline shows it (``debrief``: the text, placeholders filled)."""

    time: float
    label: str
    style: str
    debrief: str
    decision: str = ""


@dataclass(frozen=True, slots=True)
class SameCustomer:
    """One customer's first journey under the trainee's choice and under the alternative."""

    customer: int
    decision: str
    yours_label: str
    other_label: str
    yours: Sequence[str]
    other: Sequence[str] | None  # None while the alternative's replay runs


def fmt(value: Any, kind: str, currency: str) -> str:
    if value is None:
        return "n/a"
    if kind == "csat":
        return f"{value:.2f} / 5"
    if kind == "nps":
        return f"{value:+.1f}"
    if kind == "pct":
        return f"{100 * value:.1f} %"
    if kind == "count":
        return f"{value:,.0f}"
    return ui.money(value, currency)


def band_text(lo: float, hi: float, kind: str, currency: str) -> str:
    """A band as 'low-high' with the unit once: '25.1-27.9 %', '298.1k-331.0k EUR'."""
    a, b = fmt(lo, kind, currency), fmt(hi, kind, currency)
    for unit in (f" {currency}", " %", " / 5"):
        if a.endswith(unit) and b.endswith(unit):
            a = a[: -len(unit)]
    return f"{a} to {b}"


def draw_status(
    surface: pygame.Surface, p: Painter, seed_done: int, paths: int, done: int, total: int, failed: str | None
) -> None:
    """The heading, and how far the what-if replays are: the session's seed first, then the bands."""
    w, _h = surface.get_size()
    p.text(surface, "Debrief", (p.px(24), p.px(14)), 28, bold=True)
    if failed:
        status = failed
    elif seed_done < paths:
        status = f"replaying the same customers with the other choices: {seed_done} of {paths} done"
    elif done < total:
        status = f"same customers compared; bands over 10 seeds: {done} of {total} replays done"
    else:
        status = f"same seed, same customers: {paths} paths compared, each over 10 seeds"
    busy = done < total and not failed
    p.text(surface, status, (w - p.px(24), p.px(18)), 14, ui.YELLOW if busy else ui.MUTED, anchor="topright")
    if busy:
        bar = pygame.Rect(w - p.px(324), p.px(40), p.px(300), p.px(8))
        pygame.draw.rect(surface, ui.PANEL_EDGE, bar, border_radius=4)
        pygame.draw.rect(surface, ui.SKY, (bar.left, bar.top, bar.width * done // max(1, total), bar.height), border_radius=4)


def draw_table(
    surface: pygame.Surface, p: Painter, rect: pygame.Rect, compared: Compared, band: Band, currency: str
) -> dict[str, dict[str, str]]:
    """One row per path, short term against long term; returns {row label: {column: value (band)}}."""
    ui.panel(surface, rect)
    p.text(surface, "WHAT IF: THE SAME CUSTOMERS UNDER EACH PATH  (value on your seed; below, lowest to highest over 10 seeds)",
           (rect.left + p.px(12), rect.top + p.px(8)), 12, ui.MUTED)  # fmt: skip
    label_w = p.px(230)
    col_w = (rect.width - label_w - p.px(24)) // len(COLUMNS)
    y = rect.top + p.px(28)
    for j, (head, _key, _kind) in enumerate(COLUMNS):
        p.wrapped(
            surface, head, pygame.Rect(rect.left + label_w + j * col_w, y, col_w - p.px(6), p.px(34)), 11, ui.TEXT, bold=True
        )
    y += p.px(38)
    row_h = p.px(40)
    shown: dict[str, dict[str, str]] = {}
    fits = max(1, (rect.bottom - y - p.px(6)) // row_h)
    rows = list(enumerate(compared))
    for i, (alt, res) in rows[:fits] if len(rows) <= fits else rows[: fits - 1]:
        label = "Your choices" if alt.yours else alt.label
        colour = ui.YELLOW if alt.yours else ui.TEXT
        p.wrapped(surface, label, pygame.Rect(rect.left + p.px(12), y, label_w - p.px(20), row_h), 13, colour, bold=alt.yours)
        cells: dict[str, str] = {}
        for j, (head, key, kind) in enumerate(COLUMNS):
            x = rect.left + label_w + j * col_w
            value = "..." if res is None else fmt(res.get(key), kind, currency)
            p.text(surface, value, (x, y), 14, colour, bold=True)
            spread = band(i, key)
            if spread is not None:
                text = band_text(spread[0], spread[1], kind, currency)
                p.text(surface, text, (x, y + p.px(19)), 11, ui.MUTED)
                value = f"{value} ({text}, {spread[2]} seeds)"
            cells[head] = value
        shown[label] = cells
        y += row_h
    if len(rows) > fits:
        p.text(surface, f"+ {len(rows) - fits + 1} more paths (cxsim compare gives every path with intervals)",
               (rect.left + p.px(12), y), 12, ui.MUTED)  # fmt: skip
    return shown


def draw_decisions(surface: pygame.Surface, p: Painter, rect: pygame.Rect, taken: Sequence[Taken]) -> list[str]:
    """The decisions on a timeline with their debrief texts; returns the texts as shown."""
    ui.panel(surface, rect)
    p.text(surface, "YOUR DECISIONS", (rect.left + p.px(12), rect.top + p.px(10)), 12, ui.MUTED)
    y = rect.top + p.px(30)
    inner = rect.width - p.px(24)
    if not taken:
        p.text(surface, "No decision came up in this run.", (rect.left + p.px(12), y), 14)
    shown = []
    for t in taken:
        if y > rect.bottom - p.px(30):
            break
        colour = ui.GREEN if t.style == "proactive" else ui.ORANGE if t.style == "reactive" else ui.TEXT
        p.text(surface, format_time(t.time), (rect.left + p.px(12), y), 12, ui.MUTED)
        y += p.px(17)
        y = p.wrapped(surface, f"{t.label} ({t.style})", pygame.Rect(rect.left + p.px(12), y, inner, p.px(40)), 13, colour,
                      bold=True)  # fmt: skip
        if t.debrief:
            box = pygame.Rect(rect.left + p.px(12), y + p.px(2), inner, max(0, rect.bottom - y - p.px(12)))
            y = p.wrapped(surface, t.debrief, box, 13)
            shown.append(t.debrief)
        y += p.px(10)
    return shown


def draw_same_customer(surface: pygame.Surface, p: Painter, rect: pygame.Rect, same: SameCustomer | None) -> dict[str, Any]:
    """One silent customer's journey, side by side under both choices; returns what was shown."""
    ui.panel(surface, rect)
    if same is None:
        p.text(surface, "SAME CUSTOMER, OTHER CHOICE", (rect.left + p.px(12), rect.top + p.px(10)), 12, ui.MUTED)
        p.wrapped(surface, "Waiting for the replays, or no customer a decision's failure hit stayed silent and answered the survey.",
                  pygame.Rect(rect.left + p.px(12), rect.top + p.px(32), rect.width - p.px(24), p.px(60)), 13)  # fmt: skip
        return {}
    title = f"SAME CUSTOMER, OTHER CHOICE: customer {same.customer}, hit at '{same.decision.replace('_', ' ')}', never called"
    p.text(surface, title, (rect.left + p.px(12), rect.top + p.px(10)), 12, ui.MUTED)
    half = (rect.width - p.px(36)) // 2
    for k, (head, lines) in enumerate(((same.yours_label, same.yours), (same.other_label, same.other))):
        x = rect.left + p.px(12) + k * (half + p.px(12))
        y = p.wrapped(surface, head, pygame.Rect(x, rect.top + p.px(30), half, p.px(36)), 12, ui.YELLOW if k == 0 else ui.SKY,
                      bold=True)  # fmt: skip
        for line in lines if lines is not None else ["replaying..."]:
            if y > rect.bottom - p.px(16):
                break
            y = p.wrapped(surface, line, pygame.Rect(x, y, half, rect.bottom - y), 11)
    return {"customer": same.customer, "yours": list(same.yours), "other": list(same.other or [])}


def draw_decisions_page(
    surface: pygame.Surface, p: Painter, taken: Sequence[Taken], compared: Compared, band: Band, same: SameCustomer | None,
    currency: str,
) -> dict[str, Any]:  # fmt: skip
    """Page 1: the table across the top, the decisions and the same customer's two stories below."""
    w, h = surface.get_size()
    rows = max(1, len(compared))
    table = pygame.Rect(p.px(20), p.px(60), w - p.px(40), min(p.px(74) + rows * p.px(40) + p.px(8), (h - p.px(140)) // 2))
    shown: dict[str, Any] = {"table": draw_table(surface, p, table, compared, band, currency)}
    top = table.bottom + p.px(10)
    left = pygame.Rect(p.px(20), top, (w - p.px(52)) * 2 // 5, h - top - p.px(80))
    shown["debrief"] = draw_decisions(surface, p, left, taken)
    right = pygame.Rect(left.right + p.px(12), top, w - left.right - p.px(32), left.height)
    shown["same_customer"] = draw_same_customer(surface, p, right, same)
    return shown


def draw_charts(
    surface: pygame.Surface, p: Painter, compared: Compared, lessons: Sequence[str], currency: str,
    marks: Sequence[tuple[float, str]] = (),
) -> dict[str, Any]:  # fmt: skip
    """Page 2: three charts over days across the paths, decision days marked, and the learning objectives."""
    w, h = surface.get_size()
    results = [(alt, res) for alt, res in compared[:4] if res is not None]
    third = (w - p.px(72)) // 3
    top = p.px(70)
    ch = h - p.px(330)

    def series(key: str, smooth: bool) -> list[tuple[str, Sequence[float | None], tuple[int, int, int]]]:
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
        rect = pygame.Rect(p.px(20) + k * (third + p.px(16)), top, third, ch)
        line_chart(surface, p, rect, title, data, unit, marks=marks)
    box = pygame.Rect(p.px(20), top + ch + p.px(12), w - p.px(40), h - top - ch - p.px(92))
    ui.panel(surface, box)
    p.text(surface, "LESSONS: WHAT THIS SESSION WAS TO TEACH", (box.left + p.px(12), box.top + p.px(10)), 12, ui.MUTED)
    y = box.top + p.px(30)
    for objective in lessons:
        if y > box.bottom - p.px(18):
            break
        y = p.wrapped(surface, f"- {objective}", pygame.Rect(box.left + p.px(12), y, box.width - p.px(24), box.bottom - y), 14)
    return {"objectives": list(lessons), "marks": list(marks)}


def _smooth(values: Sequence[float | None], window: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out
