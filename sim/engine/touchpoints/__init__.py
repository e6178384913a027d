"""Touchpoint kinds at run time: one module per kind, registered by the ``kind`` its scenario table names.

A kind is a class with ``kind``, ``spec_class`` (its table in the scenario format),
``__init__(ctx, name, spec)`` (build its samplers and state, from streams named after it) and
``visit(ctx, customer)`` (a SimPy generator that spends the customer's time there and returns
whether they got what they came for). The journey calls ``visit`` (a self-service step, the
most frequent, it runs inline through the same halves, ``arrive`` and ``leave``); adding a kind is a
table in ``sim.scenario.schema``, a module here and one line in ``TOUCHPOINT_KINDS``
(docs/architecture.md walks through an example).
"""

from __future__ import annotations

from typing import Any

from sim.engine.context import RunContext, Touchpoint
from sim.engine.touchpoints.self_service import SelfServiceTouchpoint
from sim.engine.touchpoints.staffed import StaffedTouchpoint

TOUCHPOINT_KINDS: dict[str, Any] = {
    SelfServiceTouchpoint.kind: SelfServiceTouchpoint,
    StaffedTouchpoint.kind: StaffedTouchpoint,
}


def build_touchpoint(ctx: RunContext, name: str, spec: Any) -> Touchpoint:
    """The run-time touchpoint for one scenario table, by its ``kind``."""
    tp: Touchpoint = TOUCHPOINT_KINDS[spec.kind](ctx, name, spec)
    return tp


__all__ = ["TOUCHPOINT_KINDS", "SelfServiceTouchpoint", "StaffedTouchpoint", "build_touchpoint"]
