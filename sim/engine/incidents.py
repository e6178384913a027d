"""The incident board: which failures are in progress, who they affect, and when they are forgotten.

An incident starts (its touchpoint is marked failing; standing and policy responses are put in
force; decisions triggered by it come up), collects the customers it affects (each loses trust,
gets a failure moment, and may speak up), and ends (follow-ups go out). It is forgotten once no
notice will reach its customers any more, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Collection

from sim.behaviour.experience import failure_moment, trust_after_failure
from sim.behaviour.loyalty import complain_probability
from sim.engine.context import RunContext
from sim.engine.entities import Customer, Hit, Incident
from sim.engine.responses import apply_response, attach, deliver
from sim.records import CustomerAffected, NoticeSent
from sim.rng import stream_key


def contact_probability(ctx: RunContext, incident: Incident) -> float:
    """The chance a customer who runs into ``incident`` speaks up (contacts service), given the notice in force.

    Without a notice the complaint curve of severity decides. A clear notice answers the
    questions a customer would call about, so it never makes contacting more likely than hearing
    nothing: at most ``contact_after_clear_notice``. A vague one raises questions it does not
    answer, so it never makes contacting less likely: at least ``contact_after_vague_notice``.
    """
    r = ctx.model.recovery
    p = complain_probability(incident.spec.severity, r)
    if incident.notify is not None and incident.detected:
        if incident.notify[1].notice == "clear":
            return min(p, r.contact_after_clear_notice)
        return max(p, r.contact_after_vague_notice)
    return p


class Incidents:
    """The incidents of one run (satisfies ``context.IncidentBoard``)."""

    def __init__(self, ctx: RunContext) -> None:
        self.ctx = ctx
        self.incidents: list[Incident] = []
        self.at = ctx.incident_at
        # standing rules: response -> the failures it answers from now on (None: every failure), in the order given
        self.standing: dict[str, frozenset[str] | None] = {}
        self._started: dict[str, int] = {}  # failure -> incidents of it so far (numbers each one for its draws)

    def active(self) -> list[Incident]:
        """Incidents still in progress, oldest first."""
        return [i for i in self.incidents if i.active]

    def active_names(self) -> set[str]:
        """The failures in progress now."""
        return {i.name for i in self.incidents if i.active}

    def add_rule(self, name: str, failures: Collection[str] = ()) -> None:
        """A standing rule ('from now on'): response ``name`` answers every later incident (of ``failures``, if listed).

        A second rule for the same response widens the first; the policy's own ``on_failure``
        responses already answer every incident.
        """
        if name in self.ctx.policy.on_failure:
            return
        wanted = frozenset(failures) or None
        if name not in self.standing:
            self.standing[name] = wanted
        else:
            had = self.standing[name]
            self.standing[name] = None if had is None or wanted is None else had | wanted

    def answers(self, name: str, incident: Incident) -> bool:
        """Whether standing rule ``name`` answers ``incident``."""
        only = self.standing.get(name)
        return name in self.standing and (only is None or incident.name in only)

    def start(self, incident: Incident) -> None:
        """A failure began: mark its touchpoint and put standing and policy responses in force."""
        ctx = self.ctx
        incident.number = self._started[incident.name] = self._started.get(incident.name, 0) + 1
        self.incidents.append(incident)
        self.at[incident.spec.touchpoint] = incident
        responses = ctx.scenario.responses
        for name in self.standing:
            if not self.answers(name, incident):
                continue
            if responses[name].attaches:
                attach(ctx, incident, name)
            else:  # a standing fix: applied (and paid) for each incident of its failure
                apply_response(ctx, name, incident)
        for name in ctx.policy.on_failure:
            apply_response(ctx, name, incident)
        ctx.decisions.failure_started(incident)

    def end(self, incident: Incident) -> None:
        """A failure ended: free its touchpoint and send follow-ups."""
        tp = incident.spec.touchpoint
        if self.at.get(tp) is incident:
            others = [i for i in self.active() if i.spec.touchpoint == tp]
            if others:
                self.at[tp] = others[-1]
            else:
                del self.at[tp]
        responses = self.ctx.scenario.responses
        follow_ups = tuple(n for n in incident.responses if responses[n].after_incident and not responses[n].callers_only)
        if follow_ups:
            for customer in incident.affected:
                hit = customer.hits.get(incident)
                if hit is not None and not hit.recovered:
                    deliver(self.ctx, customer, hit, follow_ups, proactive=True, resolved=False)
        if incident.notify is None:
            self.release(incident)

    def release(self, incident: Incident) -> None:
        """Forget an incident's customers once nothing more will reach them."""
        incident.affected = []
        if incident in self.incidents:
            self.incidents.remove(incident)

    def affect(self, customer: Customer, incident: Incident, *, voice: bool) -> None:
        """A customer ran into a failure: a failure moment, lost trust, and perhaps a complaint."""
        if incident in customer.hits:
            return
        ctx = self.ctx
        spec = incident.spec
        m = ctx.model
        attribution = m.moments.external_attribution if spec.cause == "external" else 1.0
        trust_before = customer.trust
        customer.trust = trust_after_failure(trust_before, spec.severity, attribution, customer.failures, m.memory)
        customer.hits[incident] = Hit(
            incident, len(customer.moments), spec.severity, attribution, trust_before, ctx.env.now, customer.failures
        )
        customer.moments.append(failure_moment(spec.severity, attribution, 0.0, m.moments))
        customer.failures += 1
        incident.affected_count += 1
        incident.affected.append(customer)
        ctx.emit(
            CustomerAffected(
                time=ctx.env.now, customer=customer.id, failure=incident.name, touchpoint=spec.touchpoint, severity=spec.severity
            )
        )
        if voice and ctx.channels:
            p = contact_probability(ctx, incident)
            if ctx.draws.voice(customer.id, customer.journeys * 1024 + len(customer.hits)) < p:
                customer.voice = incident

    def send_needless_notices(self, incident: Incident, reached: int) -> None:
        """Some notices reach recent customers who were never affected: a small churn penalty for each."""
        ctx = self.ctx
        share = ctx.model.recovery.needless_outreach_share
        pending = ctx.outcomes.pending
        if share <= 0 or not pending:
            return
        expected = share * reached
        draw = ctx.draws.needless
        count = int(expected) + (draw(stream_key(incident.name), int(ctx.env.now * 1000)) < expected % 1)
        for k in range(min(count, len(pending))):
            customer = pending[int(draw(len(pending), k) * len(pending))][1]
            if incident not in customer.hits:
                customer.needless += 1
                ctx.emit(NoticeSent(time=ctx.env.now, customer=customer.id, failure=incident.name, notice="needless"))

    def detect_draw(self, incident: Incident) -> float:
        """A uniform draw deciding whether the brand detects an incident (keyed by failure and incident number).

        The key is fixed when the incident starts, so a response chosen by a policy at that instant
        and the same response chosen by a trainee's command later draw the same number.
        """
        return self.ctx.draws.detect(stream_key(incident.name), incident.number)
