"""The unit of every leaf key of a run's results: what tables, reports and the KPI catalogue print after a number."""

from __future__ import annotations

# Units of every leaf key, for the table and the CSV (fractions are 0-1).
UNITS: dict[str, str] = {
    "arrived": "customers",
    "journeys_completed": "customers",
    "steps_mean": "touchpoints",
    "offered": "contacts",
    "served": "contacts",
    "abandoned": "contacts",
    "balked": "contacts",
    "blocked": "contacts",
    "closed": "contacts",
    "callbacks": "contacts",
    "abandon_rate": "fraction",
    "waited_share": "fraction",
    "wait_mean_min": "min",
    "wait_p90_min": "min",
    "answer_mean_min": "min",
    "handle_mean_min": "min",
    "service_level": "fraction",
    "service_level_target_sec": "s",
    "first_contact_resolution": "fraction",
    "occupancy": "fraction",
    "queue_length_mean": "contacts",
    "agents_mean": "agents",
    "agent_hours": "h",
    "visits": "visits",
    "failure_rate": "fraction",
    "incident_hits": "visits",
    "duration_mean_min": "min",
    "reach": "fraction",
    "customers": "customers",
    "share_of_journeys": "fraction",
    "orders": "orders",
    "conversion_rate": "fraction",
    "lost_orders": "orders",
    "recovered_orders": "orders",
    "occurrences": "failures",
    "downtime_min": "min",
    "customers_affected": "customers",
    "proactive": "customers",
    "on_contact": "customers",
    "new": "customers",
    "referred": "customers",
    "returning": "journeys",
    "journeys_surveyed": "journeys",
    "csat_mean": "1-5",
    "csat_top2": "fraction",
    "nps": "-100..100",
    "ces_mean": "1-7",
    "repeat_purchase_rate": "fraction",
    "repeat_probability_mean": "fraction",
    "churn_rate": "fraction",
    "reviews_posted": "reviews",
    "reviews_answered": "reviews",
    "review_stars_mean": "stars",
    "referrals": "customers",
    "nwom_spreaders": "customers",
    "prospects_deterred": "prospects",
    "memory_mean": "affect -1..1",
    "trust_mean": "0-1",
    "arrivals": "customers",
    "deterred": "prospects",
    "revenue": "currency",
    "affected": "customers",
    "day": "day",
}


COUNTS = frozenset({"customers", "contacts", "journeys", "orders", "reviews", "visits", "failures", "prospects"})
"""Units of things counted (a leaf ending ``_mean`` in one of them, as ``queue_length_mean``, is a mean, not a count)."""


def is_count(metric: str, unit: str) -> bool:
    """Whether a dotted key with this unit is a count: one run's value is a whole number (the CSV writes ``1256``)."""
    return unit in COUNTS and not metric.endswith("_mean")


def unit_of(section: str, key: str, currency: str) -> str:
    """The unit of a leaf value of a results section (``money``, ``channels``...): money in ``currency``."""
    if section == "money" or key in ("lifetime_value_mean", "revenue"):
        return currency
    return UNITS.get(key, "")
