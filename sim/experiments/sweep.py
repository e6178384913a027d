"""Parameter sweeps: a grid of values for any scenario key, validated before anything runs.

``--set touchpoints.phone.agents=6:14:2`` gives 6, 8, 10, 12, 14; ``--set key=a,b,c`` a list;
``--set key=v`` one value. Each value is read as a TOML value, so numbers, true/false and
"quoted text" all work; a value that starts with ``[`` or ``{`` is one array or table (the
``shifts`` ``cxsim staff --fragment`` writes), and setting a staffed channel's ``shifts``
replaces its ``agents`` (or the other way round). Several ``--set`` flags make a grid (every combination).

The sweep's report keeps the KPIs of the channel being swept (``sweep_kpis``) and gives the
paired difference between each point and the one before it (``step_differences``); the
results document is ``sim.experiments.sweep_results``.
"""

from __future__ import annotations

import copy
import itertools
import math
import tomllib
from collections.abc import Iterable, Sequence
from decimal import ROUND_FLOOR, Decimal, DecimalException, InvalidOperation, localcontext
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.experiments.stats import Interval, Running
from sim.results.kpis import Kpi, kpi_for
from sim.scenario.loader import validate_data
from sim.scenario.schema import Scenario

Override = tuple[str, Any]
MAX_POINTS = 10_000
_EITHER = {"agents": "shifts", "shifts": "agents"}  # setting one of a staffed channel's staffing keys replaces the other


class SweepError(ScenarioError):
    """A --set flag is malformed or names a key or value the scenario does not accept."""


def _bad(message: str) -> SweepError:
    return SweepError([Problem("--set", None, "", message)])


