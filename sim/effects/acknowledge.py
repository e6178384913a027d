"""Acknowledge: tell affected customers the problem is known (every recovery includes it)."""

from __future__ import annotations

from typing import Literal

from sim.effects.base import CustomerFacing


class Acknowledge(CustomerFacing):
    """Tell customers the problem is known."""

    effect: Literal["acknowledge"]
