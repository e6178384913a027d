"""retail-store.toml as a trainee plays it: three choices, a card before the doors open, the empty shelf on a countdown.

The lessons are checked on the decision paths for every bundled scenario
(tests/scenarios/test_library.py); this file checks what comes up, when, and that the standing
rules cover every later stock-out.
"""

from __future__ import annotations

from helpers import SCENARIOS

from sim import Choose, Simulation, read_scenario
from sim.authoring.lint import lint
from sim.results.results import build_results

PATH = SCENARIOS / "retail-store.toml"


def test_lints_clean_with_three_decisions_each_reactive_and_proactive():
    loaded = read_scenario(PATH)
    assert lint(loaded, PATH.read_text()) == []
    decisions = loaded.scenario.decisions
    assert list(decisions) == ["opening", "empty_shelf", "at_the_till"]
    for name, spec in decisions.items():
        assert {"reactive", "proactive"} <= {option.style for option in spec.options.values()}, name
    for name in ("opening", "empty_shelf"):
        assert decisions[name].from_now_on and set(decisions[name].rule_for) == {"bread_out", "stock_out"}
    assert not decisions["empty_shelf"].pause and decisions["empty_shelf"].respond_within_min


def test_the_first_card_comes_before_opening_and_the_shelf_walk_shortens_every_stock_out():
    sim = Simulation(read_scenario(PATH).scenario, interactive=True, horizon_days=6)
    sim.advance_to(100)
    assert sim.paused and list(sim.pending_decisions) == ["opening"] and sim.now == 5
    sim.halt_at_decisions = True
    while not sim.finished:
        for name in list(sim.pending_decisions):
            option = {"opening": "shelf_walk", "empty_shelf": "tell_them", "at_the_till": "treat"}[name]
            sim.apply(Choose(decision=name, option=option))
        sim.advance_to(sim.horizon)
    r = build_results(sim)
    assert [(d["decision"], d["time_min"]) for d in r["decisions"]][:2] == [("opening", 5.0), ("empty_shelf", 17 * 60.0)]
    failures = r["failures"]
    assert failures["stock_out"]["occurrences"] >= 2
    for name, f in failures.items():  # restocked within 30 minutes, every time
        assert f["downtime_min"] <= 30.0 * f["occurrences"] + 1e-6, name
