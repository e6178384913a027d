"""``cxsim(*args)``: the command line run in this process, as in tests/cli (exit codes and one-line errors as the real one)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import ROOT
from typer.testing import CliRunner, Result

from sim.cli import app, err, out


@pytest.fixture
def cxsim(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke ``cxsim ARGS...`` in-process from the repository root, at the width of a pipe (80)."""
    monkeypatch.chdir(ROOT)
    for console in (out, err):
        monkeypatch.setattr(console, "width", 80)
    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(app, list(args))

    return invoke
