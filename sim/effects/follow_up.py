"""Follow up: a personal message to each affected customer not yet recovered, once the incident is over."""

from __future__ import annotations

from typing import ClassVar, Literal

from sim.effects.base import CustomerFacing


class FollowUp(CustomerFacing):
    """A personal follow-up to each affected customer after the incident is over."""

    effect: Literal["follow_up"]
    after_incident: ClassVar[bool] = True
