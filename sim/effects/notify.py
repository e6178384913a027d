"""Notify: the proactive mechanism. With a notice in force, the brand reaches affected customers first.

The engine runs the outreach (``sim.engine.responses``): every ``within_min`` minutes it sends
the notice, with every customer-facing response in force, to each customer the incident has
affected since, if the brand detected the incident at all.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from sim.effects.base import CustomerFacing


class Notify(CustomerFacing):
    """Reach every affected customer first, before they contact the brand (proactive)."""

    effect: Literal["notify"]
    within_min: float = Field(30.0, gt=0, description="Minutes to reach each affected customer.")
    via: Literal["email", "sms", "app"] = Field("email", description="Channel of the notice.")
    notice: Literal["clear", "vague"] = Field(
        "clear", description="'clear' states the remedy and next step; 'vague' only says something went wrong."
    )
