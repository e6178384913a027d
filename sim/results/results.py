"""Results of a run as plain data, and their renderings: JSON, a CSV of tidy rows (sim.results.tidy), a text table.

``build_results`` is the one place numbers are derived from the metrics, so the CLI, the game's
debrief and the tests all see the same values. The JSON structure is versioned by its
``format`` key and documented in docs/results-format.md.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sim import __version__
from sim.commands import LoggedCommand
from sim.results.metrics import Metrics
from sim.results.precision import format_estimate
from sim.results.tallies import ChannelStats, ExperienceStats
from sim.results.units import unit_of as unit_of  # re-exported: it lived here
from sim.scenario.schema import STAGE_ORDER, Scenario

if TYPE_CHECKING:
    from sim.engine.simulation import Simulation
    from sim.results.intervals import IntervalStats

RESULTS_FORMAT = "cxsim.run/1"


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def conversion_rate(orders: int, journeys: int) -> float | None:
    """Conversion, the one definition every table, report and test uses: orders / journeys started.

    ``orders`` are the orders placed after the warm-up (``journey.orders``), ``journeys`` the
    journeys started after it (``customers.arrived``: new, referred and returning customers each
    start one). Journeys *started*, not completed: a buyer's journey goes on to the delivery and
    is often still under way at the horizon, so completed journeys leave out buyers whose orders
    count. On a 3-day run of hike-launch (seed 1: 265 orders, 972 journeys started, 711
    completed), orders / completed says 37.3 %, completed journeys with an order 0.6 %, and
    orders / started 27.3 %: the share of those same journeys, followed to their end, that
    ordered. A fraction (shown as %); None without journeys.
    """
    return _ratio(orders, journeys)


def _channel(c: ChannelStats, target_sec: float, horizon: float, warmup: float) -> dict[str, Any]:
    measured = max(horizon - warmup, 0.0)
    outcomes = c.answered + c.abandoned + c.callbacks + c.balked + c.blocked
    return {
        "offered": c.offered,
        "served": c.served,
        "abandoned": c.abandoned,
        "balked": c.balked,
        "blocked": c.blocked,
        "closed": c.closed,
        "callbacks": c.callbacks,
        "abandon_rate": _ratio(c.abandoned, c.offered),
        "waited_share": _ratio(c.queued, c.offered),
        "wait_mean_min": _ratio(c.waits.total, c.waits.count),
        "wait_p90_min": c.waits.quantile(0.9),
        "answer_mean_min": _ratio(c.answer_wait_total, c.answered),
        "handle_mean_min": _ratio(c.handle_total, c.served),
        "service_level": _ratio(c.answered_in_target, outcomes),
        "service_level_target_sec": target_sec,
        "first_contact_resolution": _ratio(c.resolved, c.served),
        "occupancy": _ratio(c.busy.integral(horizon), c.staffed_slots.integral(horizon)),
        "queue_length_mean": _ratio(c.queue.integral(horizon), measured),
        "agents_mean": _ratio(c.agents.integral(horizon), measured),
        "agent_hours": c.agents.integral(horizon) / 60.0,
    }


def experience_summary(e: ExperienceStats) -> dict[str, Any]:
    """Survey and loyalty indicators of a group of settled journeys."""
    n = e.journeys
    repeat = _ratio(e.returns, n)
    return {
        "journeys_surveyed": n,
        "csat_mean": _ratio(e.csat_total, n),
        "csat_top2": _ratio(e.csat_top2, n),
        "nps": 100.0 * (e.promoters - e.detractors) / n if n else None,
        "ces_mean": _ratio(e.ces_total, n),
        "repeat_purchase_rate": repeat,
        "repeat_probability_mean": _ratio(e.repeat_probability_total, n),
        "churn_rate": None if repeat is None else 1.0 - repeat,
        "reviews_posted": e.reviews,
        "review_stars_mean": _ratio(e.review_stars_total, e.reviews),
        "referrals": e.referrals,
        "nwom_spreaders": e.nwom,
        "lifetime_value_mean": _ratio(e.lifetime_value_total, n),
        "memory_mean": _ratio(e.memory_total, n),
        "trust_mean": _ratio(e.trust_total, n),
    }


def daily_series(m: Metrics, now: float | None = None) -> list[dict[str, Any]]:
    """One row per day: arrivals, orders, revenue, customers hit by failures, and the survey answers of that day."""
    rows = []
    margin = m.scenario.customer_model.loyalty.margin
    last = max(m.days, default=None)
    for day in sorted(m.days):
        d = m.days[day]
        # agents are booked at midnight; the day in progress gets its share so far
        costs = d.costs + (m.unbooked_agent_cost(now) if now is not None and day == last else 0.0)
        rows.append(
            {
                "day": day,
                "arrivals": d.arrivals,
                "returning": d.returning,
                "referred": d.referred,
                "deterred": d.deterred,
                "orders": d.orders,
                "revenue": d.revenue,
                "costs": costs,
                "profit": d.revenue * margin - costs,
                "affected": d.affected,
                "journeys_surveyed": d.surveyed,
                "csat_mean": _ratio(d.csat_total, d.surveyed),
                "nps": 100.0 * (d.promoters - d.detractors) / d.surveyed if d.surveyed else None,
                "repeat_purchase_rate": _ratio(d.returns, d.surveyed),
                **{f"{ch}_{key}": value for ch, values in d.channels.items() for key, value in values.items()},
            }
        )
    return rows


def feedback_on(s: Scenario) -> bool:
    """True when experience changes arrivals: customers come back, refer friends and deter prospects."""
    return s.customer_model.enabled and s.customer_model.feedback


def build_results(
    sim: Simulation, *, scenario_file: str | None = None, scenario_sha256: str | None = None,
    intervals: IntervalStats | None = None,
) -> dict[str, Any]:  # fmt: skip
    """Every KPI of a finished (or stopped) run, as JSON-ready plain data.

    With ``intervals`` (the run's ``IntervalStats``, when ``--interval`` asked for it) the document
    ends with an ``intervals`` section: per staffed channel, one row per interval of the week.
    """
    results = results_document(
        sim.metrics, sim.scenario, policy=sim.policy_name, seed=sim.seed, horizon=sim.horizon, warmup=sim.warmup, now=sim.now,
        commands=sim.command_log, scenario_file=scenario_file, scenario_sha256=scenario_sha256,
    )  # fmt: skip
    if intervals is not None:
        results["intervals"] = intervals.to_dict(sim.now)
    return results


def result_keys(s: Scenario) -> list[str]:
    """Every dotted numeric key of this scenario's results (what a lesson's ``kpi`` may name), without running it."""

    def walk(data: object, prefix: str) -> list[str]:
        if isinstance(data, dict):
            return [k for key, value in data.items() for k in walk(value, f"{prefix}{key}.")]
        return [prefix[:-1]] if data is None or (isinstance(data, int | float) and not isinstance(data, bool)) else []

    results = results_document(Metrics(s, 0.0, 0.0), s, policy="", seed=0, horizon=0.0, warmup=0.0, now=0.0, commands=())
    return [k for section in ("customers", "channels", "touchpoints", "journey", "failures", "recovery", "experience", "money")
            for k in walk(results[section], f"{section}.")]  # fmt: skip


def results_document(
    m: Metrics, s: Scenario, *, policy: str, seed: int, horizon: float, warmup: float, now: float,
    commands: Sequence[LoggedCommand], scenario_file: str | None = None, scenario_sha256: str | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The results document (``cxsim.run/1``) of a run's metrics at sim time ``now`` (minutes)."""
    upto = max(now, warmup)  # statistics cover warm-up end to now (a paused run is partial)
    channels = {name: _channel(m.channels[name], spec.service_level_sec, upto, warmup) for name, spec in s.staffed().items()}
    touchpoints = {
        name: {
            "visits": st.visits,
            "failure_rate": _ratio(st.failed, st.visits),
            "incident_hits": st.incident,
            "duration_mean_min": _ratio(st.duration_total, st.visits),
            "reach": _ratio(m.touchpoint_reach[name], m.journeys),
        }
        for name, st in m.steps.items()
    }
    for name in s.review_pages():  # the review page: the reviews the model posted there, and the answers
        st = m.steps[name]
        touchpoints[name].update(
            reviews_posted=st.reviews,
            review_stars_mean=_ratio(st.review_stars_total, st.reviews),
            reviews_answered=st.reviews_answered,
        )
    for name in channels:
        channels[name]["reach"] = _ratio(m.touchpoint_reach[name], m.journeys)
    stages = {
        stage: {"customers": m.stage_reach[stage], "share_of_journeys": _ratio(m.stage_reach[stage], m.journeys)}
        for stage in STAGE_ORDER
        if any(tp.stage == stage for tp in s.touchpoints.values())
    }
    agent_cost = sum(channels[name]["agent_hours"] * spec.agent_cost_per_hour for name, spec in s.staffed().items())
    costs = agent_cost + m.response_cost + m.recovery_cost + m.compensation
    gross_margin = m.revenue * s.customer_model.loyalty.margin
    return {
        "format": RESULTS_FORMAT,
        "cxsim_version": __version__,
        "scenario": {"title": s.title, "file": scenario_file, "sha256": scenario_sha256},
        "policy": policy,
        "seed": seed,
        "horizon_days": horizon / 1440.0,
        "warmup_days": warmup / 1440.0,
        "sim_minutes": now,
        "currency": s.currency,
        "customer_model": {"enabled": s.customer_model.enabled, "feedback": feedback_on(s)},
        "customers": {
            "arrived": m.arrived,
            "new": m.arrived_by_source["new"],
            "referred": m.arrived_by_source["referral"],
            "returning": m.arrived_by_source["returning"],
            "journeys_completed": m.journeys,
            "steps_mean": _ratio(m.journey_steps, m.journeys),
        },
        "channels": channels,
        "touchpoints": touchpoints,
        "journey": {
            "stages": stages,
            "orders": m.orders,
            "conversion_rate": conversion_rate(m.orders, m.arrived),
            "lost_orders": m.lost_orders,
            "recovered_orders": m.recovered_orders,
        },
        "failures": {name: dict(v) for name, v in m.failures.items()},
        "recovery": {
            "customers_affected": m.affected,
            "proactive": m.recoveries_proactive,
            "on_contact": m.recoveries_on_contact,
        },
        "experience": {
            **experience_summary(m.experience),
            "prospects_deterred": m.deterred,
            "affected": experience_summary(m.experience_affected),
            "contacted": experience_summary(m.experience_contacted),
            "unaffected": experience_summary(m.experience_unaffected),
        },
        "money": {
            "revenue": m.revenue,
            "gross_margin": gross_margin,
            "lost_revenue": m.lost_revenue,
            "recovered_revenue": m.recovered_revenue,
            "agent_cost": agent_cost,
            "response_cost": m.response_cost,
            "recovery_cost": m.recovery_cost,
            "compensation": m.compensation,
            "profit": gross_margin - costs,
        },
        "decisions": list(m.decisions),
        "commands": [c.to_dict() for c in commands],
        "daily": daily_series(m, now),
    }


