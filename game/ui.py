"""Drawing helpers shared by every screen: palette, fonts, text, mood shapes, panels.

Colours are the Okabe-Ito palette, safe for the common colour-vision deficiencies, and mood is
always shape AND colour. Fonts are pygame's bundled default (always present) at sizes that
scale with the window, so a projector at 1920x1080 and a laptop at 1280x720 read alike.
Every string drawn is also logged in ``Painter.drawn`` so headless tests can read the screen.

A scenario's strings and a trainee's name are user text, shown as written: pygame_gui reads a
text box's ``html_text`` (and a tooltip's) as its HTML-like markup, so user text goes into one
through ``gui_text``; ``shown_text`` reads back what a text box shows. Buttons draw plain text
(through ``button_text``), the painter too (through ``plain_text``: fonts refuse a NUL).
"""

from __future__ import annotations

import html
import json
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pygame

from .live_view import Mood
from .options import BASE_SIZE

log = logging.getLogger("cxsim.game")

ASSETS = Path(__file__).resolve().parent.parent / "assets"

# Okabe-Ito, plus the background greys of the theme.
BLACK = (0, 0, 0)
ORANGE = (230, 159, 0)
SKY = (86, 180, 233)
GREEN = (0, 158, 115)
YELLOW = (240, 228, 66)
BLUE = (0, 114, 178)
VERMILION = (213, 94, 0)
PURPLE = (204, 121, 167)
GREY = (153, 153, 153)
BG = (27, 31, 42)
PANEL = (36, 42, 57)
PANEL_EDGE = (58, 66, 85)
TEXT = (242, 242, 242)
MUTED = (170, 176, 190)
FOCUS = YELLOW

SPRITE_KEY = (255, 0, 255)  # the transparent colour of the mood sprites: in no palette here
MOOD_COLOURS = {
    Mood.DELIGHTED: SKY,
    Mood.CONTENT: GREEN,
    Mood.NEUTRAL: GREY,
    Mood.ANNOYED: ORANGE,
    Mood.ANGRY: VERMILION,
}
MOOD_SHAPES = {
    Mood.DELIGHTED: "star",
    Mood.CONTENT: "circle",
    Mood.NEUTRAL: "square",
    Mood.ANNOYED: "triangle",
    Mood.ANGRY: "cross",
}
SERIES_COLOURS = (SKY, ORANGE, GREEN, PURPLE, YELLOW, VERMILION, BLUE)

_TRANSLATION_KEYS = "pygame-gui."
ELLIPSIS = "\u2026"


def plain_text(text: str) -> str:
    """Text a font can draw as written: a NUL (``"\\u0000"`` in a TOML string), which fonts refuse, becomes U+FFFD."""
    return text.replace("\x00", "\ufffd")


def button_text(text: str) -> str:
    """Text for a pygame_gui button (drawn as plain text), shown as written.

    ``plain_text``, and a button's text is first looked up as a translation key too: user text
    starting like one ("pygame-gui.OK" would show "OK") gets an invisible word joiner after "pygame-gui".
    """
    text = plain_text(text)
    if text.startswith(_TRANSLATION_KEYS):
        text = "pygame-gui\u2060" + text[len("pygame-gui") :]
    return text


def gui_text(text: str) -> str:
    """User text as pygame_gui ``html_text`` that shows it exactly as written, not as markup.

    pygame_gui parses html_text with Python's ``html.parser`` (character references converted):
    ``<img src=...>`` would open that file, ``<shadow size=99999>`` exhaust memory, ``<b>``
    restyle. ``&``, ``<`` and ``>`` become entities, which the parser turns back into the
    characters; the game's own tags around the result keep working. A NUL becomes U+FFFD
    (``plain_text``). A text box's whole text is first looked up as a translation key: user text
    starting like one ("pygame-gui.OK" would show "OK") has its dot written as an entity.
    """
    escaped = html.escape(plain_text(text), quote=False)
    if escaped.startswith(_TRANSLATION_KEYS):
        escaped = "pygame-gui&#46;" + escaped[len(_TRANSLATION_KEYS) :]
    return escaped


def shown_text(box: Any) -> str:
    """The text a pygame_gui text box shows, as laid out (what the trainee reads; line breaks as newlines)."""
    layout = getattr(box, "text_box_layout", None)
    return str(layout.plain_text) if layout is not None else ""


def _font_files() -> dict[bool, Path | None]:
    """Noto Sans as bundled with pygame_gui (so widgets and drawn text match); None falls back to pygame's font."""
    try:
        import pygame_gui.data

        folder = Path(pygame_gui.data.__file__).parent
    except (ImportError, AttributeError, TypeError):
        return {False: None, True: None}
    files = {False: folder / "NotoSans-Regular.ttf", True: folder / "NotoSans-Bold.ttf"}
    return {bold: (path if path.is_file() else None) for bold, path in files.items()}


FONT_FILES = _font_files()


