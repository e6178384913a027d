"""The game window: a stack of screens, one main loop, and the keys that work everywhere.

Screens (``Scene``) are pushed and popped: title -> picker -> briefing -> play (with decision
cards and the pause menu on top) -> debrief -> results. The loop gives the top screen the
events, the frame time and the canvas; the app itself handles what must work on any screen:
closing the window (the session autosaves), resizing and F11 fullscreen (the UI is rebuilt at
the new scale), minimising, Ctrl+plus/minus for text size, and screenshots for demos and docs.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pygame
import pygame_gui

from . import ui
from .ui import Painter

if TYPE_CHECKING:
    from .session import Session

log = logging.getLogger("cxsim.game")

MIN_SIZE = (800, 500)
FOCUS_NEXT = {pygame.K_TAB, pygame.K_DOWN, pygame.K_RIGHT}
FOCUS_PREV = {pygame.K_UP, pygame.K_LEFT}
ACTIVATE = {pygame.K_RETURN, pygame.K_KP_ENTER}


@dataclass
class GameOptions:
    """How the game was started (from ``cxsim play`` or ``make play``)."""

    scenario: Path | None = None
    autoplay: bool = False
    policy: str | None = None
    speed: float = 64.0  # autoplay speed multiplier; 0 means as fast as possible
    frames: int | None = None
    screenshots: Path | None = None
    save_dir: Path = field(default_factory=lambda: Path("sessions"))
    trainee: str = ""
    seed: int | None = None
    days: float | None = None
    size: tuple[int, int] = ui.BASE_SIZE
    realtime: bool = True
    resume: Path | None = None


class Scene:
    """One screen. Subclasses build widgets in ``build`` (called again after every resize)."""

    name = "scene"
    overlay = False  # drawn over the screen below it (cards, menus)
    screenshot_after = 3  # frames on screen before its screenshot (content settles)
    show_focus = True  # the focus ring; screens where the mouse or letter keys rule show it after the first Tab

    def __init__(self, app: App) -> None:
        self.app = app
        self.buttons: list[tuple[pygame_gui.elements.UIButton, Callable[[], None]]] = []
        self.focus = 0
        self.frames_shown = 0

    # lifecycle
    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """Create the pygame_gui widgets for a window of ``size``."""

    def on_enter(self) -> None:
        """Called when the screen becomes the top of the stack."""

    def on_exit(self) -> None:
        """Called when the screen leaves the stack."""

    # frame
    def handle(self, event: pygame.event.Event) -> bool:
        """Handle an event; return True if consumed."""
        return False

    def update(self, dt: float) -> None:
        """Advance the screen by ``dt`` real seconds."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw everything that is not a pygame_gui widget."""

    def autoplay(self) -> None:
        """In demo mode, act as a trainee would (choose, continue)."""

    # buttons with keyboard focus
    def add_button(
        self,
        manager: pygame_gui.UIManager,
        rect: pygame.Rect,
        text: str,
        action: Callable[[], None],
        object_id: str | None = None,
        tooltip: str | None = None,
    ) -> pygame_gui.elements.UIButton:
        button = pygame_gui.elements.UIButton(
            rect, text, manager, object_id=pygame_gui.core.ObjectID(object_id=object_id) if object_id else None,
            tool_tip_text=tooltip,
        )  # fmt: skip
        self.buttons.append((button, action))
        return button

    def activate(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.focus = index
            self.buttons[index][1]()

    def focus_keys(self, event: pygame.event.Event) -> bool:
        """Tab / arrows move the focus ring, Enter activates: the whole game works without a mouse."""
        if event.type != pygame.KEYDOWN or not self.buttons:
            return False
        if event.key in FOCUS_NEXT or event.key in FOCUS_PREV:
            self.show_focus = True
        shift = bool(event.mod & pygame.KMOD_SHIFT)
        if event.key in FOCUS_NEXT and not (event.key == pygame.K_TAB and shift):
            self.focus = (self.focus + 1) % len(self.buttons)
            return True
        if event.key in FOCUS_PREV or (event.key == pygame.K_TAB and shift):
            self.focus = (self.focus - 1) % len(self.buttons)
            return True
        if event.key in ACTIVATE:
            self.activate(self.focus)
            return True
        return False

    def draw_focus(self, surface: pygame.Surface) -> None:
        if self.show_focus and self.buttons and 0 <= self.focus < len(self.buttons):
            rect = self.buttons[self.focus][0].get_abs_rect().inflate(8, 8)
            pygame.draw.rect(surface, ui.FOCUS, rect, 3, border_radius=9)

    def button_pressed(self, element: object) -> bool:
        for i, (button, _action) in enumerate(self.buttons):
            if button is element:
                self.activate(i)
                return True
        return False

    def visible_text(self) -> list[str]:
        return [button.text for button, _ in self.buttons]


class App:
    """The window, the screen stack and the main loop."""

    def __init__(self, options: GameOptions) -> None:
        self.options = options
        pygame.display.init()
        pygame.font.init()  # no pygame.init(): the game needs no sound device
        pygame.display.set_caption("cxsim: customer service or customer experience?")
        pygame.key.set_repeat(400, 60)
        self.fullscreen = False
        self.windowed_size = options.size
        self.screen = pygame.display.set_mode(options.size, pygame.RESIZABLE)
        self.painter = Painter()
        self.painter.resize(self.screen.get_size())
        self.manager = self._new_manager()
        self.stack: list[Scene] = []
        self.clock = pygame.time.Clock()
        self.running = True
        self.minimised = False
        self.frame = 0
        self.exit_code = 0
        self.session: Session | None = None
        self.shots_taken: set[str] = set()
        self.shot_files: list[Path] = []
        self._rebuild_needed = False

    # --- stack ----------------------------------------------------------------------------------

    @property
    def top(self) -> Scene:
        return self.stack[-1]

    def _shoot_before_leaving(self) -> None:
        """A screen about to be covered or replaced still has its last frame on the display: keep it."""
        if self.stack and self.options.screenshots is not None:
            top = self.top
            if top.name not in self.shots_taken and top.frames_shown > 0:
                self.shots_taken.add(top.name)
                self.screenshot(top.name)

    def push(self, scene: Scene) -> None:
        self._shoot_before_leaving()
        self.stack.append(scene)
        self._rebuild()
        scene.on_enter()

    def pop(self) -> Scene:
        scene = self.stack.pop()
        scene.on_exit()
        self._rebuild()
        if self.stack:
            self.top.on_enter()
        return scene

    def replace(self, scene: Scene) -> None:
        self._shoot_before_leaving()
        while self.stack:
            self.stack.pop().on_exit()
        self.push(scene)

    def quit(self, code: int = 0) -> None:
        """Leave the game; an unfinished session is autosaved first."""
        if self.session is not None and not self.session.finished:
            try:
                path = self.session.autosave()
                log.info("session autosaved to %s", path)
            except OSError as exc:
                log.error("could not autosave: %s", exc)
        self.exit_code = code
        self.running = False

    def quit_session(self) -> None:
        """Autosave the running session and let go of it (back to the title)."""
        if self.session is not None and not self.session.finished:
            self.session.autosave()
        self.session = None

    # --- window ---------------------------------------------------------------------------------

    def _new_manager(self) -> pygame_gui.UIManager:
        size = self.screen.get_size()
        font_size = self.painter.font_px(15)
        manager = pygame_gui.UIManager(size, ui.load_theme(font_size))
        manager.preload_fonts(
            [{"name": "noto_sans", "point_size": font_size, "style": style, "antialiased": "1"} for style in ("bold", "italic")]
        )
        return manager

    def _rebuild(self) -> None:
        """Recreate the widgets of the top screen at the current size and text scale."""
        self.manager = self._new_manager()
        if self.stack:
            scene = self.top
            scene.buttons = []
            scene.build(self.manager, self.screen.get_size())
            scene.focus = min(scene.focus, max(0, len(scene.buttons) - 1))

    def resize(self, size: tuple[int, int]) -> None:
        w, h = max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1])
        if (w, h) != self.screen.get_size():
            self.screen = pygame.display.set_mode((w, h), pygame.RESIZABLE)
        self.painter.resize((w, h))
        self._rebuild()

    def toggle_fullscreen(self) -> None:
        self.fullscreen = not self.fullscreen
        if self.fullscreen:
            self.windowed_size = self.screen.get_size()
            self.screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        else:
            self.screen = pygame.display.set_mode(self.windowed_size, pygame.RESIZABLE)
        self.painter.resize(self.screen.get_size())
        self._rebuild()

    def change_text_scale(self, factor: float) -> None:
        self.painter.text_scale = max(0.7, min(1.8, self.painter.text_scale * factor))
        self.painter._cache.clear()
        self._rebuild()

    # --- loop -----------------------------------------------------------------------------------

    def handle_global(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.QUIT:
            self.quit(0)
            return True
        if event.type == pygame.VIDEORESIZE and not self.fullscreen:
            self.resize((event.w, event.h))
            return True
        if event.type == pygame.WINDOWMINIMIZED:
            self.minimised = True
            return True
        if event.type in (pygame.WINDOWRESTORED, pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN):
            self.minimised = False
            return False
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_F11:
                self.toggle_fullscreen()
                return True
            if event.mod & pygame.KMOD_CTRL and event.key in (pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS):
                self.change_text_scale(1.1)
                return True
            if event.mod & pygame.KMOD_CTRL and event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.change_text_scale(1 / 1.1)
                return True
            if event.key == pygame.K_F12:
                self.screenshot(f"{self.top.name}-{self.frame}")
                return True
        return False

    def step(self, dt: float) -> None:
        """One frame: events, update, draw."""
        for event in pygame.event.get():
            if self.handle_global(event):
                continue
            if not self.stack:
                break
            scene = self.top
            consumed = self.manager.process_events(event)
            if event.type == pygame_gui.UI_BUTTON_PRESSED:
                scene.button_pressed(event.ui_element)
                continue
            if not consumed:
                scene.handle(event)
            if not self.running:
                return
        if not self.running or not self.stack:
            return
        scene = self.top
        if self.options.autoplay:
            scene.autoplay()
            if not self.running or not self.stack:
                return
            scene = self.top
        scene.update(dt)
        if not self.running or not self.stack:
            return
        self.manager.update(dt)
        if not self.minimised:
            self.draw()
        self.frame += 1

    def draw(self) -> None:
        self.painter.drawn = []
        self.screen.fill(ui.BG)
        scene = self.top
        if scene.overlay:
            below = next((s for s in reversed(self.stack[:-1]) if not s.overlay), None)
            if below is not None:
                below.draw(self.screen)
            shade = pygame.Surface(self.screen.get_size(), pygame.SRCALPHA)
            shade.fill((0, 0, 0, 150))
            self.screen.blit(shade, (0, 0))
        scene.draw(self.screen)
        self.manager.draw_ui(self.screen)
        scene.draw_focus(self.screen)
        pygame.display.flip()
        scene.frames_shown += 1
        shots = self.options.screenshots is not None
        if shots and scene.name not in self.shots_taken and scene.frames_shown >= scene.screenshot_after:
            self.shots_taken.add(scene.name)
            self.screenshot(scene.name)

    def screenshot(self, name: str) -> Path | None:
        folder = self.options.screenshots or Path("screenshots")
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"{len(self.shot_files):02d}-{name}.png"
            tmp = path.with_suffix(".tmp.png")
            pygame.image.save(self.screen, str(tmp))
            os.replace(tmp, path)
        except (OSError, pygame.error) as exc:
            log.error("could not save a screenshot: %s", exc)
            return None
        self.shot_files.append(path)
        return path

    def visible_text(self) -> list[str]:
        """Every string on screen this frame (the text layer tests read)."""
        texts = list(self.painter.drawn)
        for scene in self.stack:
            texts.extend(scene.visible_text())
        return texts

    def run(self) -> int:
        """The main loop; returns the exit status."""
        limit = self.options.frames
        while self.running and self.stack:
            dt = self.clock.tick(60) / 1000.0 if self.options.realtime else 1 / 60
            self.step(min(dt, 0.1))
            if limit is not None and self.frame >= limit:
                self.quit(0)
        if self.session is not None and not self.session.finished and self.exit_code == 0:
            self.quit(self.exit_code)
        pygame.display.quit()
        return self.exit_code
