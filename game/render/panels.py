"""The play screen's panels: the clock bar, the KPIs with sparklines, a followed customer's
story, and the ticker of what just happened. Each draws what it is given and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pygame

from game import ui
from game.live_view import MOOD_NAMES, LiveView
from game.render.charts import sparkline
from game.render.fit import cut_line, wrapped_lines
from game.ui import ELLIPSIS, Painter
from sim.clock import format_time
from sim.engine.snapshot import Snapshot

KEY_HINT = "Space pause · 1-5 speed (1 = pause) · End fast-forward · Esc menu · F1 tour · F11 full screen · Ctrl +/- text"


def draw_top(surface: pygame.Surface, p: Painter, bar: pygame.Rect, snap: Snapshot, title: str, speed: str) -> None:
    """The clock, the horizon, the scenario's title and the speed, in the clock bar ``bar`` (left of the speed buttons).

    Measured left to right, each line centred on the bar's height; what does not fit before the speed gives way: the
    title first (cut with an ellipsis), then the horizon, then the speed is cut."""
    state = "waiting for your decision" if snap.paused else speed
    speed_text = f"speed: {state}"
    gap = p.px(14)
    mid = bar.centery
    with p.within(bar):
        clock = p.text(surface, format_time(snap.now), (bar.left + p.px(14), mid), 20, bold=True, anchor="midleft")
        right = bar.right - p.px(6)
        room = right - clock.right - gap
        shown = cut_line(p, speed_text, 14, room)
        end = right - p.width(shown, 14) - gap
        x = clock.right + gap
        horizon = f"of {snap.horizon / 1440:g} days"
        if x + p.width(horizon, 14) <= end:
            x = p.text(surface, horizon, (x, mid), 14, ui.MUTED, anchor="midleft").right + gap
            if end - x > p.width("\u2026", 14) * 6:
                p.text(surface, cut_line(p, title, 14, end - x), (x, mid), 14, ui.MUTED, anchor="midleft")
        if shown.strip(ELLIPSIS):
            p.text(surface, shown, (right, mid), 14, ui.YELLOW, anchor="midright")


def draw_kpis(
    surface: pygame.Surface,
    p: Painter,
    r: pygame.Rect,
    kpis: Mapping[str, Any],
    series: Mapping[str, Sequence[float | None]],
    view: LiveView,
    currency: str,
) -> None:
    """How it is going: the rolling CSAT and NPS, orders, money, each channel's wait, failures' reach."""
    ui.panel(surface, r)
    if view.followed is not None:
        draw_follow(surface, p, r, view)
        return
    k = kpis
    exp = k.get("experience", {})
    money = k.get("money", {})
    rows: list[tuple[str, str, str | None]] = [
        ("CSAT now", "n/a" if view.csat_now is None else f"{view.csat_now:.2f} / 5", "csat"),
        ("NPS now", "n/a" if view.nps_now is None else f"{view.nps_now:+.0f}", "nps"),
        ("Repeat purchase", pct(exp.get("repeat_purchase_rate")), None),
        ("Orders", f"{k.get('journey', {}).get('orders', 0):,}", None),
        ("Revenue", ui.money(money.get("revenue"), currency), None),
        ("Cost of goods", ui.money(goods(money), currency), None),
        ("Service costs", ui.money(costs(money), currency), None),
        ("Profit", ui.money(money.get("profit"), currency), "profit"),
    ]
    with p.within(r):
        _kpi_rows(surface, p, r, rows, series, k)


def _kpi_rows(
    surface: pygame.Surface,
    p: Painter,
    r: pygame.Rect,
    rows: list[tuple[str, str, str | None]],
    series: Mapping[str, Sequence[float | None]],
    k: Mapping[str, Any],
) -> None:
    """The rows, measured: a value beside its label when both fit (with its sparkline if there is room), else below it;
    rows that would run past the panel's bottom are left out rather than cut."""
    left, right = r.left + p.px(12), r.right - p.px(12)
    y = r.top + p.px(8)
    value_x = left + max(p.px(138), max(p.width(label, 14) for label, _, _ in rows) + p.px(12))
    spark_w = p.px(68)

    def room(height: int) -> bool:
        return y + height <= r.bottom - p.px(4)

    p.text(surface, "HOW IT IS GOING", (left, y), 12, ui.MUTED)
    y += p.line_h(12) + p.px(4)
    for label, value, key in rows:
        beside = value_x + p.width(value, 16, True) <= right
        step = max(p.line_h(14), p.line_h(16, True)) if beside else p.line_h(14) + p.line_h(16, True)
        if not room(step):
            return
        p.text(surface, label, (left, y), 14, ui.MUTED)
        if beside:
            p.text(surface, value, (value_x, y), 16, bold=True)
            if key and value_x + p.width(value, 16, True) + p.px(8) <= right - spark_w:
                sparkline(surface, pygame.Rect(right - spark_w, y, spark_w, p.px(18)), list(series[key]))
        else:
            p.text(surface, value, (left + p.px(12), y + p.line_h(14)), 16, bold=True)
        y += step + p.px(2)
    y += p.px(6)
    if not room(p.line_h(12)):
        return
    p.text(surface, "SERVICE CHANNELS", (left, y), 12, ui.MUTED)
    y += p.line_h(12) + p.px(2)
    for name, ch in k.get("channels", {}).items():
        wait = ch.get("wait_mean_min")
        text = f"wait {'n/a' if wait is None else f'{wait:.1f} min'}, abandoned {pct(ch.get('abandon_rate'))}"
        shown_name = cut_line(p, name, 14, right - left, True)
        name_w = p.width(shown_name, 14, True) + p.px(8)
        beside = left + name_w + p.width(text, 13) <= right
        step = p.line_h(14, True) if beside else p.line_h(14, True) + p.line_h(13)
        if not room(step):
            return
        p.text(surface, shown_name, (left, y), 14, bold=True)
        at = (left + name_w, y + p.px(1)) if beside else (left + p.px(12), y + p.line_h(14, True))
        p.text(surface, cut_line(p, text, 13, right - at[0]), at, 13, ui.MUTED)
        y += step
    hits = k.get("recovery", {})
    if hits.get("customers_affected"):
        y += p.px(6)
        lines = [(f"hit by failures: {hits['customers_affected']:,}", 14, ui.ORANGE)]
        lines += [(line, 12, ui.MUTED) for line in wrapped_lines(
            p, f"reached first: {hits.get('proactive', 0):,}   answered on contact: {hits.get('on_contact', 0):,}", 12, right - left)]  # fmt: skip
        for line, base, colour in lines:
            if not room(p.line_h(base)):
                return
            p.text(surface, line, (left, y), base, colour)
            y += p.line_h(base)


