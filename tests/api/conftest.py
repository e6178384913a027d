"""The Python API's tests: the CLI in this process, to check the API gives the numbers its commands give."""

from __future__ import annotations

import pytest
from helpers import ROOT


@pytest.fixture
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, so scenario paths are written as a user types them (``scenarios/x.toml``)."""
    monkeypatch.chdir(ROOT)
