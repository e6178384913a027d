"""Experience touches and product moments: what a self-service step adds to its moment.

Two things can make a step that went as expected feel better (or worse) than ``a_ok``:

- an *experience touch* in force there (``sim.effects.touch``: a handwritten note or eco
  packaging at delivery, an early-access offer at the last step), put in force by a policy, a
  decision or a command, for the rest of the run; each customer it reaches adds its ``affect``
  and costs its ``cost_per_customer`` (a ``TouchDelivered`` record);
- the *product* itself, at a touchpoint marked ``product_moment``: the segment's product
  quality, varying between customers by a keyed draw (``sim.behaviour.product``).

The step's touchpoint module calls ``Touches.felt`` right after it records the moment of a
visit that went as expected; a failed or delayed step keeps its failure moment and gets no
touch (nor its cost). Equations and sources: docs/model.md §9.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import cast

import simpy

from sim.behaviour.experience import clip
from sim.behaviour.product import customer_quality, product_affect
from sim.effects.base import TouchSpec
from sim.engine.entities import Customer
from sim.records import Record, TouchDelivered
from sim.rng import KeyedUniform
from sim.scenario.schema import Scenario, SelfService


def touched_moment(moment: float, extras: Iterable[float]) -> float:
    """The moment of a step that went as expected, with what its touches and its product add, kept in [-1, 1]."""
    return clip(moment + sum(extras))


@dataclass(frozen=True, slots=True)
class InForce:
    """One touch in force at a touchpoint."""

    response: str
    affect: float
    everyone: bool  # else only customers a failure hit this journey
    cost: float


class Touches:
    """The touches in force and the product moments, by touchpoint (one per run, ``RunContext.touches``)."""

    __slots__ = ("_draw", "_emit", "_env", "_product", "_quality", "_responses", "at")

    def __init__(self, scenario: Scenario, seed: int, env: simpy.Environment, emit: Callable[[Record], None]) -> None:
        self._env = env
        self._emit = emit
        self._responses = scenario.responses
        self._quality = {name: (seg.product_quality, seg.product_quality_sd) for name, seg in scenario.segments.items()}
        self._draw = KeyedUniform(seed, "product_quality")
        self._product = {name for name, tp in scenario.touchpoints.items() if isinstance(tp, SelfService) and tp.product_moment}
        self.at: dict[str, list[InForce]] = {name: [] for name in self._product}  # touchpoints whose moment gets extras

    def start(self, touch: TouchSpec) -> None:
        """Put a touch in force from now on (applying the same response twice changes nothing)."""
        name = next((n for n, spec in self._responses.items() if spec is cast(object, touch)), touch.at)
        in_force = self.at.setdefault(touch.at, [])
        if all(t.response != name for t in in_force):
            in_force.append(InForce(name, touch.affect, touch.audience == "everyone", touch.cost_per_customer))

    def felt(self, customer: Customer, touchpoint: str) -> None:
        """A visit to ``touchpoint`` went as expected: add its product and touches to the moment just recorded."""
        in_force = self.at.get(touchpoint)
        if in_force is None:
            return
        extras: list[float] = []
        if touchpoint in self._product:
            mean, sd = self._quality[customer.segment]
            extras.append(product_affect(customer_quality(mean, sd, self._draw(customer.id, customer.journeys))))
        now = self._env.now
        for t in in_force:
            if t.everyone or customer.hits:
                extras.append(t.affect)
                self._emit(
                    TouchDelivered(
                        time=now, customer=customer.id, touchpoint=touchpoint, response=t.response, affect=t.affect, cost=t.cost
                    )
                )
        if extras:
            customer.moments[-1] = touched_moment(customer.moments[-1], extras)
