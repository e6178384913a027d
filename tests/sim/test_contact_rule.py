"""Who contacts the brand, and how often: exact timelines of the one contact rule (docs/authoring.md).

A checkout that crashes from 01:00 to 02:00, a phone line with enough agents that nobody waits,
constant times, and customers who arrive only in chosen hours. For a step that fails because of
an incident the complaint model decides who contacts (once); the route's contact targets apply
only to natural failures. A resolved contact at a touchpoint with ``completes_orders`` completes
the order the crash lost. Each test checks what it needs of its seed's arrivals first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import pytest
from helpers import make_scenario

from sim import Simulation
from sim.records import Record
from sim.results.results import build_results
from sim.rng import KeyedUniform

KEYS: dict[str, tuple[str, ...]] = {
    "customer_arrived": ("customer",),
    "customer_affected": ("customer", "failure"),
    "order_lost": ("customer", "touchpoint", "value", "failure"),
    "order_placed": ("customer", "touchpoint", "value", "recovered_from"),
    "touchpoint_visited": ("customer", "touchpoint", "duration_min", "outcome"),
    "service_started": ("customer", "wait_min"),
    "contact_served": ("customer", "handle_min", "resolved"),
    "contact_balked": ("customer", "reason"),
    "recovery_delivered": ("customer", "failure", "proactive"),
    "notice_sent": ("customer", "notice"),
    "journey_ended": ("customer", "ordered"),
    "journey_remembered": ("customer", "contacts", "switches", "effort", "ces"),
    "failure_started": ("failure",),
    "failure_ended": ("failure", "affected"),
    "staffing_changed": ("agents",),
}


def _n(value: Any) -> Any:
    return round(value, 9) + 0.0 if isinstance(value, float) else value


def norm(lines: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    return [tuple(_n(v) for v in line) for line in lines]


def timeline(log: Iterable[Record]) -> list[tuple[Any, ...]]:
    return norm((r.time, r.kind, *(getattr(r, k) for k in KEYS[r.kind])) for r in log if r.kind in KEYS)


def arrivals(log: Iterable[Record]) -> list[float]:
    return [r.time for r in log if r.kind == "customer_arrived"]


CLEAR = """
[responses.tell]
effect = "notify"
within_min = 15
notice = "{notice}"
"""


def shop(
    *,
    on_failure: str = "{ contact = 1.0 }",
    hours: Sequence[int] = (1,),
    per_hour: float = 2.0,
    severity: float = 0.4,
    complain: float | None = None,
    success: float = 1.0,
    completes: bool = False,
    resolution: float = 1.0,
    notice: str | None = None,
    phone_route: str = "",
    extra: str = "",
) -> str:
    """A checkout that crashes 01:00-02:00 and a phone line; ``complain`` sets the complaint intercept."""
    profile = [1.0 if h in hours else 0.0 for h in range(24)]
    responses = CLEAR.format(notice=notice) if notice else ""
    policy = 'on_failure = ["tell"]' if notice else ""
    intercept = f"complain_intercept = {complain}" if complain is not None else ""
    return f"""
schema_version = 1
title = "contact rule"
horizon_days = 1

[segments.all]
share = 1.0
order_value = {{ dist = "constant", value = 80 }}
channel_preferences = {{ phone = 1.0 }}

[arrivals]
customers_per_hour = {per_hour}
hour_profile = {profile}

[touchpoints.checkout]
kind = "self_service"
channel = "checkout"
stage = "purchase"
places_order = true
success_probability = {success}
delay_min = {{ dist = "constant", value = 2 }}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = 200
handle_min = {{ dist = "constant", value = 10 }}
resolution_probability = {resolution}
completes_orders = {str(completes).lower()}

[journey]
entry = {{ checkout = 1.0 }}

[journey.routes.checkout]
on_failure = {on_failure}
{phone_route}

[failures.crash]
kind = "scheduled"
touchpoint = "checkout"
day = 1
time = "01:00"
duration_min = 60
severity = {severity}
{responses}
[policies.main]
{policy}

[customer_model]
feedback = false

[customer_model.memory]
survey_delay_min = 0

