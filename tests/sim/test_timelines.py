"""Exact timelines of the engine's semantics, in SimPy's style: every record of a small run, in order.

Each test builds a tiny scenario whose handle times, patience, delays and failures are constants,
runs it with an observer that keeps every record, and compares the whole log with the expected
list of ``(minute, kind, key fields...)`` tuples. Only arrival times are random (the format has
no deterministic arrivals): arrivals are confined to chosen hours with ``hour_profile``, read back
from the log, and the rest of the timeline is asserted relative to them. Each test first checks
what it needs of its seed's arrivals, so a change in the arrival stream fails loudly, not subtly.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from helpers import make_scenario

from sim import Simulation
from sim.commands import Choose, LoggedCommand, SetAgents
from sim.records import Record
from sim.results.results import build_results

# The fields of each record kind that a timeline shows (the touchpoint only for self-service visits).
KEYS: dict[str, tuple[str, ...]] = {
    "customer_arrived": ("customer",),
    "contact_queued": ("customer", "queue_length"),
    "contact_balked": ("customer", "reason"),
    "service_started": ("customer", "wait_min", "callback", "queued"),
    "contact_served": ("customer", "wait_min", "handle_min", "callback"),
    "contact_abandoned": ("customer", "wait_min"),
    "callback_accepted": ("customer", "wait_min"),
    "journey_ended": ("customer",),
    "touchpoint_visited": ("customer", "touchpoint", "duration_min", "outcome"),
    "customer_affected": ("customer", "failure"),
    "staffing_changed": ("agents",),
    "failure_started": ("failure", "effect"),
    "failure_ended": ("failure", "duration_min", "affected", "fixed"),
    "response_applied": ("response", "failure"),
    "decision_requested": ("decision", "pause"),
    "decision_made": ("decision", "option", "by"),
}


def _n(value: Any) -> Any:
    # Times are sums of floats (arrival + handle + ...): compare them to the nanominute.
    return round(value, 9) + 0.0 if isinstance(value, float) else value


def norm(lines: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Expected lines, with floats rounded as ``timeline`` rounds them."""
    return [tuple(_n(v) for v in line) for line in lines]


def timeline(log: Iterable[Record]) -> list[tuple[Any, ...]]:
    """The log as ``(time, kind, key fields...)`` tuples."""
    return norm((r.time, r.kind, *(getattr(r, k) for k in KEYS.get(r.kind, ()))) for r in log)


def arrivals(log: Iterable[Record]) -> list[float]:
    """Arrival time of each customer, by customer id."""
    return [r.time for r in log if r.kind == "customer_arrived"]


def scenario_toml(
    *,
    staffing: str = "agents = 1",
    handle: float | str = 60,
    phone: str = "",
    hours: Sequence[int] = (0,),
    per_hour: float = 3.0,
    journey: str = "entry = { phone = 1.0 }",
    policy: str = "",
    extra: str = "",
    model: str = "enabled = false",
    segment: str = "",
) -> str:
    """One phone queue with constant handle times (or the given distribution); new customers arrive only in ``hours``."""
    if not isinstance(handle, str):
        handle = f'{{ dist = "constant", value = {handle} }}'
    profile = [1.0 if h in hours else 0.0 for h in range(24)]
    return f"""
schema_version = 1
title = "timeline"
horizon_days = 1

[segments.all]
share = 1.0
{segment}

[arrivals]
customers_per_hour = {per_hour}
hour_profile = {profile}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
{staffing}
handle_min = {handle}
{phone}

[journey]
{journey}

[policies.main]
{policy}

[customer_model]
{model}

{extra}
"""


def run(text: str, seed: int, **kwargs: Any) -> list[Record]:
    log: list[Record] = []
    Simulation(make_scenario(text), seed=seed, observers=[log.append], **kwargs).run()
    return log


# --- 1. the FCFS queue --------------------------------------------------------------------------------


