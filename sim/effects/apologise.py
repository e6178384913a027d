"""Apologise: the interactional-justice part of a recovery."""

from __future__ import annotations

from typing import ClassVar, Literal

from sim.effects.base import CustomerFacing, RecoveryComponent


class Apologise(CustomerFacing):
    """Say sorry."""

    effect: Literal["apologise"]
    recovery_component: ClassVar[RecoveryComponent | None] = "apology"
