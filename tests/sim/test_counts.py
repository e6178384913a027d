"""Counts that are real: every number of the results is what the record stream says happened.

Journeys that began in the warm-up are never surveyed in the results nor in the daily series;
referrals count the referred customers who arrived; conversion is orders / journeys started,
one definition everywhere; every cost a response declares is charged, once.
"""

from __future__ import annotations

import functools
import io
import math
import re
import tomllib
from collections import Counter
from typing import Any

import pytest
from helpers import SCENARIOS, make_scenario
from rich.console import Console

from sim import Simulation
from sim.effects.compensate import Compensate
from sim.effects.notify import Notify
from sim.effects.offer_callback import OfferCallback
from sim.effects.thank_reviewers import ThankReviewers
from sim.effects.touch import Touch
from sim.records import (
    CallbackAccepted,
    CustomerArrived,
    JourneyRemembered,
    NoticeSent,
    OrderPlaced,
    Record,
    RecoveryDelivered,
    ResponseApplied,
    ReviewPosted,
    TouchDelivered,
)
from sim.results.results import build_results, conversion_rate
from sim.scenario.schema import Scenario


def scenario_text(name: str) -> str:
    return (SCENARIOS / f"{name}.toml").read_text(encoding="utf-8")


def with_model(text: str, **keys: object) -> str:
    """The scenario with ``[customer_model]`` keys set (the bundled files have no such table but contact-centre's)."""
    lines = "".join(f"{k} = {str(v).lower() if isinstance(v, bool) else v}\n" for k, v in keys.items())
    if "\n[customer_model]\n" in text:
        return text.replace("\n[customer_model]\n", "\n[customer_model]\n" + lines, 1)
    return text + "\n[customer_model]\n" + lines


def run(scenario: Scenario, *, policy: str | None = None, days: float | None = None, seed: int = 1,
        warmup_days: float | None = None) -> tuple[Simulation, list[Record], dict[str, Any]]:  # fmt: skip
    if warmup_days is not None:
        scenario = scenario.model_copy(update={"warmup_days": warmup_days})
    log: list[Record] = []
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days, observers=[log.append])
    sim.run()
    return sim, log, build_results(sim)


def printed(results: dict[str, Any]) -> str:
    """What ``cxsim run`` prints for these results, as plain text."""
    from sim.cli import present

    console = Console(file=io.StringIO(), width=200, color_system=None, emoji=False)
    saved = present.out
    present.out = console
    try:
        present.print_results(results)
    finally:
        present.out = saved
    return console.file.getvalue()  # type: ignore[attr-defined]


def cell(text: str, label: str) -> str:
    """The value column of a row of the 'Customers and money' table."""
    match = re.search(rf"│ {re.escape(label)}\s+│\s+([^│]+?)\s+│", text)
    assert match, f"no row {label!r} in:\n{text}"
    return match.group(1)



# --- the warm-up ---------------------------------------------------------------------------------------


@functools.cache
def warmed() -> tuple[Simulation, list[Record], dict[str, Any]]:
    return run(make_scenario(scenario_text("hike-launch")), days=12, warmup_days=5)


def test_journeys_begun_in_the_warm_up_are_never_surveyed():
    sim, log, results = warmed()
    w = sim.warmup
    remembered = [r for r in log if isinstance(r, JourneyRemembered)]
    after = [r for r in remembered if r.started >= w]
    assert any(r.started < w <= r.time for r in remembered)  # warm-up journeys surveyed after it: left out
    exp = results["experience"]
    assert exp["journeys_surveyed"] == len(after)
    assert exp["affected"]["journeys_surveyed"] + exp["unaffected"]["journeys_surveyed"] == len(after)
    assert exp["affected"]["journeys_surveyed"] == sum(r.affected for r in after)
    assert exp["contacted"]["journeys_surveyed"] == sum(r.contacted for r in after)
    assert exp["csat_mean"] == pytest.approx(sum(r.csat for r in after) / len(after))
    assert exp["reviews_posted"] == sum(1 for r in after if r.review_stars)
    assert exp["journeys_surveyed"] <= results["customers"]["arrived"]  # only journeys that arrived after it


def test_the_daily_series_starts_after_the_warm_up_and_adds_up_to_the_totals():
    sim, log, results = warmed()
    daily = results["daily"]
    assert [row["day"] for row in daily] == list(range(6, 13))  # days 1-5 are the warm-up
    total = {key: sum(row[key] for row in daily) for key in ("arrivals", "orders", "revenue", "journeys_surveyed",
                                                            "costs", "profit", "affected")}  # fmt: skip
    money = results["money"]
    assert total["arrivals"] == results["customers"]["arrived"] == sum(
        1 for r in log if isinstance(r, CustomerArrived) and r.time >= sim.warmup
    )
    assert total["orders"] == results["journey"]["orders"]
    assert total["revenue"] == pytest.approx(money["revenue"])
    assert total["journeys_surveyed"] == results["experience"]["journeys_surveyed"]
    assert total["affected"] == results["recovery"]["customers_affected"]
    costs = money["agent_cost"] + money["response_cost"] + money["recovery_cost"] + money["compensation"]
    assert total["costs"] == pytest.approx(costs)
    assert total["profit"] == pytest.approx(money["profit"])


