"""The journey map's arrows: one per route the scenario has (``game.layout.journey_edges``).

An arrow runs from the edge of one touchpoint's box to the edge of the next, with its
probability as a small label ("45 %", "30 % if it fails") and as its weight (a likelier route
is a thicker line); an arrow only a failure takes is dashed; a route back to the same step (try again) is a small loop over the box. Shapes are
worked out once per layout (``build_arrows``), so a frame only draws lines and blits labels.
A label that would touch a box or another label is left out rather than drawn over them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pygame

from game import ui
from game.layout import NEW, RETURNING, Edge, edge_label
from game.render.fit import Fitted, Fitter
from game.ui import Painter

LINE = (92, 104, 130)
FAILURE_LINE = (170, 120, 50)
LABEL_BASE = 10


@dataclass(frozen=True, slots=True)
class Arrow:
    """One arrow as drawn: line pieces, the arrowhead, and its label (None: no room for one)."""

    edge: Edge
    pieces: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # dashes or one line
    head: tuple[tuple[float, float], ...]
    colour: tuple[int, int, int]
    label: Fitted | None
    label_at: tuple[int, int]  # centre of the label
    loop: pygame.Rect | None = None  # the loop's circle box, for a route back to the same step
    width: int = 2  # thicker for a likelier route: the probability as the line's weight


def _exit(center: tuple[float, float], box: pygame.Rect, toward: tuple[float, float]) -> tuple[float, float]:
    """Where the line from ``center`` toward ``toward`` leaves ``box``."""
    dx, dy = toward[0] - center[0], toward[1] - center[1]
    hw, hh = box.width / 2 + 2, box.height / 2 + 2
    ts = [t for t in ((hw / abs(dx)) if dx else math.inf, (hh / abs(dy)) if dy else math.inf)]
    t = min(min(ts), 1.0)
    return (center[0] + dx * t, center[1] + dy * t)


def _dashes(a: tuple[float, float], b: tuple[float, float], dash: int) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    length = math.hypot(b[0] - a[0], b[1] - a[1])
    if length < 1:
        return []
    n = max(1, int(length // (2 * dash)))
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    out = []
    for i in range(n + 1):
        s, e = i * 2 * dash, min(length, i * 2 * dash + dash)
        if s >= length:
            break
        out.append(((round(a[0] + ux * s), round(a[1] + uy * s)), (round(a[0] + ux * e), round(a[1] + uy * e))))
    return out


def _head(a: tuple[float, float], b: tuple[float, float], size: int) -> tuple[tuple[float, float], ...]:
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    ux, uy = (b[0] - a[0]) / length, (b[1] - a[1]) / length
    back = (b[0] - ux * size, b[1] - uy * size)
    return (b, (back[0] - uy * size / 2, back[1] + ux * size / 2), (back[0] + uy * size / 2, back[1] - ux * size / 2))


def build_arrows(
    p: Painter,
    fit: Fitter,
    edges: Sequence[Edge],
    centres: Mapping[str, tuple[int, int]],
    boxes: Mapping[str, pygame.Rect],
    area: pygame.Rect,
    keep_clear: Sequence[pygame.Rect] = (),
) -> list[Arrow]:
    """The arrows of ``edges`` on this layout; labels stay inside ``area`` and off every box and ``keep_clear``.

    Where customers come in (``NEW``, ``RETURNING``) is a short arrow into the top of the box,
    labelled "new 100 %" ("new and returning 100 %" when both come in alike).
    """
    taken: list[pygame.Rect] = [b.inflate(4, 4) for b in boxes.values()] + list(keep_clear)
    pairs = {(e.source, e.target) for e in edges}
    label_w = max(p.px(40), min(p.px(130), area.width // 4))
    out: list[Arrow] = []
    entries: dict[str, list[str]] = {}
    for edge in edges:  # where customers come in: a short arrow into the top of the box, "new 100 %"
        if edge.source in (NEW, RETURNING) and edge.target in boxes and edge.next is not None:
            who = "new" if edge.source == NEW else "returning"
            entries.setdefault(edge.target, []).append(f"{who} {edge_label(edge)}")
    for edge in edges:
        if edge.source in (NEW, RETURNING) and edge.target in boxes and edge.next is not None:
            texts = entries.pop(edge.target, None)
            if texts is not None:
                same = len(texts) == 2 and texts[0].split(" ", 1)[1] == texts[1].split(" ", 1)[1]
                text = f"new and returning {texts[0].split(' ', 1)[1]}" if same else ", ".join(texts)
                out.append(_entry(p, fit, edge, boxes[edge.target], fit.one(text, LABEL_BASE, label_w), area, taken))
            continue
        if edge.target not in centres or edge.source not in centres:
            continue
        text = edge_label(edge)
        colour = LINE if edge.next is not None else FAILURE_LINE
        fitted = fit.one(text, LABEL_BASE, label_w) if text else None
        if edge.loop:
            out.append(_loop(p, fit, edge, boxes[edge.target], colour, fitted, area, taken))
            continue
        tc, tbox = centres[edge.target], boxes[edge.target]
        a = _exit(centres[edge.source], boxes[edge.source], tc)
        b = _exit(tc, tbox, a)
        if (edge.target, edge.source) in pairs:  # both ways: each arrow keeps to its side
            length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
            off = p.px(5)
            nx, ny = -(b[1] - a[1]) / length * off, (b[0] - a[0]) / length * off
            a, b = (a[0] + nx, a[1] + ny), (b[0] + nx, b[1] + ny)
        solid = [((round(a[0]), round(a[1])), (round(b[0]), round(b[1])))]
        pieces = solid if edge.next is not None else _dashes(a, b, p.px(6))  # dashed: only a failure goes this way
        head = _head(a, b, p.px(8))
        at, kept = _place_label(fit, fitted, a, b, area, taken)
        out.append(Arrow(edge, tuple(pieces), head, colour, kept, at, width=_weight(p, edge)))
    return out


def _weight(p: Painter, edge: Edge) -> int:
    """Line width from the route's highest probability: 1 px for a rare route up to 4 for a certain one (at 1x)."""
    share = max((edge.next or (0.0, 0.0))[1], (edge.failure or (0.0, 0.0))[1])
    return max(1, round(p.scale * (1 + 3 * share)))


