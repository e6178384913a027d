"""The failure funnel on the play screen: how many a failure hit, how many called, how many the
brand answered when they called, and how many it reached first, in words ("1,204 hit").

It makes the silent majority a number: under a reactive policy "called" is a sliver of "hit",
and only "reached first" can cover the rest. Counts come from the record stream
(``game.live_view.Funnel``); each bar is that count against the customers hit.
"""

from __future__ import annotations

import pygame

from game import ui
from game.live_view import Funnel
from game.render.fit import Fitter
from game.ui import Painter

TITLE = "HIT BY FAILURES"
BASE = 11


def funnel_rows(f: Funnel) -> list[tuple[str, int, tuple[int, int, int]]]:
    """The funnel's rows: text, count (for the bar) and colour, in the order a customer goes down it."""
    return [
        (f"{f.hit:,} hit", f.hit, ui.ORANGE),
        (f"{f.called:,} called", f.called, ui.PURPLE),
        (f"{f.answered:,} answered when they called", f.answered, ui.GREEN),
        (f"{f.reached_first:,} reached first", f.reached_first, ui.SKY),
    ]


def draw_funnel(surface: pygame.Surface, p: Painter, fit: Fitter, rect: pygame.Rect, f: Funnel) -> None:
    """The title and one row per step, each a line of text over a bar, all inside ``rect``."""
    pygame.draw.rect(surface, (40, 47, 64), rect, border_radius=6)
    pad = p.px(6)
    inner = rect.inflate(-2 * pad, -2 * pad)
    rows = funnel_rows(f)
    bar_h = max(2, p.px(4))
    line = fit.line_height(BASE)
    step = min(line + bar_h + 2, max(1, inner.height // (len(rows) + 1)))
    base = BASE
    while base > 7 and fit.line_height(base) + bar_h + 1 > step:  # short panel (small window, big text): smaller text
        base -= 1
    y = inner.top
    title = fit.one(TITLE, base, inner.width)
    p.text(surface, title.lines[0], (inner.left, y), title.base, ui.MUTED)
    y += step
    hit = max(1, f.hit)
    for text, count, colour in rows:
        if y + fit.line_height(base) > inner.bottom:
            break
        fitted = fit.one(text, base, inner.width)
        p.text(surface, fitted.lines[0], (inner.left, y), fitted.base, ui.TEXT)
        bar_y = y + fit.line_height(fitted.base)
        if bar_y + bar_h <= inner.bottom:
            pygame.draw.rect(surface, (58, 66, 85), (inner.left, bar_y, inner.width, bar_h))
            width = round(inner.width * min(1.0, count / hit)) if f.hit else 0
            if width:
                pygame.draw.rect(surface, colour, (inner.left, bar_y, width, bar_h))
        y += step