def load_theme(font_size: int) -> dict[str, Any]:
    """The pygame_gui theme from assets/theme.json, with fonts at ``font_size``; a broken file falls back."""
    theme: dict[str, Any] = {}
    path = ASSETS / "theme.json"
    try:
        theme = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("theme %s unusable (%s); using built-in colours", path, exc)
    font = {"name": "noto_sans", "size": str(font_size), "bold": "0"}
    theme.setdefault("defaults", {})["font"] = font
    for block in ("text_box", "button", "text_entry_line", "label"):
        theme.setdefault(block, {})["font"] = dict(font)
    # a hit area drawn by the screen itself (a decision option: its label wraps, which a button cannot do)
    clear = "#00000000"
    theme["#hit_area"] = {
        "colours": {f"{state}_{part}": clear for state in ("normal", "hovered", "selected", "active", "disabled")
                    for part in ("bg", "text", "border")},
        "misc": {"border_width": "0", "shadow_width": "0"},
    }  # fmt: skip
    return theme


class Painter:
    """Fonts by size and the text log of the current frame.

    Every line drawn is logged twice: its text in ``drawn`` (what tests read) and, in ``blits``,
    its rectangle with the panel it belongs to (the innermost ``within``), so a test can check
    that no text leaves its panel or overlaps another at any window and text size. Setting
    ``drawn`` (the app does, each frame) starts both logs afresh.
    """

    def __init__(self) -> None:
        self.scale = 1.0
        self.text_scale = 1.0
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._drawn: list[str] = []
        self.blits: list[tuple[str, pygame.Rect, pygame.Rect | None]] = []
        self._regions: list[pygame.Rect] = []
        self._cache: dict[tuple[str, int, bool, tuple[int, int, int]], pygame.Surface] = {}
        self._sprites: dict[tuple[Mood, int, bool], pygame.Surface] = {}

    @property
    def drawn(self) -> list[str]:
        return self._drawn

    @drawn.setter
    def drawn(self, value: list[str]) -> None:
        self._drawn = value
        self.blits = []

    @contextmanager
    def within(self, rect: pygame.Rect) -> Iterator[pygame.Rect]:
        """Text drawn inside this block belongs to the panel ``rect`` (for the layout checks)."""
        self._regions.append(pygame.Rect(rect))
        try:
            yield rect
        finally:
            self._regions.pop()

    def line_h(self, base: int, bold: bool = False) -> int:
        """The height of one line of text at ``base`` size."""
        return int(self.font(base, bold).get_linesize())

    def width(self, text: str, base: int, bold: bool = False) -> int:
        return int(self.font(base, bold).size(plain_text(text))[0])

    def lines(self, text: str, base: int, width: int, bold: bool = False) -> list[str]:
        """``text`` wrapped to ``width`` pixels (a blank line between paragraphs is kept as an empty line)."""
        font = self.font(base, bold)
        out: list[str] = []
        for i, paragraph in enumerate(text.strip().replace("\n\n", "\0").replace("\n", " ").split("\0")):
            if i:
                out.append("")
            line = ""
            for word in paragraph.split():
                trial = f"{line} {word}".strip()
                if font.size(plain_text(trial))[0] <= width or not line:
                    line = trial
                else:
                    out.append(line)
                    line = word
            if line:
                out.append(line)
        return out

    def fitting(self, text: str, base: int, width: int, bold: bool = False, *, end: bool = True) -> str:
        """``text`` cut with an ellipsis to fit ``width``: its start goes (a path keeps its file name), or with ``end=False`` its end."""
        if self.width(text, base, bold) <= width:
            return text

        def cut(n: int) -> str:
            return ELLIPSIS + text[len(text) - n :] if end else text[:n].rstrip() + ELLIPSIS

        lo, hi = 0, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(cut(mid), base, bold) <= width:
                lo = mid
            else:
                hi = mid - 1
        return cut(lo)

    def resize(self, size: tuple[int, int]) -> None:
        self.scale = max(0.6, min(size[0] / BASE_SIZE[0], size[1] / BASE_SIZE[1]))
        self._cache.clear()

    def set_text_scale(self, scale: float) -> None:
        """Text larger or smaller than the window's scale alone gives (Ctrl +/-)."""
        self.text_scale = scale
        self._cache.clear()

    def px(self, value: float) -> int:
        """A length at the base resolution, scaled to the window."""
        return max(1, round(value * self.scale))

    def font_px(self, base: int) -> int:
        return max(10, round(base * self.scale * self.text_scale))

    def font(self, base: int, bold: bool = False) -> pygame.font.Font:
        size = self.font_px(base)
        key = (size, bold)
        font = self._fonts.get(key)
        if font is None:
            path = FONT_FILES[bold]
            try:
                font = pygame.font.Font(path, size) if path else None
            except (OSError, pygame.error) as exc:
                log.warning("font %s unusable (%s); using pygame's default", path, exc)
                font = None
            if font is None:
                font = pygame.font.Font(None, round(size * 1.3))  # pygame's bundled font runs small
                font.set_bold(bold)
            self._fonts[key] = font
        return font

    def render(self, text: str, base: int, colour: tuple[int, int, int] = TEXT, bold: bool = False) -> pygame.Surface:
        key = (text, self.font_px(base), bold, colour)
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) > 2000:
                self._cache.clear()
            surf = self._cache[key] = self.font(base, bold).render(plain_text(text), True, colour)
        return surf

    def text(
        self,
        surface: pygame.Surface,
        text: str,
        pos: tuple[int, int],
        base: int = 16,
        colour: tuple[int, int, int] = TEXT,
        *,
        bold: bool = False,
        anchor: str = "topleft",
    ) -> pygame.Rect:
        """Draw one line; ``anchor`` is a pygame.Rect attribute name (topleft, center, midtop...)."""
        surf = self.render(text, base, colour, bold)
        rect = surf.get_rect(**{anchor: pos})
        surface.blit(surf, rect)
        self._drawn.append(plain_text(text))
        self.blits.append((plain_text(text), rect, self._regions[-1] if self._regions else None))
        return rect

    def wrapped(
        self,
        surface: pygame.Surface,
        text: str,
        rect: pygame.Rect,
        base: int = 16,
        colour: tuple[int, int, int] = TEXT,
        *,
        bold: bool = False,
    ) -> int:
        """Draw text wrapped to ``rect``'s width, never below its bottom; returns the y below the last line."""
        line_h = self.line_h(base, bold)
        y = rect.top
        for line in self.lines(text, base, rect.width, bold):
            if y + line_h > rect.bottom:
                break
            if line:
                self.text(surface, line, (rect.left, y), base, colour, bold=bold)
            y += line_h
        return y

    def mood_sprite(self, mood: Mood, size: int, outline: bool = False) -> pygame.Surface:
        """A small marker for a mood: its shape in its colour, with a dark edge for contrast."""
        key = (mood, size, outline)
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = pygame.Surface((size, size), pygame.SRCALPHA)
            draw_shape(sprite, MOOD_SHAPES[mood], MOOD_COLOURS[mood], pygame.Rect(0, 0, size, size))
            if outline:
                pygame.draw.rect(sprite, FOCUS, sprite.get_rect(), 2)
            if pygame.display.get_surface() is not None:
                # NOTE: the shapes are drawn without anti-aliasing, so every pixel is opaque or empty: a colour-keyed,
                # run-length-encoded copy in the display's format blits the same pixels about a third faster than
                # per-pixel alpha, which counts with 2,000 markers a frame (bench/game_frames.py).
                keyed = pygame.Surface((size, size)).convert()
                keyed.fill(SPRITE_KEY)
                keyed.blit(sprite, (0, 0))
                keyed.set_colorkey(SPRITE_KEY, pygame.RLEACCEL)
                sprite = keyed
            self._sprites[key] = sprite
        return sprite


