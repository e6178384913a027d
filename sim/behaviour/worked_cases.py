"""Worked cases of the customer model: one customer, one journey, computed from the formulas.

They are the model's test oracle (tests/sim/test_customer_model.py) and the table in
docs/model.md (``python -m sim.behaviour.worked_cases`` prints it). Expected NPS and CSAT top-2
are averaged over the survey noise (the journey's shared disturbance and each answer's own), so
they come from the structural score alone. A standard journey has six moments
(ad, website, assistant, checkout, delivery, review); a failure replaces the moment of the step
where it happens; a lost order ends the journey at delivery. Contacts with service are charged
as the engine charges them (``sim.engine.touchpoints.staffed``, docs/model.md section 1): a wait
moment per queue, a long hold, a transfer and a repeat contact after a resolved one as effort
drivers, and a contact that leaves the issue open as the unresolved moment and one more.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from sim.behaviour.experience import (
    ces,
    failure_moment,
    paradox_eligible,
    recovery_quality,
    remembered,
    trust_after_failure,
    trust_after_recovery,
    updated_attitude,
    wait_moment,
)
from sim.behaviour.loyalty import expected_nps, ordered_distribution, repeat_probability, survey_latent
from sim.scenario.customer_model import CustomerModel


@dataclass(frozen=True)
class Recovered:
    """What a recovery contained."""

    acknowledged: bool = True
    fixed: bool = False
    fast: bool = False
    apology: bool = False
    proactive: bool = False
    compensation: bool = False


@dataclass(frozen=True)
class Contact:
    """One phone contact about the failure, as the engine accounts for it."""

    wait_min: float
    resolved: bool = True
    transferred_wait_min: float | None = None  # the agent transferred the customer, who queued this long again


@dataclass(frozen=True)
class Case:
    """One customer's journey, described by what happened."""

    name: str
    before: int = 6
    severity: float | None = None
    external: bool = False
    recovery: Recovered | None = None
    contacts: tuple[Contact, ...] = ()
    after: int = 0
    prior_failures: int = 0
    journeys_before: int = 0
    attitude: float = 0.10
    trust: float = 0.70
    params: CustomerModel = field(default_factory=CustomerModel)


@dataclass(frozen=True)
class Outcome:
    """The model's verdict on a case."""

    memory: float
    attitude: float
    trust: float
    effort: int
    ces: float
    repeat: float
    nps: float
    csat_top2: float


def evaluate(case: Case) -> Outcome:
    """Run the formulas for one case."""
    p = case.params
    m, r, mem, lo = p.moments, p.recovery, p.memory, p.loyalty
    moments = [m.met_expectations] * case.before
    trust = case.trust
    effort = 0
    if case.severity is not None:
        attribution = m.external_attribution if case.external else 1.0
        quality = 0.0
        trust_before = trust
        trust = trust_after_failure(trust, case.severity, attribution, case.prior_failures, mem)
        if case.recovery is not None:
            rec = case.recovery
            eligible = paradox_eligible(case.prior_failures, case.severity, rec.fast, case.external, r)
            quality = recovery_quality(
                acknowledged=rec.acknowledged, fixed=rec.fixed, fast=rec.fast, apology=rec.apology,
                proactive=rec.proactive, compensation=rec.compensation, eligible_for_paradox=eligible, r=r,
            )  # fmt: skip
            trust = trust_after_recovery(trust, trust_before, quality, rec.proactive, mem)
        moments.append(failure_moment(case.severity, attribution, quality, m))
    open_issue = False
    for i, contact in enumerate(case.contacts):
        if i > 0 and not open_issue:  # a repeat contact after a resolved one
            moments.append(m.effort_moment)
            effort += 1
        waits = [contact.wait_min]
        if contact.transferred_wait_min is not None:
            waits.append(contact.transferred_wait_min)
        for j, wait in enumerate(waits):
            if j > 0:  # transferred: explain it all again, and queue again
                moments.append(m.effort_moment)
                effort += 1
            moments.append(wait_moment(wait, m.wait_scale_min["phone"], m))
            effort += wait > m.long_hold_min
        open_issue = not contact.resolved
        if open_issue:
            moments.append(m.met_expectations - m.unresolved_penalty)
            effort += 1
    moments += [m.met_expectations] * case.after
    memory = remembered(moments, mem)
    attitude = updated_attitude(case.attitude, memory, case.journeys_before, mem)
    ref_a, ref_t = m.met_expectations, mem.trust_reference
    repeat = repeat_probability(attitude, trust, effort, memory, ref_a, ref_t, lo)
    latent = survey_latent(attitude, trust, memory, effort, ref_a, ref_t, lo)
    nps = expected_nps(ordered_distribution(latent, lo.ltr_baseline))
    top2 = sum(ordered_distribution(latent, lo.csat_baseline)[3:])
    return Outcome(memory, attitude, trust, effort, ces(effort, lo.ces_per_effort), repeat, nps, top2)


