"""The journey's inline self-service step is the touchpoint's own ``visit``, event for event.

``sim.engine.journey`` calls a self-service visit's two halves itself, around its own re-armed
``Pause``, instead of ``yield from tp.visit(...)`` with a new ``simpy.Timeout``: a saving per step,
which must change nothing. Here the same runs are made both ways, with every record compared.
"""

from __future__ import annotations

from dataclasses import asdict

import pytest
from helpers import SCENARIOS

import sim.engine.journey as journey_module
from sim import Simulation
from sim.engine.touchpoints.self_service import SelfServiceTouchpoint
from sim.scenario.loader import read_scenario


def _records(path: str, policy: str, days: float) -> list[dict]:
    scenario = read_scenario(SCENARIOS / path).scenario
    log: list[dict] = []
    sim = Simulation(scenario, policy=policy, horizon_days=days, observers=[lambda r: log.append(asdict(r))])
    sim.run()
    return log


@pytest.mark.parametrize(("path", "policy"), [("hike-launch.toml", "reactive"), ("hike-launch.toml", "proactive")])
def test_the_inline_step_records_what_the_generic_visit_records(monkeypatch, path, policy):
    inline = _records(path, policy, 12)
    visits = []
    original = SelfServiceTouchpoint.visit
    monkeypatch.setattr(SelfServiceTouchpoint, "visit", lambda tp, ctx, c: visits.append(1) or original(tp, ctx, c))
    monkeypatch.setattr(journey_module, "SelfServiceTouchpoint", type("NoTouchpointIsThis", (), {}))
    generic = _records(path, policy, 12)
    assert len(visits) > 5_000  # the generic path did run
    assert len(inline) > 10_000
    assert inline == generic
