"""Same inputs, same run: seeds, chunking, commands and unrelated additions."""

from __future__ import annotations

import json

import pytest
from helpers import SCENARIOS, make_scenario, queue_toml

from sim import ApplyResponse, Choose, SetAgents, Simulation, load_scenario
from sim.results.results import build_results, to_json
from sim.session.replay import replay


@pytest.fixture(scope="module")
def centre():
    return load_scenario(SCENARIOS / "contact-centre.toml")


def _json(sim: Simulation) -> str:
    return to_json(build_results(sim))


def _run(scenario, **kw) -> Simulation:
    sim = Simulation(scenario, horizon_days=2, **kw)
    sim.run()
    return sim


def test_same_seed_gives_identical_json(centre):
    assert _json(_run(centre, seed=11)) == _json(_run(centre, seed=11))


def test_different_seed_gives_different_numbers(centre):
    a = json.loads(_json(_run(centre, seed=11)))
    b = json.loads(_json(_run(centre, seed=12)))
    assert a["channels"]["phone"]["offered"] != b["channels"]["phone"]["offered"]


@pytest.mark.parametrize("chunk", [0.5, 1 / 30, 7.3, 61.0])
def test_chunked_advance_equals_one_run(centre, chunk):
    whole = _run(centre, seed=5, policy="proactive")
    sim = Simulation(centre, seed=5, policy="proactive", horizon_days=2)
    while not sim.finished:
        sim.advance_to(sim.now + chunk)
    assert _json(sim) == _json(whole)


def test_adding_an_unused_touchpoint_changes_nothing_else():
    base = queue_toml(per_hour=300, agents=6, days=1)
    extra = base.replace(
        "[journey]",
        '[touchpoints.store]\nkind = "staffed"\nchannel = "store"\nagents = 2\n'
        'handle_min = { dist = "constant", value = 3 }\n\n[journey]',
    )
    a = build_results(_run_one(make_scenario(base)))
    b = build_results(_run_one(make_scenario(extra)))
    assert a["channels"]["phone"] == b["channels"]["phone"]
    assert a["customers"] == b["customers"]


def _run_one(scenario) -> Simulation:
    sim = Simulation(scenario)
    sim.run()
    return sim


def test_commands_replay_exactly(centre):
    """A session driven frame by frame with commands replays to the same results from its log."""
    sim = Simulation(centre, seed=3, interactive=True, horizon_days=3)
    applied_extra = False
    while not sim.finished:
        if "outage" in sim.pending_decisions:
            sim.apply(Choose(decision="outage", option="move_to_chat"))
        if sim.now >= 600 and not applied_extra:
            sim.apply(SetAgents(touchpoint="phone", extra_agents=1))
            sim.apply(ApplyResponse(response="callbacks"))
            applied_extra = True
        sim.advance_to(sim.now + 1 / 30 * 8)
    assert next(c.command for c in sim.command_log) == SetAgents(touchpoint="phone", extra_agents=1)
    assert any(isinstance(c.command, Choose) for c in sim.command_log)
    again = replay(centre, sim.command_log, seed=3, horizon_days=3)
    again_json = json.loads(_json(again))
    first_json = json.loads(_json(sim))
    assert again_json["commands"] == first_json["commands"]
    assert again_json == first_json


def test_pausing_decision_stops_time_until_answered(centre):
    sim = Simulation(centre, seed=3, interactive=True)
    sim.advance_to(3 * 1440)
    assert sim.now == 1440 + 600  # day 2, 10:00: the outage
    assert sim.paused and "outage" in sim.pending_decisions
    sim.advance_to(3 * 1440)
    assert sim.now == 1440 + 600  # still waiting for the trainee
    sim.apply(Choose(decision="outage", option="wait"))
    sim.advance_to(3 * 1440)
    assert sim.now == 3 * 1440


def test_headless_policy_and_interactive_choice_give_the_same_run(centre):
    """A trainee's choice and a policy's choice are the same concept: same option, same results."""
    policy_run = _run(centre, seed=9, policy="proactive")
    sim = Simulation(centre, seed=9, policy="proactive", interactive=True, horizon_days=2)
    sim.halt_at_decisions = True
    chosen = centre.policies["proactive"].decisions
    while not sim.finished:
        for name in list(sim.pending_decisions):
            sim.apply(Choose(decision=name, option=chosen[name]))
        sim.advance_to(sim.horizon)
    a, b = build_results(policy_run), build_results(sim)
    for key in ("channels", "customers", "money", "recovery"):
        assert a[key] == b[key]
