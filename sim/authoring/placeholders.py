"""Debrief placeholders: ``{hit}``, ``{contacted_one_in}``, ``{option_cost}``... in a scenario's debrief texts.

A trainer writes "only {contacted_one_in} runners the crash hit contacted you" instead of a
number that is true for one run and false for the next; the game fills each placeholder from the
session's own records and results, so every sentence is true for the session played.

This module is the one place placeholders are defined: ``PLACEHOLDERS`` is the catalogue (name,
meaning, unit) the docs are generated from and a scenario's texts are checked against
(``unknown_placeholders``); ``fill`` puts values into a text; ``format_value`` writes a number
with its unit; ``DecisionFacts`` measures, from a run's record stream, the numbers behind the
decision-level placeholders. A decision's *customers* are those the failure that triggered it
hit (that occurrence, or every occurrence when the decision comes up each time); for a decision
at a clock time or on an indicator, every customer a failure hit after the choice was made.

It imports only the format and the records, never the engine, so the scenario checks may call it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from sim.effects.add_agents import AddAgents
from sim.effects.notify import Notify
from sim.effects.thank_reviewers import ThankReviewers
from sim.records import (
    ContactBalked,
    ContactQueued,
    CustomerAffected,
    CustomerArrived,
    DecisionMade,
    DecisionRequested,
    FailureEnded,
    FailureStarted,
    JourneyEnded,
    JourneyRemembered,
    NoticeSent,
    Record,
    RecoveryDelivered,
    ResponseApplied,
    ReviewPosted,
    ServiceStarted,
    TouchDelivered,
)
from sim.results.precision import number as signed_number
from sim.scenario.schema import FailureTrigger, Scenario

Unit = Literal["customers", "contacts", "percent", "ratio", "currency", "nps", "points", "percentage points", "csat", "text"]
Scope = Literal["decision", "run"]


@dataclass(frozen=True)
class Placeholder:
    """One placeholder: what it stands for, in which unit, and whether it belongs to a decision or the whole run."""

    name: str
    description: str
    unit: Unit
    scope: Scope = "decision"


def _catalogue(*entries: Placeholder) -> dict[str, Placeholder]:
    return {p.name: p for p in entries}


ALT = "the alternative (the first option of the other style: proactive for a reactive choice, and back)"

# The registry, in the order docs/authoring.md lists it.
PLACEHOLDERS: dict[str, Placeholder] = _catalogue(
    Placeholder("option", "The label of the option the trainee chose.", "text"),
    Placeholder("hit", "Customers the decision's failure hit.", "customers"),
    Placeholder("contacted", "Of them, how many contacted service after the failure hit them.", "customers"),
    Placeholder("silent", "Of them, how many never contacted service (the silent majority).", "customers"),
    Placeholder("contacted_share", "The share of them who contacted service.", "percent"),
    Placeholder("contacted_one_in", "The same as a ratio: '1 in 20' (or '3 in 4').", "ratio"),
    Placeholder("reached_first", "Of them, how many the brand reached first, before they called.", "customers"),
    Placeholder("recovered", "Of them, how many received a response at all (first or on contact).", "customers"),
    Placeholder("option_cost", "What the chosen option cost: fixed, per customer, compensation, agent hours.", "currency"),
    Placeholder("discounts", "Compensation paid to the customers the failure hit, whichever response paid it.", "currency"),
    Placeholder("affected_n", "How many of them answered the survey (the sample behind the next two).", "customers"),
    Placeholder("affected_nps", "Their NPS, from the survey after their journey.", "nps"),
    Placeholder("affected_repeat", "Their mean probability of buying again.", "percent"),
    Placeholder("alternative", f"The label of {ALT}.", "text"),
    Placeholder("alt_contacted", "How many of them contacted service under the alternative.", "customers"),
    Placeholder("alt_reached_first", "How many of them the alternative reached first.", "customers"),
    Placeholder("alt_option_cost", "What the alternative option cost in its replay.", "currency"),
    Placeholder("alt_discounts", "Compensation paid to them under the alternative.", "currency"),
    Placeholder("alt_affected_nps", "Their NPS under the alternative.", "nps"),
    Placeholder("alt_affected_repeat", "Their mean probability of buying again under the alternative.", "percent"),
    Placeholder("nps_gap", "affected_nps minus alt_affected_nps: the trainee's path minus the alternative's.", "points"),
    Placeholder("repeat_gap", "affected_repeat minus alt_affected_repeat.", "percentage points"),
    Placeholder("profit_gap", "Profit over the run, the trainee's path minus the alternative's.", "currency"),
    Placeholder("run_hit", "Customers any failure hit over the run.", "customers", "run"),
    Placeholder("run_contacts", "Contacts with service over the run.", "contacts", "run"),
    Placeholder("run_discounts", "Compensation paid over the run.", "currency", "run"),
    Placeholder("run_profit", "Profit over the run.", "currency", "run"),
    Placeholder("run_affected_nps", "NPS of every customer a failure hit.", "nps", "run"),
    Placeholder("run_callers_csat", "Mean CSAT of the customers who contacted service.", "csat", "run"),
)


def catalogue_markdown() -> str:
    """The catalogue as the Markdown table in docs/authoring.md ("Debrief placeholders"); a test keeps the two equal."""
    rows = ["| placeholder | what it is | unit | where |", "|---|---|---|---|"]
    for p in PLACEHOLDERS.values():
        where = f"a decision's text, or `{{DECISION.{p.name}}}` anywhere" if p.scope == "decision" else "anywhere"
        rows.append(f"| `{{{p.name}}}` | {p.description} | {p.unit} | {where} |")
    return "\n".join(rows) + "\n"


PENDING = "..."  # a value still being computed (the what-if replays run in the background)
MISSING = "n/a"  # a value that does not exist for this session (no survey answered, no alternative)

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def placeholders_in(text: str) -> list[str]:
    """The names written in braces in ``text``, in order (``{{`` and ``}}`` are literal braces, not names)."""
    return [m.group(1) for m in _TOKEN.finditer(text) if m.group(1) is not None]


def unknown_placeholders(text: str, decisions: Iterable[str] = (), *, in_decision: bool = True) -> list[str]:
    """The placeholders in ``text`` the catalogue does not know, as written, in order.

    In a decision's debrief (``in_decision``) a decision-level name is about that decision; anywhere,
    ``{DECISION.name}`` names another decision's value (``decisions``: the scenario's decision names).
    Outside a decision (the learning objectives) only run-level and qualified names are known.
    """
    names = set(decisions)
    unknown = []
    for name in placeholders_in(text):
        head, dot, tail = name.partition(".")
        if dot:
            known = head in names and tail in PLACEHOLDERS and PLACEHOLDERS[tail].scope == "decision"
        else:
            spec = PLACEHOLDERS.get(name)
            known = spec is not None and (in_decision or spec.scope == "run")
        if not known:
            unknown.append(name)
    return unknown


def fill(text: str, values: Mapping[str, str]) -> str:
    """``text`` with each ``{name}`` found in ``values`` replaced by its value, ``{{``/``}}`` made single braces.

    Values are inserted as plain text: nothing in a value or in the text is evaluated or formatted
    again (a value holding braces stays as it is), and a name without a value stays as written.
    """

    def one(m: re.Match[str]) -> str:
        token = m.group(0)
        if token in ("{{", "}}"):
            return token[0]
        return values.get(m.group(1), token)

    return _TOKEN.sub(one, text)


def format_value(value: Any, unit: Unit, currency: str = "") -> str:
    """A value for a sentence, with its unit: '1,234', '4.8 %', '2,000 EUR', '+12.5 points', '1 in 20'."""
    if value is None:
        return MISSING
    if unit == "text":
        return str(value)
    if unit == "ratio":
        part, whole = value
        if part <= 0 or whole <= 0:
            return f"0 in {whole:,}"
        ratio = whole / part
        return f"1 in {round(ratio):,}" if ratio >= 1.5 else f"{part:,} in {whole:,}"
    number = float(value)
    if unit in ("customers", "contacts"):
        return f"{round(number):,}"
    if unit == "percent":
        return f"{100 * number:.1f} %"
    if unit == "currency":
        return f"{number:,.0f} {currency}".strip()
    if unit == "nps":  # (signed, with precision's digits: a gap of -0.03 is not '-0.0')
        return signed_number(number, 1, signed=True)
    if unit == "points":
        return f"{signed_number(number, 1, signed=True)} points"
    if unit == "percentage points":
        return f"{signed_number(100 * number, 1, signed=True)} percentage points"
    return f"{number:.2f} / 5"  # csat


# --- measuring a run ---------------------------------------------------------------------------------


Answers = tuple[int, int, float, bool]  # a surveyed journey: likelihood to recommend 0-10, CSAT 1-5, repeat probability, returns


@dataclass
class _Scope:
    """The customers one decision is about in one run, and what happened to them."""

    option: str | None = None
    made_at: float | None = None
    hits: dict[int, float] = field(default_factory=dict)  # customer -> time of the (first) hit
    journey: dict[int, int] = field(default_factory=dict)  # customer -> the journey the hit was in
    keys: set[tuple[int, str]] = field(default_factory=set)  # (customer, failure) of the hits
    contacted: set[int] = field(default_factory=set)
    contacts: int = 0
    reached_first: set[int] = field(default_factory=set)
    recovered: set[int] = field(default_factory=set)
    discounts: float = 0.0
    option_cost: float = 0.0
    answers: list[tuple[int, int, float, bool]] = field(default_factory=list)  # customer, ltr, repeat probability, new
    silent: dict[int, Answers] = field(default_factory=dict)  # never contacted, surveyed, first journey


class DecisionFacts:
    """An observer that measures each decision's customers in a run (the numbers behind the placeholders).

    Attach it to a run (``observers=[facts]``), then read ``facts()``. Costs of the chosen option:
    its fixed costs when applied (and again whenever a later failure applies it), its per-customer
    costs and compensation for the customers it reached, needless notices, touches, answered
    reviews, and extra agents (hours on duty before the horizon times the agents' hourly cost).
    """

    def __init__(self, scenario: Scenario, horizon: float, policy: str | None = None) -> None:
        self.scenario = scenario
        self.horizon = horizon
        base = scenario.policies[policy or scenario.default_policy_name]
        self._standing = {*base.on_failure, *base.at_start}  # what the policy applies by itself
        self.scopes: dict[str, _Scope] = {name: _Scope() for name in scenario.decisions}
        self._trigger = {n: d.trigger.failure for n, d in scenario.decisions.items() if isinstance(d.trigger, FailureTrigger)}
        self._service = {n for n, tp in scenario.staffed().items() if tp.stage == "service"}
        self._arming: dict[str, set[str]] = {}  # failure -> decisions its next occurrence is about
        self._open: dict[str, set[str]] = {}  # failure -> decisions its occurrence in progress is about
        self._opened_at: dict[str, float] = {}  # failure -> when its occurrence in progress started
        self._since: list[str] = []  # decisions about every failure from now on
        self._journey: dict[int, tuple[int, bool]] = {}  # customer -> (current journey, a new customer's first)
        self._in_flight: dict[int, set[str]] = {}  # customer -> decisions whose failure hit this journey
        self._handlers: dict[type[Record], Callable[[Any], None]] = {
            CustomerArrived: self._arrived, DecisionRequested: self._requested, DecisionMade: self._made,
            FailureStarted: self._started, FailureEnded: self._ended, CustomerAffected: self._affected,
            ContactQueued: self._contact, ServiceStarted: self._contact, ContactBalked: self._contact,
            JourneyEnded: self._journey_ended, JourneyRemembered: self._remembered, RecoveryDelivered: self._recovery,
            ResponseApplied: self._response, TouchDelivered: self._touch, ReviewPosted: self._review, NoticeSent: self._notice,
        }  # fmt: skip

    def __call__(self, record: Record) -> None:
        handler = self._handlers.get(type(record))
        if handler is not None:
            handler(record)

    def _option_responses(self, decision: str) -> list[str]:
        scope = self.scopes[decision]
        if scope.option is None:
            return []
        return self.scenario.decisions[decision].options[scope.option].responses

    def _arrived(self, r: CustomerArrived) -> None:
        self._journey[r.customer] = (r.journey, r.source == "new" and r.journey == 1)

    def _requested(self, r: DecisionRequested) -> None:
        failure = self._trigger.get(r.decision)
        if failure is None:
            return
        # the failure's occurrence starting now is this decision's, whichever of the two is recorded first
        if failure in self._open and self._opened_at.get(failure) == r.time:
            self._open[failure].add(r.decision)
        else:
            self._arming.setdefault(failure, set()).add(r.decision)

    def _made(self, r: DecisionMade) -> None:
        scope = self.scopes[r.decision]
        if scope.option is None:
            scope.option, scope.made_at = r.option, r.time
            if r.decision not in self._trigger:
                self._since.append(r.decision)
            self._agent_hours(r.decision, r.time)

    def _agent_hours(self, decision: str, now: float) -> None:
        staffed = self.scenario.staffed()
        for name in self._option_responses(decision):
            spec = self.scenario.responses[name]
            if isinstance(spec, AddAgents) and spec.touchpoint in staffed:
                minutes = self.horizon - now if spec.for_hours is None else min(60 * spec.for_hours, self.horizon - now)
                self.scopes[decision].option_cost += (
                    spec.agents * max(minutes, 0.0) / 60 * staffed[spec.touchpoint].agent_cost_per_hour
                )

    def _started(self, r: FailureStarted) -> None:
        self._open[r.failure] = self._arming.pop(r.failure, set())
        self._opened_at[r.failure] = r.time

    def _ended(self, r: FailureEnded) -> None:
        self._open.pop(r.failure, None)

    def _affected(self, r: CustomerAffected) -> None:
        for name in (*self._open.get(r.failure, ()), *self._since):
            scope = self.scopes[name]
            if r.customer not in scope.hits:
                scope.hits[r.customer] = r.time
                scope.journey[r.customer] = self._journey.get(r.customer, (1, False))[0]
            scope.keys.add((r.customer, r.failure))
            self._in_flight.setdefault(r.customer, set()).add(name)

    def _contact(self, r: ContactQueued | ServiceStarted | ContactBalked) -> None:
        if r.touchpoint not in self._service or r.customer not in self._in_flight:
            return
        if isinstance(r, ServiceStarted) and (r.queued or r.callback):
            return  # the attempt was counted when the customer joined the queue
        for name in self._in_flight[r.customer]:
            scope = self.scopes[name]
            scope.contacted.add(r.customer)
            scope.contacts += 1

    def _journey_ended(self, r: JourneyEnded) -> None:
        self._in_flight.pop(r.customer, None)

    def _remembered(self, r: JourneyRemembered) -> None:
        first = self._journey.get(r.customer, (0, False))
        for scope in self.scopes.values():
            if scope.journey.get(r.customer) == r.journey and r.customer in scope.hits:
                scope.answers.append((r.customer, r.ltr, r.repeat_probability, first[1]))
                if r.customer not in scope.contacted and first == (r.journey, True):
                    scope.silent[r.customer] = (r.ltr, r.csat, r.repeat_probability, r.returns)
        if first[0] == r.journey:
            self._journey.pop(r.customer, None)  # no need to remember a settled journey (memory stays flat)

    def _recovery(self, r: RecoveryDelivered) -> None:
        for name, scope in self.scopes.items():
            if (r.customer, r.failure) not in scope.keys:
                continue
            scope.recovered.add(r.customer)
            if r.proactive:
                scope.reached_first.add(r.customer)
            scope.discounts += r.compensation
            mine = self._option_responses(name)
            responses = self.scenario.responses
            scope.option_cost += sum(responses[n].cost_per_customer for n in r.responses if n in mine)
            paying = [n for n in r.responses if responses[n].recovery_component == "compensation"]
            if paying:
                scope.option_cost += r.compensation * sum(n in mine for n in paying) / len(paying)

    def _response(self, r: ResponseApplied) -> None:
        for name, scope in self.scopes.items():
            if scope.made_at is None or r.time < scope.made_at or r.response not in self._option_responses(name):
                continue
            if r.time == scope.made_at or r.response not in self._standing:  # by the choice, or by it at a later failure
                scope.option_cost += r.cost

    def _touch(self, r: TouchDelivered) -> None:
        for name, scope in self.scopes.items():
            if r.response in self._option_responses(name):
                scope.option_cost += r.cost

    def _review(self, r: ReviewPosted) -> None:
        if not r.cost:
            return
        for name, scope in self.scopes.items():
            if any(isinstance(self.scenario.responses[n], ThankReviewers) for n in self._option_responses(name)):
                scope.option_cost += r.cost

    def _notice(self, r: NoticeSent) -> None:
        if r.notice != "needless":
            return
        for name, scope in self.scopes.items():
            trigger = self._trigger.get(name)
            if scope.made_at is not None and (trigger is None or trigger == r.failure):
                notices = [self.scenario.responses[n] for n in self._option_responses(name)]
                scope.option_cost += sum(n.cost_per_customer for n in notices if isinstance(n, Notify))

    def facts(self) -> dict[str, dict[str, Any]]:
        """Per decision, plain numbers (small enough to send between processes)."""
        out = {}
        for name, s in self.scopes.items():
            n = len(s.answers)
            promoters = sum(ltr >= 9 for _, ltr, _, _ in s.answers)
            detractors = sum(ltr <= 6 for _, ltr, _, _ in s.answers)
            out[name] = {
                "option": s.option,
                "made_at": s.made_at,
                "hit": len(s.hits),
                "contacted": len(s.contacted),
                "contacts": s.contacts,
                "silent": len(s.hits) - len(s.contacted),
                "reached_first": len(s.reached_first),
                "recovered": len(s.recovered),
                "discounts": s.discounts,
                "option_cost": s.option_cost,
                "affected_n": n,
                "affected_nps": 100.0 * (promoters - detractors) / n if n else None,
                "affected_repeat": sum(p for _, _, p, _ in s.answers) / n if n else None,
                "silent_answers": dict(s.silent),
            }
        return out


def pick_silent(silent: Mapping[int, Answers]) -> int | None:
    """A typical silent customer whose answers agree with each other, to tell their story; None if there is none.

    ``silent`` maps each customer the decision's failure hit who never contacted service (and
    answered the survey after a first journey) to their answers. Typical: likelihood to recommend
    near the group's median. Agreeing: CSAT and likelihood to recommend at the same height of
    their scales, and buying again or not as the repeat probability leans, so the story reads as
    the numbers say (the dice of a single customer can disagree; the story shows one that does not).
    Ties go to the lowest id, so the same run always shows the same customer.
    """
    if not silent:
        return None
    ordered = sorted(a[0] for a in silent.values())
    median = ordered[len(ordered) // 2]

    def score(c: int) -> tuple[float, int]:
        ltr, csat, p_repeat, returns = silent[c]
        gap = abs(ltr / 10 - (csat - 1) / 4) * 10
        return abs(ltr - median) + gap + 3 * (returns != (p_repeat >= 0.5)), c

    return min(silent, key=score)


# --- values for the texts ----------------------------------------------------------------------------

_FROM_FACTS = ("hit", "contacted", "silent", "reached_first", "recovered", "option_cost", "discounts", "affected_n",
               "affected_nps", "affected_repeat")  # fmt: skip


def decision_values(
    facts: Mapping[str, Any] | None, alt_facts: Mapping[str, Any] | None, *, option: str, alternative: str | None,
    profit: float | None, alt_profit: float | None, currency: str,
) -> dict[str, str]:  # fmt: skip
    """The decision-level placeholders, formatted: ``facts`` of the trainee's replay, ``alt_facts`` of the alternative's.

    ``None`` facts are still being computed (``PENDING``); without an alternative its names are ``MISSING``.
    """
    out = {"option": option, "alternative": alternative if alternative is not None else MISSING}

    def put(name: str, value: Any, source: Mapping[str, Any] | None, *, alt: bool = False) -> None:
        if alt and alternative is None:
            out[name] = MISSING
        else:
            out[name] = PENDING if source is None else format_value(value, PLACEHOLDERS[name].unit, currency)

    f = facts or {}
    for key in _FROM_FACTS:
        put(key, f.get(key), facts)
    hit, contacted = f.get("hit", 0), f.get("contacted", 0)
    put("contacted_share", contacted / hit if hit else None, facts)
    put("contacted_one_in", (contacted, hit) if hit else None, facts)
    a = alt_facts or {}
    for key in ("contacted", "reached_first", "option_cost", "discounts", "affected_nps", "affected_repeat"):
        put(f"alt_{key}", a.get(key), alt_facts, alt=True)
    both = facts if alt_facts is not None else None
    put("nps_gap", _gap(f.get("affected_nps"), a.get("affected_nps")), both, alt=True)
    put("repeat_gap", _gap(f.get("affected_repeat"), a.get("affected_repeat")), both, alt=True)
    put("profit_gap", _gap(profit, alt_profit), both, alt=True)
    if out["profit_gap"] not in (PENDING, MISSING) and profit is not None and alt_profit is not None and profit >= alt_profit:
        out["profit_gap"] = "+" + out["profit_gap"]
    return out


def _gap(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def run_values(results: Mapping[str, Any], service: Iterable[str] = ()) -> dict[str, str]:
    """The run-level placeholders from a results document (``cxsim.run/1``); ``service``: the service channels."""
    currency = results["currency"]
    exp, money = results["experience"], results["money"]
    raw = {
        "run_hit": results["recovery"]["customers_affected"],
        "run_contacts": sum(results["channels"][n]["offered"] for n in service if n in results["channels"]),
        "run_discounts": money["compensation"],
        "run_profit": money["profit"],
        "run_affected_nps": exp["affected"]["nps"],
        "run_callers_csat": exp["contacted"]["csat_mean"],
    }
    return {name: format_value(value, PLACEHOLDERS[name].unit, currency) for name, value in raw.items()}
