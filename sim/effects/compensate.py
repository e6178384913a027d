"""Compensate: the distributive-justice part of a recovery, with its cost per customer reached.

The value is either a fixed ``amount`` or a ``percent`` of the journey's order (placed, or lost
to the failure); a customer with no order yet gets a voucher worth that percent of their
segment's average order, so a percentage discount is never silently worth nothing.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from sim.effects.base import CustomerFacing, RecoveryComponent


class Compensate(CustomerFacing):
    """Give each affected customer something of value (a discount, a refund, a voucher): an amount or a percentage of the order."""

    effect: Literal["compensate"]
    amount: float | None = Field(None, gt=0, description="Value given to each customer reached, currency (give this or percent).")
    percent: float | None = Field(
        None,
        gt=0,
        le=100,
        description=(
            "Value given as a percentage of the journey's order, placed or lost (give this or amount); a customer with no"
            " order yet gets this percentage of their segment's mean order value."
        ),
    )
    reaches: Literal["everyone", "callers"] = Field(
        "everyone",
        description=(
            "Who gets it: everyone the brand reaches (callers and, with a notice in force, every affected customer it "
            "notifies) or only customers who contact service (a goodwill gesture of the agents)."
        ),
    )
    recovery_component: ClassVar[RecoveryComponent | None] = "compensation"

    @property
    def callers_only(self) -> bool:
        return self.reaches == "callers"

    @model_validator(mode="after")
    def _amount_or_percent(self) -> Compensate:
        if (self.amount is None) == (self.percent is None):
            raise ValueError("give exactly one of amount (a fixed value) or percent (of the order), not both and not neither")
        return self

    def compensation_amount(self, order_value: float = 0.0) -> float:
        """The fixed amount, or ``percent`` of ``order_value``."""
        if self.amount is not None:
            return self.amount
        return (self.percent or 0.0) / 100.0 * order_value
