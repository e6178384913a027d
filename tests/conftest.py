"""Shared test set-up: SDL runs headless (dummy drivers) before anything imports pygame."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest
from helpers import SCENARIOS


@pytest.fixture
def contact_centre_path() -> Path:
    return SCENARIOS / "contact-centre.toml"
