"""Compensate: the distributive-justice part of a recovery, with its cost per customer reached."""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field

from sim.effects.base import CustomerFacing, RecoveryComponent


class Compensate(CustomerFacing):
    """Give each affected customer something of value (a discount, a refund, a voucher)."""

    effect: Literal["compensate"]
    amount: float = Field(gt=0, description="Value given to each customer reached, currency.")
    recovery_component: ClassVar[RecoveryComponent | None] = "compensation"

    def compensation_amount(self) -> float:
        return self.amount
