"""Field types and the base model shared by every table of the scenario format.

They live apart from ``schema`` so the response effects (``sim.effects``), whose tables are
part of the format, can build on them without importing the whole schema.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator

from sim.clock import parse_clock
from sim.scenario.bounds import FORMAT_CONFIG, check_magnitude

Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
Probability = Annotated[float, Field(ge=0, le=1)]
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
ALL_WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Stage = Literal["awareness", "consideration", "purchase", "delivery", "post_purchase", "service"]
STAGE_ORDER: tuple[str, ...] = ("awareness", "consideration", "purchase", "delivery", "post_purchase", "service")
Channel = Literal[
    "social_ad",
    "website",
    "app",
    "virtual_assistant",
    "checkout",
    "phone",
    "chat",
    "email",
    "sms",
    "ivr",
    "store",
    "delivery",
    "review",
]
END = "end"
CONTACT = "contact"
RESERVED_TARGETS = (END, CONTACT)


class Strict(BaseModel):
    """Base of every scenario table: unknown keys are errors, values never change after load, numbers are bounded."""

    model_config = FORMAT_CONFIG
    _bounded = field_validator("*")(check_magnitude)


def check_clock(value: str) -> str:
    """A pydantic validator: the value is a clock time 'HH:MM' (raises ValueError otherwise)."""
    parse_clock(value)
    return value
