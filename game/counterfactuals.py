"""The debrief's "what if": the session's paths replayed headless in worker processes (no pygame here).

A path is a set of answers: the trainee's own, then each single-decision change of them. Every
path is replayed on the session's seed (common random numbers: the same customers arrive and the
same failures happen), then on seeds seed+1..seed+9 for a band, all in background processes so
the debrief screen stays responsive. The order is what the trainee reads first: the trainee's own
path (its replay is the session itself, command for command, so its numbers are the session's),
then the alternatives on the session's seed, then the bands.

Each replay measures its decisions' customers (``sim.authoring.placeholders.DecisionFacts``),
and tells the story of chosen customers: in the trainee's replay, a typical customer each
decision's failure hit who never contacted service; in the alternative's replay, the same
customer (keyed draws make them the same person), so the debrief shows one life under two choices.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from sim.authoring.placeholders import DecisionFacts, pick_silent
from sim.clock import MINUTES_PER_DAY
from sim.commands import Choose, LoggedCommand
from sim.engine.simulation import Simulation
from sim.errors import CommandError
from sim.experiments.workers import worker_init
from sim.records import (
    CustomerArrived,
    JourneyRemembered,
    Record,
)
from sim.results.results import build_results
from sim.scenario.schema import Scenario
from sim.session.replay import replay, with_choices
from sim.story import StoryWords, journey_lines

BAND_SEEDS = 10  # replays of each path for its band: seeds seed..seed+9, the same for every path


@dataclass(frozen=True)
class Alternative:
    """One set of answers to replay; ``label`` says how it differs from the trainee's, ``changed`` which answer."""

    label: str
    choices: dict[str, str]
    yours: bool = False
    changed: tuple[str, str] | None = None  # (decision, option) that differs from the trainee's


def alternatives(scenario: Scenario, chosen: dict[str, str]) -> list[Alternative]:
    """The trainee's answers, then each single-decision change of them."""
    out = [Alternative("your choices", dict(chosen), yours=True)]
    for decision, option in chosen.items():
        spec = scenario.decisions[decision]
        for other in spec.options:
            if other != option:
                label = f"{decision.replace('_', ' ')}: {other.replace('_', ' ')}"
                out.append(Alternative(label, {**chosen, decision: other}, changed=(decision, other)))
    return out


def alternative_option(scenario: Scenario, decision: str, chosen: str) -> str | None:
    """The option a decision's debrief compares the trainee's with: the first of the other style, else the first other."""
    options = scenario.decisions[decision].options
    style = options[chosen].style
    opposite = {"reactive": "proactive", "proactive": "reactive"}.get(style)
    others = [name for name in options if name != chosen]
    return next((name for name in others if options[name].style == opposite), others[0] if others else None)


def summarise(results: dict[str, Any], service: Sequence[str] = ()) -> dict[str, Any]:
    """The few numbers and series the debrief draws, small enough to send between processes.

    ``service``: the staffed touchpoints of the service stage, whose offered contacts are the path's contacts.
    """
    exp = results["experience"]
    money = results["money"]
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
        "affected_n": exp["affected"]["journeys_surveyed"],
        "nps": exp["nps"],
        "repeat_rate": exp["repeat_purchase_rate"],
        "profit": money["profit"],
        "cost": money["response_cost"] + money["recovery_cost"] + money["compensation"],
        "contacts": sum(results["channels"][name]["offered"] for name in service if name in results["channels"]),
        "profit_cumulative": cumulative,
        "nps_daily": nps_daily,
        "repeat_daily": repeat_daily,
        "currency": results["currency"],
    }


@dataclass(frozen=True)
class Job:
    """One replay: a path on a seed; ``exact`` replays the session's commands (changed as the path says)."""

    index: int  # which path (position in the alternatives)
    seed: int
    exact: bool
    watch: tuple[int, ...] = ()  # customers whose stories to tell
    candidates: bool = False  # tell the stories of the silent customers (the trainee's own replay)


def _exact_commands(commands: Sequence[LoggedCommand], alt: Alternative) -> list[LoggedCommand]:
    if alt.changed is None:
        return list(commands)
    decision, option = alt.changed
    return [
        LoggedCommand(c.time, Choose(decision=decision, option=option))
        if isinstance(c.command, Choose) and c.command.decision == decision else c
        for c in commands
    ]  # fmt: skip


