"""A screen of the game, and what a screen may ask of the app that hosts it.

Screens know each other only by name: a screen asks its ``Host`` to ``push("decision", ...)``
or ``replace("debrief", ...)`` and the app builds it from the registry in
``game/navigation.py``. A screen never imports another screen or the app.

A frame has three phases. ``update(dt)`` (the top screen only) advances time and may change
state; ``sync()`` (every screen drawn this frame, the one under an overlay too) takes the
state the drawing will show; ``draw(surface)`` only reads what ``sync`` took.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import pygame
import pygame_gui

from . import ui
from .input import FOCUS, SCREEN, Intent, Keymap, Kind

if TYPE_CHECKING:
    from .options import GameOptions
    from .session import Session
    from .ui import Painter


class Host(Protocol):
    """What a screen may ask of the app."""

    options: GameOptions
    painter: Painter
    session: Session | None  # the session being played (autosaved on quit), if any

    @property
    def manager(self) -> pygame_gui.UIManager:
        """The widget manager of the current build (a new one after every rebuild)."""
        ...

    @property
    def size(self) -> tuple[int, int]:
        """The window size, pixels."""
        ...

    def push(self, name: str, **kwargs: Any) -> Scene:
        """Open the screen registered as ``name`` on top of this one."""
        ...

    def replace(self, name: str, **kwargs: Any) -> Scene:
        """Close every screen and open ``name``."""
        ...

    def pop(self) -> Scene:
        """Close the top screen."""
        ...

    def rebuild(self) -> None:
        """Recreate the top screen's widgets (after it changed what it shows)."""
        ...

    def change_text_scale(self, factor: float) -> None: ...

    def start_tour(self) -> None:
        """Show the coach marks of the play screen from the first one (closes the pause menu if it is open)."""
        ...

    def quit(self, code: int = 0) -> None:
        """Leave the game; an unfinished session is autosaved first."""
        ...

    def quit_session(self) -> None:
        """Autosave the running session and let go of it."""
        ...


class Scene:
    """One screen. Subclasses build widgets in ``build`` (called again after every resize)."""

    name = "scene"
    overlay = False  # drawn over the screen below it (cards, menus)
    settle_frames = 3  # frames on screen before its screenshot (content settles)
    show_focus = True  # the focus ring; screens where the mouse or letter keys rule show it after the first Tab
    keys: tuple[Keymap, ...] = (SCREEN, FOCUS)  # the bindings active on this screen, first match wins

    def __init__(self, host: Host) -> None:
        self.host = host
        self.buttons: list[tuple[pygame_gui.elements.UIButton, Callable[[], None]]] = []
        self.focus = 0
        self.frames_shown = 0

    @property
    def screenshot_after(self) -> int:
        """Frames on screen before the demo screenshot of this screen is taken."""
        return self.settle_frames

    # lifecycle
    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """Create the pygame_gui widgets for a window of ``size``."""

    def on_enter(self) -> None:
        """Called when the screen becomes the top of the stack."""

    def on_exit(self) -> None:
        """Called when the screen leaves the stack."""

    # frame
    def keymaps(self) -> Sequence[Keymap]:
        """The keymaps that turn keys into intents for this screen right now."""
        return self.keys

    def handle(self, intent: Intent) -> bool:
        """Act on an intent; return True if it meant something here. The base moves the focus ring."""
        return self.focus_intent(intent)

    def update(self, dt: float) -> None:
        """Advance the screen by ``dt`` real seconds (the top screen only)."""

    def sync(self) -> None:
        """Take the state the next ``draw`` shows (every screen drawn this frame)."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw everything that is not a pygame_gui widget; reads state, never changes it."""

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
        """A button with keyboard focus; ``text`` and ``tooltip`` are plain text (a label, a file name), shown as written."""
        button = pygame_gui.elements.UIButton(
            rect, ui.button_text(text), manager,
            object_id=pygame_gui.core.ObjectID(object_id=object_id) if object_id else None,
            tool_tip_text=ui.gui_text(tooltip) if tooltip is not None else None,
        )  # fmt: skip
        self.buttons.append((button, action))
        return button

    def activate(self, index: int) -> None:
        if 0 <= index < len(self.buttons):
            self.focus = index
            self.buttons[index][1]()

    def focus_intent(self, intent: Intent) -> bool:
        """Tab / arrows move the focus ring, Enter activates: the whole game works without a mouse."""
        if not self.buttons:
            return False
        kind = intent.kind
        if kind is Kind.FOCUS_NEXT:
            self.show_focus = True
            self.focus = (self.focus + 1) % len(self.buttons)
            return True
        if kind is Kind.FOCUS_PREV:
            self.show_focus = True
            self.focus = (self.focus - 1) % len(self.buttons)
            return True
        if kind is Kind.ACTIVATE:
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
