"""Orderings over many simulated customers: the customer model inside the engine.

A shop whose checkout keeps crashing; only the policy (or one parameter) changes between runs,
and every comparison is on the same seed.
"""

from __future__ import annotations

import functools

from helpers import make_scenario

from sim import Simulation
from sim.results.results import build_results

SHOP = """
schema_version = 1
title = "crashing shop"
seed = 11
horizon_days = {days}

[segments.all]
share = 1.0
order_value = {{ dist = "constant", value = 100 }}
channel_preferences = {{ phone = 1.0 }}

[arrivals]
customers_per_hour = 60

[touchpoints.checkout]
kind = "self_service"
channel = "checkout"
stage = "purchase"
places_order = true
delay_min = {{ dist = "constant", value = 3 }}

[touchpoints.delivery]
kind = "self_service"
channel = "delivery"
stage = "delivery"
delay_min = {{ dist = "constant", value = 60 }}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = 8
handle_min = {{ dist = "exponential", mean = 5.0 }}
patience_min = {{ dist = "exponential", mean = 10.0 }}
resolution_probability = {resolution}

[journey]
entry = {{ checkout = 1.0 }}

[journey.routes.checkout]
next = {{ delivery = 1.0 }}
on_failure = {{ end = 1.0 }}

[journey.routes.phone]
on_failure = {phone_retry}

[failures.crash]
kind = "random"
touchpoint = "checkout"
mtbf_hours = {mtbf}
mttr_min = {{ dist = "constant", value = 60 }}
effect = "error"
severity = 0.4

[responses.sorry]
effect = "apologise"

[responses.tell]
effect = "notify"
within_min = 15
notice = "clear"

[responses.tell_vaguely]
effect = "notify"
within_min = 15
notice = "vague"

[policies.reactive]
on_failure = ["sorry"]

[policies.proactive]
on_failure = ["tell", "sorry"]

[policies.vague]
on_failure = ["tell_vaguely", "sorry"]

[customer_model]
feedback = {feedback}

{extra}
"""


@functools.cache
def run(
    policy: str,
    *,
    days: float = 6,
    mtbf: float = 12,
    resolution: float = 1.0,
    phone_retry: str = "{ end = 1.0 }",
    feedback: str = "false",
    extra: str = "",
) -> dict:
    text = SHOP.format(days=days, mtbf=mtbf, resolution=resolution, phone_retry=phone_retry, feedback=feedback, extra=extra)
    sim = Simulation(make_scenario(text), policy=policy)
    sim.run()
    return build_results(sim)


SILENT = "[customer_model.recovery]\ncomplain_intercept = -40.0"  # nobody complains, nobody is reached


def affected(result: dict, key: str = "repeat_probability_mean") -> float:
    return result["experience"]["affected"][key]


def test_a_failure_lowers_loyalty():
    exp = run("reactive")["experience"]
    assert exp["affected"]["journeys_surveyed"] > 300
    assert exp["affected"]["repeat_probability_mean"] < exp["unaffected"]["repeat_probability_mean"] - 0.03
    assert exp["affected"]["nps"] < exp["unaffected"]["nps"] - 10


def test_recovery_restores_most_but_not_all():
    proactive = run("proactive")["experience"]
    silent = affected(run("reactive", extra=SILENT))
    assert silent < proactive["affected"]["repeat_probability_mean"] < proactive["unaffected"]["repeat_probability_mean"]


def test_proactive_beats_reactive_beats_silence_on_the_population():
    silent, reactive, proactive = run("reactive", extra=SILENT), run("reactive"), run("proactive")
    assert affected(silent) < affected(reactive) < affected(proactive)
    assert affected(silent, "nps") < affected(reactive, "nps") < affected(proactive, "nps")
    # 90 % of incidents are detected and about a fifth of those notified call anyway (recovered on contact)
    assert proactive["recovery"]["proactive"] > 0.65 * proactive["recovery"]["customers_affected"]
    assert reactive["recovery"]["on_contact"] < 0.3 * reactive["recovery"]["customers_affected"]


def test_effortful_unresolved_handling_is_worst_for_those_who_call():
    easy = run("reactive", resolution=1.0)["experience"]["contacted"]
    hard = run("reactive", resolution=0.3, phone_retry="{ phone = 0.8, end = 0.2 }")["experience"]["contacted"]
    assert hard["ces_mean"] < easy["ces_mean"] - 0.5
    assert hard["repeat_probability_mean"] < easy["repeat_probability_mean"]
    assert hard["nps"] < easy["nps"]


def test_a_vague_notice_raises_contact_volume():
    clear, vague, reactive = run("proactive"), run("vague"), run("reactive")
    calls = {name: r["channels"]["phone"]["offered"] for name, r in (("clear", clear), ("vague", vague), ("none", reactive))}
    assert calls["vague"] > 2 * calls["clear"]
    assert calls["vague"] > calls["none"]


def test_more_promoters_bring_more_arrivals():
    """With the feedback loop on, a shop that rarely fails gets more referred and returning customers."""
    good = run("proactive", days=24, mtbf=2000, feedback="true")["customers"]
    bad = run("reactive", days=24, mtbf=3, feedback="true", extra=SILENT)["customers"]
    assert good["new"] == bad["new"] or abs(good["new"] - bad["new"]) < 0.02 * good["new"]
    assert good["referred"] > bad["referred"]
    assert good["returning"] > bad["returning"]


def test_detection_off_removes_the_proactive_advantage():
    blind = "[customer_model.recovery]\ndetect_probability = 0.0"
    assert affected(run("proactive", extra=blind)) < affected(run("proactive")) - 0.01
    assert run("proactive", extra=blind)["recovery"]["proactive"] == 0


def test_transfers_are_effort_and_cost_loyalty():
    direct = run("reactive")["experience"]["contacted"]
    transferred = run_transfer()["experience"]["contacted"]
    assert transferred["ces_mean"] < direct["ces_mean"] - 0.3
    assert transferred["repeat_probability_mean"] < direct["repeat_probability_mean"]


@functools.cache
def run_transfer() -> dict:
    text = SHOP.format(days=6, mtbf=12, resolution=1.0, phone_retry="{ end = 1.0 }", feedback="false", extra="")
    text = text.replace(
        "resolution_probability = 1.0", 'resolution_probability = 1.0\ntransfer_probability = 0.6\ntransfer_to = "phone"'
    )
    sim = Simulation(make_scenario(text), policy="reactive")
    sim.run()
    return build_results(sim)


def test_needless_notices_cost_a_little_loyalty():
    quiet = "[customer_model.recovery]\nneedless_outreach_share = 0.0"
    noisy = "[customer_model.recovery]\nneedless_outreach_share = 1.0\nneedless_churn_factor = 1.5"
    calm, loud = run("proactive", extra=quiet), run("proactive", extra=noisy)
    assert (
        loud["experience"]["unaffected"]["repeat_probability_mean"] < calm["experience"]["unaffected"]["repeat_probability_mean"]
    )
    assert loud["experience"]["affected"]["journeys_surveyed"] == calm["experience"]["affected"]["journeys_surveyed"]
