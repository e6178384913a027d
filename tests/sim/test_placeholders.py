"""Debrief placeholders: the catalogue, finding unknown names, filling texts, and measuring a run's decisions."""

from __future__ import annotations

import pytest
from helpers import LAUNCH_DAY
from hostile import HOSTILE

from sim import Simulation, read_scenario
from sim.authoring.placeholders import (
    MISSING,
    PENDING,
    PLACEHOLDERS,
    DecisionFacts,
    catalogue_markdown,
    decision_values,
    fill,
    format_value,
    pick_silent,
    placeholders_in,
    run_values,
    unknown_placeholders,
)
from sim.records import ContactBalked, ContactQueued, CustomerAffected, JourneyEnded, RecoveryDelivered, ServiceStarted
from sim.results.results import build_results
from sim.session.replay import with_choices

HIKE = read_scenario(LAUNCH_DAY).scenario  # the crash as the first decision


def test_every_placeholder_says_what_it_is_in_which_unit():
    assert {"hit", "contacted", "contacted_one_in", "reached_first", "option_cost", "discounts", "affected_nps", "nps_gap",
            "repeat_gap", "profit_gap"} <= set(PLACEHOLDERS)  # fmt: skip
    for name, spec in PLACEHOLDERS.items():
        assert spec.name == name and spec.description.strip().endswith(".") and spec.unit and spec.scope in ("decision", "run")


def test_unknown_placeholders_are_found_as_written():
    assert unknown_placeholders("{hit} of them; {contacted_one_in} called; {nope} and {Hit} and { hit }") == [
        "nope",
        "Hit",
        " hit ",
    ]
    assert unknown_placeholders("{{hit}} is a literal, {{ and }} too") == []
    assert placeholders_in("{{hit}} {hit}") == ["hit"]
    # qualified names name a decision; outside a decision only run-level and qualified names are known
    assert unknown_placeholders("{crash.hit} {reviews.hit}", ["crash"]) == ["reviews.hit"]
    assert unknown_placeholders("{crash.run_profit}", ["crash"]) == ["crash.run_profit"]
    assert unknown_placeholders("{hit} {run_profit} {crash.nps_gap}", ["crash"], in_decision=False) == ["hit"]


def test_fill_puts_values_in_as_plain_text():
    values = {"hit": "1,568", "contacted_one_in": "1 in 20", "option": "{hit} [b]x[/b]"}
    assert fill("{contacted_one_in} of {hit} called", values) == "1 in 20 of 1,568 called"
    assert fill("{{hit}} stays, {nope} stays, {hit}", values) == "{hit} stays, {nope} stays, 1,568"
    assert fill("you chose {option}", values) == "you chose {hit} [b]x[/b]"  # a value is never expanded again
    assert fill(HOSTILE, values) == HOSTILE
    assert fill("a lone { brace } and }", values) == "a lone { brace } and }"


@pytest.mark.parametrize(
    ("value", "unit", "text"),
    [
        ((73, 1568), "ratio", "1 in 21"),
        ((3, 4), "ratio", "3 in 4"),
        ((0, 20), "ratio", "0 in 20"),
        (2000.85, "currency", "2,001 EUR"),
        (0.052, "percent", "5.2 %"),
        (12.345, "nps", "+12.3"),
        (-3.0, "points", "-3.0 points"),
        (0.031, "percentage points", "+3.1 percentage points"),
        (1234, "customers", "1,234"),
        (None, "customers", MISSING),
    ],
)
def test_values_are_written_with_their_units(value, unit, text):
    assert format_value(value, unit, "EUR") == text


def _run(choices: dict[str, str], days: float = 2.0):
    scenario, policy = with_choices(HIKE, choices)
    facts = DecisionFacts(scenario, days * 1440, policy)
    log = []
    sim = Simulation(scenario, policy=policy, seed=HIKE.seed, observers=[facts, log.append], horizon_days=days)
    sim.run()
    return facts.facts(), build_results(sim), log


def _contacted_after_hit(log, failure: str) -> tuple[set[int], set[int]]:
    """An independent count: who the failure hit, and who of them tried a service channel before their journey ended."""
    hit: set[int] = set()
    open_: set[int] = set()
    contacted: set[int] = set()
    for r in log:
        if isinstance(r, CustomerAffected) and r.failure == failure:
            hit.add(r.customer)
            open_.add(r.customer)
        elif isinstance(r, ContactQueued | ContactBalked) or (isinstance(r, ServiceStarted) and not r.queued and not r.callback):
            if r.customer in open_ and r.touchpoint in ("phone", "chat"):
                contacted.add(r.customer)
        elif isinstance(r, JourneyEnded):
            open_.discard(r.customer)
    return hit, contacted


