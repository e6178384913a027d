"""The Python API's tests: the CLI in this process, to check the API gives the numbers its commands give."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from helpers import ROOT
from typer.testing import CliRunner, Result

from sim.cli import app, err, out


@pytest.fixture
def cxsim(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Invoke ``cxsim ARGS...`` in-process from the repository root (as tests/cli/conftest.py does)."""
    monkeypatch.chdir(ROOT)
    for console in (out, err):
        monkeypatch.setattr(console, "width", 80)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so scenario paths are written as a user types them (``scenarios/x.toml``)."""
    monkeypatch.chdir(ROOT)
