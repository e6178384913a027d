"""Survey answers that agree with each other, as in real surveys, on every bundled scenario.

Every settled journey has one latent evaluation; CSAT, likelihood to recommend (0-10), whether to
review and the review's stars all come from it with a smaller noise of their own
(docs/model.md section 4). Each bundled scenario runs a short horizon on two seeds, and an
observer keeps every ``JourneyRemembered``; the target ranges are the ones docs/model.md cites.
Keyed draws give customer 17 of every scenario the same dice, so pooled answers are independent
across seeds, not across scenarios: the check of the baseline shares counts each key once.
"""

from __future__ import annotations

import functools
import itertools
from pathlib import Path

import numpy as np
import pytest
from helpers import SCENARIOS

from sim import Simulation, load_scenario
from sim.records import JourneyRemembered

HORIZON_DAYS = 12.0
SEEDS = (1, 2)
ENOUGH = 30  # answers at one CSAT level before its mean is compared
MIN_SCENARIO = 400  # answers before a scenario is judged on its own
CSAT_LTR_RANGE = (0.45, 0.80)  # docs/model.md: Curtis et al. 2011, satisfaction vs loyalty 0.54, vs repurchase intent 0.63

# columns of an answers array
CSAT, LTR, STARS, RETURNS, REPEAT, CES, REFERENCE, SEED, CUSTOMER, JOURNEY = range(10)
PATHS = sorted(SCENARIOS.glob("*.toml"))


def collect(path: Path, seed: int) -> np.ndarray:
    """One row per settled journey of one run."""
    scenario = load_scenario(path)
    ref_a = scenario.customer_model.moments.met_expectations
    ref_t = scenario.customer_model.memory.trust_reference
    rows: list[tuple[float, ...]] = []

    def keep(record: object) -> None:
        if isinstance(record, JourneyRemembered):
            reference = (
                record.effort == 0 and record.memory == ref_a and record.attitude == ref_a and record.trust == ref_t
            )  # fmt: skip
            rows.append(
                (
                    record.csat, record.ltr, record.review_stars, record.returns, record.repeat_probability, record.ces,
                    reference, seed, record.customer, record.journey,
                )
            )  # fmt: skip

    Simulation(scenario, seed=seed, horizon_days=HORIZON_DAYS, observers=[keep]).run()
    return np.array(rows, dtype=float).reshape(-1, 10)


@functools.cache
def answers(name: str) -> np.ndarray:
    """Every settled journey of one bundled scenario over the seeds."""
    return np.vstack([collect(SCENARIOS / name, seed) for seed in SEEDS])


@functools.cache
def pooled() -> np.ndarray:
    return np.vstack([answers(p.name) for p in PATHS])


def ranks(x: np.ndarray) -> np.ndarray:
    """Ranks 0..n-1, ties sharing their mean rank (CSAT has five values for thousands of answers)."""
    order = np.argsort(x, kind="stable")
    raw = np.empty(len(x))
    raw[order] = np.arange(len(x))
    _, tie_group, counts = np.unique(x, return_inverse=True, return_counts=True)
    return (np.bincount(tie_group, weights=raw) / counts)[tie_group]