@pytest.mark.parametrize("model", ["enabled = false", "enabled = true"], ids=["queueing-path", "experience-path"])
def test_one_agent_serves_three_customers_first_come_first_served(model):
    # 1 agent, 60-minute calls, three customers in the first hour: the first is answered at once,
    # the others queue behind and are answered one after the other, each as the agent frees.
    log = run(scenario_toml(model=model), seed=3)
    a = arrivals(log)
    assert len(a) == 3 and a[2] < 60, "seed 3 should give three arrivals in the first hour"
    t1 = a[0] + 60
    t2 = t1 + 60
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (a[2], "customer_arrived", 2),
            (a[2], "contact_queued", 2, 2),
            (t1, "contact_served", 0, 0.0, 60.0, False),
            (t1, "service_started", 1, t1 - a[1], False, True),  # the freed agent takes the next caller first,
            (t1, "journey_ended", 0),  # then the served customer's journey goes on
            (t2, "contact_served", 1, t1 - a[1], 60.0, False),
            (t2, "service_started", 2, t2 - a[2], False, True),
            (t2, "journey_ended", 1),
            (t2 + 60, "contact_served", 2, t2 - a[2], 60.0, False),
            (t2 + 60, "journey_ended", 2),
        ]
    )


def test_records_carry_the_join_time_and_the_exact_wait():
    log = run(scenario_toml(), seed=3)
    a = arrivals(log)
    started = [r for r in log if r.kind == "service_started"]
    done = [r for r in log if r.kind == "contact_served"]
    assert [r.since for r in started] == [r.since for r in done] == a
    assert [r.wait_min for r in started] == [r.wait_min for r in done] == [0.0, a[0] + 60 - a[1], a[0] + 120 - a[2]]
    assert [r.handle_min for r in done] == [60.0, 60.0, 60.0]
    assert [r.time for r in done] == pytest.approx([r.since + r.wait_min + r.handle_min for r in done], abs=1e-9)


# --- 2. abandonment and balking -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("patience", "factor"), [(20, 1.0), (40, 0.5)], ids=["patience-20", "patience-40-times-segment-factor-0.5"]
)
def test_abandonment_at_the_exact_minute_and_the_freed_agent_takes_the_next_waiting(patience, factor):
    # 20 minutes of patience (or 40 x a segment patience_factor of 0.5): customer 1 gives up at
    # a1 + 20 while the agent is busy; when the agent frees, it takes customer 2, still waiting.
    text = scenario_toml(
        phone=f'patience_min = {{ dist = "constant", value = {patience} }}', segment=f"patience_factor = {factor}"
    )
    log = run(text, seed=6)
    a = arrivals(log)
    free = a[0] + 60
    assert len(a) == 3 and a[1] + 20 < free < a[2] + 20, "seed 6: customer 1 must give up before the agent frees, 2 after"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (a[2], "customer_arrived", 2),
            (a[2], "contact_queued", 2, 2),
            (a[1] + 20, "contact_abandoned", 1, 20.0),
            (a[1] + 20, "journey_ended", 1),
            (free, "contact_served", 0, 0.0, 60.0, False),
            (free, "service_started", 2, free - a[2], False, True),  # not the abandoned customer 1
            (free, "journey_ended", 0),
            # customer 2's patience runs out at a2 + 20, after service started: nothing happens
            (free + 60, "contact_served", 2, free - a[2], 60.0, False),
            (free + 60, "journey_ended", 2),
        ]
    )


def test_a_customer_who_finds_max_queue_waiting_balks_at_once():
    log = run(scenario_toml(phone="max_queue = 1"), seed=3)
    a = arrivals(log)
    free = a[0] + 60
    assert len(a) == 3 and a[2] < free
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (a[2], "customer_arrived", 2),
            (a[2], "contact_balked", 2, "queue_full"),  # one is already waiting: leave at once
            (a[2], "journey_ended", 2),
            (free, "contact_served", 0, 0.0, 60.0, False),
            (free, "service_started", 1, free - a[1], False, True),
            (free, "journey_ended", 0),
            (free + 60, "contact_served", 1, free - a[1], 60.0, False),
            (free + 60, "journey_ended", 1),
        ]
    )


# --- 3. call-backs ----------------------------------------------------------------------------------------

CALLBACK_20 = "callback = { offer_after_wait_min = 20, accept_probability = 1.0 }"


def test_callback_accepted_at_the_offer_minute_and_served_after_the_live_queue():
    # Offer after 20 minutes of waiting, always accepted; 30 minutes of patience. Customer 1 takes
    # the call-back at a1 + 20 (and no longer abandons at a1 + 30); customer 2, who joined later but
    # is still holding when the agent frees, is answered first: call-backs wait for an empty live queue.
    text = scenario_toml(phone=f'patience_min = {{ dist = "constant", value = 30 }}\n{CALLBACK_20}')
    log = run(text, seed=6)
    a = arrivals(log)
    free = a[0] + 60
    assert len(a) == 3 and a[1] + 20 < free < a[2] + 20, "seed 6: customer 1 must be offered before the agent frees, 2 after"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (a[2], "customer_arrived", 2),
            (a[2], "contact_queued", 2, 2),
            (a[1] + 20, "callback_accepted", 1, 20.0),
            (free, "contact_served", 0, 0.0, 60.0, False),
            (free, "service_started", 2, free - a[2], False, True),  # the live queue first
            (free, "journey_ended", 0),
            (free + 60, "contact_served", 2, free - a[2], 60.0, False),
            (free + 60, "service_started", 1, free + 60 - a[1], True, True),  # then the call-back
            (free + 60, "journey_ended", 2),
            (free + 120, "contact_served", 1, free + 60 - a[1], 60.0, True),
            (free + 120, "journey_ended", 1),
        ]
    )


