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
from game.render.fit import cut_line, shrunk_line, wrapped_lines
from game.ui import Painter
from sim.authoring.placeholders import Unit, format_value
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


UNITS: dict[str, Unit] = {"csat": "csat", "nps": "nps", "pct": "percent", "count": "customers"}  # the table's kinds


def fmt(value: Any, kind: str, currency: str) -> str:
    """A table cell: the units the debrief's sentences use (placeholders.format_value), money short ('298.1k EUR')."""
    if kind in UNITS:
        return format_value(value, UNITS[kind], currency)
    return "n/a" if value is None else ui.money(value, currency)


def band_text(lo: float, hi: float, kind: str, currency: str) -> str:
    """A band as 'low to high', without the unit (the value above it says it): '25.1 to 27.9', '298.1k to 331.0k'."""
    a, b = fmt(lo, kind, currency), fmt(hi, kind, currency)
    for unit in (f" {currency}", " %", " / 5"):
        if a.endswith(unit) and b.endswith(unit):
            a, b = a[: -len(unit)], b[: -len(unit)]
    return f"{a} to {b}"


def fitted(
    surface: pygame.Surface, p: Painter, text: str, pos: tuple[int, int], width: int, base: int,
    colour: tuple[int, int, int] = ui.TEXT, *, bold: bool = False,
) -> str:  # fmt: skip
    """Draw one line within ``width``: a smaller size if needed (down to 9), then cut with '…'; returns what was drawn.

    Measured once per text, size and width (game/render/fit.py remembers), not every frame."""
    size, shown = shrunk_line(p, text, base, width, bold)
    if shown:
        p.text(surface, shown, pos, size, colour, bold=bold)
    return shown