def spearman(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def means_by_csat(a: np.ndarray, column: int, rows: np.ndarray | None = None) -> list[tuple[int, float]]:
    """(CSAT level, mean of ``column``) for the levels with enough answers."""
    keep = np.ones(len(a), bool) if rows is None else rows
    out = []
    for level in range(1, 6):
        at = keep & (a[:, CSAT] == level)
        if at.sum() >= ENOUGH:
            out.append((level, float(a[at, column].mean())))
    return out


def strictly_increasing(values: list[float]) -> bool:
    return all(lo < hi for lo, hi in itertools.pairwise(values))


def judged() -> list[str]:
    return [p.name for p in PATHS if len(answers(p.name)) >= MIN_SCENARIO]


def test_the_population_is_large():
    assert len(pooled()) > 30_000
    assert len(judged()) >= 6  # all but the small B2B book are judged on their own


def test_csat_and_recommend_correlate_as_surveys_report():
    low, high = CSAT_LTR_RANGE
    for name in judged():
        a = answers(name)
        assert low <= spearman(a[:, CSAT], a[:, LTR]) <= high, name
    a = pooled()
    assert low <= spearman(a[:, CSAT], a[:, LTR]) <= high


def test_mean_recommend_rises_with_csat():
    for name in judged():
        levels = means_by_csat(answers(name), LTR)
        assert len(levels) >= 4, name
        assert strictly_increasing([m for _, m in levels]), (name, levels)
    levels = means_by_csat(pooled(), LTR)
    assert [level for level, _ in levels] == [1, 2, 3, 4, 5]
    assert strictly_increasing([m for _, m in levels])
    assert levels[0][1] < 5.0 and levels[-1][1] > 8.5  # dissatisfied customers are detractors on average


def test_few_customers_answering_csat_1_are_promoters():
    a = pooled()
    ones = a[:, CSAT] == 1
    assert ones.sum() > 500
    assert np.mean(a[ones, LTR] >= 9) < 0.10
    for name in judged():
        b = answers(name)
        ones = b[:, CSAT] == 1
        if ones.sum() >= 100:
            assert np.mean(b[ones, LTR] >= 9) < 0.10, name


def test_review_stars_rise_with_csat():
    a = pooled()
    reviewed = a[:, STARS] > 0
    levels = means_by_csat(a, STARS, reviewed)
    assert [level for level, _ in levels] == [1, 2, 3, 4, 5]
    assert strictly_increasing([m for _, m in levels])
    assert spearman(a[reviewed, CSAT], a[reviewed, STARS]) > 0.45


def test_reviewers_with_csat_1_almost_never_post_5_stars():
    a = pooled()
    angry = (a[:, STARS] > 0) & (a[:, CSAT] == 1)
    assert angry.sum() >= 50
    assert np.mean(a[angry, STARS] == 5) < 0.05


def test_reviews_stay_j_shaped():
    """Extreme experiences are posted more (Hu, Pavlou & Zhang 2009): 5 stars lead, 1 star beats 2 and 3."""
    stars = pooled()[:, STARS]
    counts = [int(np.sum(stars == k)) for k in range(1, 6)]
    assert counts[4] == max(counts)
    assert counts[0] > counts[1]


def test_repeat_purchase_agrees_with_the_answers_only_weakly():
    """Behaviour follows satisfaction weakly (Curtis et al. 2011; Mittal & Kamakura 2001): positive, well below CSAT vs LTR."""
    a = pooled()
    csat_ltr = spearman(a[:, CSAT], a[:, LTR])
    propensity = spearman(a[:, CSAT], a[:, REPEAT])
    assert 0.05 < propensity < csat_ltr
    assert 0.0 < spearman(a[:, CSAT], a[:, RETURNS]) < propensity
    satisfied, dissatisfied = a[:, CSAT] >= 4, a[:, CSAT] <= 2
    assert a[satisfied, RETURNS].mean() > a[dissatisfied, RETURNS].mean()
    levels = means_by_csat(a, REPEAT)
    assert strictly_increasing([m for _, m in levels])


def test_easier_journeys_get_better_answers():
    """Effort is part of the evaluation, so CES agrees with recommend and CSAT (Dixon et al. 2010; SQM)."""
    a = pooled()
    assert spearman(a[:, CES], a[:, LTR]) > 0.05
    assert spearman(a[:, CES], a[:, CSAT]) > 0.05
    effortful = a[:, CES] < 7
    assert a[effortful, LTR].mean() < a[~effortful, LTR].mean() - 0.5


def test_reference_customers_answer_with_the_baseline_shares():
    """The shared disturbance did not move the documented baselines: NPS +29 and 80 % CSAT top-2."""
    a = pooled()
    ref = a[a[:, REFERENCE] == 1]
    _, first = np.unique(ref[:, [SEED, CUSTOMER, JOURNEY]], axis=0, return_index=True)
    ref = ref[first]  # one answer per (seed, customer, journey): the same key is the same dice in every scenario
    assert len(ref) > 5_000
    ltr, csat = ref[:, LTR], ref[:, CSAT]
    nps = 100 * (np.mean(ltr >= 9) - np.mean(ltr <= 6))
    assert nps == pytest.approx(29, abs=3)
    assert np.mean(csat >= 4) == pytest.approx(0.80, abs=0.02)