def test_patience_and_callback_offer_at_the_same_minute_the_customer_abandons():
    # A tie at a1 + 20: the patience timer was set first (on joining), so it wins and no offer is made.
    text = scenario_toml(phone=f'patience_min = {{ dist = "constant", value = 20 }}\n{CALLBACK_20}')
    log = run(text, seed=6)
    a = arrivals(log)
    assert [line for line in timeline(log) if line[1] in ("contact_abandoned", "callback_accepted")] == norm(
        [(a[1] + 20, "contact_abandoned", 1, 20.0)]
    )


# --- 4. shifts and agents -----------------------------------------------------------------------------------

SPLIT_SHIFT = 'shifts = [{ start = "00:00", end = "01:00", agents = 1 }, { start = "02:00", end = "24:00", agents = 1 }]'


def test_shift_end_lets_the_busy_agent_finish_and_shift_start_dispatches_the_queue_at_once():
    # One agent 00:00-01:00 and from 02:00. At 01:00 staffing drops to 0 while customer 0 is on the
    # line: the agent finishes that call, then leaves without taking customer 1, who waits for 02:00.
    log = run(scenario_toml(staffing=SPLIT_SHIFT), seed=9)
    a = arrivals(log)
    assert len(a) == 2 and a[1] < 60, "seed 9: two arrivals in the first hour"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (60.0, "staffing_changed", 0),  # recorded when the shift ends, though the agent is still busy
            (a[0] + 60, "contact_served", 0, 0.0, 60.0, False),
            (a[0] + 60, "journey_ended", 0),  # ... and the agent leaves: nobody is dispatched
            (120.0, "staffing_changed", 1),  # the shift starts, then (same minute) the queue is served
            (120.0, "service_started", 1, 120 - a[1], False, True),
            (180.0, "contact_served", 1, 120 - a[1], 60.0, False),
            (180.0, "journey_ended", 1),
        ]
    )


def test_an_agent_called_back_before_finishing_stays_and_takes_the_queue_when_done():
    # Same day, but at 01:02 (customer 0 still on the line) one extra agent is set: the retiring
    # agent simply stays. Nobody new is free at 01:02, so customer 1 is answered when customer 0 is done.
    sim_log: list[Record] = []
    sim = Simulation(make_scenario(scenario_toml(staffing=SPLIT_SHIFT)), seed=9, observers=[sim_log.append])
    sim.advance_to(62)
    sim.apply(SetAgents(touchpoint="phone", extra_agents=1))
    sim.advance_to(1440)
    a = arrivals(sim_log)
    assert len(a) == 2 and a[0] + 60 > 62, "seed 9: customer 0 must still be on the line at 01:02"
    done = a[0] + 60
    assert timeline(sim_log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (60.0, "staffing_changed", 0),
            (62.0, "staffing_changed", 1),  # the busy agent is back on duty; no one is dispatched now
            (done, "contact_served", 0, 0.0, 60.0, False),
            (done, "service_started", 1, done - a[1], False, True),
            (done, "journey_ended", 0),
            (120.0, "staffing_changed", 2),  # the shift's agent comes on top of the extra one
            (done + 60, "contact_served", 1, done - a[1], 60.0, False),
            (done + 60, "journey_ended", 1),
        ]
    )
    assert sim.command_log == (LoggedCommand(62.0, SetAgents(touchpoint="phone", extra_agents=1)),)


