"""Experience touches (a handwritten note, eco packaging, early access) and product quality, as a customer feels them."""

from __future__ import annotations

import math
import re
import statistics

import pytest
from helpers import ROOT, make_scenario

from sim import Simulation, parse_scenario
from sim.behaviour.experience import remembered
from sim.behaviour.product import PRODUCT_WEIGHT, customer_quality, product_affect
from sim.engine.touches import touched_moment
from sim.errors import ScenarioError
from sim.records import CustomerAffected, JourneyRemembered, ResponseApplied, TouchDelivered, TouchpointVisited
from sim.results.results import build_results
from sim.rng import KeyedUniform
from sim.scenario.customer_model import Memory

A_OK = 0.10
SHOP = """
schema_version = 1
title = "a parcel"
seed = 3
horizon_days = {days}

[segments.all]
share = 1.0
order_value = {{ dist = "constant", value = 50 }}
{segment}

[arrivals]
customers_per_hour = {per_hour}

[touchpoints.ad]
kind = "self_service"
channel = "social_ad"
stage = "awareness"

[touchpoints.delivery]
kind = "self_service"
channel = "delivery"
stage = "delivery"
delay_min = {{ dist = "constant", value = 30 }}
{delivery}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = 20
handle_min = {{ dist = "constant", value = 1 }}

[journey]
entry = {{ ad = 1.0 }}

[journey.routes.ad]
next = {{ delivery = 1.0 }}
on_failure = {{ delivery = 1.0 }}

[journey.routes.phone]
next = {{ end = 1.0 }}

[responses.note]
effect = "touch"
label = "Handwritten note in the parcel"
at = "delivery"
affect = 0.2
cost_per_customer = 0.5

[responses.eco]
effect = "touch"
label = "Eco packaging"
at = "delivery"
affect = 0.05
cost_per_customer = 0.3

[responses.early_access]
effect = "touch"
label = "Early access to the next drop, for customers the crash hit"
at = "delivery"
affect = 0.1
audience = "affected"
cost_per_customer = 1.0
{extra}

[policies.plain]

[policies.note]
at_start = ["note"]

[policies.note_and_eco]
at_start = ["note", "eco", "note"]

[policies.early_access]
at_start = ["early_access"]

[customer_model]
feedback = false  # one journey per customer: nobody returns or is referred within these short runs

[customer_model.memory]
survey_delay_min = 0
"""

CRASH = """
[failures.ad_down]
kind = "scheduled"
touchpoint = "ad"
day = 1
time = "02:00"
duration_min = 240
severity = 0.3
"""


def _toml(*, days: float = 0.5, per_hour: float = 60, segment: str = "", delivery: str = "", extra: str = "") -> str:
    return SHOP.format(days=days, per_hour=per_hour, segment=segment, delivery=delivery, extra=extra)


def _run(text: str, policy: str, seed: int | None = None) -> tuple[dict, list]:
    records: list = []
    sim = Simulation(make_scenario(text), policy=policy, seed=seed, observers=[records.append])
    sim.run()
    return build_results(sim), records


def _memories(records: list) -> dict[int, float]:
    return {r.customer: r.memory for r in records if isinstance(r, JourneyRemembered) and r.journey == 1}


def test_a_note_at_delivery_lifts_every_delivery_moment_and_costs_per_parcel():
    res, records = _run(_toml(), "note")
    touched = [r for r in records if isinstance(r, TouchDelivered)]
    delivered = [r for r in records if isinstance(r, TouchpointVisited) and r.touchpoint == "delivery" and r.outcome == "ok"]
    assert len(touched) == len(delivered) > 100
    assert {(r.response, r.touchpoint, r.affect, r.cost) for r in touched} == {("note", "delivery", 0.2, 0.5)}
    expected = remembered([A_OK, A_OK + 0.2], Memory())  # ad as expected, then the parcel with its note
    assert all(m == pytest.approx(expected) for m in _memories(records).values())
    assert res["money"]["response_cost"] == pytest.approx(0.5 * len(touched))


def test_touches_stack_once_each_and_the_plain_policy_pays_nothing():
    res, records = _run(_toml(), "note_and_eco")
    touched = [r for r in records if isinstance(r, TouchDelivered)]
    parcels = {r.customer for r in touched}
    assert len(touched) == 2 * len(parcels)  # the note applied twice is still one note
    expected = remembered([A_OK, A_OK + 0.25], Memory())
    assert all(m == pytest.approx(expected) for m in _memories(records).values())
    assert res["money"]["response_cost"] == pytest.approx(0.8 * len(parcels))
    plain, plain_records = _run(_toml(), "plain")
    assert not [r for r in plain_records if isinstance(r, TouchDelivered)] and plain["money"]["response_cost"] == 0
    costs_by_day = sum(day["costs"] for day in res["daily"]) - sum(day["costs"] for day in plain["daily"])
    assert costs_by_day == pytest.approx(0.8 * len(parcels))


