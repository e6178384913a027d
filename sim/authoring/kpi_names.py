"""The KPI names a lesson or a scorecard may use for one scenario, grouped, with unit and direction.

A trainer writing ``kpi = "..."`` in a ``[[lessons]]`` or ``[[scorecard.measures]]`` table needs
the exact dotted key, and the keys depend on the scenario (``channels.phone.wait_mean_min`` only
exists if there is a staffed ``phone``). ``cxsim kpis FILE`` prints this list; the "unknown
results key" message points to it. The names come from the same functions validation checks
against (``result_keys`` and ``daily_columns``), so the list is exactly what validates.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.results.kpis import CHANNEL_DAILY, CONVERSION, DAILY_FIELDS, DAILY_RATES, HEADLINE
from sim.results.results import result_keys, unit_of
from sim.scenario.checks import daily_columns
from sim.scenario.schema import Scenario

# The groups in the order they are listed, and the section prefixes that fall in each.
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("headline", ()),
    ("experience", ("experience",)),
    ("money", ("money",)),
    ("customers and journey", ("customers", "journey")),
    ("failures and recovery", ("failures", "recovery")),
    ("per channel", ("channels",)),
    ("per touchpoint", ("touchpoints",)),
    ("daily series", ()),
)
DAILY = "daily series"
HEADLINE_KEYS = {k.key: k for k in (*HEADLINE, CONVERSION)}

# Which way is good news, by leaf key, for keys outside the headline catalogue (None: it depends).
HIGHER = frozenset({
    "served", "service_level", "first_contact_resolution", "orders", "conversion_rate", "recovered_orders",
    "csat_mean", "csat_top2", "nps", "ces_mean", "repeat_purchase_rate", "repeat_probability_mean", "review_stars_mean",
    "referrals", "lifetime_value_mean", "memory_mean", "trust_mean", "revenue", "gross_margin", "recovered_revenue",
    "profit", "reviews_answered",
})  # fmt: skip
LOWER = frozenset({
    "abandoned", "balked", "blocked", "abandon_rate", "waited_share", "wait_mean_min", "wait_p90_min", "answer_mean_min",
    "queue_length_mean", "failure_rate", "incident_hits", "lost_orders", "occurrences", "downtime_min", "customers_affected",
    "churn_rate", "nwom_spreaders", "prospects_deterred", "lost_revenue", "agent_cost", "response_cost", "recovery_cost",
    "compensation", "costs", "affected",
})  # fmt: skip

# Scales as a trainer reads them (sim.results.results.UNITS writes them short).
_SCALES = {
    "fraction": "fraction 0-1",
    "0-1": "fraction 0-1",
    "1-5": "score 1-5",
    "1-7": "score 1-7 (7 = very easy)",
    "-100..100": "points -100 to 100",
    "stars": "stars 1-5",
    "affect -1..1": "affect -1 to 1",
}
_DAILY_UNITS = {"orders": "orders", "arrivals": "customers", "affected": "customers", "nps": "-100..100"}


@dataclass(frozen=True, slots=True)
class KpiName:
    """One name a lesson (or, outside the daily series, a scorecard measure) may write as its ``kpi``."""

    name: str
    group: str
    unit: str
    higher_is_better: bool | None

    @property
    def direction(self) -> str:
        """'higher is better', 'lower is better' or 'neither'."""
        if self.higher_is_better is None:
            return "neither"
        return "higher is better" if self.higher_is_better else "lower is better"


def direction_of(key: str) -> bool | None:
    """Whether a higher value of a results key or daily column is good news (None: it depends)."""
    if key in HEADLINE_KEYS:
        return HEADLINE_KEYS[key].higher_is_better
    leaf = key.rsplit(".", 1)[-1]
    leaf = next((c for c in CHANNEL_DAILY if leaf.endswith("_" + c)), leaf)
    return True if leaf in HIGHER else False if leaf in LOWER else None


def unit_text(unit: str) -> str:
    """A unit as the list shows it: scales spelled out, counts and currencies as they are."""
    return _SCALES.get(unit, unit)


def group_of(key: str) -> str:
    """The group a results key is listed in."""
    if key in HEADLINE_KEYS:
        return "headline"
    section = key.split(".", 1)[0]
    return next(name for name, prefixes in GROUPS if section in prefixes)


def daily_unit(column: str, currency: str) -> str:
    """The unit of a daily column (a channel's column has the unit of its leaf)."""
    if column in ("revenue", "costs", "profit"):
        return currency
    leaf = next((c for c in CHANNEL_DAILY if column.endswith("_" + c)), column)
    return _DAILY_UNITS.get(leaf) or unit_of("", leaf, currency)


def kpi_names(s: Scenario) -> list[KpiName]:
    """Every KPI name valid for ``s``, grouped in ``GROUPS`` order (file order within a group, daily columns sorted)."""
    order = {name: i for i, (name, _) in enumerate(GROUPS)}
    keyed = [
        KpiName(
            key, group_of(key), unit_text(unit_of(key.split(".", 1)[0], key.rsplit(".", 1)[-1], s.currency)), direction_of(key)
        )
        for key in result_keys(s)
    ]
    headline = list(HEADLINE_KEYS)
    # the headline in the catalogue's order (profit first), other groups in the results document's order (a stable sort)
    keyed.sort(key=lambda k: (order[k.group], headline.index(k.name) if k.name in HEADLINE_KEYS else 0))
    daily = [KpiName(c, DAILY, unit_text(daily_unit(c, s.currency)), direction_of(c)) for c in _daily_order(s)]
    return [*keyed, *daily]


def _daily_order(s: Scenario) -> list[str]:
    columns = daily_columns(s)
    ordered = [c for c in DAILY_FIELDS if c in columns]
    return ordered + sorted(columns - set(ordered))


def window_note() -> str:
    """How a lesson names a window of the daily series."""
    rates = ", ".join(sorted(DAILY_RATES - set(CHANNEL_DAILY)))
    return (
        'lessons only, with a window of days: kpi = "profit" and days = [1, 7] sums days 1 to 7 (day 1 is the first);'
        f" a rate is averaged over the window instead ({rates} and the channels' columns)"
    )
