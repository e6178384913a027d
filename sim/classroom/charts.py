"""The joint debrief's two pictures as inline SVG, drawn by the host: a KPI of every team over sim time, and the decisions on a timeline.

Why SVG from the server: the dashboard and the printable summaries show the same picture, the
page needs no chart library (no CDN: the host works offline), and a picture made of text is
escaped once, here. Each team keeps one colour from the Okabe-Ito palette (told apart with colour
blindness) *and* its own marker shape and dash pattern, and every line is labelled with the team's
name at its end, so nothing is told by colour alone. Each chart has a ``<title>`` and a ``<desc>``
saying in words what it shows (screen readers read them). Only presentation attributes are used,
no ``style`` attributes, so the dashboard's Content-Security-Policy allows them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from sim.clock import MINUTES_PER_DAY

COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")  # Okabe-Ito, without the yellow
DASHES = ("", "7 4", "2 3", "9 3 2 3", "4 2", "1 2 6 2")
MARKERS = ("circle", "square", "triangle", "diamond", "cross", "bar")
STYLE_MARKERS = {"proactive": "circle", "reactive": "square"}
WIDTH, LEFT, RIGHT, TOP, BOTTOM = 760, 62, 150, 30, 46
MARKS_PER_LINE = 8


@dataclass(frozen=True)
class Line:
    """One team's series: its name (user text) and (sim minute, value) points, in time order."""

    name: str
    points: Sequence[tuple[float, float]]


@dataclass(frozen=True)
class Mark:
    """A decision on the timeline: when, what it says, and its style (reactive, proactive)."""

    minutes: float
    text: str  # short, on the picture: 'crash: reach out'
    style: str
    detail: str = ""  # the option's full label, in the marker's tooltip


def look(index: int) -> tuple[str, str, str]:
    """The i-th team's colour, dash pattern and marker shape (the same team keeps them in every chart)."""
    return COLOURS[index % len(COLOURS)], DASHES[index % len(DASHES)], MARKERS[index % len(MARKERS)]


