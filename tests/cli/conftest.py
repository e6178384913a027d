"""The command line, run in this process: ``cxsim(*args)`` as a user would type it after ``cxsim``.

``typer.testing.CliRunner`` captures stdout and stderr apart; the root group maps every outcome
to the console script's exit code and one-line errors, so these runs exit and print as the
real ``cxsim`` does (its own tests, in test_entry_point.py, start real processes).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from helpers import ROOT
from typer.testing import CliRunner, Result

from sim.cli import app, err, out


@pytest.fixture
def cxsim(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke ``cxsim ARGS...`` in-process, from the repository root, at the width of a pipe (80)."""
    monkeypatch.chdir(ROOT)
    for console in (out, err):  # rich fixes a console's width when it is made; another test may have changed it
        monkeypatch.setattr(console, "width", 80)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture
def cxsim_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m sim ARGS...`` in a new process, for what needs one (main()'s exit codes, a Dask cluster)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
        )

    return run