def test_an_extra_agent_takes_the_longest_waiting_customer_at_the_command_minute():
    sim_log: list[Record] = []
    sim = Simulation(make_scenario(scenario_toml()), seed=3, observers=[sim_log.append])
    sim.advance_to(50)
    sim.apply(SetAgents(touchpoint="phone", extra_agents=1))
    sim.run()
    a = arrivals(sim_log)
    free = a[0] + 60
    assert len(a) == 3 and a[2] < 50 < free, "seed 3: two customers must be waiting at 00:50"
    assert timeline(sim_log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (a[2], "customer_arrived", 2),
            (a[2], "contact_queued", 2, 2),
            (50.0, "staffing_changed", 2),
            (50.0, "service_started", 1, 50 - a[1], False, True),
            (free, "contact_served", 0, 0.0, 60.0, False),
            (free, "service_started", 2, free - a[2], False, True),
            (free, "journey_ended", 0),
            (110.0, "contact_served", 1, 50 - a[1], 60.0, False),
            (110.0, "journey_ended", 1),
            (free + 60, "contact_served", 2, free - a[2], 60.0, False),
            (free + 60, "journey_ended", 2),
        ]
    )


# --- 5. failures -----------------------------------------------------------------------------------------------

OUTAGE = """
[failures.outage]
kind = "scheduled"
touchpoint = "phone"
day = 1
time = "01:00"
duration_min = 60
"""
DELAY_7 = OUTAGE.replace("duration_min = 60", 'duration_min = 60\neffect = "delay"\ndelay_min = 7')


def test_an_outage_blocks_new_contacts_while_it_lasts_and_not_after():
    # The phones fail from 01:00 to 02:00 (30-minute calls, 1 agent). Callers during the outage are
    # turned away at once (balked, reason "incident"); the caller already queued at 01:00 is still
    # answered during it; callers after 02:00 are served as usual.
    log = run(scenario_toml(handle=30, hours=(0, 1, 2), per_hour=2, extra=OUTAGE), seed=12)
    a = arrivals(log)
    assert len(a) == 7 and a[1] < 60 < a[2] < a[4] < 120 < a[5] and a[0] + 30 > 60, "seed 12: 2 callers before 01:00, 3 during"
    t1 = a[0] + 30

    def turned_away(c):
        return [
            (a[c], "customer_arrived", c),
            (a[c], "customer_affected", c, "outage"),
            (a[c], "contact_balked", c, "incident"),
            (a[c], "journey_ended", c),
        ]

    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (a[0], "customer_arrived", 0),
            (a[0], "service_started", 0, 0.0, False, False),
            (a[1], "customer_arrived", 1),
            (a[1], "contact_queued", 1, 1),
            (60.0, "failure_started", "outage", "error"),
            *turned_away(2),
            (t1, "contact_served", 0, 0.0, 30.0, False),
            (t1, "service_started", 1, t1 - a[1], False, True),  # queued before the outage: still answered
            (t1, "journey_ended", 0),
            *turned_away(3),
            *turned_away(4),
            (t1 + 30, "contact_served", 1, t1 - a[1], 30.0, False),
            (t1 + 30, "journey_ended", 1),
            (120.0, "failure_ended", "outage", 60.0, 3, False),
            (a[5], "customer_arrived", 5),
            (a[5], "service_started", 5, 0.0, False, False),
            (a[5] + 30, "contact_served", 5, 0.0, 30.0, False),
            (a[5] + 30, "journey_ended", 5),
            (a[6], "customer_arrived", 6),
            (a[6], "service_started", 6, 0.0, False, False),
            (a[6] + 30, "contact_served", 6, 0.0, 30.0, False),
            (a[6] + 30, "journey_ended", 6),
        ]
    )


def test_a_delay_failure_on_a_staffed_touchpoint_delays_joining_by_exactly_its_delay():
    # During a 7-minute 'delay' failure a caller is affected on arrival and reaches the queue 7
    # minutes later: ``since`` is that later minute, so the delay is not counted as queue wait.
    log = run(scenario_toml(staffing="agents = 5", handle=30, hours=(1, 2), per_hour=2, extra=DELAY_7), seed=9)
    a = arrivals(log)
    assert len(a) == 2 and 60 < a[0] < 120 < a[1], "seed 9: one caller during the failure, one after"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 5),
            (60.0, "failure_started", "outage", "delay"),
            (a[0], "customer_arrived", 0),
            (a[0], "customer_affected", 0, "outage"),
            (a[0] + 7, "service_started", 0, 0.0, False, False),
            (a[0] + 37, "contact_served", 0, 0.0, 30.0, False),
            (a[0] + 37, "journey_ended", 0),
            (120.0, "failure_ended", "outage", 60.0, 1, False),
            (a[1], "customer_arrived", 1),
            (a[1], "service_started", 1, 0.0, False, False),
            (a[1] + 30, "contact_served", 1, 0.0, 30.0, False),
            (a[1] + 30, "journey_ended", 1),
        ]
    )
    assert [r.since for r in log if r.kind == "service_started"] == [a[0] + 7, a[1]]