[customer_model.recovery]
detect_probability = 1.0
{intercept}
{extra}
"""


def run(text: str, seed: int) -> tuple[Simulation, list[Record]]:
    log: list[Record] = []
    sim = Simulation(make_scenario(text), seed=seed, observers=[log.append])
    sim.run()
    return sim, log


def contacts_by_customer(log: Iterable[Record]) -> dict[int, int]:
    """Contacts each customer made (an answered call or one turned away)."""
    out: dict[int, int] = {}
    for r in log:
        if r.kind in ("service_started", "contact_balked"):
            out[r.customer] = out.get(r.customer, 0) + 1  # type: ignore[attr-defined]
    return out


def hit_customers(log: Iterable[Record]) -> set[int]:
    return {r.customer for r in log if r.kind == "customer_affected"}  # type: ignore[attr-defined]


# --- the route's contact share is ignored for a failure by incident ---------------------------------------


def test_a_customer_who_speaks_up_about_a_crash_contacts_once_although_the_route_says_contact():
    # Everyone speaks up (a huge complaint intercept) and on_failure = {contact = 1.0}: before the
    # rule the crash customer called once because they spoke up and again because the route said so.
    _, log = run(shop(complain=40.0), seed=1)
    a = arrivals(log)
    assert len(a) == 1 and 60 < a[0] < 108, "seed 1: one customer, during the crash"
    t = a[0] + 2
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 200),
            (60.0, "failure_started", "crash"),
            (a[0], "customer_arrived", 0),
            (t, "customer_affected", 0, "crash"),
            (t, "order_lost", 0, "checkout", 80.0, "crash"),
            (t, "touchpoint_visited", 0, "checkout", 2.0, "incident"),
            (t, "service_started", 0, 0.0),  # speaks up: the one contact
            (t + 10, "contact_served", 0, 10.0, True),
            (t + 10, "recovery_delivered", 0, "crash", False),
            (t + 10, "journey_ended", 0, False),  # on_failure without its contact targets: nothing left, 'end'
            (t + 10, "journey_remembered", 0, 1, 0, 0, 7.0),
            (120.0, "failure_ended", "crash", 1),
        ]
    )


def test_a_silent_customer_does_not_contact_even_where_the_route_says_contact():
    _, log = run(shop(complain=-40.0), seed=1)
    a = arrivals(log)
    assert len(a) == 1 and 60 < a[0] < 108
    t = a[0] + 2
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 200),
            (60.0, "failure_started", "crash"),
            (a[0], "customer_arrived", 0),
            (t, "customer_affected", 0, "crash"),
            (t, "order_lost", 0, "checkout", 80.0, "crash"),
            (t, "touchpoint_visited", 0, "checkout", 2.0, "incident"),
            (t, "journey_ended", 0, False),
            (t, "journey_remembered", 0, 0, 0, 0, 7.0),
            (120.0, "failure_ended", "crash", 1),
        ]
    )


def test_a_natural_failure_follows_the_routes_contact_share_as_written():
    # No incident at that hour (02:00-03:00), a checkout that never works: the route sends everyone to the phone.
    _, log = run(shop(hours=(2,), success=0.0), seed=1)
    a = arrivals(log)
    assert a and all(120 < t < 180 for t in a)
    t = a[0] + 2
    first = [line for line in timeline(log) if len(line) > 2 and line[2] == 0 and line[1] != "staffing_changed"]
    assert first == norm(
        [
            (a[0], "customer_arrived", 0),
            (t, "touchpoint_visited", 0, "checkout", 2.0, "failed"),
            (t, "service_started", 0, 0.0),
            (t + 10, "contact_served", 0, 10.0, True),
            (t + 10, "journey_ended", 0, False),
            (t + 10, "journey_remembered", 0, 1, 0, 0, 7.0),
        ]
    )
    assert contacts_by_customer(log) == dict.fromkeys(range(len(a)), 1)


@pytest.mark.parametrize("severity", [0.4, 0.9])
def test_with_on_failure_contact_every_hit_customer_contacts_at_most_once(severity):
    # 40 customers an hour during the crash, the default complaint curve: each customer hit makes
    # one contact if the keyed voice draw says they speak up, none otherwise; never two.
    text = shop(per_hour=40, severity=severity)
    _, log = run(text, seed=7)
    hit = hit_customers(log)
    contacts = contacts_by_customer(log)
    assert len(hit) >= 25 and set(contacts) <= hit
    assert max(contacts.values()) == 1
    voice = KeyedUniform(7, "voice")
    p = 1 / (1 + pow(2.718281828459045, -(-4.0 + 5.5 * severity)))
    assert set(contacts) == {c for c in hit if voice(c, 1) < p}  # journey 0, first failure: key 0 * 1024 + 1


def test_an_unresolved_contact_is_tried_again_only_where_the_contacts_route_says_so():
    # Nobody is resolved. Without a phone route a customer who speaks up calls once; with
    # phone on_failure = {phone = 1.0} they call again and again, up to the journey's max_steps.
    once = shop(complain=40.0, resolution=0.0)
    _, log = run(once, seed=1)
    assert contacts_by_customer(log) == {0: 1}
    again = shop(complain=40.0, resolution=0.0, phone_route="[journey.routes.phone]\non_failure = { phone = 1.0 }")
    again = again.replace("[journey]\n", "[journey]\nmax_steps = 4\n")
    _, log = run(again, seed=1)
    assert contacts_by_customer(log) == {0: 3}  # checkout + 3 contacts = max_steps
    (remembered,) = [r for r in log if r.kind == "journey_remembered"]
    # 3 unresolved contacts on one channel: each failed contact is one effort driver, and the
    # repeat contacts that follow a failed one are not charged a second time
    assert (remembered.contacts, remembered.switches, remembered.effort) == (3, 0, 3)  # type: ignore[attr-defined]


# --- a notice changes who speaks up: the game's lever ------------------------------------------------------


@pytest.mark.parametrize("severity", [0.3, 0.7])
def test_a_clear_notice_never_adds_contacts_and_a_vague_one_never_removes_them(severity):
    # Same seed, same customers, same keyed voice draws: the notice only moves the threshold.
    # At severity 0.7 the complaint curve gives 46 %: a clear notice cuts it to 20 %, a vague
    # one raises it to 66 %. At 0.3 (9 %) a clear notice cannot raise it to 20 %.
    base = shop(per_hour=40, severity=severity)
    _, none = run(base, seed=7)
    _, clear = run(shop(per_hour=40, severity=severity, notice="clear"), seed=7)
    _, vague = run(shop(per_hour=40, severity=severity, notice="vague"), seed=7)
    assert hit_customers(none) == hit_customers(clear) == hit_customers(vague)
    called = {name: set(contacts_by_customer(log)) for name, log in (("none", none), ("clear", clear), ("vague", vague))}
    assert called["clear"] <= called["none"] <= called["vague"]
    if severity == 0.7:
        assert len(called["clear"]) < len(called["none"]) < len(called["vague"])
    else:
        assert called["clear"] == called["none"] < called["vague"]


def test_a_clear_notice_reduces_contacts_exactly_for_the_customers_whose_draw_lies_between():
    severity = 0.7
    p_none = 1 / (1 + pow(2.718281828459045, -(-4.0 + 5.5 * severity)))
    _, none = run(shop(per_hour=40, severity=severity), seed=7)
    _, clear = run(shop(per_hour=40, severity=severity, notice="clear"), seed=7)
    voice = KeyedUniform(7, "voice")
    hit = hit_customers(none)
    assert set(contacts_by_customer(none)) == {c for c in hit if voice(c, 1) < p_none}
    assert set(contacts_by_customer(clear)) == {c for c in hit if voice(c, 1) < 0.20}
    assert len(contacts_by_customer(clear)) < len(contacts_by_customer(none))


# --- an agent completes the order the crash lost --------------------------------------------------------------


def test_an_agent_who_resolves_the_call_completes_the_lost_order_and_its_revenue_counts():
    sim, log = run(shop(complain=40.0, completes=True), seed=1)
    a = arrivals(log)
    assert len(a) == 1 and 60 < a[0] < 108
    t = a[0] + 2
    assert timeline(log) == norm(
        [
            (0.0, "staffing_changed", 200),
            (60.0, "failure_started", "crash"),
            (a[0], "customer_arrived", 0),
            (t, "customer_affected", 0, "crash"),
            (t, "order_lost", 0, "checkout", 80.0, "crash"),
            (t, "touchpoint_visited", 0, "checkout", 2.0, "incident"),
            (t, "service_started", 0, 0.0),
            (t + 10, "contact_served", 0, 10.0, True),
            (t + 10, "order_placed", 0, "phone", 80.0, "crash"),  # the agent completes the lost order
            (t + 10, "recovery_delivered", 0, "crash", False),
            (t + 10, "journey_ended", 0, True),  # the step is done: the route's next ('end' here)
            (t + 10, "journey_remembered", 0, 1, 0, 0, 7.0),
            (120.0, "failure_ended", "crash", 1),
        ]
    )
    res = build_results(sim)
    assert (res["journey"]["orders"], res["money"]["revenue"]) == (1, 80.0)
    assert (res["journey"]["lost_orders"], res["money"]["lost_revenue"]) == (1, 80.0)  # lost at the checkout, then recovered


def test_without_completes_orders_the_resolved_call_recovers_no_order():
    sim, log = run(shop(complain=40.0, completes=False), seed=1)
    assert [r.kind for r in log if r.kind.startswith("order")] == ["order_lost"]
    assert next(r for r in log if r.kind == "journey_ended").ordered is False  # type: ignore[attr-defined]
    res = build_results(sim)
    assert (res["journey"]["orders"], res["money"]["revenue"]) == (0, 0.0)


def test_an_agent_completes_the_lost_order_in_a_queueing_study_too():
    # With the customer model off (no experience bookkeeping) orders and revenue still count.
    text = shop(complain=40.0, completes=True).replace("feedback = false", "enabled = false")
    sim, log = run(text, seed=1)
    placed = [(r.touchpoint, r.value, r.recovered_from) for r in log if r.kind == "order_placed"]  # type: ignore[attr-defined]
    assert placed == [("phone", 80.0, "crash")]
    assert build_results(sim)["money"]["revenue"] == 80.0


def test_an_unresolved_call_completes_no_order():
    sim, log = run(shop(complain=40.0, completes=True, resolution=0.0), seed=1)
    assert [r.kind for r in log if r.kind.startswith("order")] == ["order_lost"]
    assert build_results(sim)["money"]["revenue"] == 0.0


def test_a_completed_order_sends_the_customer_on_as_if_the_checkout_had_worked():
    # With a delivery step after the checkout, the customer whose order the agent completed goes
    # on to delivery (the route's next), not back to the failed checkout's on_failure.
    delivery = """
