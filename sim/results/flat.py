"""A run's results as one flat mapping of dotted keys to numbers, and the unit of each key.

Why: a replication records its results this way (``money.profit``, ``channels.phone.service_level``,
``daily.revenue.3``, ``intervals.phone.mon.09:00.service_level``), summaries and paired
differences are computed per key, and the tidy rows of every export (``sim.results.tidy``) name
their metric by it. One run and a thousand replications are then read the same way.
"""

from __future__ import annotations

import math
from typing import Any

from sim.results.intervals import ROW_METRICS
from sim.results.intervals import flat_metrics as interval_metrics
from sim.results.kpis import CHANNEL_DAILY, DAILY_FIELDS
from sim.results.units import UNITS, unit_of

# Top-level keys of a results document that are not KPIs (identity, text, lists) or have their own flattening.
SKIP = {"format", "cxsim_version", "scenario", "policy", "seed", "currency", "decisions", "commands", "daily", "intervals"}
_TOP_UNITS = {"horizon_days": "days", "warmup_days": "days", "sim_minutes": "min"}
_INTERVAL_UNITS = dict(ROW_METRICS)
_DAILY_MONEY = {"revenue", "costs", "profit"}
# A unit a spreadsheet would read as the start of a formula ("-100..100"), as the exports name it instead.
_EXPORT_NAMES = {"-100..100": "points (-100 to 100)"}


def flatten(results: dict[str, Any], prefix: str = "") -> dict[str, float]:
    """Every number of a run's results under a dotted key (None and non-numbers left out)."""
    out: dict[str, float] = {}
    for key, value in results.items():
        if not prefix and key in SKIP:
            continue
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(flatten(value, path + "."))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int | float) and math.isfinite(value):
            out[path] = float(value)
    return out


def flat_results(results: dict[str, Any]) -> dict[str, float]:
    """What one replication records of a run's results (``cxsim.run/1``): ``flatten``, the interval cells, the daily series.

    The daily series are kept as ``daily.<field>.<day>`` so that every day gets its own interval;
    the interval cells (with ``--interval``) as ``intervals.<channel>.<weekday>.<HH:MM>.<metric>``.
    """
    flat = flatten(results)
    if "intervals" in results:
        flat.update(interval_metrics(results["intervals"]))
    channel_fields = [f"{ch}_{key}" for ch in results["channels"] for key in CHANNEL_DAILY]
    for row in results["daily"]:
        for key in (*DAILY_FIELDS, *channel_fields):
            value = row.get(key)
            if value is not None:
                flat[f"daily.{key}.{row['day']}"] = float(value)
    return flat


def metric_unit(metric: str, currency: str) -> str:
    """The unit of a dotted key, as the exports print it: ``EUR`` (the currency), ``fraction`` (0-1), ``min``, ``contacts``...

    The leaf's unit is ``sim.results.units.UNITS``; money is in the scenario's currency; a daily
    column ``<channel>_<field>`` has its field's unit; an interval cell its metric's.
    """
    parts = metric.split(".")
    if len(parts) == 1:
        return _TOP_UNITS.get(metric, UNITS.get(metric, ""))
    if parts[0] == "intervals" and len(parts) == 5:
        return _INTERVAL_UNITS.get(parts[4], "")
    if parts[0] == "daily" and len(parts) == 3:
        field = parts[1]
        if field in _DAILY_MONEY:
            return currency
        leaf = next((c for c in CHANNEL_DAILY if field.endswith("_" + c)), field)
    else:
        leaf = parts[-1]
    unit = unit_of(parts[0], leaf, currency)
    return _EXPORT_NAMES.get(unit, unit)