def clipped(
    surface: pygame.Surface, p: Painter, text: str, rect: pygame.Rect, base: int,
    colour: tuple[int, int, int] = ui.TEXT, *, bold: bool = False,
) -> int:  # fmt: skip
    """Text wrapped to ``rect`` and never below it (the last line that fits ends in '…'); returns the y below it."""
    line_h = p.line_h(base, bold)
    lines = [line for line in wrapped_lines(p, text, base, rect.width, bold) if line]
    room = max(0, (rect.bottom - rect.top) // line_h)
    if len(lines) > room:  # the last line that fits runs on into the rest, cut: it ends in an ellipsis
        lines = [*lines[: room - 1], cut_line(p, " ".join(lines[room - 1 :]), base, rect.width, bold)] if room else []
    y = rect.top
    for line in lines:
        p.text(surface, line, (rect.left, y), base, colour, bold=bold)
        y += line_h
    return y


def line_h(p: Painter, base: int, bold: bool = False) -> int:
    """The height of one line of text at ``base`` size (text scales apart from the window, so layouts ask)."""
    return int(p.font(base, bold).get_linesize())


def heading_bottom(p: Painter) -> int:
    """Where the page below the heading may start."""
    return p.px(10) + line_h(p, 28, True) + p.px(4)


def draw_status(
    surface: pygame.Surface, p: Painter, seed_done: int, paths: int, done: int, total: int, failed: str | None
) -> None:
    """The heading, and how far the what-if replays are: the session's seed first, then the bands."""
    w, _h = surface.get_size()
    head = p.text(surface, "Debrief", (p.px(24), p.px(10)), 28, bold=True)
    if failed:
        status = failed
    elif seed_done < paths:
        status = f"replaying the same customers with the other choices: {seed_done} of {paths} done"
    elif done < total:
        status = f"same customers compared; bands over 10 seeds: {done} of {total} replays done"
    else:
        status = f"same seed, same customers: {paths} paths compared, each over 10 seeds"
    busy = done < total and not failed
    room = w - head.right - p.px(48)
    width = min(room, p.font(14).size(status)[0])
    fitted(surface, p, status, (w - p.px(24) - width, p.px(12)), room, 14, ui.YELLOW if busy else ui.MUTED)
    if busy:
        bar = pygame.Rect(w - p.px(24) - min(room, p.px(300)), p.px(14) + line_h(p, 14), min(room, p.px(300)), p.px(6))
        pygame.draw.rect(surface, ui.PANEL_EDGE, bar, border_radius=3)
        pygame.draw.rect(surface, ui.SKY, (bar.left, bar.top, bar.width * done // max(1, total), bar.height), border_radius=3)


def table_height(p: Painter, rows: int) -> int:
    """The height the table needs for ``rows`` paths."""
    return p.px(14) + line_h(p, 12) + line_h(p, 11, True) + rows * row_height(p) + p.px(4)


def row_height(p: Painter) -> int:
    return line_h(p, 14, True) + line_h(p, 11) + p.px(4)


def draw_table(
    surface: pygame.Surface, p: Painter, rect: pygame.Rect, compared: Compared, band: Band, currency: str
) -> dict[str, dict[str, str]]:
    """One row per path, short term against long term; returns {row label: {column: value (band)}}."""
    ui.panel(surface, rect)
    with p.within(rect):
        title = "WHAT IF: THE SAME CUSTOMERS UNDER EACH PATH  (value on your seed; below, lowest to highest over 10 seeds)"
        y = rect.top + p.px(6)
        fitted(surface, p, title, (rect.left + p.px(12), y), rect.width - p.px(24), 12, ui.MUTED)
        y += line_h(p, 12) + p.px(2)
        label_w = min(p.px(230), rect.width // 5)
        col_w = (rect.width - label_w - p.px(24)) // len(COLUMNS)
        for j, (head, _key, kind) in enumerate(COLUMNS):
            text = f"{head} ({currency})" if kind == "money" else head
            fitted(surface, p, text, (rect.left + label_w + j * col_w, y), col_w - p.px(6), 11, bold=True)
        y += line_h(p, 11, True) + p.px(2)
        row_h = row_height(p)
        shown: dict[str, dict[str, str]] = {}
        fits = max(1, (rect.bottom - y - p.px(4)) // row_h)
        rows = list(enumerate(compared))
        for i, (alt, res) in rows[:fits] if len(rows) <= fits else rows[: fits - 1]:
            label = "Your choices" if alt.yours else alt.label
            colour = ui.YELLOW if alt.yours else ui.TEXT
            fitted(surface, p, label, (rect.left + p.px(12), y), label_w - p.px(16), 13, colour, bold=alt.yours)
            cells: dict[str, str] = {}
            for j, (head, key, kind) in enumerate(COLUMNS):
                x = rect.left + label_w + j * col_w
                value = "..." if res is None else fmt(res.get(key), kind, currency)
                drawn = value.removesuffix(f" {currency}") if kind == "money" else value
                fitted(surface, p, drawn, (x, y), col_w - p.px(6), 14, colour, bold=True)
                spread = band(i, key)
                if spread is not None:
                    text = band_text(spread[0], spread[1], kind, currency)
                    fitted(surface, p, text, (x, y + line_h(p, 14, True)), col_w - p.px(6), 11, ui.MUTED)
                    value = f"{value} ({text}, {spread[2]} seeds)"
                cells[head] = value
            shown[label] = cells
            y += row_h
        if len(rows) > fits:
            more = f"+ {len(rows) - fits + 1} more paths (cxsim compare gives every path with intervals)"
            fitted(surface, p, more, (rect.left + p.px(12), y), rect.width - p.px(24), 12, ui.MUTED)
        return shown


def draw_decisions(surface: pygame.Surface, p: Painter, rect: pygame.Rect, taken: Sequence[Taken]) -> list[str]:
    """The decisions on a timeline with their debrief texts; returns the texts as shown."""
    ui.panel(surface, rect)
    with p.within(rect):
        p.text(surface, "YOUR DECISIONS", (rect.left + p.px(12), rect.top + p.px(8)), 12, ui.MUTED)
        y = rect.top + p.px(12) + line_h(p, 12)
        inner = rect.width - p.px(24)
        if not taken:
            p.text(surface, "No decision came up in this run.", (rect.left + p.px(12), y), 14)
        shown = []
        for t in taken:
            if y > rect.bottom - 2 * line_h(p, 13):
                break
            colour = ui.GREEN if t.style == "proactive" else ui.ORANGE if t.style == "reactive" else ui.TEXT
            p.text(surface, format_time(t.time), (rect.left + p.px(12), y), 12, ui.MUTED)
            y += line_h(p, 12)
            y = clipped(surface, p, f"{t.label} ({t.style})", pygame.Rect(rect.left + p.px(12), y, inner, 2 * line_h(p, 13, True)), 13, colour,
                          bold=True)  # fmt: skip
            if t.debrief:
                box = pygame.Rect(rect.left + p.px(12), y + p.px(2), inner, max(0, rect.bottom - y - p.px(12)))
                y = clipped(surface, p, t.debrief, box, 13)
                shown.append(t.debrief)
            y += p.px(10)
        return shown


def draw_same_customer(surface: pygame.Surface, p: Painter, rect: pygame.Rect, same: SameCustomer | None) -> dict[str, Any]:
    """One silent customer's journey, side by side under both choices; returns what was shown."""
    ui.panel(surface, rect)
    with p.within(rect):
        top = rect.top + p.px(12) + line_h(p, 12)
        inner = pygame.Rect(rect.left + p.px(12), top, rect.width - p.px(24), rect.bottom - top - p.px(6))
        if same is None:
            p.text(surface, "SAME CUSTOMER, OTHER CHOICE", (rect.left + p.px(12), rect.top + p.px(8)), 12, ui.MUTED)
            text = "Waiting for the replays, or no customer a decision's failure hit stayed silent and answered the survey."
            clipped(surface, p, text, inner, 13)
            return {}
        title = f"SAME CUSTOMER, OTHER CHOICE: customer {same.customer}, hit at '{same.decision.replace('_', ' ')}', never called"
        fitted(surface, p, title, (rect.left + p.px(12), rect.top + p.px(8)), rect.width - p.px(24), 12, ui.MUTED)
        half = (inner.width - p.px(12)) // 2
        for k, (head, lines) in enumerate(((same.yours_label, same.yours), (same.other_label, same.other))):
            x = inner.left + k * (half + p.px(12))
            colour = ui.YELLOW if k == 0 else ui.SKY
            y = clipped(surface, p, head, pygame.Rect(x, top, half, 2 * line_h(p, 12, True)), 12, colour, bold=True)
            for line in lines if lines is not None else ["replaying..."]:
                if y > inner.bottom - line_h(p, 11):
                    break
                y = clipped(surface, p, line, pygame.Rect(x, y, half, inner.bottom - y), 11)
        return {"customer": same.customer, "yours": list(same.yours), "other": list(same.other or [])}


def draw_decisions_page(
    surface: pygame.Surface, p: Painter, taken: Sequence[Taken], compared: Compared, band: Band, same: SameCustomer | None,
    currency: str, *, bottom: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Page 1: the table across the top, the decisions and the same customer's two stories below (above ``bottom``)."""
    w, h = surface.get_size()
    top = heading_bottom(p)
    bottom = h - p.px(76) if bottom is None else bottom  # the buttons
    table = pygame.Rect(p.px(20), top, w - p.px(40), min(table_height(p, max(1, len(compared))), (bottom - top) // 2))
    shown: dict[str, Any] = {"table": draw_table(surface, p, table, compared, band, currency)}
    top = table.bottom + p.px(10)
    left = pygame.Rect(p.px(20), top, (w - p.px(52)) * 2 // 5, bottom - top)
    shown["debrief"] = draw_decisions(surface, p, left, taken)
    right = pygame.Rect(left.right + p.px(12), top, w - left.right - p.px(32), left.height)
    shown["same_customer"] = draw_same_customer(surface, p, right, same)
    return shown


def draw_charts(
    surface: pygame.Surface, p: Painter, compared: Compared, lessons: Sequence[str], currency: str,
    marks: Sequence[tuple[float, str]] = (), *, bottom: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Page 2: three charts over days across the paths, decision days marked, and the learning objectives (above ``bottom``)."""
    w, h = surface.get_size()
    results = [(alt, res) for alt, res in compared[:4] if res is not None]
    third = (w - p.px(72)) // 3
    top = heading_bottom(p)
    bottom = h - p.px(76) if bottom is None else bottom  # the buttons
    ch = (bottom - top) * 3 // 5

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
    box = pygame.Rect(p.px(20), top + ch + p.px(10), w - p.px(40), bottom - top - ch - p.px(10))
    ui.panel(surface, box)
    with p.within(box):
        p.text(surface, "LESSONS: WHAT THIS SESSION WAS TO TEACH", (box.left + p.px(12), box.top + p.px(8)), 12, ui.MUTED)
        y = box.top + p.px(12) + line_h(p, 12)
        for objective in lessons:
            if y > box.bottom - line_h(p, 14):
                break
            y = clipped(surface, p, f"- {objective}", pygame.Rect(box.left + p.px(12), y, box.width - p.px(24), box.bottom - y), 14)
        return {"objectives": list(lessons), "marks": list(marks)}


def _smooth(values: Sequence[float | None], window: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out
