"""The KPI catalogue: every headline number's key, label, unit and which way is better, in one place.

Tables, verdicts, HTML reports and charts read their KPIs from here, so a new KPI is one ``Kpi``
line. ``key`` is the dotted path into a run's results (``cxsim.run/1``); ``unit`` is one of the
units ``sim.results.results.format_value`` knows; ``higher_is_better`` says which direction
of a difference is good news (None where it depends, such as the count of contacts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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
