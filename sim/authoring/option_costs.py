"""What a decision option will cost, estimated before it is chosen (the decision card's price).

A trainee comparing "staff the phones" with "text everyone" must see what each will cost in
total, not only its fixed cost: a 10 EUR credit "for callers" is paid to every caller, a notice
to every customer it reaches, extra agents by the hour. ``estimate_option`` prices an option
from the scenario and the moment of the run it is chosen in, part by part, each part with the
count it assumes (``CostPart.count``):

- **fixed**: each response's ``cost_fixed``, once (a standing fix: once per failure it answers);
- **per customer**: ``cost_per_customer`` x the customers the response reaches: a response
  delivered on contact reaches the *callers* only, one with a notice in force everyone affected
  (the notice itself: those it reaches first, as the brand detects the incident); a touch, the
  customers reaching its step (``audience = "affected"``: those a failure hit on the way);
  thanks to reviewers, the expected reviewers;
- **compensation**: the amount (or percentage of the mean order) x the recipients;
- **agent hours**: extra agents x hours x the touchpoint's ``agent_cost_per_hour``.

Expected counts come from the scenario, not from dice: customers reaching a touchpoint per
minute are the arrival rate (hour of day, weekday, campaigns) x the visits each new customer
makes there along the routes; a failure affects them for its expected duration (what is left of
a scheduled one, a random one's mean repair time, or until the option's fix takes effect), and
``complain_probability`` with the notice rule of ``sim.engine.incidents.contact_probability``
says how many of them call. A decision with ``from_now_on`` (and a customer-facing answer to a
decision no failure raised, which the engine keeps in force too) also covers the failures still
to come: a random one every ``mtbf_hours`` plus its repair, the scheduled ones listed. Returning
and referred customers are left out (the estimate errs low on long horizons); it says "about".
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, Protocol

from sim.authoring.flow import visits_from
from sim.behaviour.loyalty import complain_probability
from sim.clock import MINUTES_PER_DAY, MINUTES_PER_HOUR, at_day
from sim.effects.add_agents import AddAgents
from sim.effects.base import CustomerFacing, ResponseSpec
from sim.effects.compensate import Compensate
from sim.effects.fix import Fix
from sim.effects.move_agents import MoveAgents
from sim.effects.notify import Notify
from sim.effects.offer_callback import OfferCallback
from sim.effects.thank_reviewers import ThankReviewers
from sim.effects.touch import Touch
from sim.engine.arrivals import HOURS_PER_WEEK, campaign_windows, weekly_rates_per_min
from sim.scenario.schema import (
    CONTACT,
    Decision,
    FailureTrigger,
    RandomFailure,
    Scenario,
    ScheduledFailure,
    SelfService,
    Staffed,
    TimeTrigger,
)

PartKind = Literal["fixed", "per_customer", "compensation", "agent_hours"]


@dataclass(frozen=True, slots=True)
class CostPart:
    """One part of an option's cost: ``unit`` x ``count`` ``per`` (``count`` None: a one-off, or not estimated)."""

    response: str
    label: str  # the response's label, or its name
    kind: PartKind
    unit: float  # currency per ``per`` (fixed: the amount)
    count: float | None  # how many it assumes (customers, agent hours); None for a fixed cost
    per: str  # what is counted: "callers", "customers reached", "agent hours", ...
    estimated: bool = True  # False: paid per unit, but how many cannot be foreseen (call-backs taken)

    @property
    def total(self) -> float:
        """This part's expected cost (0 for a part whose count is not estimated)."""
        if self.count is None:
            return self.unit if self.estimated else 0.0
        return self.unit * self.count


@dataclass(frozen=True, slots=True)
class OptionCost:
    """An option's expected cost, in the scenario's currency, with its parts and what they assume."""

    option: str
    currency: str
    parts: tuple[CostPart, ...]
    affected: float  # customers the failures it answers are expected to hit
    callers: float  # of whom contact the brand

    @property
    def total(self) -> float:
        return sum(p.total for p in self.parts)

    def headline(self) -> str:
        """'about 2,900 EUR', or 'no cost'."""
        if not self.parts:
            return "no cost"
        total = money(self.total, self.currency)
        return total if total.startswith("under") else f"about {total}"

    def part_texts(self) -> list[str]:
        """One short line per part, largest first: '10 EUR credit x about 290 callers'."""
        return [part_text(p, self.currency) for p in sorted(self.parts, key=lambda p: -p.total)]

    def text(self) -> str:
        """The headline and its parts in one sentence: 'about 2,900 EUR: 10 EUR compensation x about 290 callers'."""
        return self.headline() + "".join(f"{'; ' if i else ': '}{t}" for i, t in enumerate(self.part_texts()))