def run_job(
    scenario: Scenario, job: Job, alt: Alternative, policy: str, commands: Sequence[LoggedCommand], horizon_days: float | None
) -> dict[str, Any]:
    """Replay one path on one seed; its summary, each decision's facts and the stories asked for.

    On the session's seed the path replays the session's commands at their times (one answer
    changed for an alternative); where a changed answer makes a later command impossible, and on
    the other seeds, each decision is answered the moment it comes up.
    """
    stories = facts = None

    def observers(sim_policy: str) -> list[Callable[..., None]]:
        nonlocal stories, facts
        horizon = (horizon_days if horizon_days is not None else scenario.horizon_days) * MINUTES_PER_DAY
        facts = DecisionFacts(scenario, horizon, sim_policy)
        if not job.watch and not job.candidates:
            return [facts]
        keep = _keep_candidate(facts) if job.candidates else None
        stories = CustomerStories(scenario, set(job.watch) if job.watch else None, keep)
        return [facts, stories]

    sim: Simulation | None = None
    if job.exact:
        try:
            sim = replay(scenario, _exact_commands(commands, alt), policy=policy, seed=job.seed,
                         observers=observers(policy), horizon_days=horizon_days)  # fmt: skip
        except CommandError:
            sim = None
    if sim is None:
        changed, name = with_choices(scenario, alt.choices, policy=policy)
        sim = Simulation(changed, policy=name, seed=job.seed, observers=observers(policy), horizon_days=horizon_days)
        sim.run()
    service = [n for n, tp in scenario.staffed().items() if tp.stage == "service"]
    out = summarise(build_results(sim), service)
    assert facts is not None
    out["facts"] = facts.facts()
    out["stories"] = stories.stories() if stories is not None else {}
    return out


def _replay_worker_init(parent: int) -> None:
    """A worker that ends with the game (``worker_init``) and yields the CPU to it: the window keeps its frames."""
    worker_init(parent)
    with contextlib.suppress(OSError, AttributeError):  # os.nice is POSIX only
        os.nice(5)


def _keep_candidate(facts: DecisionFacts) -> Callable[[int, int], bool]:
    def keep(customer: int, journey: int) -> bool:
        return journey == 1 and any(customer in s.silent for s in facts.scopes.values())

    return keep


class CustomerStories:
    """An observer that keeps the records of chosen customers' first journeys and tells them as lines.

    ``ids``: the customers to follow (None: everyone, until ``keep(customer, journey)`` says at the
    journey's survey whether the story is worth keeping). A journey's records are held only while it
    runs and until its survey, so memory stays flat; at most ``MAX_STORIES`` stories are kept.
    """

    MAX_STORIES = 400

    def __init__(self, scenario: Scenario, ids: set[int] | None, keep: Callable[[int, int], bool] | None = None) -> None:
        self.scenario = scenario
        self.ids = ids
        self.keep = keep
        self._open: dict[int, list[Record]] = {}
        self._kept: dict[int, list[Record]] = {}
        self._came_back: dict[int, float] = {}
        self._words = StoryWords(scenario)

    def __call__(self, record: Record) -> None:
        customer = getattr(record, "customer", None)
        if customer is None or (self.ids is not None and customer not in self.ids):
            return
        if isinstance(record, CustomerArrived):
            if record.journey == 1:
                self._open[customer] = [record]
            elif customer in self._kept and customer not in self._came_back:
                self._came_back[customer] = record.time
            return
        story = self._open.get(customer)
        if story is None:
            return
        story.append(record)
        if isinstance(record, JourneyRemembered):
            del self._open[customer]
            wanted = self.keep(customer, record.journey) if self.keep is not None else True
            if wanted and len(self._kept) < self.MAX_STORIES:
                self._kept[customer] = story

    def stories(self) -> dict[int, list[str]]:
        """Each kept customer's first journey, one line per moment, ending with the survey and what they did next."""
        return {c: journey_lines(self._words, records, self._came_back.get(c)) for c, records in self._kept.items()}


