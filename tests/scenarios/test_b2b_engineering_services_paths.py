"""Brightline (b2b-engineering-services) as a trainee plays it: decisions across the journey, and the
reactive and proactive paths differ where its lessons say, on the scenario's own seed.

The lessons themselves are checked over 20 paired replications for every bundled scenario
(tests/scenarios/test_library.py); this checks the design a trainee meets and one session of each path.
"""

from __future__ import annotations

import functools

from helpers import SCENARIOS

from sim import Simulation, read_scenario
from sim.records import CustomerArrived, DecisionRequested, FailureStarted, Record
from sim.results.results import build_results
from sim.session.paths import style_answers
from sim.session.replay import with_choices

PATH = SCENARIOS / "b2b-engineering-services.toml"
SCENARIO = read_scenario(PATH).scenario


@functools.cache
def played(style: str) -> dict:
    """The results of one run of the trainee's path (every decision answered in ``style``)."""
    scenario, policy = with_choices(SCENARIO, style_answers(SCENARIO, style))
    sim = Simulation(scenario, policy=policy)
    sim.run()
    return build_results(sim)


def test_the_decisions_cover_the_journey_with_a_countdown_and_standing_rules():
    decisions = SCENARIO.decisions
    assert 3 <= len(decisions) <= 5
    for name, d in decisions.items():
        styles = {o.style for o in d.options.values()}
        assert {"reactive", "proactive"} <= styles, name
    countdowns = [d for d in decisions.values() if not d.pause]
    assert countdowns and all(d.respond_within_min for d in countdowns)
    # a trainee who lets the clock run out gets the reactive answer, not a free proactive one
    assert all(d.options[d.default_option or next(iter(d.options))].style == "reactive" for d in countdowns)
    assert any(d.from_now_on for d in decisions.values())
    assert all(lesson.answers and lesson.baseline_answers for lesson in SCENARIO.lessons)  # on the trainee's paths


def test_something_happens_in_the_first_100_minutes_of_play():
    seen: list[Record] = []
    sim = Simulation(SCENARIO, horizon_days=1.0)
    sim.subscribe(seen.append)
    sim.run()
    first_customer = min(r.time for r in seen if isinstance(r, CustomerArrived))
    first_event = min(r.time for r in seen if isinstance(r, DecisionRequested | FailureStarted))
    assert first_event <= max(first_customer, 0.0) + 100


def test_the_proactive_path_reaches_the_clients_first_and_keeps_them():
    reactive, proactive = played("reactive"), played("proactive")
    assert reactive["recovery"]["proactive"] == 0 < proactive["recovery"]["proactive"]
    assert proactive["recovery"]["customers_affected"] < reactive["recovery"]["customers_affected"]  # the tiger team
    ra, pa = reactive["experience"]["affected"], proactive["experience"]["affected"]
    assert pa["repeat_probability_mean"] > ra["repeat_probability_mean"]
    assert pa["nps"] > ra["nps"]
    assert proactive["channels"]["support"]["offered"] < reactive["channels"]["support"]["offered"]
    assert proactive["money"]["profit"] > reactive["money"]["profit"]
