"""The debrief's "what if": the same seed replayed headless with other answers (no pygame here).

For each decision the trainee took, every other option is tried with the trainee's other
answers kept, plus the trainee's own answers, all on the same seed (common random numbers: the
same customers and failures), in worker processes so the debrief screen stays responsive.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sim.experiments.workers import worker_init
from sim.results.results import build_results
from sim.scenario.schema import Scenario
from sim.session.replay import run_with_choices


@dataclass(frozen=True)
class Alternative:
    """One set of answers to replay; ``label`` says how it differs from the trainee's."""

    label: str
    choices: dict[str, str]
    yours: bool = False


def alternatives(scenario: Scenario, chosen: dict[str, str]) -> list[Alternative]:
    """The trainee's answers, then each single-decision change of them."""
    out = [Alternative("your choices", dict(chosen), yours=True)]
    for decision, option in chosen.items():
        spec = scenario.decisions[decision]
        for other in spec.options:
            if other != option:
                label = f"{decision.replace('_', ' ')}: {other.replace('_', ' ')}"
                out.append(Alternative(label, {**chosen, decision: other}))
    return out


def summarise(results: dict[str, Any]) -> dict[str, Any]:
    """The few numbers and series the debrief draws, small enough to send between processes."""
    exp = results["experience"]
    profit = 0.0
    cumulative: list[float] = []
    nps_daily: list[float | None] = []
    repeat_daily: list[float | None] = []
    for row in results["daily"]:
        profit += row["profit"]
        cumulative.append(profit)
        nps_daily.append(row["nps"])
        repeat_daily.append(None if row["repeat_purchase_rate"] is None else 100.0 * row["repeat_purchase_rate"])
    return {
        "callers_csat": exp["contacted"]["csat_mean"],
        "csat": exp["csat_mean"],
        "affected_nps": exp["affected"]["nps"],
        "affected_repeat": exp["affected"]["repeat_probability_mean"],
        "nps": exp["nps"],
        "repeat_rate": exp["repeat_purchase_rate"],
        "profit": results["money"]["profit"],
        "cost": results["money"]["response_cost"] + results["money"]["recovery_cost"] + results["money"]["compensation"],
        "profit_cumulative": cumulative,
        "nps_daily": nps_daily,
        "repeat_daily": repeat_daily,
        "currency": results["currency"],
    }


def run_alternative(scenario: Scenario, alt: Alternative, policy: str, seed: int, horizon_days: float | None) -> dict[str, Any]:
    """Replay one alternative to the horizon and summarise it."""
    sim = run_with_choices(scenario, alt.choices, policy=policy, seed=seed, horizon_days=horizon_days)
    return summarise(build_results(sim))


@dataclass
class CounterfactualRuns:
    """Background replays of every alternative; poll ``done`` each frame for progress."""

    scenario: Scenario
    alts: list[Alternative]
    policy: str
    seed: int
    horizon_days: float | None = None
    workers: int = 2
    futures: list[Future[dict[str, Any]]] = field(default_factory=list)
    _pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        # NOTE: "spawn" so workers never inherit the game's SDL window or its threads.
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=max(1, min(self.workers, len(self.alts))), mp_context=ctx,
            initializer=worker_init, initargs=(os.getpid(),),  # the replays end with the game, even on kill -9
        )  # fmt: skip
        self.futures = [
            self._pool.submit(run_alternative, self.scenario, alt, self.policy, self.seed, self.horizon_days) for alt in self.alts
        ]

    @property
    def done(self) -> int:
        return sum(f.done() for f in self.futures)

    @property
    def complete(self) -> bool:
        return bool(self.futures) and self.done == len(self.futures)

    def results(self) -> list[tuple[Alternative, dict[str, Any] | None]]:
        """Each alternative with its summary (None while running or if it failed)."""
        out = []
        for alt, fut in zip(self.alts, self.futures, strict=True):
            value = fut.result() if fut.done() and fut.exception() is None else None
            out.append((alt, value))
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
