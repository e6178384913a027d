"""Expected flow through a scenario's routes: how often a customer visits each touchpoint.

A step succeeds with its success (or resolution) probability and then follows ``next``,
otherwise ``on_failure``; ``contact`` spreads over the staffed channels by the segments'
preferences. Per-segment overrides and failures are left out: this is an estimate, shared by
``cxsim lint`` (offered load) and the decision cards' cost estimates, so both read the same numbers.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.scenario.schema import CONTACT, END, Scenario, Staffed


def contact_shares(scenario: Scenario) -> dict[str, float]:
    """Where 'contact' goes: the segments' channel preferences weighted by their shares (else every staffed channel)."""
    shares: dict[str, float] = {}
    for seg in scenario.segments.values():
        total = sum(seg.channel_preferences.values())
        for tp, w in seg.channel_preferences.items():
            shares[tp] = shares.get(tp, 0.0) + seg.share * (w / total if total else 0.0)
    staffed = scenario.staffed()
    return shares or {tp: 1 / len(staffed) for tp in staffed}


def visits_from(scenario: Scenario, targets: Mapping[str, float]) -> dict[str, float]:
    """Expected visits to each touchpoint of a customer sent to ``targets``, following the routes' probabilities."""
    shares = contact_shares(scenario)
    visits = dict.fromkeys(scenario.touchpoints, 0.0)
    mass: dict[str, float] = {}

    def spread(to: Mapping[str, float], weight: float, into: dict[str, float]) -> None:
        for target, p in to.items():
            if target == CONTACT:
                for tp, share in shares.items():
                    into[tp] = into.get(tp, 0.0) + weight * p * share
            elif target != END and p > 0:
                into[target] = into.get(target, 0.0) + weight * p

    spread(targets, 1.0, mass)
    for _ in range(scenario.journey.max_steps):
        if sum(mass.values()) < 1e-9:
            break
        nxt: dict[str, float] = {}
        for tp, m in mass.items():
            visits[tp] = visits.get(tp, 0.0) + m
            spec, route = scenario.touchpoints.get(tp), scenario.journey.routes.get(tp)
            if spec is None or route is None:
                continue
            ok = spec.resolution_probability if isinstance(spec, Staffed) else spec.success_probability
            spread(route.next, m * ok, nxt)
            spread(route.on_failure, m * (1 - ok), nxt)
        mass = nxt
    return visits