def test_a_delay_failure_on_a_self_service_step_adds_exactly_its_delay():
    web = """
[touchpoints.web]
kind = "self_service"
channel = "website"
stage = "consideration"
delay_min = { dist = "constant", value = 2 }
"""
    text = scenario_toml(
        staffing="agents = 5", hours=(1, 2), per_hour=2, journey="entry = { web = 1.0 }",
        extra=DELAY_7.replace('touchpoint = "phone"', 'touchpoint = "web"') + web,
    )  # fmt: skip
    log = run(text, seed=9)
    a = arrivals(log)
    assert len(a) == 2 and 60 < a[0] < 120 < a[1], "seed 9: one visitor during the failure, one after"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 5),
            (60.0, "failure_started", "outage", "delay"),
            (a[0], "customer_arrived", 0),
            (a[0], "customer_affected", 0, "outage"),  # learns of the delay when the visit starts
            (a[0] + 9, "touchpoint_visited", 0, "web", 9.0, "incident"),  # 2 minutes + 7 of delay
            (a[0] + 9, "journey_ended", 0),
            (120.0, "failure_ended", "outage", 60.0, 1, False),
            (a[1], "customer_arrived", 1),
            (a[1] + 2, "touchpoint_visited", 1, "web", 2.0, "ok"),
            (a[1] + 2, "journey_ended", 1),
        ]
    )


FIX_15 = """
[responses.fix_now]
effect = "fix"
after_min = 15
"""


def test_a_fix_response_ends_the_failure_at_its_start_plus_after_min():
    # The policy answers every failure with a fix that takes 15 minutes: the 60-minute outage
    # ends at 01:15, fixed; callers before 01:15 are turned away, callers after are served.
    text = scenario_toml(handle=5, hours=(1,), per_hour=3, extra=OUTAGE + FIX_15, policy='on_failure = ["fix_now"]')
    log = run(text, seed=6)
    a = arrivals(log)
    assert len(a) == 3 and 60 < a[0] < 75 < a[1] and a[1] + 5 < a[2], "seed 6: one caller before 01:15, two after"
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 1),
            (60.0, "failure_started", "outage", "error"),
            (60.0, "response_applied", "fix_now", "outage"),  # the policy answers the failure at once
            (a[0], "customer_arrived", 0),
            (a[0], "customer_affected", 0, "outage"),
            (a[0], "contact_balked", 0, "incident"),
            (a[0], "journey_ended", 0),
            (75.0, "failure_ended", "outage", 15.0, 1, True),
            (a[1], "customer_arrived", 1),
            (a[1], "service_started", 1, 0.0, False, False),
            (a[1] + 5, "contact_served", 1, 0.0, 5.0, False),
            (a[1] + 5, "journey_ended", 1),
            (a[2], "customer_arrived", 2),
            (a[2], "service_started", 2, 0.0, False, False),
            (a[2] + 5, "contact_served", 2, 0.0, 5.0, False),
            (a[2] + 5, "journey_ended", 2),
        ]
    )


# --- 6. decisions -----------------------------------------------------------------------------------------------

DECISION = (
    OUTAGE.replace("duration_min = 60", "duration_min = 120")
    + FIX_15
    + """
[responses.extra_agent]
effect = "add_agents"
touchpoint = "phone"
agents = 1
for_hours = 1

[decisions.outage_call]
prompt = "The phones are down."
trigger = { on = "failure_started", failure = "outage" }
PAUSE

[decisions.outage_call.options.act]
label = "Fix it and add an agent"
responses = ["fix_now", "extra_agent"]

[decisions.outage_call.options.wait]
label = "Wait"
"""
)
PAUSING = DECISION.replace("PAUSE", "pause = true")


def _interactive(text: str, **kwargs: Any) -> tuple[Simulation, list[Record]]:
    log: list[Record] = []
    return Simulation(make_scenario(text), seed=1, observers=[log.append], interactive=True, **kwargs), log


