"""The play screen's panels: the clock bar, the KPIs with sparklines, a followed customer's
story, and the ticker of what just happened. Each draws what it is given and changes nothing."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pygame

from game import ui
from game.live_view import MOOD_NAMES, LiveView
from game.render.charts import sparkline
from game.ui import Painter
from sim.clock import format_time
from sim.engine.snapshot import Snapshot

KEY_HINT = "Space pause · 1-5 speed (1 = pause) · End fast-forward · Esc menu · F11 full screen · Ctrl +/- text"


def draw_top(surface: pygame.Surface, p: Painter, snap: Snapshot, title: str, speed: str, right: int) -> None:
    """The clock, the horizon, the scenario's title and the speed (``right``: where the speed text ends)."""
    p.text(surface, format_time(snap.now), (p.px(14), p.px(12)), 20, bold=True)
    p.text(surface, f"of {snap.horizon / 1440:g} days", (p.px(240), p.px(16)), 14, ui.MUTED)
    p.text(surface, title, (p.px(360), p.px(16)), 14, ui.MUTED)
    state = "waiting for your decision" if snap.paused else speed
    p.text(surface, f"speed: {state}", (right - p.px(16), p.px(16)), 14, ui.YELLOW, anchor="topright")


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
        ("Costs", ui.money(costs(money), currency), None),
        ("Profit", ui.money(money.get("profit"), currency), "profit"),
    ]
    y = r.top + p.px(10)
    p.text(surface, "HOW IT IS GOING", (r.left + p.px(12), y), 12, ui.MUTED)
    y += p.px(22)
    for label, value, key in rows:
        p.text(surface, label, (r.left + p.px(12), y), 14, ui.MUTED)
        p.text(surface, value, (r.left + p.px(150), y), 16, bold=True)
        if key:
            spark = pygame.Rect(r.right - p.px(80), y, p.px(68), p.px(18))
            sparkline(surface, spark, list(series[key]))
        y += p.px(26)
    y += p.px(6)
    p.text(surface, "SERVICE CHANNELS", (r.left + p.px(12), y), 12, ui.MUTED)
    y += p.px(20)
    for name, ch in k.get("channels", {}).items():
        wait = ch.get("wait_mean_min")
        ab = ch.get("abandon_rate")
        text = f"wait {'n/a' if wait is None else f'{wait:.1f} min'}, abandoned {pct(ab)}"
        p.text(surface, name, (r.left + p.px(12), y), 14, bold=True)
        p.text(surface, text, (r.left + p.px(80), y + p.px(1)), 13, ui.MUTED)
        y += p.px(22)
    hits = k.get("recovery", {})
    if hits.get("customers_affected"):
        y += p.px(6)
        p.text(surface, f"hit by failures: {hits['customers_affected']:,}", (r.left + p.px(12), y), 14, ui.ORANGE)
        y += p.px(20)
        p.text(surface, f"reached first: {hits.get('proactive', 0):,}   answered on contact: {hits.get('on_contact', 0):,}",
               (r.left + p.px(12), y), 12, ui.MUTED)  # fmt: skip


def draw_follow(surface: pygame.Surface, p: Painter, r: pygame.Rect, view: LiveView) -> None:
    """The followed customer: who, how they feel, their moments so far."""
    cid = view.followed
    marker = view.markers.get(cid) if cid is not None else None
    y = r.top + p.px(10)
    p.text(surface, f"FOLLOWING CUSTOMER #{cid}", (r.left + p.px(12), y), 13, ui.YELLOW, bold=True)
    y += p.px(20)
    if marker is not None:
        p.text(surface, f"{marker.segment}, feels {MOOD_NAMES[marker.mood]}", (r.left + p.px(12), y), 14)
    elif view.followed_done:
        p.text(surface, "journey over: memory settles a day later", (r.left + p.px(12), y), 14, ui.MUTED)
    y += p.px(24)
    for line in view.lines(view.followed_story):
        y = p.wrapped(surface, line, pygame.Rect(r.left + p.px(12), y, r.width - p.px(24), p.px(60)), 12)
        if y > r.bottom - p.px(30):
            break
    p.text(surface, "X or click empty space: stop following", (r.left + p.px(12), r.bottom - p.px(20)), 12, ui.MUTED)


def draw_ticker(surface: pygame.Surface, p: Painter, r: pygame.Rect, ticker: Sequence[tuple[float, str]]) -> None:
    """The latest notable moments, newest first, and the key hint."""
    ui.panel(surface, r)
    p.text(surface, "WHAT JUST HAPPENED", (r.left + p.px(12), r.top + p.px(8)), 12, ui.MUTED)
    y = r.top + p.px(28)
    for t, text in reversed(ticker):
        p.text(surface, format_time(t), (r.left + p.px(12), y), 13, ui.MUTED)
        p.text(surface, text, (r.left + p.px(190), y), 14)
        y += p.px(18)
        if y > r.bottom - p.px(16):
            break
    p.text(surface, KEY_HINT, (r.right - p.px(12), r.top + p.px(8)), 12, ui.MUTED, anchor="topright")


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def costs(money: Mapping[str, float]) -> float | None:
    if not money:
        return None
    return money["agent_cost"] + money["response_cost"] + money["recovery_cost"] + money["compensation"]
