"""Parameter sweeps: a grid of values for any scenario key, validated before anything runs.

``--set touchpoints.phone.agents=6:14:2`` gives 6, 8, 10, 12, 14; ``--set key=a,b,c`` a list;
``--set key=v`` one value. Each value is read as a TOML value, so numbers, true/false and
"quoted text" all work. Several ``--set`` flags make a grid (every combination).
"""

from __future__ import annotations

import copy
import itertools
import tomllib
from decimal import Decimal, InvalidOperation
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.loader import validate_data

Override = tuple[str, Any]
MAX_POINTS = 10_000


class SweepError(ScenarioError):
    """A --set flag is malformed or names a key or value the scenario does not accept."""


def _bad(message: str) -> SweepError:
    return SweepError([Problem("--set", None, "", message)])


def _value(text: str, flag: str) -> Any:
    try:
        return tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        raise _bad(f"{flag}: '{text.strip()}' is not a value (numbers, true/false, or \"quoted text\")") from None


def parse_set(flag: str) -> tuple[str, list[Any]]:
    """'key=spec' into the key and its list of values."""
    key, sep, spec = flag.partition("=")
    key = key.strip()
    if not sep or not key or not spec.strip():
        raise _bad(f"'{flag}': expected KEY=VALUES, e.g. touchpoints.phone.agents=6:14:2")
    if ":" in spec and not spec.strip().startswith('"'):
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            raise _bad(f"{key}: a range is START:STOP or START:STOP:STEP (got '{spec}')")
        try:
            start, stop = Decimal(parts[0].strip()), Decimal(parts[1].strip())
            step = Decimal(parts[2].strip()) if len(parts) == 3 else Decimal(1)
        except InvalidOperation:
            raise _bad(f"{key}: a range needs numbers (got '{spec}')") from None
        if step <= 0:
            raise _bad(f"{key}: the step must be positive (got {step})")
        if stop < start:
            raise _bad(f"{key}: the range {spec} is empty (stop is below start)")
        values: list[Any] = []
        v = start
        while v <= stop:
            values.append(int(v) if v == v.to_integral_value() and all("." not in p for p in parts) else float(v))
            v += step
        return key, values
    return key, [_value(item, key) for item in spec.split(",")]


def grid(flags: list[str]) -> list[tuple[Override, ...]]:
    """Every combination of the --set values, in flag order."""
    parsed = [parse_set(f) for f in flags]
    keys = [k for k, _ in parsed]
    if len(set(keys)) != len(keys):
        raise _bad("a key is set twice")
    points = [tuple(zip(keys, combo, strict=True)) for combo in itertools.product(*(v for _, v in parsed))]
    if len(points) > MAX_POINTS:
        raise _bad(f"the grid has {len(points):,} points; at most {MAX_POINTS:,}")
    return points


def apply(raw: dict[str, Any], overrides: tuple[Override, ...]) -> dict[str, Any]:
    """A copy of scenario data with the overrides set (creating tables along the way)."""
    data = copy.deepcopy(raw)
    for key, value in overrides:
        node: Any = data
        parts = key.split(".")
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if isinstance(node, list):  # an array of tables, e.g. shifts.1.agents
                if not part.isdigit() or int(part) >= len(node):
                    raise _bad(f"{key}: '{part}' is not an index of this list (0 to {len(node) - 1})")
                if last:
                    node[int(part)] = value
                else:
                    node = node[int(part)]
            elif isinstance(node, dict):
                if last:
                    node[part] = value
                else:
                    node = node.setdefault(part, {})
            else:
                raise _bad(f"{key}: '{parts[i - 1]}' is a value, not a table")
    return data


def validate_point(raw: dict[str, Any], overrides: tuple[Override, ...], name: str) -> None:
    """Raise a SweepError naming the --set key if the scenario with these overrides is invalid."""
    try:
        validate_data(apply(raw, overrides), name)
    except SweepError:
        raise
    except ScenarioError as exc:
        label = ", ".join(f"{k}={v}" for k, v in overrides)
        problems = [Problem("--set", None, p.path, f"{p.message} (at {label})") for p in exc.problems]
        raise SweepError(problems) from exc


def label(overrides: tuple[Override, ...]) -> str:
    """'key=value, key=value' for tables."""
    return ", ".join(f"{k}={v}" for k, v in overrides) or "as written"
