"""What each response and trigger does to a run, observed through records and results."""

from __future__ import annotations

from helpers import make_scenario, queue_toml

from sim import Choose, Simulation
from sim.records import DecisionMade, FailureEnded, RecoveryDelivered, StaffingChanged
from sim.results.results import build_results

INCIDENT = """
[failures.down]
kind = "scheduled"
touchpoint = "site"
day = 1
time = "02:00"
duration_min = 120
effect = "error"
severity = 0.4

[touchpoints.site]
kind = "self_service"
channel = "website"
stage = "purchase"
places_order = true
delay_min = { dist = "constant", value = 2 }
"""


def _shop(policy_block: str, extra: str = "") -> str:
    """A website that fails for two hours; customers who hit it may complain by phone."""
    text = queue_toml(per_hour=120, agents=4, days=0.5, patience='{ dist = "exponential", mean = 3.0 }')
    text = text.replace(
        "[segments.all]\nshare = 1.0", '[segments.all]\nshare = 1.0\norder_value = { dist = "constant", value = 50 }'
    )
    text = text.replace("entry = { phone = 1.0 }", "entry = { site = 1.0 }\n\n[journey.routes.site]\non_failure = { end = 1.0 }")
    text = text.replace("[policies.none]\n", "")
    return text + INCIDENT + extra + policy_block


RESPONSES = """
[responses.sorry]
effect = "apologise"
cost_per_customer = 1.0

[responses.voucher]
effect = "compensate"
amount = 10

[responses.tell_them]
effect = "notify"
within_min = 15

[responses.repair]
effect = "fix"
after_min = 30

[responses.more_phone]
effect = "add_agents"
touchpoint = "phone"
agents = 3
for_hours = 1
"""


def _run(text: str, policy: str | None = None, **kw) -> tuple[Simulation, list]:
    records: list = []
    sim = Simulation(make_scenario(text), policy=policy, observers=[records.append], **kw)
    sim.run() if not kw.get("interactive") else None
    return sim, records


def test_reactive_recovery_reaches_only_customers_who_get_through():
    text = _shop('[policies.reactive]\non_failure = ["sorry", "voucher"]\n', RESPONSES)
    sim, records = _run(text)
    res = build_results(sim)
    delivered = [r for r in records if isinstance(r, RecoveryDelivered)]
    assert delivered and all(not r.proactive for r in delivered)
    assert res["recovery"]["on_contact"] == len(delivered) < res["recovery"]["customers_affected"]
    assert res["money"]["compensation"] == 10 * len(delivered)
    assert res["money"]["recovery_cost"] == 1.0 * len(delivered)


def test_proactive_notice_reaches_every_affected_customer_with_the_remedy():
    text = _shop('[policies.proactive]\non_failure = ["tell_them", "sorry", "voucher"]\n', RESPONSES)
    sim, records = _run(text)
    res = build_results(sim)
    proactive = [r for r in records if isinstance(r, RecoveryDelivered) and r.proactive]
    assert res["recovery"]["proactive"] + res["recovery"]["on_contact"] == res["recovery"]["customers_affected"]
    assert res["recovery"]["proactive"] > res["recovery"]["on_contact"]
    assert all(set(r.responses) == {"tell_them", "sorry", "voucher"} for r in proactive)


def test_fix_ends_the_failure_early():
    text = _shop('[policies.fast]\non_failure = ["repair"]\n', RESPONSES)
    _, records = _run(text)
    (ended,) = [r for r in records if isinstance(r, FailureEnded)]
    assert ended.fixed and ended.duration_min == 30


def test_added_agents_leave_after_their_hours():
    text = _shop('[policies.boost]\non_failure = ["more_phone"]\n', RESPONSES)
    _, records = _run(text)
    changes = [(r.time, r.agents) for r in records if isinstance(r, StaffingChanged)]
    assert changes == [(0.0, 4), (120.0, 7), (180.0, 4)]


def test_lost_orders_are_counted_with_their_value():
    text = _shop("[policies.none]\n", RESPONSES)
    res = build_results(_run(text)[0])
    assert res["journey"]["lost_orders"] > 0
    assert res["money"]["lost_revenue"] == 50 * res["journey"]["lost_orders"]
    assert res["money"]["revenue"] == 50 * res["journey"]["orders"]


DECISION = """
[decisions.surge]
trigger = {{ {trigger} }}
prompt = "Calls are piling up."
pause = {pause}
{within}
default_option = "wait"

[decisions.surge.options.wait]
label = "Wait"

[decisions.surge.options.boost]
label = "Add three agents for an hour"
responses = ["more_phone"]
"""


def _with_decision(trigger: str, pause: str = "true", within: str = "") -> str:
    return _shop(
        '[policies.none]\n[policies.eager]\ndecisions = { surge = "boost" }\n',
        RESPONSES + DECISION.format(trigger=trigger, pause=pause, within=within),
    )


def test_time_trigger_fires_at_its_clock_time_and_policy_answers():
    _, records = _run(_with_decision('on = "time", day = 1, time = "03:00"'), policy="eager")
    (made,) = [r for r in records if isinstance(r, DecisionMade)]
    assert (made.time, made.option, made.by) == (180.0, "boost", "policy")


def test_kpi_trigger_fires_when_the_queue_grows():
    text = _with_decision('on = "kpi", touchpoint = "phone", metric = "queue_length", above = 2, check_every_min = 5')
    busy = text.replace("agents = 4", "agents = 1") + "\n[customer_model.recovery]\ncomplain_intercept = 40.0\n"  # all call
    _, records = _run(busy, policy="eager")
    (made,) = [r for r in records if isinstance(r, DecisionMade)]
    assert made.time % 5 == 0 and made.option == "boost"


def test_unanswered_decision_takes_the_default_when_time_runs_out():
    text = _with_decision('on = "time", day = 1, time = "03:00"', pause="false", within="respond_within_min = 10")
    sim, records = _run(text, interactive=True)
    sim.advance_to(sim.horizon)
    (made,) = [r for r in records if isinstance(r, DecisionMade)]
    assert (made.time, made.option, made.by) == (190.0, "wait", "timeout")


def test_trainee_choice_is_recorded_as_a_command():
    sim, _records = _run(_with_decision('on = "time", day = 1, time = "03:00"'), interactive=True)
    sim.advance_to(sim.horizon)
    assert sim.now == 180.0 and sim.paused
    sim.apply(Choose(decision="surge", option="boost"))
    sim.advance_to(sim.horizon)
    res = build_results(sim)
    assert res["decisions"] == [{"time_min": 180.0, "decision": "surge", "option": "boost", "by": "command"}]
    assert res["commands"] == [{"time": 180.0, "command": "choose", "decision": "surge", "option": "boost"}]
