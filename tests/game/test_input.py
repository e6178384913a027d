"""Every binding of docs/game.md becomes the intent the screens expect (game/input.py)."""

from __future__ import annotations

import pygame
import pygame_gui
import pytest

from game.input import CARD, FOCUS, PLAY, SCREEN, TEXT_FIELD, Intent, Kind, screen_intent, window_intent


def key(k: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0)


@pytest.mark.parametrize(
    ("event", "keymaps", "intent"),
    [
        (key(pygame.K_SPACE), (PLAY, FOCUS), Intent(Kind.PAUSE)),
        *((key(k), (PLAY, FOCUS), Intent(Kind.SPEED, i)) for i, k in enumerate((pygame.K_1, pygame.K_2, pygame.K_3, pygame.K_4, pygame.K_5))),
        (key(pygame.K_1, pygame.KMOD_LCTRL), (PLAY, FOCUS), None),  # Ctrl + a digit is no speed
        (key(pygame.K_END), (PLAY, FOCUS), Intent(Kind.FAST_FORWARD)),
        (key(pygame.K_f), (PLAY, FOCUS), Intent(Kind.FAST_FORWARD)),
        (key(pygame.K_ESCAPE), (PLAY, FOCUS), Intent(Kind.MENU)),
        (key(pygame.K_c), (PLAY, FOCUS), Intent(Kind.FOLLOW)),
        (key(pygame.K_x), (PLAY, FOCUS), Intent(Kind.UNFOLLOW)),
        (key(pygame.K_TAB), (PLAY, FOCUS), Intent(Kind.FOCUS_NEXT)),
        (key(pygame.K_TAB, pygame.KMOD_LSHIFT), (SCREEN, FOCUS), Intent(Kind.FOCUS_PREV)),
        (key(pygame.K_DOWN), (SCREEN, FOCUS), Intent(Kind.FOCUS_NEXT)),
        (key(pygame.K_RIGHT), (SCREEN, FOCUS), Intent(Kind.FOCUS_NEXT)),
        (key(pygame.K_UP), (SCREEN, FOCUS), Intent(Kind.FOCUS_PREV)),
        (key(pygame.K_LEFT), (SCREEN, FOCUS), Intent(Kind.FOCUS_PREV)),
        (key(pygame.K_RETURN), (SCREEN, FOCUS), Intent(Kind.ACTIVATE)),
        (key(pygame.K_KP_ENTER), (CARD, FOCUS), Intent(Kind.ACTIVATE)),
        (key(pygame.K_ESCAPE), (SCREEN, FOCUS), Intent(Kind.BACK)),
        (key(pygame.K_PAGEDOWN), (SCREEN, FOCUS), Intent(Kind.PAGE_DOWN)),
        (key(pygame.K_PAGEUP), (SCREEN, FOCUS), Intent(Kind.PAGE_UP)),
        (key(pygame.K_SPACE), (SCREEN, FOCUS), None),  # Space pauses only while playing
        (key(pygame.K_3), (CARD, FOCUS), Intent(Kind.CHOOSE, 2)),
        (key(pygame.K_KP4), (CARD, FOCUS), Intent(Kind.CHOOSE, 3)),
        (key(pygame.K_5), (CARD, FOCUS), None),  # four options at most
        (key(pygame.K_TAB), (TEXT_FIELD,), Intent(Kind.LEAVE_FIELD)),
        (key(pygame.K_RETURN), (TEXT_FIELD,), Intent(Kind.LEAVE_FIELD)),
        (key(pygame.K_DOWN), (TEXT_FIELD,), None),  # typing: the arrows belong to the field
        (key(pygame.K_ESCAPE), (), None),  # a dialog has the keyboard
        (pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 6), button=1), (PLAY,), Intent(Kind.CLICK, pos=(5, 6))),
        (pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(5, 6), button=3), (PLAY,), None),
    ],
)
def test_keys_become_intents(event, keymaps, intent):
    assert screen_intent(event, keymaps, consumed=False) == intent


def test_a_consumed_event_means_nothing_but_a_button_press_still_counts():
    assert screen_intent(key(pygame.K_SPACE), (PLAY,), consumed=True) is None
    button = object()
    pressed = pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=button)
    assert screen_intent(pressed, (), consumed=True) == Intent(Kind.BUTTON, element=button)


@pytest.mark.parametrize(
    ("event", "kind"),
    [
        (pygame.event.Event(pygame.QUIT), Kind.QUIT),
        (pygame.event.Event(pygame.WINDOWMINIMIZED), Kind.MINIMISE),
        (pygame.event.Event(pygame.WINDOWRESTORED), Kind.RESTORE),
        (key(pygame.K_F11), Kind.FULLSCREEN),
        (key(pygame.K_EQUALS, pygame.KMOD_LCTRL), Kind.TEXT_BIGGER),
        (key(pygame.K_KP_PLUS, pygame.KMOD_RCTRL), Kind.TEXT_BIGGER),
        (key(pygame.K_MINUS, pygame.KMOD_LCTRL), Kind.TEXT_SMALLER),
        (key(pygame.K_F12), Kind.SCREENSHOT),
    ],
)
def test_window_keys_work_on_every_screen(event, kind):
    assert window_intent(event) == Intent(kind)


def test_resize_carries_the_size_and_plain_keys_are_not_window_intents():
    assert window_intent(pygame.event.Event(pygame.VIDEORESIZE, w=900, h=600, size=(900, 600))) == Intent(Kind.RESIZE, size=(900, 600))
    assert window_intent(key(pygame.K_EQUALS)) is None
    assert window_intent(key(pygame.K_SPACE)) is None
