"""The KPI catalogue: every headline number's key, label, unit and which way is better, in one place.

Tables, verdicts, HTML reports and charts read their KPIs from here, so a new KPI is one ``Kpi``
line. ``key`` is the dotted path into a run's results (``cxsim.run/1``); ``unit`` is one of the
units ``sim.results.precision`` knows; ``higher_is_better`` says which direction of a
difference is good news (None where it depends, such as the count of contacts): verdicts say
"better" or "worse" from it, and "higher" or "lower" where it is None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sim.results.units import UNITS


@dataclass(frozen=True, slots=True)
class Kpi:
    """One key performance indicator as people read it."""

    key: str
    label: str
    unit: str
    higher_is_better: bool | None

    def row(self) -> tuple[str, str, str]:
        """(key, label, unit), the shape tables and reports iterate."""
        return self.key, self.label, self.unit


# The columns of the daily series kept per replication (``daily.<column>.<day>``) and that a lesson
# with a ``days`` window may name; channel columns are ``<channel>_<column>``.
DAILY_FIELDS = ("orders", "revenue", "costs", "profit", "arrivals", "affected", "nps", "repeat_purchase_rate")
CHANNEL_DAILY = ("abandon_rate", "wait_mean_min", "queue_length_mean")
DAILY_RATES = frozenset({"nps", "repeat_purchase_rate", *CHANNEL_DAILY})  # averaged over a window, not summed


HEADLINE: tuple[Kpi, ...] = (
    Kpi("money.profit", "profit", "currency", True),
    Kpi("money.revenue", "revenue", "currency", True),
    Kpi("journey.orders", "orders", "orders", True),
    Kpi("experience.repeat_purchase_rate", "repeat purchase", "fraction", True),
    Kpi("experience.nps", "NPS", "points", True),
    Kpi("experience.csat_mean", "CSAT (1-5)", "score", True),
    Kpi("experience.ces_mean", "CES (1-7)", "score", True),  # 7 = very easy
    Kpi("experience.affected.nps", "NPS, customers hit by a failure", "points", True),
    Kpi("experience.contacted.csat_mean", "CSAT of callers (1-5)", "score", True),
    Kpi("recovery.customers_affected", "customers hit by a failure", "customers", False),
)

# Conversion, as every table prints it: orders placed after the warm-up / journeys started after
# it (``customers.arrived``), a fraction; computed only by ``sim.results.results.conversion_rate``.
CONVERSION = Kpi("journey.conversion_rate", "conversion (orders / journeys started)", "fraction", True)

# Per staffed channel: the key under channels.<name>, its label after the channel's name.
CHANNEL: tuple[Kpi, ...] = (
    Kpi("abandon_rate", "abandonment", "fraction", False),
    Kpi("wait_mean_min", "mean wait", "min", False),
    Kpi("service_level", "service level", "fraction", True),
    Kpi("offered", "contacts", "contacts", None),
)


# Every figure of a staffed channel in one run's table (units as the table formats them: "" a count).
CHANNEL_DETAIL: tuple[Kpi, ...] = (
    Kpi("offered", "contacts offered", "", None),
    Kpi("served", "contacts served", "", True),
    Kpi("abandon_rate", "abandoned", "fraction", False),
    Kpi("callbacks", "call-backs accepted", "", None),
    Kpi("wait_mean_min", "mean wait", "min", False),
    Kpi("wait_p90_min", "90th percentile wait", "min", False),
    Kpi("service_level", "service level", "fraction", True),
    Kpi("service_level_target_sec", "  answered within", "s", None),
    Kpi("first_contact_resolution", "first-contact resolution", "fraction", True),
    Kpi("occupancy", "agent occupancy", "fraction", None),
    Kpi("queue_length_mean", "mean queue", "contacts", False),
    Kpi("agents_mean", "mean agents on duty", "agents", None),
)

# Per staffed channel and interval of the week (``intervals.<channel>.<weekday>.<HH:MM>.<key>``, see
# sim.results.intervals): what replications summarise with a mean and 95 % CI per cell.
INTERVAL: tuple[Kpi, ...] = (
    Kpi("offered", "contacts offered", "contacts", None),
    Kpi("answered", "contacts answered", "contacts", True),
    Kpi("abandoned", "contacts abandoned", "contacts", False),
    Kpi("balked", "contacts turned away by a full queue", "contacts", False),
    Kpi("blocked", "contacts turned away by a channel down", "contacts", False),
    Kpi("service_level", "service level", "fraction", True),
    Kpi("occupancy", "agent occupancy", "fraction", None),
    Kpi("agents_on_duty", "mean agents on duty", "agents", None),
)


def headline_kpis(channels: Sequence[str]) -> list[Kpi]:
    """The headline KPIs of a scenario with these staffed channels, channel KPIs last."""
    out = list(HEADLINE)
    for ch in channels:
        out += [Kpi(f"channels.{ch}.{k.key}", f"{ch} {k.label}", k.unit, k.higher_is_better) for k in CHANNEL]
    return out


def catalogue(channels: Sequence[str]) -> dict[str, Kpi]:
    """Every KPI a comparison gives a verdict on, by key: the headline ones and conversion."""
    return {k.key: k for k in (*headline_kpis(channels), CONVERSION)}


# The catalogue unit of a results leaf key whose unit (``sim.results.units.UNITS``) is a scale.
_SCALE_UNITS = {"1-5": "score", "1-7": "score", "stars": "score", "-100..100": "points"}


def kpi_for(metric: str, channels: Sequence[str]) -> Kpi:
    """The catalogue's KPI for a dotted key (a headline one, or a channel's detail), else one made from the key's unit.

    A KPI made from its unit is labelled with its key and has no good direction.
    """
    found = catalogue(channels).get(metric)
    if found is not None:
        return found
    parts = metric.split(".")
    if len(parts) == 3 and parts[0] == "channels":
        detail = next((k for k in CHANNEL_DETAIL if k.key == parts[2] and k.unit in ("fraction", "min")), None)
        if detail is not None:
            return Kpi(metric, f"{parts[1]} {detail.label}", detail.unit, detail.higher_is_better)

    leaf = metric.rsplit(".", 1)[-1]
    unit = UNITS.get(leaf, "")
    if metric.startswith("money.") or unit == "currency" or leaf == "lifetime_value_mean":
        unit = "currency"
    return Kpi(metric, metric, _SCALE_UNITS.get(unit, unit), None)


# The range a value in each bounded unit can take (``sim.results.units.UNITS``).
SCALE_BOUNDS: dict[str, tuple[float, float]] = {
    "fraction": (0.0, 1.0),
    "0-1": (0.0, 1.0),
    "1-5": (1.0, 5.0),
    "stars": (1.0, 5.0),
    "1-7": (1.0, 7.0),
    "-100..100": (-100.0, 100.0),
    "affect -1..1": (-1.0, 1.0),
    **dict.fromkeys(
        ("customers", "contacts", "orders", "visits", "journeys", "reviews", "prospects", "failures", "min"), (0.0, math.inf)
    ),
}  # counts and waits cannot be negative; money can (a loss), so it has no bounds


def scale_bounds(metric: str) -> tuple[float, float] | None:
    """The range a metric's values can take (0 to 1 for a share, 1 to 5 for CSAT, 0 and up for a count...), else None.

    Any dotted key of a run's results or its daily series (``daily.phone_abandon_rate.3``); the
    units of the leaf keys are ``sim.results.units.UNITS``. Summaries clip the ends of a level's
    interval to this range: a share below 0 or a CSAT above 5 cannot happen, however few the
    replications (a paired difference is not clipped: it has its own range).
    """

    parts = metric.split(".")
    if parts[0] == "daily" and len(parts) == 3:
        field = parts[1]
        leaf = next((c for c in CHANNEL_DAILY if field.endswith("_" + c)), field)
    else:
        leaf = parts[-1]
    return SCALE_BOUNDS.get(UNITS.get(leaf, ""))