@dataclass(frozen=True, slots=True)
class RunState:
    """The moment of the run an option is priced at (default: the moment its decision comes up)."""

    now: float  # sim minutes
    horizon: float  # sim minutes
    incident_started: float | None = None  # the failure that raised the decision, if it is still going on
    affected_so_far: int = 0  # customers it has hit already
    policy: str | None = None  # the run's policy (its standing responses shape who calls)


class _IncidentLike(Protocol):
    @property
    def started(self) -> float: ...
    @property
    def affected_count(self) -> int: ...
    @property
    def active(self) -> bool: ...


class _RunLike(Protocol):
    @property
    def now(self) -> float: ...
    @property
    def horizon(self) -> float: ...
    @property
    def policy_name(self) -> str: ...


def state_of(run: _RunLike, incident: _IncidentLike | None = None) -> RunState:
    """The ``RunState`` of a running simulation at a decision raised by ``incident`` (read only: nothing changes)."""
    if incident is None or not incident.active:
        return RunState(float(run.now), float(run.horizon), policy=run.policy_name)
    return RunState(float(run.now), float(run.horizon), float(incident.started), int(incident.affected_count), run.policy_name)


def default_state(scenario: Scenario, decision: Decision) -> RunState:
    """The state when nothing is known of the run: the decision comes up when its trigger is due."""
    horizon = scenario.horizon_days * MINUTES_PER_DAY
    trig = decision.trigger
    if isinstance(trig, FailureTrigger):
        failure = scenario.failures[trig.failure]
        start = at_day(failure.day, failure.time) if isinstance(failure, ScheduledFailure) else 0.0
        return RunState(now=start, horizon=horizon, incident_started=start)
    if isinstance(trig, TimeTrigger):
        return RunState(now=at_day(trig.day, trig.time), horizon=horizon)
    return RunState(now=0.0, horizon=horizon)


# --- flows: who reaches a touchpoint, and when ---------------------------------------------------