def test_a_pausing_decision_stops_time_at_the_failure_minute_and_choose_applies_its_responses_then():
    sim, log = _interactive(scenario_toml(per_hour=0, extra=PAUSING))
    sim.advance_to(1440)
    assert (sim.now, sim.paused, list(sim.pending_decisions)) == (60.0, True, ["outage_call"])
    assert timeline(log) == [
        (0.0, "staffing_changed", 1),
        (60.0, "failure_started", "outage", "error"),
        (60.0, "decision_requested", "outage_call", True),
    ]
    sim.advance_to(1440)  # paused: time does not move
    assert (sim.now, len(log)) == (60.0, 3)

    sim.apply(Choose(decision="outage_call", option="act"))
    assert (sim.now, sim.paused, sim.pending_decisions) == (60.0, False, {})
    assert timeline(log[3:]) == [
        (60.0, "decision_made", "outage_call", "act", "command"),
        (60.0, "response_applied", "fix_now", "outage"),
        (60.0, "response_applied", "extra_agent", "outage"),
        (60.0, "staffing_changed", 2),
    ]
    sim.advance_to(1440)
    assert sim.finished and sim.now == 1440
    assert timeline(log[7:]) == [
        (75.0, "failure_ended", "outage", 15.0, 0, True),
        (120.0, "staffing_changed", 1),  # the extra agent's hour is over
    ]
    assert sim.command_log == (LoggedCommand(60.0, Choose(decision="outage_call", option="act")),)


def test_a_policy_answers_the_same_decision_at_once_without_pausing():
    text = scenario_toml(per_hour=0, extra=PAUSING, policy='decisions = { outage_call = "act" }')
    log: list[Record] = []
    Simulation(make_scenario(text), seed=1, observers=[log.append]).run()
    assert timeline(log) == [
        (0.0, "staffing_changed", 1),
        (60.0, "failure_started", "outage", "error"),  # first, as in the interactive run; then the answer at once
        (60.0, "decision_requested", "outage_call", True),
        (60.0, "decision_made", "outage_call", "act", "policy"),
        (60.0, "response_applied", "fix_now", "outage"),
        (60.0, "response_applied", "extra_agent", "outage"),
        (60.0, "staffing_changed", 2),
        (75.0, "failure_ended", "outage", 15.0, 0, True),
        (120.0, "staffing_changed", 1),
    ]


def test_a_decision_that_does_not_pause_takes_its_default_when_time_runs_out():
    text = scenario_toml(
        per_hour=0, extra=DECISION.replace("PAUSE", 'pause = false\nrespond_within_min = 10\ndefault_option = "act"')
    )
    sim, log = _interactive(text)
    sim.advance_to(65)
    assert (sim.now, sim.paused, list(sim.pending_decisions)) == (65.0, False, ["outage_call"])
    sim.advance_to(1440)
    assert timeline(log) == [
        (0.0, "staffing_changed", 1),
        (60.0, "failure_started", "outage", "error"),
        (60.0, "decision_requested", "outage_call", False),
        (70.0, "decision_made", "outage_call", "act", "timeout"),
        (70.0, "response_applied", "fix_now", "outage"),
        (70.0, "response_applied", "extra_agent", "outage"),
        (70.0, "staffing_changed", 2),
        (85.0, "failure_ended", "outage", 25.0, 0, True),
        (130.0, "staffing_changed", 1),
    ]
    assert sim.command_log == ()


def test_advance_to_stops_before_the_events_of_its_end_minute():
    # advance_to(60) ends at 60 without the failure of 01:00; the next call processes it and pauses there.
    sim, log = _interactive(scenario_toml(per_hour=0, extra=PAUSING))
    sim.advance_to(60)
    assert (sim.now, sim.paused, [r.kind for r in log]) == (60.0, False, ["staffing_changed"])
    sim.advance_to(90)
    assert (sim.now, sim.paused, [r.kind for r in log][1:]) == (60.0, True, ["failure_started", "decision_requested"])


# A busier day for the chunking test: random handle times, patience and call-backs, shifts, the
# outage and its decision; customers all day, some while the phones are down.
BUSY = scenario_toml(
    staffing='shifts = [{ start = "00:00", end = "08:00", agents = 1 }, { start = "08:00", end = "20:00", agents = 3 }]',
    handle='{ dist = "lognormal", mean = 4, sd = 3 }',
    phone='patience_min = { dist = "exponential", mean = 6 }\ncallback = { offer_after_wait_min = 3, accept_probability = 0.5 }',
    hours=range(24),
    per_hour=30,
    extra=PAUSING.replace('time = "01:00"', 'time = "09:00"'),
    model="enabled = true",
)


def _play(text: str, steps: Iterable[float]) -> list[Record]:
    sim, log = _interactive(text)
    for t in steps:
        sim.advance_to(t)
        while sim.paused:
            sim.apply(Choose(decision="outage_call", option="act"))
            sim.advance_to(t)
    assert sim.finished
    return log