@dataclass
class CounterfactualRuns:
    """Background replays of every path on the session's seed, then the bands; call ``poll`` each frame."""

    scenario: Scenario
    alts: list[Alternative]
    policy: str
    seed: int
    horizon_days: float | None = None
    commands: Sequence[LoggedCommand] = ()
    workers: int = 2
    band_seeds: int = BAND_SEEDS
    futures: dict[tuple[int, int], Future[dict[str, Any]]] = field(default_factory=dict)  # (path, seed) -> replay
    watched: dict[str, int] = field(default_factory=dict)  # decision -> the customer whose story is told
    error: str | None = None  # why the replays stopped, if they did
    _pool: ProcessPoolExecutor | None = None
    _second_wave: bool = False

    def start(self) -> None:
        # NOTE: "spawn" so workers never inherit the game's SDL window or its threads.
        ctx = multiprocessing.get_context("spawn")
        self._pool = ProcessPoolExecutor(
            max_workers=max(1, self.workers), mp_context=ctx,
            initializer=_replay_worker_init, initargs=(os.getpid(),),  # the replays end with the game, even on kill -9
        )  # fmt: skip
        self._submit(Job(0, self.seed, exact=True, candidates=True))
        if self.band_seeds > 1:
            self._submit(Job(0, self.seed + 1, exact=False))  # keeps the second worker busy meanwhile

    def _submit(self, job: Job) -> None:
        if self._pool is None or self.error is not None:
            return
        alt = self.alts[job.index]
        try:
            fut = self._pool.submit(run_job, self.scenario, job, alt, self.policy, self.commands, self.horizon_days)
        except (BrokenProcessPool, RuntimeError, OSError) as exc:  # the workers died: show what is in
            self.error = f"the what-if replays stopped ({type(exc).__name__})"
            return
        self.futures[(job.index, job.seed)] = fut

    def poll(self) -> None:
        """Once the trainee's own replay is in, choose the customers to follow and queue the rest."""
        own = self.futures.get((0, self.seed))
        if self._pool is None or self._second_wave or own is None or not own.done():
            return
        self._second_wave = True
        facts = self._value(own)
        for decision, fact in (facts or {}).get("facts", {}).items():
            customer = pick_silent(fact["silent_answers"])
            if customer is not None:
                self.watched[decision] = customer
        for i, alt in enumerate(self.alts[1:], start=1):
            watch = self.watched.get(alt.changed[0]) if alt.changed else None
            self._submit(Job(i, self.seed, exact=True, watch=(watch,) if watch is not None else ()))
        for k in range(1, self.band_seeds):
            for i in range(len(self.alts)):
                if (i, self.seed + k) not in self.futures:
                    self._submit(Job(i, self.seed + k, exact=False))

    @staticmethod
    def _value(fut: Future[dict[str, Any]]) -> dict[str, Any] | None:
        return fut.result() if fut.done() and fut.exception() is None else None

    @property
    def total(self) -> int:
        return len(self.alts) * max(1, self.band_seeds)

    @property
    def done(self) -> int:
        return sum(f.done() for f in self.futures.values())

    @property
    def seed_done(self) -> int:
        """How many paths have their replay on the session's seed."""
        return sum(f.done() for (_, seed), f in self.futures.items() if seed == self.seed)

    @property
    def ready(self) -> bool:
        """Every path has its replay on the session's seed (the table's main numbers)."""
        return self.seed_done == len(self.alts)

    @property
    def complete(self) -> bool:
        """Every replay is done (or the workers stopped and no more will come)."""
        finished = self.done == len(self.futures)
        return bool(self.futures) and finished and (self.done == self.total or self.error is not None)

    def results(self) -> list[tuple[Alternative, dict[str, Any] | None]]:
        """Each path with its summary on the session's seed (None while running or if it failed)."""
        return [(alt, self._result(i, self.seed)) for i, alt in enumerate(self.alts)]

    def _result(self, index: int, seed: int) -> dict[str, Any] | None:
        fut = self.futures.get((index, seed))
        return None if fut is None else self._value(fut)

    def band(self, index: int, key: str) -> tuple[float, float, int] | None:
        """(min, max, replays) of ``key`` over the path's finished replays on seeds seed..seed+9; None before two are in."""
        values = []
        for k in range(self.band_seeds):
            res = self._result(index, self.seed + k)
            if res is not None and res.get(key) is not None:
                values.append(float(res[key]))
        return (min(values), max(values), len(values)) if len(values) >= 2 else None

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
