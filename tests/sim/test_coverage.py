"""Confidence intervals mean what they say: 95 % of them cover the truth.

On an Erlang-A queue the true abandonment probability is known exactly. 200 independent
experiments of 20 replications each should produce intervals that contain it about 95 % of the
time; binomial slack allows 91 % to 99 % (about 2.5 standard deviations).
"""

from __future__ import annotations

import pytest
from helpers import queue_toml

from sim.experiments.erlang import erlang_a
from sim.experiments.experiment import Job, run_jobs
from sim.experiments.stats import mean_interval
from sim.rng import replication_seeds

EXPERIMENTS, REPS = 200, 20


@pytest.mark.slow
def test_95_percent_intervals_cover_the_erlang_a_truth_95_percent_of_the_time():
    text = queue_toml(per_hour=570, agents=10, days=0.15, warmup_days=0.03) + "\n[customer_model]\nenabled = false\n"
    truth = erlang_a(9.5, 1.0, 0.5, 10).p_abandon
    jobs = [
        Job(text.encode(), "erlang-a.toml", "none", seed, None)
        for experiment in range(EXPERIMENTS)
        for seed in replication_seeds(10_000 + experiment, REPS)
    ]
    results = run_jobs(jobs, workers=2)
    covered = 0
    for e in range(EXPERIMENTS):
        interval = mean_interval([r["channels.phone.abandon_rate"] for r in results[e * REPS : (e + 1) * REPS]])
        covered += interval.low <= truth <= interval.high
    assert 0.91 * EXPERIMENTS <= covered <= 0.99 * EXPERIMENTS, f"{covered} of {EXPERIMENTS} intervals cover {truth:.4f}"