def test_chunked_advance_to_gives_the_identical_log():
    # Chunks of 7.3 minutes pause in the middle of one (09:00); hourly chunks end exactly at 09:00.
    whole = _play(BUSY, [1440])
    assert any(r.kind == "decision_made" for r in whole) and any(r.kind == "contact_balked" for r in whole)
    assert any(r.kind == "contact_abandoned" for r in whole) and any(r.kind == "callback_accepted" for r in whole)
    assert _play(BUSY, [k * 7.3 for k in range(1, 200)]) == whole
    assert _play(BUSY, [60 * h for h in range(1, 25)]) == whole


# --- same-instant order of a cause and its effects ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "policy"),
    [(OUTAGE + FIX_15, 'on_failure = ["fix_now"]'), (PAUSING, 'decisions = { outage_call = "act" }')],
    ids=["policy-response", "decision"],
)
def test_failure_started_is_recorded_before_what_it_triggers(extra, policy):
    # The failure comes first, then the response_applied (or decision_requested) it triggers.
    log = run(scenario_toml(per_hour=0, extra=extra, policy=policy), seed=1)
    assert next(line[1] for line in timeline(log) if line[0] == 60.0) == "failure_started"


def test_staffing_change_is_recorded_before_the_services_it_starts():
    # At 02:00 the shift starts (staffing_changed to 1), then the queued customer's service.
    log = run(scenario_toml(staffing=SPLIT_SHIFT), seed=9)
    assert [line[1] for line in timeline(log) if line[0] == 120.0] == ["staffing_changed", "service_started"]


def test_every_record_time_is_a_float():
    log = run(scenario_toml(per_hour=0), seed=1)
    assert [(r.kind, type(r.time)) for r in log if r.time == 0] == [("staffing_changed", float)]


def test_a_finished_run_closes_its_last_day():
    # advance_to(horizon) stops before the ordinary events of the horizon minute; the last day
    # still gets its per-channel daily figures, like every other day.
    sim = Simulation(make_scenario(scenario_toml(hours=range(24))), seed=1, horizon_days=2)
    sim.run()
    assert sim.finished and sim.now == 2880
    assert [(row["day"], "phone_wait_mean_min" in row) for row in build_results(sim)["daily"]] == [(1, True), (2, True)]


# --- effort that counts: what each contact costs (docs/model.md, section 1) -----------------------------------

EXPERIENCE = "enabled = true\nfeedback = false\n\n[customer_model.memory]\nsurvey_delay_min = 0"
CHAT = """
[touchpoints.chat]
kind = "staffed"
channel = "chat"
agents = 5
handle_min = { dist = "constant", value = 10 }
RESOLUTION
"""


def remembered(log: Iterable[Record]) -> dict[int, tuple[int, int, int, float]]:
    """(contacts, switches, effort, CES) of each customer's journey, by customer id."""
    return {
        r.customer: (r.contacts, r.switches, r.effort, r.ces)  # type: ignore[attr-defined]
        for r in log
        if r.kind == "journey_remembered"
    }


def test_a_blocked_call_is_a_failed_contact_and_the_chat_after_it_a_channel_switch():
    # Phones down 01:00-02:00; a failed call goes on to chat. A caller turned away has made one
    # contact that failed (unresolved, E + 1) and then switches channel (E + 1): CES 7 - 2 x 1.5.
    text = scenario_toml(
        handle=30, hours=(0, 1, 2), per_hour=2, model=EXPERIENCE,
        extra=OUTAGE + CHAT.replace("RESOLUTION", "") + "\n[journey.routes.phone]\non_failure = { chat = 1.0 }\n",
    )  # fmt: skip
    log = run(text, seed=12)
    a = arrivals(log)
    assert len(a) == 7 and a[1] < 60 < a[2] < a[4] < 120 < a[5], "seed 12: callers 2-4 during the outage"
    got = remembered(log)
    for c in (2, 3, 4):
        assert got[c] == (2, 1, 2, 4.0), c
    assert got[0] == got[5] == got[6] == (1, 0, 0, 7.0)
    kinds = [r.kind for r in log if getattr(r, "customer", None) == 2]
    assert kinds[:4] == ["customer_arrived", "customer_affected", "contact_balked", "service_started"]