def draw_follow(surface: pygame.Surface, p: Painter, r: pygame.Rect, view: LiveView) -> None:
    """The followed customer: who, how they feel, their moments so far, and how to stop following.

    Laid out from line heights, top down, with the hint kept at the bottom; lines are wrapped and cut to the panel
    (remembered per size, so a frame measures nothing new), and story lines that do not fit are left out."""
    cid = view.followed
    marker = view.markers.get(cid) if cid is not None else None
    left, width = r.left + p.px(12), r.width - p.px(24)
    hint = wrapped_lines(p, "X or click empty space: stop following", 12, width)
    hint_top = r.bottom - p.px(6) - len(hint) * p.line_h(12)
    with p.within(r):
        y = r.top + p.px(8)

        def block(text: str, base: int, colour: tuple[int, int, int], bold: bool = False, bottom: int = hint_top) -> bool:
            nonlocal y
            for line in wrapped_lines(p, text, base, width, bold):
                if y + p.line_h(base, bold) > bottom:
                    return False
                if line:
                    p.text(surface, line, (left, y), base, colour, bold=bold)
                y += p.line_h(base, bold)
            return True

        block(f"FOLLOWING CUSTOMER #{cid}", 13, ui.YELLOW, bold=True)
        if marker is not None:
            block(f"{marker.segment}, feels {MOOD_NAMES[marker.mood]}", 14, ui.TEXT)
        elif view.followed_done:
            block("journey over: memory settles a day later", 14, ui.MUTED)
        y += p.px(6)
        for line in view.lines(view.followed_story):
            if not block(line, 12, ui.TEXT, bottom=hint_top - p.px(4)):
                break
        y = max(y, hint_top)
        for line in hint:
            p.text(surface, line, (left, y), 12, ui.MUTED)
            y += p.line_h(12)


def draw_ticker(surface: pygame.Surface, p: Painter, r: pygame.Rect, ticker: Sequence[tuple[float, str]]) -> None:
    """The latest notable moments, newest first, and the key hint (where it fits beside the heading)."""
    ui.panel(surface, r)
    left, right = r.left + p.px(12), r.right - p.px(12)
    with p.within(r):
        heading = p.text(surface, "WHAT JUST HAPPENED", (left, r.top + p.px(8)), 12, ui.MUTED)
        if heading.right + p.px(16) + p.width(KEY_HINT, 12) <= right:
            p.text(surface, KEY_HINT, (right, r.top + p.px(8)), 12, ui.MUTED, anchor="topright")
        y = heading.bottom + p.px(4)
        step = max(p.px(18), p.line_h(14))
        for t, text in reversed(ticker):
            if y + step > r.bottom - p.px(4):
                break
            stamp = p.text(surface, format_time(t), (left, y), 13, ui.MUTED)
            x = max(left + p.px(178), stamp.right + p.px(12))
            p.text(surface, cut_line(p, text, 14, right - x), (x, y), 14)
            y += step


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def goods(money: Mapping[str, float]) -> float | None:
    """What the goods sold cost: revenue less gross margin (so revenue - goods - service costs = profit)."""
    if not money:
        return None
    return money["revenue"] - money["gross_margin"]


def costs(money: Mapping[str, float]) -> float | None:
    if not money:
        return None
    return money["agent_cost"] + money["response_cost"] + money["recovery_cost"] + money["compensation"]
