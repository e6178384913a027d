"""Shared test set-up: SDL runs headless (dummy drivers) before anything imports pygame."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest
from helpers import ROOT, SCENARIOS

# A developer's own LMS settings must not make every game and CLI test report to their LRS: the
# tests that report (tests/lms) name their config explicitly. XDG_CONFIG_HOME moves the default
# config file (~/.config/cxsim/lrs.toml) out of reach too.
for _name in [n for n in os.environ if n.startswith("CXSIM_LRS_")]:
    del os.environ[_name]
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="cxsim-tests-config-")


@pytest.fixture
def contact_centre_path() -> Path:
    return SCENARIOS / "contact-centre.toml"


@pytest.fixture
def cxsim(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Any]:
    """Invoke ``cxsim ARGS...`` in-process, from the repository root, at the width of a pipe (80).

    ``typer.testing.CliRunner`` captures stdout and stderr apart; the root group maps every outcome
    to the console script's exit code and one-line errors, so a run exits and prints as the real
    ``cxsim`` does. Arguments may be paths or numbers; they are passed as text, as typed.
    """
    from typer.testing import CliRunner

    from sim.cli import app, err, out

    monkeypatch.chdir(ROOT)
    for console in (out, err):  # rich fixes a console's width when it is made; another test may have changed it
        monkeypatch.setattr(console, "width", 80)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])