@pytest.mark.parametrize(("patience", "expected"), [(5, (1, 0, 1, 5.5)), (12, (1, 0, 2, 4.0))], ids=["short", "long-hold"])
def test_an_abandoned_wait_is_one_effort_driver_and_one_more_beyond_the_long_hold(patience, expected):
    text = scenario_toml(phone=f'patience_min = {{ dist = "constant", value = {patience} }}', model=EXPERIENCE)
    log = run(text, seed=6)
    a = arrivals(log)
    assert len(a) == 3 and a[1] + 20 < a[0] + 60, "seed 6: customer 1 gives up while the agent is busy"
    assert [r.wait_min for r in log if r.kind == "contact_abandoned" and r.customer == 1] == [patience]  # type: ignore[attr-defined]
    assert remembered(log)[1] == expected


def test_a_call_abandoned_and_tried_again_on_the_same_line_is_not_charged_twice():
    # Customer 1 hangs up after 5 minutes and calls again at once (phone on_failure = phone), while
    # the only agent is still busy, so hangs up again: two failed calls, E = 2. The second call
    # is not charged again as a repeat contact (the first failure's E + 1 stands for it).
    text = scenario_toml(
        phone='patience_min = { dist = "constant", value = 5 }', model=EXPERIENCE,
        journey="entry = { phone = 1.0 }\nmax_steps = 2", extra="[journey.routes.phone]\non_failure = { phone = 1.0 }",
    )  # fmt: skip
    log = run(text, seed=6)
    a = arrivals(log)
    assert len(a) == 3 and a[1] + 20 < a[0] + 60, "seed 6: customer 1 calls twice while the agent is busy"
    assert [r.time for r in log if r.kind == "contact_abandoned" and r.customer == 1] == [a[1] + 5, a[1] + 10]  # type: ignore[attr-defined]
    assert remembered(log)[1] == (2, 0, 2, 4.0)


@pytest.mark.parametrize(("resolution", "expected"), [("", (1, 0, 1, 5.5)), ("resolution_probability = 0.0", (1, 0, 2, 4.0))])
def test_a_transfer_is_charged_once_and_never_as_a_repeat_contact_or_a_switch(resolution, expected):
    # Every phone call is transferred to chat: one effort driver for the transfer, none for the
    # change of channel (the brand's doing); an unresolved chat leg adds its own.
    text = scenario_toml(
        staffing="agents = 5", handle=5, phone="transfer_probability = 1.0\ntransfer_to = \"chat\"", model=EXPERIENCE,
        extra=CHAT.replace("RESOLUTION", resolution),
    )  # fmt: skip
    log = run(text, seed=3)
    assert len(arrivals(log)) == 3
    assert set(remembered(log).values()) == {expected}


# --- opening hours: a closed line is not an abandoned call (issue 13) ---------------------------------


def test_a_call_outside_opening_hours_finds_the_line_closed_and_is_never_offered():
    # Open 01:00-24:00; customers arrive only in hour 0, while the line is closed: each finds it
    # closed at once (no queue, no wait, no abandonment) and the run's rates do not count them.
    text = scenario_toml(hours=(0,), per_hour=3, phone='opening_hours = [{ start = "01:00", end = "24:00" }]')
    sim_log: list[Record] = []
    sim = Simulation(make_scenario(text), seed=3, observers=[sim_log.append])
    sim.run()
    a = arrivals(sim_log)
    assert len(a) == 3 and a[-1] < 60
    assert timeline(sim_log) == norm(
        [(0.0, "staffing_changed", 1)]
        + [line for i, t in enumerate(a) for line in ((t, "customer_arrived", i), (t, "contact_balked", i, "closed"), (t, "journey_ended", i))]
    )
    phone = build_results(sim)["channels"]["phone"]
    assert (phone["closed"], phone["offered"], phone["abandoned"], phone["abandon_rate"]) == (3, 0, 0, None)


def test_the_line_opens_at_its_hour_and_a_call_then_is_answered():
    # Closed 00:00-00:30, open after: the same arrivals, the ones after 00:30 are served.
    text = scenario_toml(hours=(0,), per_hour=3, handle=5, phone='opening_hours = [{ start = "00:30", end = "24:00" }]')
    log = run(text, seed=3)
    a = arrivals(log)
    lines = [line for line in timeline(log) if line[1] not in ("staffing_changed", "customer_arrived")]
    kinds = {i: [line[1] for line in lines if line[2] == i] for i in range(len(a))}
    for i, t in enumerate(a):
        assert kinds[i][0] == ("contact_balked" if t < 30 else "service_started"), (t, kinds[i])
    assert any(t < 30 for t in a) and any(t > 30 for t in a), "seed 3: calls on both sides of 00:30"
