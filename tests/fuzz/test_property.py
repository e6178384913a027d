"""The property itself catches what it is for: an internal error fails it, a hang is stopped and fails it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from helpers import SCENARIOS

import sim.scenario.loader
from fuzz import property as prop


def test_a_good_file_passes():
    prop.check("validate", str(SCENARIOS / "tutorial.toml"))


def test_an_internal_error_fails_it(monkeypatch: pytest.MonkeyPatch):
    def broken(path: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sim.scenario.loader, "read_scenario", broken)
    with pytest.raises(AssertionError, match="internal error"):
        prop.check("validate", str(SCENARIOS / "tutorial.toml"))


def test_a_hang_is_stopped(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sim.scenario.loader, "read_scenario", lambda path: time.sleep(30))
    monkeypatch.setattr(prop, "HARD_TIMEOUT_S", 0.2)
    start = time.perf_counter()
    with pytest.raises(prop.Hang):
        prop.check("validate", str(SCENARIOS / "tutorial.toml"))
    assert time.perf_counter() - start < 5


def test_each_error_line_must_name_a_file_it_may_name(tmp_path: Path):
    path = tmp_path / "s.json"
    path.write_text('{"format": "cxsim.session/1", "scenario": {"file": "elsewhere.toml"}, "policy": "p", "seed": 1}')
    with pytest.raises(AssertionError, match="names no file"):
        prop.check("replay", str(path))  # 'elsewhere.toml: file not found' names the scenario, not the session
    prop.check("replay", str(path), names=("elsewhere.toml",))
