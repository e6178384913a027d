"""Fixtures the game's tests share."""

from __future__ import annotations

import pygame
import pytest

from game.ui import Painter

SIZE = (1280, 720)


@pytest.fixture(scope="module")
def painter():
    """A painter on a 1280x720 window (the design size), for tests that draw parts of a screen."""
    pygame.init()
    pygame.display.set_mode(SIZE)
    p = Painter()
    p.resize(SIZE)
    yield p
    pygame.display.quit()
