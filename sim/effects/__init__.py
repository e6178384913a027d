"""Response effects: one module per effect, each its TOML table, its documentation and its behaviour.

``EFFECTS`` is the registry, keyed by the ``effect`` tag a trainer writes. The scenario format
builds its ``Response`` table from it, the format reference documents every entry, and the
engine calls each entry's behaviour, so adding an effect is one module here plus one line
below (docs/architecture.md walks through an example).
"""

from __future__ import annotations

import typing

from sim.effects.acknowledge import Acknowledge
from sim.effects.add_agents import AddAgents
from sim.effects.apologise import Apologise
from sim.effects.base import CustomerFacing, EffectContext, Operational, ResponseSpec
from sim.effects.compensate import Compensate
from sim.effects.fix import Fix
from sim.effects.follow_up import FollowUp
from sim.effects.move_agents import MoveAgents
from sim.effects.notify import Notify
from sim.effects.offer_callback import OfferCallback
from sim.effects.thank_reviewers import ThankReviewers
from sim.effects.touch import Touch


def _registry(*classes: type[ResponseSpec]) -> dict[str, type[ResponseSpec]]:
    out: dict[str, type[ResponseSpec]] = {}
    for cls in classes:
        (tag,) = typing.get_args(cls.model_fields["effect"].annotation)
        out[tag] = cls
    return out


# The registry, in the order the format reference lists the effects.
EFFECTS: dict[str, type[ResponseSpec]] = _registry(
    Acknowledge,
    Apologise,
    Compensate,
    FollowUp,
    ThankReviewers,
    Touch,
    Fix,
    Notify,
    OfferCallback,
    AddAgents,
    MoveAgents,
)

__all__ = [
    "EFFECTS",
    "Acknowledge",
    "AddAgents",
    "Apologise",
    "Compensate",
    "CustomerFacing",
    "EffectContext",
    "Fix",
    "FollowUp",
    "MoveAgents",
    "Notify",
    "OfferCallback",
    "Operational",
    "ResponseSpec",
    "ThankReviewers",
    "Touch",
]