def test_a_touch_for_affected_customers_reaches_only_those_a_failure_hit():
    _, records = _run(_toml(extra=CRASH), "early_access")
    affected = {r.customer for r in records if isinstance(r, CustomerAffected)}
    reached = {r.customer for r in records if isinstance(r, TouchDelivered)}
    assert len(affected) > 50 and reached and reached <= affected
    delivered_ok = {
        r.customer for r in records if isinstance(r, TouchpointVisited) and r.touchpoint == "delivery" and r.outcome == "ok"
    }
    assert reached == affected & delivered_ok


def test_a_delayed_parcel_keeps_its_failure_moment_and_gets_no_note():
    delay = CRASH.replace('touchpoint = "ad"', 'touchpoint = "delivery"') + 'effect = "delay"\ndelay_min = 600\n'
    _, records = _run(_toml(extra=delay), "note")
    delayed = {r.customer for r in records if isinstance(r, CustomerAffected)}
    reached = {r.customer for r in records if isinstance(r, TouchDelivered)}
    assert len(delayed) > 50 and reached and not delayed & reached


def test_a_touch_chosen_at_a_decision_is_in_force_from_then_on():
    decision = """
[decisions.packaging]
trigger = { on = "time", day = 1, time = "06:00" }
prompt = "Add a handwritten note to every parcel?"
pause = false
default_option = "skip"

[decisions.packaging.options.skip]
label = "No"

[decisions.packaging.options.write]
label = "Yes, from today"
responses = ["note"]
"""
    text = _toml(extra=decision) + '\n[policies.writes]\ndecisions = { packaging = "write" }\n'
    _, records = _run(text, "writes")
    (applied,) = [r for r in records if isinstance(r, ResponseApplied)]
    touched = [r for r in records if isinstance(r, TouchDelivered)]
    assert applied.time == 360 and touched and min(r.time for r in touched) >= 360
    late_parcels = [
        r
        for r in records
        if isinstance(r, TouchpointVisited) and r.touchpoint == "delivery" and r.outcome == "ok" and r.time >= 360
    ]
    assert len(touched) == len(late_parcels)


def test_a_note_raises_repeat_purchase_over_a_large_population_through_memory():
    text = _toml(days=2, per_hour=100)
    plain, plain_records = _run(text, "plain")
    noted, noted_records = _run(text, "note")
    assert noted["experience"]["journeys_surveyed"] > 3000
    before, after = _memories(plain_records), _memories(noted_records)
    common = before.keys() & after.keys()
    assert len(common) > 3000 and all(after[c] > before[c] for c in common)
    lift = noted["experience"]["repeat_probability_mean"] - plain["experience"]["repeat_probability_mean"]
    assert 0.005 < lift < 0.10  # a few points: memory moves attitude, attitude moves buying again (docs/model.md §9)


def test_product_quality_above_expectation_makes_the_product_moment_better_customer_by_customer():
    def memories(quality: float, sd: float = 0.0) -> dict[int, float]:
        segment = f"product_quality = {quality}\nproduct_quality_sd = {sd}"
        return _memories(_run(_toml(segment=segment, delivery="product_moment = true"), "plain")[1])

    good, usual, poor = memories(0.9), memories(0.5), memories(0.1)
    assert all(m == pytest.approx(remembered([A_OK, A_OK], Memory())) for m in usual.values())  # as expected: no change
    assert all(m == pytest.approx(remembered([A_OK, A_OK + PRODUCT_WEIGHT * 0.4], Memory())) for m in good.values())
    assert all(m == pytest.approx(remembered([A_OK, A_OK - PRODUCT_WEIGHT * 0.4], Memory())) for m in poor.values())
    varied, again = memories(0.7, 0.2), memories(0.7, 0.2)
    assert varied == again and len(set(varied.values())) > 100  # each customer's unit differs, the same on every run


def test_a_customers_quality_is_normal_around_the_segments_then_clipped():
    draw = KeyedUniform(1, "product_quality")
    qualities = [customer_quality(0.6, 0.1, draw(c, 0)) for c in range(20_000)]
    assert statistics.fmean(qualities) == pytest.approx(0.6, abs=0.003)
    assert statistics.stdev(qualities) == pytest.approx(0.1, abs=0.003)
    assert min(customer_quality(0.95, 0.3, draw(c, 0)) for c in range(2000)) >= 0.0
    assert max(customer_quality(0.95, 0.3, draw(c, 0)) for c in range(2000)) == 1.0
    assert customer_quality(0.3, 0.0, 0.999) == 0.3
    assert product_affect(0.5) == 0.0 and product_affect(1.0) == pytest.approx(PRODUCT_WEIGHT / 2)
    assert touched_moment(0.9, [0.2, 0.1]) == 1.0 and touched_moment(0.1, []) == 0.1
    assert math.isclose(touched_moment(0.1, [0.2, 0.05]), 0.35)


