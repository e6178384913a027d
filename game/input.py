"""Input in one place: pygame events become intents, and every binding of the game is listed here.

A screen never reads keys. The app turns each event into an ``Intent`` (pause, speed 3, choose
option 2, move the focus, open the menu...) with the keymaps the top screen says are active,
and the screen handles intents. The window-level ones (close, resize, minimise, F11, Ctrl +/-,
F12) are read first, on every screen.

The bindings, as docs/game.md and the README list them:

- everywhere: Tab / Down / Right move the focus ring on, Shift+Tab / Up / Left back, Enter
  activates; Esc goes back (or opens the menu while playing); F11 full screen; Ctrl + and
  Ctrl - text size; F12 a screenshot; a click presses a button;
- playing: Space pause, 1-5 speed (pause, 1x, 4x, 16x, 64x), End (or F) fast-forward, C follow
  the next customer, X stop following, a click on the map follows a customer;
- on a decision card: 1-4 (main row or keypad) choose an option;
- on the play screen and in the pause menu: F1 shows the tour of the screen (coach marks) from its first mark;
- while a coach mark is shown: Enter, Space, Right or Down go on, Left or Up go back, Esc skips the tour
  (the other keys still reach the screen under it);
- on the briefing and the debrief: Page Up / Page Down;
- in a text field (the trainee's name; the join screen's URL and team name): letters type, Ctrl+V pastes,
  Enter / Tab / Esc leave it (on the join screen Enter in the name joins);
- in the file dialog: Tab / Shift+Tab move between the file list, the path, OK, Cancel and the
  folder up; Up / Down move in the list; Enter opens (a folder, a file, the typed path); Esc closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum, auto

import pygame
import pygame_gui


class Kind(Enum):
    """What the trainee (or the window) asks for."""

    # the window, on every screen
    QUIT = auto()  # the window's close button
    RESIZE = auto()  # ``size``
    MINIMISE = auto()
    RESTORE = auto()
    FULLSCREEN = auto()
    TEXT_BIGGER = auto()
    TEXT_SMALLER = auto()
    SCREENSHOT = auto()
    # moving around a screen
    FOCUS_NEXT = auto()
    FOCUS_PREV = auto()
    ACTIVATE = auto()  # the focused button
    BUTTON = auto()  # a button was clicked: ``element``
    BACK = auto()
    PAGE_DOWN = auto()
    PAGE_UP = auto()
    CLICK = auto()  # left mouse button down at ``pos``
    LEAVE_FIELD = auto()  # done typing in a text field
    TEXT_DONE = auto()  # a text field reports Enter: ``element``
    FILE_PICKED = auto()  # the file dialog chose ``text``
    MOVE_UP = auto()  # within a list (the file dialog's files)
    MOVE_DOWN = auto()
    # playing
    MENU = auto()
    PAUSE = auto()  # toggles
    SPEED = auto()  # ``index`` into the play screen's speeds
    FAST_FORWARD = auto()
    FOLLOW = auto()  # the next customer
    UNFOLLOW = auto()
    # a decision card
    CHOOSE = auto()  # ``index`` of the option
    # the tour (coach marks, game/coach.py)
    TOUR = auto()  # show the tour from its first mark


@dataclass(frozen=True, slots=True)
class Intent:
    kind: Kind
    index: int = 0
    pos: tuple[int, int] = (0, 0)
    size: tuple[int, int] = (0, 0)
    element: object = None
    text: str = ""


@dataclass(frozen=True)
class Keymap:
    """Keys and what they mean on some screens; ``plain`` keys count only without Ctrl."""

    name: str
    keys: Mapping[int, Intent]
    shifted: Mapping[int, Intent] = field(default_factory=dict)  # with Shift held, these mean this instead
    plain: frozenset[int] = frozenset()


def _map(**bindings: Sequence[int]) -> dict[int, Intent]:
    return {key: Intent(Kind[kind]) for kind, keys in bindings.items() for key in keys}


FOCUS = Keymap(
    "focus",
    _map(FOCUS_NEXT=(pygame.K_TAB, pygame.K_DOWN, pygame.K_RIGHT), FOCUS_PREV=(pygame.K_UP, pygame.K_LEFT),
         ACTIVATE=(pygame.K_RETURN, pygame.K_KP_ENTER)),
    shifted={pygame.K_TAB: Intent(Kind.FOCUS_PREV)},
)  # fmt: skip
SCREEN = Keymap("screen", _map(BACK=(pygame.K_ESCAPE,), PAGE_DOWN=(pygame.K_PAGEDOWN,), PAGE_UP=(pygame.K_PAGEUP,)))
SPEED_KEYS = (pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5)
PLAY = Keymap(
    "play",
    {
        **_map(PAUSE=(pygame.K_SPACE,), FAST_FORWARD=(pygame.K_END, pygame.K_f), MENU=(pygame.K_ESCAPE,),
               FOLLOW=(pygame.K_c,), UNFOLLOW=(pygame.K_x,)),
        **{key: Intent(Kind.SPEED, i) for i, key in enumerate(SPEED_KEYS)},
    },
    plain=frozenset(SPEED_KEYS),  # Ctrl + a digit is not a speed
)  # fmt: skip
OPTION_KEYS = ((pygame.K_1, pygame.K_KP1), (pygame.K_2, pygame.K_KP2), (pygame.K_3, pygame.K_KP3), (pygame.K_4, pygame.K_KP4))
CARD = Keymap(
    "card",
    {**_map(BACK=(pygame.K_ESCAPE,)), **{key: Intent(Kind.CHOOSE, i) for i, keys in enumerate(OPTION_KEYS) for key in keys}},
)
TEXT_FIELD = Keymap(
    "text field",
    _map(LEAVE_FIELD=(pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_TAB, pygame.K_ESCAPE)),
)
DIALOG = Keymap(
    "dialog",
    _map(BACK=(pygame.K_ESCAPE,), FOCUS_NEXT=(pygame.K_TAB, pygame.K_RIGHT), FOCUS_PREV=(pygame.K_LEFT,),
         MOVE_UP=(pygame.K_UP,), MOVE_DOWN=(pygame.K_DOWN,), ACTIVATE=(pygame.K_RETURN, pygame.K_KP_ENTER)),
    shifted={pygame.K_TAB: Intent(Kind.FOCUS_PREV)},
)  # fmt: skip
# The tour: F1 shows it on the play screen and in the pause menu; while a mark is shown, COACH takes its keys first
# (in the game's own intents: ACTIVATE goes on, FOCUS_PREV goes back, BACK skips) and every other key reaches the screen.
TOUR = Keymap("tour", _map(TOUR=(pygame.K_F1,)))
COACH = Keymap(
    "coach",
    _map(ACTIVATE=(pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_RIGHT, pygame.K_DOWN),
         FOCUS_PREV=(pygame.K_LEFT, pygame.K_UP), BACK=(pygame.K_ESCAPE,)),
)  # fmt: skip

BIGGER_KEYS = frozenset((pygame.K_EQUALS, pygame.K_PLUS, pygame.K_KP_PLUS))
SMALLER_KEYS = frozenset((pygame.K_MINUS, pygame.K_KP_MINUS))
RESTORED = frozenset((pygame.WINDOWRESTORED, pygame.WINDOWEXPOSED, pygame.WINDOWSHOWN))


def window_intent(event: pygame.event.Event) -> Intent | None:
    """What ``event`` asks of the window, whatever the screen (None: nothing)."""
    kind = event.type
    if kind == pygame.QUIT:
        return Intent(Kind.QUIT)
    if kind == pygame.VIDEORESIZE:
        return Intent(Kind.RESIZE, size=(event.w, event.h))
    if kind == pygame.WINDOWMINIMIZED:
        return Intent(Kind.MINIMISE)
    if kind in RESTORED:
        return Intent(Kind.RESTORE)
    if kind == pygame.KEYDOWN:
        key = event.key
        if key == pygame.K_F11:
            return Intent(Kind.FULLSCREEN)
        if event.mod & pygame.KMOD_CTRL and key in BIGGER_KEYS:
            return Intent(Kind.TEXT_BIGGER)
        if event.mod & pygame.KMOD_CTRL and key in SMALLER_KEYS:
            return Intent(Kind.TEXT_SMALLER)
        if key == pygame.K_F12:
            return Intent(Kind.SCREENSHOT)
    return None


def key_intent(event: pygame.event.Event, keymaps: Sequence[Keymap]) -> Intent | None:
    """The first meaning of a key press in ``keymaps``, in order."""
    ctrl = event.mod & pygame.KMOD_CTRL
    shift = event.mod & pygame.KMOD_SHIFT
    for keymap in keymaps:
        if shift and event.key in keymap.shifted:
            return keymap.shifted[event.key]
        intent = keymap.keys.get(event.key)
        if intent is not None and not (ctrl and event.key in keymap.plain):
            return intent
    return None


def screen_intent(event: pygame.event.Event, keymaps: Sequence[Keymap], *, consumed: bool) -> Intent | None:
    """What ``event`` asks of the top screen. ``consumed``: a widget (a text field, a dialog) already took it."""
    kind = event.type
    if kind == pygame_gui.UI_BUTTON_PRESSED:  # a button reports its click even though it consumed the mouse
        return Intent(Kind.BUTTON, element=event.ui_element)
    if consumed:
        return None
    if kind == pygame.KEYDOWN:
        return key_intent(event, keymaps)
    if kind == pygame.MOUSEBUTTONDOWN and event.button == 1:
        return Intent(Kind.CLICK, pos=tuple(event.pos))
    if kind == pygame_gui.UI_TEXT_ENTRY_FINISHED:
        return Intent(Kind.TEXT_DONE, element=event.ui_element)
    if kind == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
        return Intent(Kind.FILE_PICKED, text=event.text)
    return None
