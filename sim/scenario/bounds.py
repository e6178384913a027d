"""The limits every number in a scenario keeps, so no value a trainer can type hangs or crashes a run.

Every table of the format (``types.Strict``, the distributions, the customer model) refuses
``nan`` and ``inf`` and any number beyond ``MAX_MAGNITUDE`` (a billion: larger than any rate,
amount or duration a scenario means, small enough that sums of them stay finite). Keys with
tighter limits say so in the format reference, in its "range" column. The seed is the one
number allowed beyond a billion.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, ValidationInfo

MAX_MAGNITUDE = 1e9
UNBOUNDED_KEYS = frozenset({"seed"})

# The configuration every table of the format shares: unknown keys are errors, values never
# change after load, and nan or inf are never a number.
FORMAT_CONFIG = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def check_magnitude(value: Any, info: ValidationInfo) -> Any:
    """A pydantic field validator: every number in the value lies within +/- ``MAX_MAGNITUDE``."""
    if info.field_name in UNBOUNDED_KEYS:
        return value
    worst = _largest(value)
    if worst is not None and abs(worst) > MAX_MAGNITUDE:
        raise ValueError(f"{worst:g} is out of range: numbers in a scenario lie between -1e9 and 1e9")
    return value


def _largest(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    items: list[Any] = list(value.values()) if isinstance(value, dict) else list(value) if isinstance(value, list | tuple) else []
    found = [x for x in (_largest(v) for v in items) if x is not None]
    return max(found, key=abs) if found else None
