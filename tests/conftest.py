"""Shared test set-up: SDL runs headless (dummy drivers) before anything imports pygame."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest
from helpers import SCENARIOS

# A developer's own LMS settings must not make every game and CLI test report to their LRS: the
# tests that report (tests/lms) name their config explicitly. XDG_CONFIG_HOME moves the default
# config file (~/.config/cxsim/lrs.toml) out of reach too.
for _name in [n for n in os.environ if n.startswith("CXSIM_LRS_")]:
    del os.environ[_name]
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cxsim-tests-config-")


@pytest.fixture
def contact_centre_path() -> Path:
    return SCENARIOS / "contact-centre.toml"
