"""Every bundled scenario validates, has the policies training needs, and runs headless under each."""

from __future__ import annotations

import pytest
from helpers import SCENARIOS

from sim import Simulation, read_scenario
from sim.results.results import build_results

FILES = sorted(p for p in SCENARIOS.glob("*.toml"))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_validates_without_warnings(path):
    loaded = read_scenario(path)
    assert loaded.warnings == []
    assert {"reactive", "proactive"} <= set(loaded.scenario.policies)
    assert loaded.scenario.learning_objectives and loaded.scenario.description


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_scenario_runs_under_every_policy(path):
    scenario = read_scenario(path).scenario
    for policy in scenario.policies:
        sim = Simulation(scenario, policy=policy, horizon_days=min(2.0, scenario.horizon_days))
        sim.run()
        results = build_results(sim)
        assert results["customers"]["arrived"] > 0, policy
        assert results["policy"] == policy