def test_decision_facts_count_the_customers_the_crash_hit_as_the_results_do():
    facts, results, log = _run({"crash": "wait_for_calls"})
    crash = facts["crash"]
    assert crash["option"] == "wait_for_calls" and crash["made_at"] == 600.0
    assert crash["hit"] == results["failures"]["launch_crash"]["customers_affected"] > 20
    hit, contacted = _contacted_after_hit(log, "launch_crash")
    assert crash["hit"] == len(hit) and crash["contacted"] == len(contacted) > 0
    assert crash["silent"] == crash["hit"] - crash["contacted"] > crash["contacted"]  # the silent majority
    assert crash["reached_first"] == 0 == results["recovery"]["proactive"]
    on_contact = [r for r in log if isinstance(r, RecoveryDelivered) and r.failure == "launch_crash"]
    assert crash["discounts"] == sum(r.compensation for r in on_contact) == 10.0 * len(on_contact)
    assert crash["option_cost"] == crash["discounts"]  # the discount is the option's own; the apology is free
    assert crash["affected_n"] <= crash["hit"] and -100 <= crash["affected_nps"] <= 100


def test_decision_facts_price_reaching_out_as_the_results_book_it():
    facts, results, _log = _run({"crash": "reach_out"})
    crash = facts["crash"]
    assert crash["reached_first"] == results["recovery"]["proactive"] > 0
    money = results["money"]
    # the fix (2,000 EUR) and the SMS (0.05 EUR each, needless ones too) are the only response costs of this run
    assert crash["option_cost"] == pytest.approx(money["response_cost"] + money["recovery_cost"])
    assert crash["option_cost"] == pytest.approx(2000 + 0.05 * crash["reached_first"], abs=1.0)


def test_a_time_decision_is_about_every_failure_after_it():
    facts, _results, log = _run({"crash": "wait_for_calls", "reviews": "thank"}, days=12.0)
    reviews = facts["reviews"]
    made = reviews["made_at"]
    later = {r.customer for r in log if isinstance(r, CustomerAffected) and r.time >= made}
    assert made == 7 * 1440 + 9 * 60 and reviews["hit"] == len(later)
    assert reviews["option_cost"] >= 500.0  # thanking reviewers: fixed 500 EUR, plus nothing per review


def test_the_silent_customer_shown_is_typical_and_reads_coherently():
    facts, _results, _log = _run({"crash": "wait_for_calls"})
    silent = facts["crash"]["silent_answers"]
    chosen = pick_silent(silent)
    assert chosen in silent
    ltr, csat, p_repeat, returns = silent[chosen]
    assert abs(ltr / 10 - (csat - 1) / 4) <= 0.35 and returns == (p_repeat >= 0.5)
    assert pick_silent({}) is None


def test_values_are_pending_until_the_replays_are_in_and_missing_without_an_alternative():
    facts, results, _log = _run({"crash": "wait_for_calls"})
    pending = decision_values(None, None, option="Wait", alternative="Reach out", profit=1.0, alt_profit=None, currency="EUR")
    assert pending["hit"] == PENDING and pending["nps_gap"] == PENDING and pending["option"] == "Wait"
    alone = decision_values(facts["crash"], None, option="Wait", alternative=None, profit=1.0, alt_profit=None, currency="EUR")
    assert alone["hit"] == f"{facts['crash']['hit']:,}" and alone["nps_gap"] == MISSING and alone["alternative"] == MISSING
    other, _r, _l = _run({"crash": "reach_out"})
    both = decision_values(facts["crash"], other["crash"], option="Wait", alternative="Reach out", profit=10.0, alt_profit=4.0,
                           currency="EUR")  # fmt: skip
    gap = facts["crash"]["affected_nps"] - other["crash"]["affected_nps"]
    assert both["nps_gap"] == f"{gap:+.1f} points" and both["profit_gap"] == "+6 EUR"
    assert both["alt_option_cost"].endswith(" EUR") and both["alt_reached_first"] == f"{other['crash']['reached_first']:,}"
    run = run_values(results, ["phone", "chat"])
    assert run["run_hit"] == f"{results['recovery']['customers_affected']:,}"
    assert run["run_contacts"] == f"{results['channels']['phone']['offered'] + results['channels']['chat']['offered']:,}"


def test_the_authoring_guide_lists_the_catalogue_and_its_example_uses_known_names():
    from helpers import ROOT

    section = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8").split("## Debrief placeholders", 1)[1]
    assert catalogue_markdown() in section
    example = section.split("```text", 1)[1].split("```", 1)[0]
    assert placeholders_in(example) and unknown_placeholders(example) == []


def test_a_failures_decision_finds_its_customers_whichever_record_comes_first():
    """The engine records a failure's FailureStarted before its decision; a stream in the other order counts the same."""
    from sim.records import DecisionRequested, FailureStarted

    _facts, _results, log = _run({"crash": "wait_for_calls"})
    reordered = list(log)
    i = next(k for k, r in enumerate(reordered) if isinstance(r, DecisionRequested) and r.decision == "crash")
    j = next(k for k, r in enumerate(reordered) if isinstance(r, FailureStarted) and r.failure == "launch_crash")
    assert j < i  # the engine's order
    reordered.insert(j, reordered.pop(i))
    counts = []
    for records in (log, reordered):
        facts = DecisionFacts(HIKE, 2 * 1440)
        for r in records:
            facts(r)
        counts.append(facts.facts()["crash"]["hit"])
    assert counts[0] == counts[1] > 0