[touchpoints.delivery]
kind = "self_service"
channel = "delivery"
stage = "delivery"
delay_min = { dist = "constant", value = 30 }
"""
    text = shop(complain=40.0, completes=True, on_failure="{ checkout = 1.0 }", extra="")
    text = text.replace("[journey.routes.checkout]\n", "[journey.routes.checkout]\nnext = { delivery = 1.0 }\n") + delivery
    _, log = run(text, seed=1)
    a = arrivals(log)
    assert len(a) == 1
    visits = [(r.touchpoint, r.outcome) for r in log if r.kind == "touchpoint_visited"]  # type: ignore[attr-defined]
    assert visits == [("checkout", "incident"), ("delivery", "ok")]
    assert [(r.kind, r.value) for r in log if r.kind.startswith("order")] == [("order_lost", 80.0), ("order_placed", 80.0)]  # type: ignore[attr-defined]


def test_a_customer_who_orders_on_a_retry_has_no_lost_order_left_to_complete():
    # 20-minute checkouts, retried until they work: the crash loses the order, the retry after
    # 02:00 places it, and the resolved call that follows (the route's next) completes nothing more.
    text = shop(complain=-40.0, completes=True, on_failure="{ checkout = 1.0 }")
    text = text.replace('value = 2 }', 'value = 20 }').replace(
        "[journey.routes.checkout]\n", "[journey.routes.checkout]\nnext = { phone = 1.0 }\n"
    )
    _, log = run(text, seed=1)
    assert len(arrivals(log)) == 1
    orders = [(r.kind, r.touchpoint, getattr(r, "recovered_from", None)) for r in log if r.kind.startswith("order")]  # type: ignore[attr-defined]
    assert orders[0] == ("order_lost", "checkout", None) and orders[-1] == ("order_placed", "checkout", None)
    assert len(orders) >= 2 and all(o[0] == "order_lost" for o in orders[:-1])
    assert contacts_by_customer(log) == {0: 1}


# --- lint: a route's contact share that the complaint model overrides -------------------------------------------


def _lint(text: str) -> list[str]:
    from sim import parse_scenario
    from sim.authoring.lint import lint

    loaded = parse_scenario(text.encode(), "shop.toml")
    # these tests are about routes: the lessons and how many a failure hits are other checks
    return [str(p) for p in lint(loaded, text) if "lessons" not in p.path and not p.path.startswith("failures")]


def test_lint_warns_where_a_failing_steps_route_sends_customers_to_contact():
    text = shop()
    line = text.splitlines().index("on_failure = { contact = 1.0 }") + 1
    (warning,) = _lint(text)
    assert warning.startswith(f"shop.toml:{line}: journey.routes.checkout.on_failure: warning: sends 100% of customers to contact")
    assert "'crash'" in warning and "complaint model decides who contacts" in warning and "never used" in warning
    (natural,) = _lint(shop(success=0.9, on_failure="{ phone = 0.25, end = 0.75 }"))
    assert "sends 25% of customers" in natural and "natural failures (success_probability 0.9)" in natural


def test_lint_is_quiet_where_the_failing_step_routes_no_contact_or_no_failure_touches_it():
    assert _lint(shop(on_failure="{ checkout = 0.3, end = 0.7 }")) == []
    no_failure = shop().replace('touchpoint = "checkout"\nday', 'touchpoint = "phone"\nday')
    assert _lint(no_failure) == []
