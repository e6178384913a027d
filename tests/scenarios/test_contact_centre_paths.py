"""contact-centre.toml as a trainee plays it: four choices across the week, a card at once, countdowns that run.

The lessons themselves are checked on the decision paths for every bundled scenario
(tests/scenarios/test_library.py); this file checks the shape of the game: what comes up, when,
and whether the clock keeps running.
"""

from __future__ import annotations

from helpers import SCENARIOS

from sim import Choose, Simulation, read_scenario
from sim.authoring.lint import lint
from sim.results.results import build_results

PATH = SCENARIOS / "contact-centre.toml"


def test_lints_clean_with_four_decisions_each_reactive_and_proactive():
    loaded = read_scenario(PATH)
    assert lint(loaded, PATH.read_text()) == []
    decisions = loaded.scenario.decisions
    assert list(decisions) == ["week_plan", "monday_queue", "outage", "line_back"]
    for name, spec in decisions.items():
        styles = {option.style for option in spec.options.values()}
        assert {"reactive", "proactive"} <= styles, name
    assert [n for n, d in decisions.items() if not d.pause and d.respond_within_min] == ["week_plan", "monday_queue", "line_back"]
    outage = decisions["outage"]
    assert outage.from_now_on and set(outage.rule_for) == {"telephony_down", "telephony_again"}


def test_a_card_comes_up_at_once_and_its_countdown_takes_the_default():
    sim = Simulation(read_scenario(PATH).scenario, interactive=True, horizon_days=1)
    sim.advance_to(100)  # 20 real seconds at 1x
    assert "week_plan" in sim.pending_decisions and not sim.paused
    assert sim.now == 100  # a countdown card: the clock kept running
    sim.advance_to(200)
    made = build_results(sim)["decisions"]
    assert made[0] == {"time_min": 125.0, "decision": "week_plan", "option": "as_planned", "by": "timeout"}


def test_the_outage_stops_the_clock_and_its_answer_stands_for_thursday():
    sim = Simulation(read_scenario(PATH).scenario, interactive=True, horizon_days=5)
    sim.halt_at_decisions = True
    while not sim.finished:
        for name in list(sim.pending_decisions):
            option = "text_back" if name == "outage" else next(iter(sim.pending_decisions[name].spec.options))
            sim.apply(Choose(decision=name, option=option))
        sim.advance_to(sim.horizon)
    r = build_results(sim)
    assert [d["decision"] for d in r["decisions"] if d["decision"] == "outage"] == ["outage"]  # one card, two outages
    assert r["failures"]["telephony_again"]["customers_affected"] > 0
    texted = r["recovery"]["proactive"]
    assert texted > r["failures"]["telephony_down"]["customers_affected"]  # Thursday's callers were texted too