# --- referrals ---------------------------------------------------------------------------------------


@functools.cache
def hike(feedback: bool) -> tuple[list[Record], dict[str, Any]]:
    text = scenario_text("hike-launch")
    _, log, results = run(make_scenario(text if feedback else with_model(text, feedback=False)), days=20)
    return log, results


@pytest.mark.parametrize("feedback", [True, False])
def test_referred_customers_are_those_who_arrived_by_referral(feedback):
    log, results = hike(feedback)
    arrived = Counter(r.source for r in log if isinstance(r, CustomerArrived))
    assert results["customers"]["referred"] == arrived["referral"]
    assert results["customers"]["returning"] == arrived["returning"]
    assert results["customer_model"] == {"enabled": True, "feedback": feedback}
    drawn = sum(r.referrals for r in log if isinstance(r, JourneyRemembered))
    assert results["experience"]["referrals"] == drawn > 0  # friends won over: drawn either way
    if feedback:
        assert arrived["referral"] > 0 and arrived["returning"] > 0
    else:
        assert arrived["referral"] == arrived["returning"] == 0 == results["experience"]["prospects_deterred"]


def test_with_feedback_off_the_table_shows_no_referral_return_or_deterred_rows():
    off, on = printed(hike(False)[1]), printed(hike(True)[1])
    for gone in ("referr", "returning", "won over", "kept away"):
        assert gone not in off, gone
        assert gone in on, gone
    assert "feedback is off" in off
    assert cell(on, "  new customers from referrals") == f"{hike(True)[1]['customers']['referred']:,}"


# --- conversion ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hike-launch", "late-delivery"])
def test_printed_conversion_is_orders_over_journeys_started(name):
    _, _, results = run(make_scenario(scenario_text(name)), days=3)
    text = printed(results)
    orders = int(cell(text, "orders").replace(",", ""))
    journeys = int(cell(text, "journeys started (customers arrived)").replace(",", ""))
    assert cell(text, "conversion (orders / journeys started)") == f"{100 * orders / journeys:.1f} %"
    assert results["journey"]["conversion_rate"] == conversion_rate(orders, journeys) == orders / journeys
    assert orders == results["journey"]["orders"] and journeys == results["customers"]["arrived"]


def test_conversion_of_a_short_run_is_the_share_of_its_journeys_that_order():
    """Journeys still under way at the horizon (buyers waiting for their parcel) do not bias it."""
    scenario = make_scenario(scenario_text("hike-launch"))
    _, _, short = run(scenario, days=3)
    _, log, _ = run(scenario, days=10)  # the same journeys, followed to their end
    journey_start: dict[int, float] = {}  # customer -> start of their journey under way
    began = ordered = 0
    for r in log:
        if isinstance(r, CustomerArrived):
            journey_start[r.customer] = r.time
            began += r.time < 3 * 1440
        elif isinstance(r, OrderPlaced):
            ordered += journey_start[r.customer] < 3 * 1440
    assert began == short["customers"]["arrived"]
    assert short["journey"]["conversion_rate"] == pytest.approx(ordered / began, abs=0.01)
    assert short["journey"]["conversion_rate"] < short["journey"]["orders"] / short["customers"]["journeys_completed"] - 0.05


# --- costs -----------------------------------------------------------------------------------------------


BUNDLED = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
# Days long enough for each scenario's first failures and the responses to them (random failures: mtbf).
DAYS = {"b2b-engineering-services": 40.0, "book-review-service": 8.0, "late-delivery": 8.0, "retail-store": 4.0}


