"""Decision cards priced honestly: the estimate of an option against what a run of it actually paid."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from helpers import LAUNCH_DAY, SCENARIOS

import sim
from sim.authoring.option_costs import CostPart, OptionCost, estimate_option, number, state_of
from sim.effects.add_agents import AddAgents
from sim.records import DecisionMade, RecoveryDelivered, ResponseApplied, TouchDelivered
from sim.scenario.loader import parse_scenario

HIKE = LAUNCH_DAY  # the crash and reviews decisions, which these tests turn into standing rules
SURGE = SCENARIOS / "contact-centre-surge.toml"


@dataclass
class Played:
    estimate: OptionCost  # priced at the moment the card came up
    paid: float  # what the run charged for the option's responses
    agent_cost: float


def play(scenario: sim.Scenario, decision: str, option: str, days: float, seed: int | None = None) -> Played:
    """Run with ``option`` chosen at ``decision`` (the policy elsewhere); price it when it comes up, then add up what it paid."""
    log: list[object] = []
    seeded = {} if seed is None else {"seed": seed}
    run = sim.Simulation(scenario, observers=[log.append], interactive=True, horizon_days=days, **seeded)
    estimate = None
    while not run.finished:
        run.advance_to(run.horizon)
        for name, pending in list(run.pending_decisions.items()):
            if name == decision:
                estimate = estimate_option(scenario, pending.spec, option, state_of(run, pending.incident))
            run.apply(sim.Choose(decision=name, option=option if name == decision else run.decisions.policy_choice(name)))
    assert estimate is not None, f"{decision} never came up"
    spec = scenario.decisions[decision]
    mine = set(spec.options[option].responses)
    t0 = next(r.time for r in log if isinstance(r, DecisionMade) and r.decision == decision)
    trigger = getattr(spec.trigger, "failure", None)
    paid = sum(r.cost for r in log if isinstance(r, ResponseApplied) and r.response in mine and r.time >= t0)
    for r in log:
        if isinstance(r, RecoveryDelivered) and (spec.from_now_on or r.failure == trigger) and r.time >= t0:
            paid += sum(scenario.responses[n].cost_per_customer for n in r.responses if n in mine)
            if any(scenario.responses[n].recovery_component == "compensation" for n in r.responses if n in mine):
                paid += r.compensation
        elif isinstance(r, TouchDelivered) and r.response in mine:
            paid += r.cost
    return Played(estimate, paid, sim.build_results(run)["money"]["agent_cost"])


def close(estimate: float, actual: float) -> bool:
    """Within a factor of 2 (or both a few euros: an SMS to a dozen customers)."""
    if max(estimate, actual) < 5:
        return True
    return actual / 2 <= estimate <= actual * 2


def test_every_option_of_the_surge_is_priced_within_a_factor_of_two_of_what_it_paid_agent_hours_included():
    s = sim.load_scenario(SURGE)
    played = {o: play(s, "surge", o, days=3) for o in s.decisions["surge"].options}
    extra_agents = played["staff_up"].agent_cost - played["answer"].agent_cost  # the 6 agents called in, from results money
    assert extra_agents > 5000
    for option, p in played.items():
        actual = p.paid + (extra_agents if option == "staff_up" else 0.0)
        assert close(p.estimate.total, actual), (option, p.estimate.text(), actual)
    answer = played["answer"].estimate
    assert answer.total > 1000 and "callers" in answer.text() and "compensation" in answer.text()  # not "(0 EUR)"
    hours = next(part for part in played["staff_up"].estimate.parts if part.kind == "agent_hours")
    spec = s.responses["surge_agents"]
    assert isinstance(spec, AddAgents) and hours.count == pytest.approx(spec.agents * (spec.for_hours or 0))
    assert "288 agent hours x 32 EUR" in played["staff_up"].estimate.text()


def test_the_flagships_crash_and_reviews_options_are_priced_within_a_factor_of_two():
    s = sim.load_scenario(HIKE)
    for decision, days in (("crash", 2.0), ("reviews", 10.0)):
        for option in s.decisions[decision].options:
            p = play(s, decision, option, days)
            assert close(p.estimate.total, p.paid), (decision, option, p.estimate.text(), p.paid)
            reactive = s.decisions[decision].options[option].style == "reactive"
            pays_per_caller = any(
                s.responses[r].recovery_component == "compensation" for r in s.decisions[decision].options[option].responses
            )
            if reactive and pays_per_caller:
                assert p.estimate.headline() != "no cost" and p.estimate.total >= 10, p.estimate.text()


def test_a_standing_rule_is_priced_for_the_failures_still_to_come():
    """from_now_on: the answer covers the glitches and carrier delays of the next weeks, as the run pays them."""
    text = HIKE.read_text(encoding="utf-8").replace(
        "pause = true\nshow_style = false", "pause = true\nshow_style = false\nfrom_now_on = true"
    )
    text = text.replace(
        'responses = ["thank_reviewers"]', 'responses = ["thank_reviewers", "eco_packaging"]'
    )  # a touch for everyone
    s = parse_scenario(text.encode(), "hike-rule.toml").scenario
    assert s.decisions["crash"].from_now_on
    plain = sim.load_scenario(HIKE)
    once = estimate_option(plain, plain.decisions["crash"], "wait_for_calls")  # the crash's callers only
    p = play(s, "crash", "reach_out", days=21)
    assert close(p.estimate.total, p.paid), (p.estimate.text(), p.paid)
    # An estimate is an expectation: one seed's callers vary (130 to 400 EUR paid over seeds 1-6 against
    # an estimate of 389 EUR), so the credit paid on contact is compared with the mean of four seeds.
    runs = [play(s, "crash", "wait_for_calls", days=21, seed=seed) for seed in (1, 2, 3, 4)]
    mean_paid = sum(r.paid for r in runs) / len(runs)
    assert close(runs[0].estimate.total, mean_paid), (runs[0].estimate.text(), [r.paid for r in runs])
    rule = runs[0].estimate
    assert rule.total > 3 * once.total  # every later caller gets the credit too
    p = play(s, "reviews", "thank", days=21)
    assert close(p.estimate.total, p.paid), (p.estimate.text(), p.paid)
    assert any(part.response == "eco_packaging" and part.count and part.count > 100 for part in p.estimate.parts)


def test_the_words_say_about_and_round_sensibly():
    cost = OptionCost(
        "x", "EUR",
        (CostPart("fix", "fix", "fixed", 2000.0, None, "fixed"), CostPart("credit", "credit", "compensation", 10.0, 287.4, "callers"),
         CostPart("cb", "call-backs", "per_customer", 0.5, None, "call-back taken", estimated=False)),
        affected=600, callers=287.4,
    )  # fmt: skip
    assert cost.total == pytest.approx(4874.0)
    assert (
        cost.text() == "about 4,870 EUR: 10 EUR compensation x about 287 callers; 2,000 EUR fixed; + 0.5 EUR per call-back taken"
    )
    assert [number(v) for v in (1243.7, 76.4, 0.05, 14583.9, 7.0)] == ["1,240", "76", "0.05", "14,600", "7"]
    assert OptionCost("y", "EUR", (), 0, 0).headline() == "no cost"