CRASH, LATE, LOST = 0.4, 0.3, 0.9
CASES: tuple[Case, ...] = (
    Case("1 Flawless journey"),
    Case("2 Checkout crash, retried, silent", before=3, severity=CRASH, after=2),
    Case(
        "3 Crash, calls (3 min wait), fast fix + apology",
        before=3, severity=CRASH, recovery=Recovered(fixed=True, fast=True, apology=True), contacts=(Contact(3),), after=2,
    ),
    Case(
        "4 Crash, proactive e-mail: apology + discount",
        before=3, severity=CRASH, recovery=Recovered(fixed=True, fast=True, apology=True, proactive=True, compensation=True), after=2,
    ),
    Case(
        "5 Late parcel (external), calls (5 min wait), apology",
        before=4, severity=LATE, external=True, recovery=Recovered(apology=True), contacts=(Contact(5),), after=1,
    ),
    Case(
        "6 Late parcel, proactive new ETA + apology",
        before=4, severity=LATE, external=True, recovery=Recovered(fast=True, apology=True, proactive=True), after=1,
    ),
    Case("7 Lost order, silent", before=4, severity=LOST),
    Case(
        "8 Lost order, 2 contacts (the second transferred), slow, not fixed",
        before=4, severity=LOST, recovery=Recovered(),
        contacts=(Contact(5, resolved=False), Contact(5, resolved=False, transferred_wait_min=5)),
    ),
    Case(
        "9 Lost order, 1 contact, fast fix + apology + compensation",
        before=4, severity=LOST, recovery=Recovered(fixed=True, fast=True, apology=True, compensation=True), contacts=(Contact(3),),
    ),
    Case(
        "10 Lost order, proactive fix + apology + compensation",
        before=4, severity=LOST, recovery=Recovered(fixed=True, fast=True, apology=True, proactive=True, compensation=True),
    ),
    Case(
        "11 As 3, but the customer's second failure",
        before=3, severity=CRASH, recovery=Recovered(fixed=True, fast=True, apology=True), contacts=(Contact(3),), after=2,
        prior_failures=1,
    ),
    Case(
        "12 Minor external failure, proactive fix + apology + compensation (paradox)",
        before=3, severity=0.2, external=True,
        recovery=Recovered(fixed=True, fast=True, apology=True, proactive=True, compensation=True), after=2,
    ),
    Case("13 As 2, for a customer with 8 journeys behind them", before=3, severity=CRASH, after=2, journeys_before=8),
)  # fmt: skip


def table() -> str:
    """The worked cases as a Markdown table."""
    rows = [
        "| case | memory R | attitude A | trust T | effort E | CES | P(buy again) | expected NPS | expected CSAT top-2 |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for case in CASES:
        o = evaluate(case)
        rows.append(
            f"| {case.name} | {o.memory:+.3f} | {o.attitude:+.3f} | {o.trust:.3f} | {o.effort} | {o.ces:.1f} "
            f"| {o.repeat:.3f} | {o.nps:+.0f} | {100 * o.csat_top2:.0f} % |"
        )
    return "\n".join(rows) + "\n"


if __name__ == "__main__":
    sys.stdout.write(table())