def declared_costs(scenario: Scenario, log: list[Record], warmup: float) -> dict[str, float]:
    """What the responses declare, summed over what the records say they reached (after the warm-up)."""
    specs = scenario.responses
    response = recovery = compensation = 0.0
    thanks = 0.0  # cost_per_customer of the thank_reviewers in force
    callback: dict[str, float] = {}  # touchpoint -> cost_per_customer of the call-back offer in force
    notice: dict[str, float] = {}  # failure -> cost_per_customer of the notice that reached its customers
    for r in log:
        if isinstance(r, ResponseApplied):
            spec = specs[r.response]
            assert r.cost == spec.cost_fixed
            if isinstance(spec, ThankReviewers):
                thanks = spec.cost_per_customer
            if isinstance(spec, OfferCallback):
                callback[spec.touchpoint] = spec.cost_per_customer
            response += spec.cost_fixed * (r.time >= warmup)
        elif isinstance(r, RecoveryDelivered):
            reached = [specs[n] for n in r.responses]
            if r.proactive and isinstance(reached[0], Notify):  # a notice and what it brings
                notice[r.failure] = reached[0].cost_per_customer
            else:  # on contact, or a follow-up once the failure is over
                assert not r.proactive or all(s.after_incident for s in reached)
            if r.time >= warmup:
                recovery += sum(s.cost_per_customer for s in reached)
                fixed = [s.amount for s in reached if isinstance(s, Compensate)]
                # a percentage discount depends on the customer's order: the record's own amount stands for it
                compensation += sum(fixed) if None not in fixed else r.compensation
        elif isinstance(r, ReviewPosted):
            assert r.cost == (thanks if r.answered else 0.0)
            response += r.cost * (r.time >= warmup)
        elif isinstance(r, NoticeSent) and r.notice == "needless" and r.time >= warmup:
            response += notice[r.failure]
        elif isinstance(r, TouchDelivered):
            assert r.cost == specs[r.response].cost_per_customer
            response += r.cost * (r.time >= warmup)
        elif isinstance(r, CallbackAccepted) and r.time >= warmup:
            response += callback.get(r.touchpoint, 0.0)
    return {"response_cost": response, "recovery_cost": recovery, "compensation": compensation}


def cases() -> list[tuple[str, str]]:
    return [(name, policy) for name in BUNDLED for policy in tomllib.loads(scenario_text(name))["policies"]]


@pytest.mark.parametrize(("name", "policy"), cases())
def test_every_declared_cost_is_charged_in_every_bundled_scenario(name, policy):
    scenario = make_scenario(scenario_text(name))
    sim, log, results = run(scenario, policy=policy, days=DAYS.get(name, 3.0), warmup_days=0.5)
    expected = declared_costs(scenario, log, sim.warmup)
    money = results["money"]
    for key, value in expected.items():
        assert money[key] == pytest.approx(value, abs=1e-9), key
    assert sum(row["costs"] for row in results["daily"]) == pytest.approx(
        money["agent_cost"] + sum(expected.values()), abs=1e-6
    )


def test_each_kind_of_per_customer_cost_is_charged_once():
    """Thanks to reviewers, needless notices and call-backs, with a cost each (the bundled files price few of them)."""
    text = scenario_text("contact-centre").replace(
        'effect = "offer_callback"', 'effect = "offer_callback"\ncost_per_customer = 0.25'
    )
    text = text.replace("horizon_days = 7", "horizon_days = 4")
    costed = make_scenario(text)
    assert any(isinstance(s, OfferCallback) and s.cost_per_customer for s in costed.responses.values())
    hits: Counter[str] = Counter()
    totals = {key: 0.0 for key in ("response_cost", "recovery_cost", "compensation")}
    for policy in costed.policies:
        sim, log, results = run(costed, policy=policy)
        hits.update(type(r).__name__ for r in log if isinstance(r, CallbackAccepted | NoticeSent))
        for key, value in declared_costs(costed, log, sim.warmup).items():
            assert results["money"][key] == pytest.approx(value, abs=1e-9), (policy, key)
            totals[key] += value
    hike = make_scenario(scenario_text("hike-launch").replace("cost_per_customer = 0.0", "cost_per_customer = 0.4"))
    sim, log, results = run(hike, policy="proactive", days=10)  # reviews are answered from day 8
    assert any(isinstance(r, ReviewPosted) and r.answered for r in log)
    assert any(isinstance(r, NoticeSent) and r.notice == "needless" for r in log)
    for key, value in declared_costs(hike, log, sim.warmup).items():
        assert results["money"][key] == pytest.approx(value, abs=1e-9), key
    assert hits["CallbackAccepted"] > 0 and totals["response_cost"] > 0


def test_no_bundled_response_declares_a_cost_nothing_would_charge():
    """A cost_per_customer on a fix or a staffing change reaches no customer: it would be silently ignored."""
    for name in BUNDLED:
        for rname, spec in make_scenario(scenario_text(name)).responses.items():
            reaches_customers = spec.attaches or isinstance(spec, ThankReviewers | OfferCallback | Touch)
            assert spec.cost_per_customer == 0 or reaches_customers, f"{name}: responses.{rname}"



def test_conversion_rate_is_none_without_journeys():
    assert conversion_rate(0, 0) is None
    assert math.isclose(conversion_rate(1, 4) or 0.0, 0.25)
