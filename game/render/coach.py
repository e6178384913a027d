"""Drawing one coach mark: the screen dimmed except the highlighted rectangle, and a bubble
with the mark's title, its sentences and three controls (back, skip, next).

The bubble is laid out before it is drawn, so it can go where it fits: below the target,
above it, beside it, or (when the window is too small for any of those, at 800x500 with large
text) over the part of the window with the most room, always inside the window. Its text is
wrapped to the bubble's width at the painter's current text size. ``draw_mark`` returns where
everything went (the app reads the controls' rectangles for clicks, the tests read the text's).
Drawing changes nothing but the surface.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pygame

from game import ui
from game.ui import Painter

SHADE = (0, 0, 0, 165)
TITLE_PT, TEXT_PT, CONTROL_PT = 17, 15, 13
BACK, SKIP, NEXT = "< Back  (Left)", "Skip the tour  (Esc)", "Next  (Enter) >"


@dataclass
class MarkLayout:
    """Where one frame's mark went: the target, the bubble, each text line, each control."""

    target: pygame.Rect
    bubble: pygame.Rect
    lines: list[pygame.Rect] = field(default_factory=list)
    controls: dict[str, pygame.Rect] = field(default_factory=dict)  # "back", "skip", "next"


def wrap(font: pygame.font.Font, text: str, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (a single word wider than that gets its own line)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            trial = f"{line} {word}".strip()
            if not line or font.size(trial)[0] <= width:
                line = trial
            else:
                lines.append(line)
                line = word
        lines.append(line)
    return lines


def _controls(p: Painter, width: int, labels: list[tuple[str, str]]) -> tuple[list[tuple[str, str, pygame.Rect]], int]:
    """The controls flowed left to right (wrapping) inside ``width``, relative to (0, 0); and their height."""
    font = p.font(CONTROL_PT, bold=True)
    pad_x, pad_y, gap = p.px(10), p.px(5), p.px(8)
    x = y = row_h = 0
    out = []
    for key, label in labels:
        w, h = font.size(label)
        w, h = min(width, w + 2 * pad_x), h + 2 * pad_y
        if x and x + w > width:
            x, y = 0, y + row_h + gap
            row_h = 0
        out.append((key, label, pygame.Rect(x, y, w, h)))
        x += w + gap
        row_h = max(row_h, h)
    return out, y + row_h


def place(target: pygame.Rect, size: tuple[int, int], window: tuple[int, int], margin: int, gap: int) -> pygame.Rect:
    """Where a bubble of ``size`` goes: below, above, right of or left of ``target`` if it fits, else where most room is."""
    w, h = size
    win_w, win_h = window
    bubble = pygame.Rect(0, 0, w, h)
    clamp_x = max(margin, min(target.centerx - w // 2, win_w - margin - w))
    clamp_y = max(margin, min(target.centery - h // 2, win_h - margin - h))
    if target.bottom + gap + h <= win_h - margin:
        bubble.topleft = (clamp_x, target.bottom + gap)
    elif target.top - gap - h >= margin:
        bubble.topleft = (clamp_x, target.top - gap - h)
    elif target.right + gap + w <= win_w - margin:
        bubble.topleft = (target.right + gap, clamp_y)
    elif target.left - gap - w >= margin:
        bubble.topleft = (target.left - gap - w, clamp_y)
    else:  # nowhere outside the target: over it, on the side with more room
        below = win_h - target.bottom
        y = win_h - margin - h if below >= target.top else margin
        bubble.topleft = (clamp_x, max(margin, y))
    return bubble.clamp(pygame.Rect(0, 0, win_w, win_h))


def draw_mark(
    surface: pygame.Surface,
    p: Painter,
    target: pygame.Rect,
    title: str,
    text: str,
    step: int,
    total: int,
    *,
    can_go_back: bool,
) -> MarkLayout:
    """Dim everything but ``target``, ring it, and draw the bubble; returns where it all went."""
    win = surface.get_rect()
    target = target.clip(win)
    shade = pygame.Surface(win.size, pygame.SRCALPHA)
    shade.fill(SHADE)
    shade.fill((0, 0, 0, 0), target)
    surface.blit(shade, (0, 0))
    pygame.draw.rect(surface, ui.FOCUS, target.inflate(p.px(6), p.px(6)), 3, border_radius=6)

    margin, pad, gap = p.px(10), p.px(14), p.px(12)
    width = min(win.width - 2 * margin, max(p.px(520), p.font_px(TEXT_PT) * 26))
    inner = width - 2 * pad
    title_font, text_font = p.font(TITLE_PT, bold=True), p.font(TEXT_PT)
    heading = f"{title}   ({step} of {total})"
    title_lines = wrap(title_font, heading, inner)
    text_lines = wrap(text_font, text, inner)
    labels = ([("back", BACK)] if can_go_back else []) + [("skip", SKIP), ("next", NEXT)]
    controls, controls_h = _controls(p, inner, labels)
    height = (
        pad + len(title_lines) * title_font.get_linesize() + p.px(6)
        + len(text_lines) * text_font.get_linesize() + p.px(10) + controls_h + pad
    )  # fmt: skip
    bubble = place(target, (width, min(height, win.height - 2 * margin)), win.size, margin, gap)

    ui.panel(surface, bubble, (30, 36, 50))
    pygame.draw.rect(surface, ui.FOCUS, bubble, 2, border_radius=8)
    layout = MarkLayout(target=target, bubble=bubble)
    y = bubble.top + pad
    for line in title_lines:
        layout.lines.append(p.text(surface, line, (bubble.left + pad, y), TITLE_PT, ui.YELLOW, bold=True))
        y += title_font.get_linesize()
    y += p.px(6)
    for line in text_lines:
        layout.lines.append(p.text(surface, line, (bubble.left + pad, y), TEXT_PT))
        y += text_font.get_linesize()
    y = max(y + p.px(10), bubble.bottom - pad - controls_h)
    for key, label, rect in controls:
        rect = rect.move(bubble.left + pad, y)
        pygame.draw.rect(surface, (58, 66, 85) if key != "next" else ui.BLUE, rect, border_radius=6)
        layout.lines.append(p.text(surface, label, rect.center, CONTROL_PT, bold=True, anchor="center"))
        layout.controls[key] = rect
    return layout