def arrivals_between(scenario: Scenario, start: float, end: float) -> float:
    """Expected new customers arriving in [start, end) sim minutes: hour and weekday profiles, campaigns."""
    if end <= start:
        return 0.0
    spec = scenario.arrivals
    rates = weekly_rates_per_min(spec)
    windows = campaign_windows(spec)
    edges = {start, end}
    t = (start // MINUTES_PER_HOUR + 1) * MINUTES_PER_HOUR
    while t < end:
        edges.add(t)
        t += MINUTES_PER_HOUR
    edges.update(x for w in windows for x in (w.start, w.end) if start < x < end)
    cuts = sorted(edges)
    total = 0.0
    for a, b in pairwise(cuts):
        mid = (a + b) / 2
        rate = rates[int(mid // MINUTES_PER_HOUR) % HOURS_PER_WEEK]
        for w in windows:
            if w.start <= mid < w.end:
                rate = rate * w.multiplier + w.extra_per_min
        total += rate * (b - a)
    return total


def reach_after_failure(scenario: Scenario, touchpoint: str, effect: str, target: str) -> float:
    """Expected visits to ``target`` after a customer's step at ``touchpoint`` was hit by a failure of ``effect``.

    An error fails the step: the journey goes on by ``on_failure`` without its contact targets
    (``Router.after_incident``); a delay or a lost order lets it go on as if it went well.
    """
    route = scenario.journey.routes.get(touchpoint)
    if route is None:
        return 0.0
    if effect == "error":
        staffed = {CONTACT, *scenario.staffed()}
        onward = {t: p for t, p in route.on_failure.items() if t not in staffed}
        total = sum(onward.values())
        onward = {t: p / total for t, p in onward.items()} if total else {}
    else:
        onward = dict(route.next)
    return visits_from(scenario, onward).get(target, 0.0)


@dataclass(frozen=True, slots=True)
class _Occurrence:
    """Failures expected in the window priced: how many, where, hitting how many customers each."""

    failure: str
    count: float  # expected occurrences (1 for one incident)
    affected: float  # customers each one hits
    current: bool  # the incident that raised the decision


def _repair_mean(failure: ScheduledFailure | RandomFailure) -> float:
    return failure.duration_min if isinstance(failure, ScheduledFailure) else failure.mttr_min.mean_value()


def _fix_after(scenario: Scenario, responses: list[str], failure: str) -> float | None:
    """Minutes until one of ``responses`` fixes ``failure`` (a fix for it, or for whatever failure it answers)."""
    specs = (scenario.responses[r] for r in responses)
    afters = [spec.after_min for spec in specs if isinstance(spec, Fix) and spec.failure in (None, failure)]
    return min(afters) if afters else None


def _occurrences(
    scenario: Scenario, state: RunState, current: str | None, later: bool, fixes: list[str], later_fixes: list[str], rule_for: frozenset[str]
) -> list[_Occurrence]:
    """The incident that raised the decision (what is left of it), and with ``later`` every failure still to come."""
    visits = visits_from(scenario, scenario.journey.entry)
    span = max(0.0, state.horizon - state.now)
    mean_rate = arrivals_between(scenario, state.now, state.horizon) / span if span else 0.0
    out: list[_Occurrence] = []
    for name, failure in scenario.failures.items():
        per_customer = visits.get(failure.touchpoint, 0.0)
        if name == current and state.incident_started is not None:
            left = _repair_mean(failure) - (state.now - state.incident_started)
            fix = _fix_after(scenario, fixes, name)
            left = max(0.0, min(left, fix) if fix is not None else left)
            hit = state.affected_so_far + per_customer * arrivals_between(scenario, state.now, state.now + left)
            out.append(_Occurrence(name, 1.0, hit, True))
        if not later or (rule_for and name not in rule_for):  # a standing rule for some failures only
            continue
        fix = _fix_after(scenario, later_fixes, name)
        if isinstance(failure, ScheduledFailure):
            start = at_day(failure.day, failure.time)
            if start > state.now and start < state.horizon:
                length = min(failure.duration_min, fix) if fix is not None else failure.duration_min
                hit = per_customer * arrivals_between(scenario, start, min(start + length, state.horizon))
                out.append(_Occurrence(name, 1.0, hit, False))
        else:
            repair = failure.mttr_min.mean_value()
            length = min(repair, fix) if fix is not None else repair
            count = span / (failure.mtbf_hours * MINUTES_PER_HOUR + repair)
            out.append(_Occurrence(name, count, per_customer * mean_rate * length, False))
    return out


# --- the estimate ------------------------------------------------------------------------------------


def _notice(scenario: Scenario, names: list[str]) -> tuple[str, Notify] | None:
    """The first notice among ``names``: the one the engine puts in force (an incident keeps its first)."""
    for name in names:
        spec = scenario.responses[name]
        if isinstance(spec, Notify):
            return name, spec
    return None


def _contact_share(scenario: Scenario, severity: float, notice: Notify | None) -> float:
    """Share of affected customers who contact the brand: the complaint curve, with the notice rule of the engine."""
    if not scenario.staffed():
        return 0.0
    r = scenario.customer_model.recovery
    p = complain_probability(severity, r)
    if notice is None:
        return p
    detect = r.detect_probability  # an undetected incident gets no notice: its customers call as if none
    with_notice = min(p, r.contact_after_clear_notice) if notice.notice == "clear" else max(p, r.contact_after_vague_notice)
    return detect * with_notice + (1 - detect) * p


def _review_share(scenario: Scenario) -> float:
    """Chance a settled journey posts a review, over the baseline answers (bands 0-2, 3-6, 7-8, 9-10)."""
    lo = scenario.customer_model.loyalty
    ltr, probs = lo.ltr_baseline, lo.review_probability
    bands = [probs[0]] * 3 + [probs[1]] * 4 + [probs[2]] * 2 + [probs[3]] * 2
    total = sum(ltr) or 1.0
    return sum(w * b for w, b in zip(ltr, bands, strict=True)) / total


def estimate_option(scenario: Scenario, decision: Decision, option: str, state: RunState | None = None) -> OptionCost:
    """The expected cost of choosing ``option`` at ``decision`` now (``state``; default: when it comes up).

    Each part says what it assumes (``CostPart.count``); the total is the sum of the parts. The
    customers counted are those the option's responses reach under the engine's rules: on contact
    the callers, with a notice everyone affected; a touch, those reaching its step.
    """
    state = state or default_state(scenario, decision)
    names = list(decision.options[option].responses)
    specs = {n: scenario.responses[n] for n in names}
    policy = scenario.policies.get(state.policy or scenario.default_policy_name)
    policy_answers = list(policy.on_failure) if policy is not None else []
    trig = decision.trigger
    current = trig.failure if isinstance(trig, FailureTrigger) and state.incident_started is not None else None
    facing = [n for n, s in specs.items() if isinstance(s, CustomerFacing)]
    later = decision.from_now_on or (current is None and bool(facing))  # standing: every failure still to come
    standing = [n for n, s in specs.items() if s.per_incident] if later else []
    answers, rule = [*names, *policy_answers], frozenset(decision.rule_for)
    occurrences = _occurrences(scenario, state, current, later, answers, [*standing, *policy_answers], rule)
    answered = [o for o in occurrences if o.current or later]
    r = scenario.customer_model.recovery
    affected = callers = 0.0
    reach: dict[str, float] = dict.fromkeys(facing, 0.0)  # customers each customer-facing response reaches
    noticed = False
    for occ in answered if facing else []:
        notice = _notice(scenario, [*policy_answers, *names] if occ.current else [*standing, *policy_answers])
        noticed = noticed or notice is not None
        severity = scenario.failures[occ.failure].severity
        share = _contact_share(scenario, severity, notice[1] if notice else None)
        hit = occ.count * occ.affected
        affected, callers = affected + hit, callers + hit * share
        # with a notice, everyone affected is reached (first if detected, else if they call); without, the callers
        reached = hit * (r.detect_probability + (1 - r.detect_probability) * _contact_share(scenario, severity, None))
        reached = reached if notice is not None else hit * share
        for name in facing:
            spec = specs[name]
            if isinstance(spec, Notify):
                first = notice is not None and notice[0] == name  # the notice in force (an incident keeps its first)
                reach[name] += hit * r.detect_probability * (1 + r.needless_outreach_share) if first else 0.0
            else:
                reach[name] += hit - reached if spec.after_incident else reached
    parts = [
        p
        for n, spec in specs.items()
        for p in _parts(scenario, state, n, spec, occurrences, answered, reach.get(n, 0.0), noticed)
    ]
    kept = tuple(p for p in parts if p.unit > 0 and (p.count is None or p.count > 0))
    return OptionCost(option, scenario.currency, kept, affected, callers)


def _parts(
    scenario: Scenario,
    state: RunState,
    name: str,
    spec: ResponseSpec,
    occurrences: list[_Occurrence],
    answered: list[_Occurrence],
    reached: float,
    noticed: bool,
) -> Iterator[CostPart]:
    """The cost parts of one response of the option."""
    label = spec.label or name.replace("_", " ")
    if spec.cost_fixed:
        times = 1.0  # a fix is paid for each incident it answers (another failure's: nothing)
        if isinstance(spec, Fix):
            times = sum(o.count for o in answered if spec.failure in (None, o.failure))
        if times:
            once = times == 1
            yield CostPart(name, label, "fixed", spec.cost_fixed, None if once else times, "fixed" if once else "times")
    span_h = max(0.0, state.horizon - state.now) / MINUTES_PER_HOUR
    if isinstance(spec, CustomerFacing):
        per = "notices" if isinstance(spec, Notify) else ("affected customers" if noticed else "callers")
        if spec.after_incident:
            per = "customers not yet recovered"
        yield CostPart(name, label, "per_customer", spec.cost_per_customer, reached, per)
        if isinstance(spec, Compensate):
            mean_order = sum(seg.share * seg.order_value.mean_value() for seg in scenario.segments.values())
            value = spec.compensation_amount(mean_order)  # a percentage: of the mean order
            yield CostPart(name, label, "compensation", value, reached, per)
    elif isinstance(spec, AddAgents):
        tp = scenario.touchpoints[spec.touchpoint]
        hours = spec.for_hours if spec.for_hours is not None else span_h
        cost = tp.agent_cost_per_hour if isinstance(tp, Staffed) else 0.0
        yield CostPart(name, label, "agent_hours", cost, spec.agents * min(hours, span_h), "agent hours")
    elif isinstance(spec, MoveAgents):
        to, frm = scenario.touchpoints[spec.touchpoint], scenario.touchpoints[spec.from_touchpoint]
        delta = (to.agent_cost_per_hour if isinstance(to, Staffed) else 0.0) - (
            frm.agent_cost_per_hour if isinstance(frm, Staffed) else 0.0
        )
        hours = spec.for_hours if spec.for_hours is not None else span_h
        yield CostPart(name, label, "agent_hours", max(0.0, delta), spec.agents * min(hours, span_h), "agent hours")
    elif isinstance(spec, Touch):
        touched = _touched(scenario, state, spec, occurrences)
        yield CostPart(name, label, "per_customer", spec.cost_per_customer, touched, f"customers at {spec.at}")
    elif isinstance(spec, ThankReviewers):
        reviewers = arrivals_between(scenario, state.now, state.horizon - MINUTES_PER_DAY) * _review_share(scenario)
        yield CostPart(name, label, "per_customer", spec.cost_per_customer, reviewers, "reviewers")
    elif isinstance(spec, OfferCallback):
        yield CostPart(name, label, "per_customer", spec.cost_per_customer, None, "call-back taken", estimated=False)


def _touched(scenario: Scenario, state: RunState, spec: Touch, occurrences: list[_Occurrence]) -> float:
    """Customers a touch reaches from now to the horizon: visits to its step that go as expected."""
    tp = scenario.touchpoints[spec.at]
    ok = tp.success_probability if isinstance(tp, SelfService) else 1.0
    if spec.audience == "everyone":
        visits = visits_from(scenario, scenario.journey.entry).get(spec.at, 0.0)
        return arrivals_between(scenario, state.now, state.horizon) * visits * ok
    total = 0.0  # only customers a failure hit earlier in the journey (a failed step at the touch's own step feels none)
    for occ in occurrences:
        failure = scenario.failures[occ.failure]
        if failure.touchpoint != spec.at:
            total += occ.count * occ.affected * reach_after_failure(scenario, failure.touchpoint, failure.effect, spec.at) * ok
    return total


# --- words -------------------------------------------------------------------------------------------


def rounded(value: float) -> float:
    """A value rounded to three significant figures (whole units above 100): what 'about' can honestly claim."""
    if value >= 100:
        return float(f"{value:.3g}")
    if value >= 10:
        return float(round(value))
    return round(value, 1) if value >= 1 else round(value, 2)


def number(value: float) -> str:
    """A rounded count or amount for people: '1,240', '76', '0.05'."""
    v = rounded(value)
    if v >= 10 or v == int(v):
        return f"{v:,.0f}"
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def count(value: float) -> str:
    """A rounded count of people or hours: 'about 290', 'about 7', 'under 1'."""
    if value < 1:
        return "under 1"
    return f"about {number(value if value >= 10 else round(value))}"


def money(value: float, currency: str) -> str:
    """A rounded amount: '1,240 EUR', '0.05 EUR', 'under 1 EUR' (for a total of cents)."""
    if 0 < value < 0.5:
        return f"under 1 {currency}"
    return f"{number(value)} {currency}"


def part_text(part: CostPart, currency: str) -> str:
    """One part in words: '2,000 EUR fixed', '10 EUR x about 290 callers', '+ 0.5 EUR per call-back taken'."""
    unit = f"{number(part.unit)} {currency}"
    if not part.estimated:
        return f"+ {unit} per {part.per}"
    if part.kind == "fixed":
        return f"{unit} fixed" if part.count is None else f"{unit} x {count(part.count)} {part.per}"
    if part.kind == "agent_hours":
        return f"{count(part.count or 0)} agent hours x {unit}"
    what = " compensation" if part.kind == "compensation" else ""
    return f"{unit}{what} x {count(part.count or 0)} {part.per}"