def marker(shape: str, x: float, y: float, colour: str, size: float = 4.5, filled: bool = True) -> str:
    """One marker of ``shape`` centred on (x, y)."""
    fill = colour if filled else "#ffffff"
    common = f'fill="{fill}" stroke="{colour}" stroke-width="1.6"'
    s = size
    if shape == "circle":
        return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{s:.1f}" {common}/>'
    if shape == "square":
        return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}" {common}/>'
    if shape == "triangle":
        pts = f"{x:.1f},{y - s * 1.2:.1f} {x - s * 1.1:.1f},{y + s * 0.9:.1f} {x + s * 1.1:.1f},{y + s * 0.9:.1f}"
        return f'<polygon points="{pts}" {common}/>'
    if shape == "diamond":
        pts = f"{x:.1f},{y - s * 1.3:.1f} {x + s * 1.1:.1f},{y:.1f} {x:.1f},{y + s * 1.3:.1f} {x - s * 1.1:.1f},{y:.1f}"
        return f'<polygon points="{pts}" {common}/>'
    if shape == "cross":
        return (f'<path d="M{x - s:.1f},{y - s:.1f}L{x + s:.1f},{y + s:.1f}M{x - s:.1f},{y + s:.1f}L{x + s:.1f},{y - s:.1f}"'
                f' stroke="{colour}" stroke-width="2.2" fill="none"/>')  # fmt: skip
    return f'<rect x="{x - s * 1.4:.1f}" y="{y - s * 0.5:.1f}" width="{2.8 * s:.1f}" height="{s:.1f}" {common}/>'


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering low..high (1, 2 or 5 times a power of ten apart)."""
    if not math.isfinite(low) or not math.isfinite(high) or high <= low:
        return [low]
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 10))
        value += step
    return ticks


def _day_ticks(horizon_minutes: float) -> list[float]:
    days = max(1.0, horizon_minutes / MINUTES_PER_DAY)
    every = 1 if days <= 10 else 7 if days <= 70 else 30
    return [d * MINUTES_PER_DAY for d in range(0, int(days) + 1, every)]


def _tick_text(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def kpi_chart(title: str, unit: str, horizon_minutes: float, lines: Sequence[Line], *, fixed: tuple[float, float] | None = None,
              chart_id: str = "kpi-chart") -> str:  # fmt: skip
    """Every team's KPI over sim time in one chart: an SVG element (team names escaped)."""
    height = 330
    plot_w, plot_h = WIDTH - LEFT - RIGHT, height - TOP - BOTTOM
    values = [v for line in lines for _, v in line.points]
    if fixed is not None:
        low, high = fixed
    elif values:
        low, high = min(values), max(values)
        if high - low < 1e-9:
            low, high = low - 1, high + 1
    else:
        low, high = 0.0, 1.0
    ticks = nice_ticks(low, high)
    low, high = min(low, ticks[0]), max(high, ticks[-1])
    span = max(horizon_minutes, 1.0)

    def px(t: float) -> float:
        return LEFT + plot_w * min(max(t / span, 0.0), 1.0)

    def py(v: float) -> float:
        return TOP + plot_h * (1 - (v - low) / (high - low))

    ends = []
    for line in lines:
        if line.points:
            t, v = line.points[-1]
            ends.append(f"{line.name} ends at {_tick_text(v)} on {unit} (sim day {t / MINUTES_PER_DAY:.1f})")
    desc = "; ".join(ends) if ends else "No team has sent a value yet."
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}"'
        f' height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif" font-size="12">',
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(desc)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        f'<text x="{LEFT}" y="18" font-size="14" font-weight="bold" fill="#1d1d1f">{escape(title)}</text>',
    ]
    for tick in ticks:
        y = py(tick)
        out.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{LEFT + plot_w}" y2="{y:.1f}" stroke="#d6d6d2" stroke-width="1"/>')
        out.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#5f6368">{escape(_tick_text(tick))}</text>')
    for t in _day_ticks(span):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP + plot_h}" x2="{x:.1f}" y2="{TOP + plot_h + 5}" stroke="#5f6368"/>')
        out.append(f'<text x="{x:.1f}" y="{TOP + plot_h + 18}" text-anchor="middle" fill="#5f6368">{t / MINUTES_PER_DAY:g}</text>')
    out.append(f'<line x1="{LEFT}" y1="{TOP + plot_h}" x2="{LEFT + plot_w}" y2="{TOP + plot_h}" stroke="#5f6368"/>')
    out.append(f'<text x="{LEFT + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#5f6368">sim time (days)</text>')
    out.append(f'<text x="14" y="{TOP + plot_h / 2:.1f}" text-anchor="middle" fill="#5f6368"'
               f' transform="rotate(-90 14 {TOP + plot_h / 2:.1f})">{escape(unit)}</text>')  # fmt: skip
    label_ys: list[float] = []
    for i, line in enumerate(lines):
        colour, dash, shape = look(i)
        if not line.points:
            continue
        coords = [(px(t), py(v)) for t, v in line.points]
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<g class="series" data-team="{escape(line.name)}"><title>{escape(line.name)}</title>')
        out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="2.2"{dashed}/>')
        every = max(1, len(coords) // MARKS_PER_LINE)
        for k in range(0, len(coords), every):
            out.append(marker(shape, *coords[k], colour))
        if (len(coords) - 1) % every:
            out.append(marker(shape, *coords[-1], colour))
        y_end = coords[-1][1]
        while any(abs(y_end - other) < 14 for other in label_ys):  # labels at the line ends never overlap
            y_end += 14
        label_ys.append(y_end)
        x_end = LEFT + plot_w + 8
        out.append(marker(shape, x_end + 5, y_end, colour))
        out.append(f'<text x="{x_end + 14}" y="{y_end + 4:.1f}" fill="#1d1d1f" class="label">{escape(_short(line.name))}</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def decision_timeline(horizon_minutes: float, rows: Sequence[tuple[str, Sequence[Mark]]], *, chart_id: str = "timeline") -> str:
    """Every team's decisions on one sim-time axis: a row per team, a marker per decision (its style's shape), labelled."""
    row_h = 46
    height = TOP + row_h * max(1, len(rows)) + BOTTOM
    left = 150
    plot_w = WIDTH - left - 30
    span = max(horizon_minutes, 1.0)

    def px(t: float) -> float:
        return left + plot_w * min(max(t / span, 0.0), 1.0)

    said = [f"{name}: " + (", ".join(f"{m.text} at sim day {m.minutes / MINUTES_PER_DAY:.2f}" for m in marks) or "no decision")
            for name, marks in rows]  # fmt: skip
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{chart_id}" class="chart" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}"'
        f' height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="sans-serif" font-size="11">',
        f'<title id="{chart_id}-title">Decisions on the sim-time timeline</title><desc id="{chart_id}-desc">{escape("; ".join(said))}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        '<text x="8" y="18" font-size="14" font-weight="bold" fill="#1d1d1f">Decisions on the sim-time timeline</text>',
        f'<circle cx="{WIDTH - 250}" cy="14" r="4.5" fill="#1d1d1f"/><text x="{WIDTH - 241}" y="18" fill="#1d1d1f">proactive</text>',
        f'<rect x="{WIDTH - 175}" y="9.5" width="9" height="9" fill="#ffffff" stroke="#1d1d1f" stroke-width="1.6"/>'
        f'<text x="{WIDTH - 161}" y="18" fill="#1d1d1f">reactive</text>',
    ]
    axis_y = TOP + row_h * max(1, len(rows))
    for t in _day_ticks(span):
        x = px(t)
        out.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{axis_y}" stroke="#e4e4e0"/>')
        out.append(f'<text x="{x:.1f}" y="{axis_y + 16}" text-anchor="middle" fill="#5f6368">{t / MINUTES_PER_DAY:g}</text>')
    out.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 8}" text-anchor="middle" fill="#5f6368">sim time (days)</text>')
    for i, (name, marks) in enumerate(rows):
        colour, _, _ = look(i)
        y = TOP + row_h * i + row_h / 2
        out.append(f'<g class="row" data-team="{escape(name)}">')
        out.append(f'<text x="8" y="{y + 4:.1f}" fill="#1d1d1f" font-weight="bold">{escape(_short(name, 20))}</text>')
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{colour}" stroke-width="1.5"/>')
        for k, m in enumerate(marks):
            x = px(m.minutes)
            shape = STYLE_MARKERS.get(m.style, "diamond")
            tip = f"{m.text}: {m.detail}" if m.detail else m.text
            out.append(f'<g class="decision"><title>{escape(tip)} ({escape(m.style or "no style")})</title>')
            out.append(marker(shape, x, y, colour, 5, filled=m.style != "reactive"))
            dy = -9 if k % 2 == 0 else 19  # alternate above and below, so labels of close decisions do not overlap
            out.append(f'<text x="{x:.1f}" y="{y + dy:.1f}" text-anchor="middle" fill="#1d1d1f">{escape(_short(m.text, 28))}</text></g>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _short(text: str, most: int = 18) -> str:
    """A name cut to fit its place in the picture (the full name is in the title and the tables)."""
    return text if len(text) <= most else text[: most - 1] + "…"
