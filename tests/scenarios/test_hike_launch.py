"""The flagship's lesson holds on the paths a trainee can play: proactive customer experience beats reactive customer service.

The game plays the reactive policy and the trainee answers the decisions. Over paired
replications (same seeds, so the same customers meet the same failures), answering every
decision proactively gives higher profit and repeat purchase than answering them reactively,
while customers who called rate the service about the same under both. Nothing is hard-coded:
switching off incident detection removes the loyalty advantage.
"""

from __future__ import annotations

import statistics
from concurrent.futures import ProcessPoolExecutor

import pytest
from helpers import SCENARIOS

from sim import Simulation, parse_scenario
from sim.rng import replication_seeds
from sim.session.paths import style_answers
from sim.session.replay import with_choices

TEXT = (SCENARIOS / "hike-launch.toml").read_text()
BLIND = "\n[customer_model.recovery]\ndetect_probability = 0.0\n"


def outcome(args: tuple[str, str, int, float]) -> dict:
    """Headline outcomes of one run (a top-level function so worker processes can run it)."""
    extra, style, seed, days = args
    from sim.results.results import build_results

    scenario = parse_scenario((TEXT + extra).encode(), "hike-launch.toml").scenario
    scenario, policy = with_choices(scenario, style_answers(scenario, style))  # the trainee's path, on the default policy
    sim = Simulation(scenario, policy=policy, seed=seed, horizon_days=days)
    sim.run()
    r = build_results(sim)
    e = r["experience"]
    return {
        "profit": r["money"]["profit"],
        "repeat": e["repeat_purchase_rate"],
        "affected_repeat": e["affected"]["repeat_probability_mean"],
        "affected_nps": e["affected"]["nps"],
        "contacted_csat": e["contacted"]["csat_mean"],
        "contacted_top2": e["contacted"]["csat_top2"],
    }


def paired(reps: int, days: float, extra: str = "", workers: int = 2) -> tuple[list[dict], list[dict]]:
    seeds = replication_seeds(20260301, reps)
    jobs = [(extra, style, seed, days) for seed in seeds for style in ("reactive", "proactive")]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(outcome, jobs))
    return results[0::2], results[1::2]


def diffs(reactive: list[dict], proactive: list[dict], key: str) -> list[float]:
    return [p[key] - r[key] for r, p in zip(reactive, proactive, strict=True)]


def test_proactive_keeps_affected_customers_and_callers_rate_service_alike():
    reactive, proactive = paired(reps=3, days=30)
    assert all(d > 0 for d in diffs(reactive, proactive, "affected_repeat"))
    assert statistics.fmean(diffs(reactive, proactive, "affected_nps")) > 5
    assert abs(statistics.fmean(diffs(reactive, proactive, "contacted_csat"))) < 0.15


@pytest.mark.slow
def test_over_30_replications_proactive_wins_on_profit_and_repeat_purchase():
    reactive, proactive = paired(reps=30, days=90)
    for key in ("profit", "repeat", "affected_repeat"):
        d = diffs(reactive, proactive, key)
        mean, se = statistics.fmean(d), statistics.stdev(d) / len(d) ** 0.5
        assert mean - 2.05 * se > 0, f"{key}: {mean:.4g} ± {2.05 * se:.4g}"
    assert statistics.fmean(diffs(reactive, proactive, "affected_nps")) > 5
    # callers are served alike: CSAT within a tenth of a point, top-2 box within 5 points
    assert abs(statistics.fmean(diffs(reactive, proactive, "contacted_csat"))) < 0.1
    assert abs(statistics.fmean(diffs(reactive, proactive, "contacted_top2"))) < 0.05


@pytest.mark.slow
def test_without_detection_the_loyalty_advantage_disappears():
    reactive, proactive = paired(reps=10, days=90, extra=BLIND)
    d = diffs(reactive, proactive, "affected_nps")
    assert statistics.fmean(d) < 5
