"""Effort that counts, over many simulated customers: a failure never makes a journey feel easier.

In every bundled scenario, customers hit by a failure must not report less effort (a higher CES)
than comparable customers who were not hit. Comparable means the same segment: the difference
of mean effort is taken within each segment and averaged with the hit customers' weights (a
stratified difference), pooled over a few seeds and every policy. Before blocked calls,
abandoned waits and switches were all charged, contact-centre.toml showed the opposite
(hit callers CES 6.81 vs 6.45): this test fails on that.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import pytest
from helpers import SCENARIOS

from sim import Simulation, parse_scenario
from sim.records import JourneyRemembered, Record
from sim.rng import replication_seeds

FILES = sorted(p.stem for p in SCENARIOS.glob("*.toml"))
# Short horizons, long enough for each scenario's failures to happen and its journeys to settle.
DAYS = {
    "b2b-engineering-services": 365,
    "book-review-service": 40,
    "contact-centre-surge": 4,
    "contact-centre": 3,
    "hike-launch": 6,
    "late-delivery": 14,
    "retail-store": 12,
    "tutorial": 12,
}
SEEDS = 2
MIN_HIT = 25  # hit journeys (all seeds and policies) needed for a comparison to mean something
TOLERANCE = 0.05  # effort drivers; on top of two standard errors of the difference


@dataclass(frozen=True)
class Journey:
    segment: str
    affected: bool
    effort: int
    ces: float


@functools.cache
def journeys(name: str) -> tuple[Journey, ...]:
    """Settled journeys (after any warm-up) of every policy, over ``SEEDS`` seeds."""
    path = SCENARIOS / f"{name}.toml"
    scenario = parse_scenario(path.read_bytes(), str(path)).scenario
    warmup = scenario.warmup_days * 1440
    rows: list[Journey] = []

    def keep(r: Record) -> None:
        if isinstance(r, JourneyRemembered) and r.started >= warmup:
            rows.append(Journey(r.segment, r.affected, r.effort, r.ces))

    days = min(DAYS.get(name, 14), scenario.horizon_days)
    for policy in scenario.policies:
        for seed in replication_seeds(scenario.seed, SEEDS):
            Simulation(scenario, seed=seed, policy=policy, horizon_days=days, observers=[keep]).run()
    return tuple(rows)


def stratified_gap(rows: tuple[Journey, ...], value: str) -> tuple[float, float, int]:
    """Mean of ``value`` for hit minus not hit, within segments, weighted by hit journeys; its standard error; hit count."""
    gap = var = 0.0
    segments = {r.segment for r in rows}
    cells = []
    for seg in segments:
        hit = [getattr(r, value) for r in rows if r.segment == seg and r.affected]
        not_hit = [getattr(r, value) for r in rows if r.segment == seg and not r.affected]
        if hit and not_hit:
            cells.append((hit, not_hit))
    total = sum(len(h) for h, _ in cells)
    for hit, not_hit in cells:
        w = len(hit) / total
        gap += w * (_mean(hit) - _mean(not_hit))
        var += w * w * (_var(hit) / len(hit) + _var(not_hit) / len(not_hit))
    return gap, math.sqrt(var), total


def _mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def _var(xs: list[float]) -> float:
    if len(xs) < 2:
        return 0.0
    m = _mean(xs)
    return sum((x - m) ** 2 for x in xs) / (len(xs) - 1)


@pytest.mark.parametrize("name", FILES)
def test_customers_hit_by_a_failure_never_report_easier_effort(name):
    rows = journeys(name)
    _, _, hit = stratified_gap(rows, "effort")
    if hit == 0:
        pytest.skip(f"{name}: no customer was hit by a failure in {SEEDS} seeds")
    effort_gap, se, hit = stratified_gap(rows, "effort")
    ces_gap, ces_se, _ = stratified_gap(rows, "ces")
    assert effort_gap >= -(TOLERANCE + 2 * se), f"{name}: hit customers report less effort ({effort_gap:+.3f}, n={hit})"
    assert ces_gap <= TOLERANCE * 1.5 + 2 * ces_se, f"{name}: hit customers report a higher CES ({ces_gap:+.3f}, n={hit})"


def test_most_scenarios_have_enough_hit_customers_to_compare():
    compared = [name for name in FILES if stratified_gap(journeys(name), "effort")[2] >= MIN_HIT]
    assert len(compared) >= len(FILES) - 1, f"only {compared} had {MIN_HIT} hit journeys or more"


def test_on_the_contact_centre_a_blocked_caller_reports_more_effort_than_one_who_got_through():
    # The outage's callers: a blocked call is an unresolved contact (E + 1), and those who then
    # try chat also switch channel (E + 1). On average they must be clearly worse off, not better.
    gap, se, hit = stratified_gap(journeys("contact-centre"), "effort")
    assert hit >= MIN_HIT
    assert gap > 3 * se and gap > 0.3