def to_json(results: dict[str, Any]) -> str:
    """Stable, human-diffable JSON (sorted keys are not used: the order is the documented one)."""
    return json.dumps(results, indent=2, allow_nan=False) + "\n"


def format_value(value: float | None, unit: str, currency: str = "", *, signed: bool = True) -> str:
    """A number with its unit for people: fractions as %, money with its currency, NPS points signed."""
    if value is None:
        return "–"
    if unit == "fraction":
        return f"{value * 100:.1f} %"
    if unit == "currency":
        return f"{value:,.0f} {currency}".strip()
    if unit == "points":
        return f"{value:+.1f}" if signed else f"{value:.1f}"
    if unit == "min":
        return f"{value:.2f} min"
    if unit == "score":
        return f"{value:.2f}"
    return f"{value:,.1f}"


def format_interval(mean: float, half_width: float, unit: str, currency: str = "") -> str:
    """'mean ± half-width unit', e.g. '27.5 ± 0.7 %' or '70,791 ± 1,932 EUR': decimals from the half-width."""
    return format_estimate(mean, half_width, unit, currency)


def to_csv(results: dict[str, Any]) -> str:
    """The run's tidy rows as CSV text (``sim.results.tidy``: the columns every export shares, units included)."""
    from sim.results.tidy import csv_lines, run_rows

    return "".join(csv_lines(run_rows(results)))