@pytest.mark.parametrize(
    ("at", "message"),
    [
        ("phone", "responses.bad.at: unknown self-service touchpoint 'phone'"),
        ("delivry", "responses.bad.at: unknown self-service touchpoint 'delivry'; did you mean 'delivery'?"),
    ],
)
def test_a_touch_must_name_a_self_service_step(at: str, message: str):
    text = _toml(extra=f'\n[responses.bad]\neffect = "touch"\nat = "{at}"\n')
    with pytest.raises(ScenarioError) as err:
        parse_scenario(text.encode(), "parcel.toml")
    assert message in str(err.value) and "parcel.toml:" in str(err.value)


def test_a_touch_audience_is_everyone_or_affected():
    text = _toml(extra='\n[responses.bad]\neffect = "touch"\nat = "delivery"\naudience = "vips"\n')
    with pytest.raises(ScenarioError, match=r"responses\.bad\.audience: .*'everyone'.*'affected'"):
        parse_scenario(text.encode(), "parcel.toml")


GUIDE_SCENARIO = """
schema_version = 1
title = "the guide's examples"
horizon_days = 0.5

[segments.casual]
share = 0.4
order_value = { dist = "constant", value = 90 }

[arrivals]
customers_per_hour = 40

[touchpoints.checkout]
kind = "self_service"
channel = "checkout"
stage = "purchase"
places_order = true

[touchpoints.delivery]
kind = "self_service"
channel = "delivery"
stage = "delivery"

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = 3
handle_min = { dist = "constant", value = 5 }

[journey]
entry = { checkout = 1.0 }

[journey.routes.checkout]
next = { delivery = 1.0 }

[journey.routes.delivery]
next = { review = 1.0 }

[failures.crash]
kind = "scheduled"
touchpoint = "delivery"
effect = "delay"
delay_min = 30
day = 1
time = "01:00"
duration_min = 60
"""


def test_the_authoring_guides_examples_work_as_written():
    guide = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")
    section = guide.split("## Experience touches, discounts, product quality and campaigns", 1)[1]
    blocks = re.findall(r"```toml\n(.*?)```", section, re.S)
    assert len(blocks) == 4
    text = GUIDE_SCENARIO + "\n".join(blocks) + '\n[policies.reactive]\non_failure = ["discount_on_call"]\n'
    records: list = []
    sim = Simulation(make_scenario(text), policy="proactive", observers=[records.append])
    sim.run()
    reached = {r.response for r in records if isinstance(r, TouchDelivered)}
    assert reached == {"handwritten_note", "eco_packaging", "early_access"}


def test_the_worked_numbers_of_model_md_section_9_follow_from_the_equations():
    from sim.behaviour.experience import updated_attitude
    from sim.behaviour.loyalty import repeat_probability
    from sim.scenario.customer_model import CustomerModel

    model = CustomerModel()
    text = (ROOT / "docs" / "model.md").read_text(encoding="utf-8").split("## 9.", 1)[1]
    rows = re.findall(r"^\| flawless[^|]*\| ([+-][\d.]+) \| ([+-][\d.]+) \| ([+-][\d.]+) \| ([\d.]+) \|$", text, re.M)
    assert len(rows) == 4
    for moment, memory, attitude, p_repeat in rows:
        moments = [A_OK] * 4 + [float(moment), A_OK]  # the six-moment journey, the touch at delivery
        r = remembered(moments, model.memory)
        a = updated_attitude(0.10, r, 0, model.memory)
        p = repeat_probability(a, 0.70, 0, r, A_OK, model.memory.trust_reference, model.loyalty)
        assert (round(r, 3), round(a, 3), round(p, 3)) == (float(memory), float(attitude), float(p_repeat))
    quality_rows = re.findall(
        r"^\| ([\d.]+)(?: \(as expected\))? \| ([+−-][\d.]+) \| ([+-][\d.]+) \| ([+-][\d.]+) \| ([\d.]+) \|$", text, re.M
    )
    assert len(quality_rows) == 4
    for quality, moment, memory, attitude, p_repeat in quality_rows:
        product_moment = A_OK + product_affect(float(quality))
        assert round(product_moment, 2) == float(moment.replace("−", "-"))
        r = remembered([A_OK] * 5 + [product_moment], model.memory)
        a = updated_attitude(0.10, r, 0, model.memory)
        p = repeat_probability(a, 0.70, 0, r, A_OK, model.memory.trust_reference, model.loyalty)
        assert (round(r, 3), round(a, 3), round(p, 3)) == (float(memory), float(attitude), float(p_repeat))