def draw_shape(surface: pygame.Surface, shape: str, colour: tuple[int, int, int], rect: pygame.Rect) -> None:
    """One of the mood shapes, filling ``rect``."""
    r = rect.inflate(-2, -2)
    cx, cy = r.center
    half = r.width / 2
    edge = BLACK
    if shape == "circle":
        pygame.draw.circle(surface, colour, (cx, cy), half)
        pygame.draw.circle(surface, edge, (cx, cy), half, 1)
    elif shape == "square":
        inner = r.inflate(-2, -2)
        pygame.draw.rect(surface, colour, inner)
        pygame.draw.rect(surface, edge, inner, 1)
    elif shape == "triangle":
        pts = [(cx, r.top), (r.right, r.bottom), (r.left, r.bottom)]
        pygame.draw.polygon(surface, colour, pts)
        pygame.draw.polygon(surface, edge, pts, 1)
    elif shape == "cross":
        w = max(2, r.width // 3)
        pygame.draw.line(surface, colour, r.topleft, r.bottomright, w)
        pygame.draw.line(surface, colour, r.topright, r.bottomleft, w)
    else:  # star
        pts = []
        for i in range(10):
            ang = -math.pi / 2 + i * math.pi / 5
            rad = half if i % 2 == 0 else half * 0.45
            pts.append((cx + rad * math.cos(ang), cy + rad * math.sin(ang)))
        pygame.draw.polygon(surface, colour, pts)
        pygame.draw.polygon(surface, edge, pts, 1)


def panel(surface: pygame.Surface, rect: pygame.Rect, colour: tuple[int, int, int] = PANEL) -> None:
    """A rounded panel with a thin edge."""
    pygame.draw.rect(surface, colour, rect, border_radius=8)
    pygame.draw.rect(surface, PANEL_EDGE, rect, 1, border_radius=8)


def money(value: float | None, currency: str) -> str:
    """A money amount with thousands separators and its currency."""
    if value is None:
        return "n/a"
    if abs(value) >= 10_000:
        return f"{value / 1000:,.1f}k {currency}"
    return f"{value:,.0f} {currency}"