def _value(text: str, flag: str) -> Any:
    try:
        value = tomllib.loads(f"v = {text.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        raise _bad(f"{flag}: '{text.strip()}' is not a value (numbers, true/false, or \"quoted text\")") from None
    if isinstance(value, float) and not math.isfinite(value):
        raise _bad(f"{flag}: '{text.strip()}' is not a finite number")
    return value


def _number(text: str, key: str, spec: str) -> Decimal:
    try:
        number = Decimal(text.strip())
    except (InvalidOperation, ValueError):
        raise _bad(f"{key}: a range needs numbers (got '{spec}')") from None
    if not number.is_finite():
        raise _bad(f"{key}: a range needs finite numbers (got '{text.strip()}' in '{spec}')")
    return number


def range_size(start: Decimal, stop: Decimal, step: Decimal) -> int | None:
    """How many values START:STOP:STEP has (both ends included), without listing them; None if too many to count."""
    try:
        with localcontext() as ctx:
            ctx.prec = 60
            return int(((stop - start) / step).to_integral_value(rounding=ROUND_FLOOR)) + 1
    except (DecimalException, OverflowError):
        return None


def parse_set(flag: str, limit: int = MAX_POINTS) -> tuple[str, list[Any]]:
    """'key=spec' into the key and its list of values (a range of more than ``limit`` values is refused unbuilt)."""
    key, sep, spec = flag.partition("=")
    key = key.strip()
    if not sep or not key or not spec.strip():
        raise _bad(f"'{flag}': expected KEY=VALUES, e.g. touchpoints.phone.agents=6:14:2")
    if spec.strip().startswith(("[", "{")):  # one TOML array or table, e.g. a list of shifts: never a range or a list of values
        return key, [_value(spec, key)]
    if ":" in spec and not spec.strip().startswith('"'):
        parts = spec.split(":")
        if len(parts) not in (2, 3):
            raise _bad(f"{key}: a range is START:STOP or START:STOP:STEP (got '{spec}')")
        start, stop = _number(parts[0], key, spec), _number(parts[1], key, spec)
        step = _number(parts[2], key, spec) if len(parts) == 3 else Decimal(1)
        if step <= 0:
            raise _bad(f"{key}: the step must be positive (got {step})")
        if stop < start:
            raise _bad(f"{key}: the range {spec} is empty (stop is below start)")
        size = range_size(start, stop, step)
        if size is None or size > limit:
            count = "too many values to count" if size is None else f"{size:,} values"
            raise _bad(f"{key}: the range {spec} has {count}; a grid has at most {MAX_POINTS:,} points")
        integral = all("." not in p for p in parts)
        values: list[Any] = []
        for n in range(size):
            v = start + n * step
            values.append(int(v) if integral and v == v.to_integral_value() else float(v))
        return key, values
    return key, [_value(item, key) for item in spec.split(",")]


def grid(flags: list[str]) -> list[tuple[Override, ...]]:
    """Every combination of the --set values, in flag order (the size is checked before the grid is built)."""
    return combine([parse_set(f) for f in flags])


def combine(parsed: Sequence[tuple[str, Sequence[Any]]]) -> list[tuple[Override, ...]]:
    """Every combination of the keys' values, in key order (the size is checked before the grid is built)."""
    keys = [k for k, _ in parsed]
    if len(set(keys)) != len(keys):
        raise _bad("a key is set twice")
    size = math.prod(len(v) for _, v in parsed)
    if size > MAX_POINTS:
        raise _bad(f"the grid has {size:,} points; at most {MAX_POINTS:,}")
    return [tuple(zip(keys, combo, strict=True)) for combo in itertools.product(*(v for _, v in parsed))]


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
                    if part in _EITHER and node.get("kind") == "staffed":  # a staffed channel has agents or shifts, not both
                        node.pop(_EITHER[part], None)
                else:
                    node = node.setdefault(part, {})
            else:
                raise _bad(f"{key}: '{parts[i - 1]}' is a value, not a table")
    return data


def validate_point(raw: dict[str, Any], overrides: tuple[Override, ...], name: str) -> Scenario:
    """The scenario with these overrides; a SweepError naming the --set key if it is invalid."""
    try:
        return validate_data(apply(raw, overrides), name).scenario
    except SweepError:
        raise
    except ScenarioError as exc:
        label = ", ".join(f"{k}={v}" for k, v in overrides)
        problems = [Problem("--set", None, p.path, f"{p.message} (at {label})") for p in exc.problems]
        raise SweepError(problems) from exc


def label(overrides: tuple[Override, ...]) -> str:
    """'key=value, key=value' for tables."""
    return ", ".join(f"{k}={v}" for k, v in overrides) or "as written"


def swept_channels(keys: Sequence[str], channels: Sequence[str]) -> list[str]:
    """The staffed channels whose own keys a sweep changes (``touchpoints.phone.shifts.1.agents`` -> phone), in channel order."""
    named = {k.split(".")[1] for k in keys if k.startswith("touchpoints.") and k.count(".") >= 2}
    return [ch for ch in channels if ch in named]


def sweep_kpis(channels: Sequence[str], keys: Sequence[str], chosen: Sequence[str] | None = None) -> list[Kpi]:
    """The KPIs a sweep's table reports: the ``--kpi`` ones if chosen, else the defaults.

    The defaults are profit, repeat purchase and NPS, then abandonment, service level and mean
    wait of every channel the sweep changes (of the first staffed channel if it changes none):
    the channel being swept is always in the table.
    """
    if chosen:
        return [kpi_for(k, channels) for k in dict.fromkeys(chosen)]
    picked = swept_channels(keys, channels) or list(channels[:1])
    out = [kpi_for(k, channels) for k in ("money.profit", "experience.repeat_purchase_rate", "experience.nps")]
    for ch in picked:
        out += [kpi_for(f"channels.{ch}.{k}", channels) for k in ("abandon_rate", "service_level", "wait_mean_min")]
    return out


def unknown_kpi(chosen: Iterable[str], scenario: Scenario, flag: str = "--kpi") -> str | None:
    """The line refusing the first chosen KPI that the scenario's results do not have; None when all are known."""
    from sim.results.results import result_keys
    from sim.scenario.checks import did_you_mean

    known = result_keys(scenario)
    for name in chosen:
        if name not in known:
            return f"{flag}: unknown KPI '{name}'{did_you_mean(name, known)} (the dotted keys of cxsim run --json)"
    return None


def previous_points(points: Sequence[tuple[Override, ...]]) -> list[int | None]:
    """For each grid point, the index of the point one step before it along the last key (None for the first of a row).

    A grid is the product of its keys in flag order, so that point is the one just before it
    when every other key has the same value.
    """
    out: list[int | None] = [None]
    for n in range(1, len(points)):
        same_row = [v for _, v in points[n][:-1]] == [v for _, v in points[n - 1][:-1]]
        out.append(n - 1 if same_row else None)
    return out


def step_differences(
    before: Iterable[dict[str, float]], after: Iterable[dict[str, float]], metrics: Sequence[str]
) -> dict[str, Interval]:
    """Paired 95 % intervals of after - before for each metric, over replications that share a seed.

    Every grid point runs on the same seeds, so the difference between two neighbouring points
    is measured customer by customer, as a comparison between policies is.
    """
    acc = {m: Running() for m in metrics}
    for a, b in zip(before, after, strict=True):
        for m in metrics:
            x, y = a.get(m), b.get(m)
            if x is not None and y is not None:
                acc[m].add(y - x)
    return {m: r.interval() for m, r in acc.items() if r.n}