def _fits(rect: pygame.Rect, area: pygame.Rect, taken: Sequence[pygame.Rect]) -> bool:
    return area.contains(rect) and rect.collidelist(list(taken)) < 0


def _label_rect(fit: Fitter, fitted: Fitted, centre: tuple[float, float]) -> pygame.Rect:
    w = fit.width(fitted.lines[0], fitted.base)
    h = fit.line_height(fitted.base)
    rect = pygame.Rect(0, 0, w + 4, h)
    rect.center = (round(centre[0]), round(centre[1]))
    return rect


def _place_label(
    fit: Fitter,
    fitted: Fitted | None,
    a: tuple[float, float],
    b: tuple[float, float],
    area: pygame.Rect,
    taken: list[pygame.Rect],
) -> tuple[tuple[int, int], Fitted | None]:
    if fitted is None or not fitted.lines[0]:
        return (0, 0), None
    rect = _label_rect(fit, fitted, (0, 0))
    length = math.hypot(b[0] - a[0], b[1] - a[1]) or 1.0
    nx, ny = -(b[1] - a[1]) / length, (b[0] - a[0]) / length  # across the line
    side = rect.height / 2 + 3 + abs(nx) * rect.width / 2
    for off in (0.0, side, -side):  # on the line, else beside it
        for t in (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8):
            rect.center = (round(a[0] + (b[0] - a[0]) * t + nx * off), round(a[1] + (b[1] - a[1]) * t + ny * off))
            if _fits(rect, area, taken):
                taken.append(rect.copy())
                return rect.center, fitted
    return (0, 0), None


def _entry(
    p: Painter, fit: Fitter, edge: Edge, box: pygame.Rect, fitted: Fitted, area: pygame.Rect, taken: list[pygame.Rect]
) -> Arrow:
    x = box.left + p.px(16)
    a, b = (float(x), float(box.top - p.px(20))), (float(x), float(box.top - 2))
    kept, at = None, (0, 0)
    rect = _label_rect(fit, fitted, (0, 0))
    for place in ("midbottom", "midleft", "bottomleft"):
        if place == "midbottom":
            rect.midbottom = (x, round(a[1]) - 1)
        elif place == "midleft":
            rect.midleft = (x + p.px(4), round((a[1] + b[1]) / 2))
        else:
            rect.bottomleft = (box.left, round(a[1]) - 1)
        if _fits(rect, area, taken):
            taken.append(rect.copy())
            kept, at = fitted, rect.center
            break
    return Arrow(edge, (((x, round(a[1])), (x, round(b[1]))),), _head(a, b, p.px(8)), LINE, kept, at, width=_weight(p, edge))


def _loop(
    p: Painter,
    fit: Fitter,
    edge: Edge,
    box: pygame.Rect,
    colour: tuple[int, int, int],
    fitted: Fitted | None,
    area: pygame.Rect,
    taken: list[pygame.Rect],
) -> Arrow:
    r = p.px(8)
    circle = pygame.Rect(0, 0, 2 * r, 2 * r)
    circle.center = (box.right - p.px(6), box.top - r + p.px(3))
    kept = None
    at = (0, 0)
    if fitted is not None and fitted.lines[0]:
        rect = _label_rect(fit, fitted, (0, 0))
        for left in (circle.right + 2, box.centerx - rect.width // 2, box.left):
            rect.midleft = (left, circle.top + r // 2)
            rect.bottom = min(rect.bottom, box.top - 3)
            if _fits(rect, area, taken):
                taken.append(rect.copy())
                kept, at = fitted, rect.center
                break
    head = _head((circle.left, circle.top + r), (circle.left + 1, box.top - 1), p.px(6))
    return Arrow(edge, (), head, colour, kept, at, loop=circle, width=_weight(p, edge))


def draw_arrows(surface: pygame.Surface, p: Painter, arrows: Sequence[Arrow]) -> None:
    """Lines and heads first, labels over them (each on a patch of the panel's colour)."""
    for arrow in arrows:
        if arrow.loop is not None:
            pygame.draw.arc(surface, arrow.colour, arrow.loop, -0.6, math.pi * 1.25, arrow.width)
        for a, b in arrow.pieces:
            pygame.draw.line(surface, arrow.colour, a, b, arrow.width)
        pygame.draw.polygon(surface, arrow.colour, arrow.head)
    for arrow in arrows:
        if arrow.label is None:
            continue
        text, base = arrow.label.lines[0], arrow.label.base
        patch = p.render(text, base, ui.MUTED).get_rect(center=arrow.label_at).inflate(4, 0)
        pygame.draw.rect(surface, ui.PANEL, patch)
        p.text(surface, text, arrow.label_at, base, ui.MUTED, anchor="center")
