"""The joint debrief's replays: every team's recorded decisions played again headless, in the host, off its event loop.

Why replay at all: a team's game sends the host its decisions and a few scorecard KPIs, not its
records. But every random draw is keyed by customer, so the host can replay any team from the
session's seed and the team's commands (each with its sim minute) and get that team's run back,
record for record (``sim.session.replay``). From the replays the debrief takes two things:

- the full results of each team's run, for the scenario's lessons (any results key, not only the
  scorecard's), and
- the story of one customer under each team's choices: a customer the first decision's failure hit
  who never contacted service (``pick_silent``: typical, with answers that agree), chosen in the
  first team's replay and followed in every team's.

A replay of a few days takes well under a second; they run in one background thread
(``ReplayWorker``), so the host keeps answering the games and the dashboards meanwhile, and a
team's replay is kept until its decisions change.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

from sim.authoring.placeholders import DecisionFacts, pick_silent
from sim.classroom.story import CustomerRecords
from sim.clock import MINUTES_PER_DAY
from sim.commands import Choose, LoggedCommand
from sim.engine.simulation import Simulation
from sim.errors import CommandError
from sim.experiments.experiment import flatten
from sim.records import Record
from sim.results.results import build_results
from sim.scenario.schema import Scenario
from sim.session.replay import replay
from sim.story import StoryWords, journey_lines

Decided = tuple[tuple[float, str, str], ...]  # (sim minute, decision, option), in the order the team made them


@dataclass(frozen=True)
class Plan:
    """What to replay: the session's run settings and each team's decisions (the cache key, too)."""

    seed: int
    policy: str
    horizon_days: float
    teams: tuple[tuple[int, Decided], ...]  # (team id, its decisions), in join order


@dataclass(frozen=True)
class TeamReplay:
    """One team's run, played again: its results (flattened), how far it got, the followed customer's story."""

    team_id: int
    flat: dict[str, float]
    reached_minutes: float
    complete: bool  # reached the horizon (False: it stopped at a decision the team has not answered yet)
    story: list[str]
    problem: str | None = None  # why the team's commands could not be replayed, if they could not


@dataclass(frozen=True)
class Replays:
    """Every team's replay, and the customer whose story each tells."""

    customer: int | None
    decision: str | None  # the decision whose failure hit that customer
    chosen_in: int | None = None  # the team in whose replay the customer was chosen
    teams: dict[int, TeamReplay] = field(default_factory=dict)


def commands_of(decided: Decided) -> list[LoggedCommand]:
    """A team's decisions as the command log a game would have kept."""
    return [LoggedCommand(t, Choose(decision=d, option=o)) for t, d, o in decided]


def replay_team(
    scenario: Scenario, plan: Plan, decided: Decided, observers: Sequence[Callable[[Record], None]] = ()
) -> Simulation:
    """One team's run again, to the horizon (or to a decision it left unanswered); CommandError for a log the run refuses."""
    return replay(scenario, commands_of(decided), policy=plan.policy, seed=plan.seed, observers=observers,
                  horizon_days=plan.horizon_days)  # fmt: skip


def choose_customer(scenario: Scenario, plan: Plan) -> tuple[int | None, str | None, int | None]:
    """(customer, decision, team): in the first team's replay, a silent customer of its earliest decision that hit anyone."""
    for team_id, decided in plan.teams:
        if not decided:
            continue
        facts = DecisionFacts(scenario, plan.horizon_days * MINUTES_PER_DAY, plan.policy)
        try:
            replay_team(scenario, plan, decided, [facts])
        except CommandError:
            continue
        made = sorted((f["made_at"], name) for name, f in facts.facts().items() if f["made_at"] is not None)
        for _, name in made:
            customer = pick_silent(facts.facts()[name]["silent_answers"])
            if customer is not None:
                return customer, name, team_id
        return None, None, team_id
    return None, None, None


def run_replays(scenario: Scenario, plan: Plan) -> Replays:
    """Every team's replay, each following the chosen customer (pure: the same plan gives the same answer)."""
    customer, decision, chosen_in = choose_customer(scenario, plan)
    words = StoryWords(scenario)
    out: dict[int, TeamReplay] = {}
    horizon = plan.horizon_days * MINUTES_PER_DAY
    for team_id, decided in plan.teams:
        follow = CustomerRecords(customer if customer is not None else -1)
        try:
            sim = replay_team(scenario, plan, decided, [follow])
        except CommandError as exc:
            out[team_id] = TeamReplay(team_id, {}, 0.0, False, [], problem=str(exc))
            continue
        story = journey_lines(words, follow.records, follow.came_back) if customer is not None else []
        out[team_id] = TeamReplay(team_id, flatten(build_results(sim)), sim.now, sim.now >= horizon, story)
    return Replays(customer, decision, chosen_in, out)


class ReplayWorker:
    """Runs ``run_replays`` in one background thread; ``get`` answers at once: the replays, or None while they run.

    The last plan's answer is kept: the debrief asks again every few seconds, and a replay runs
    again only when a team's decisions changed (a team that joined or decided since).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cxsim-debrief")
        self._plan: Plan | None = None
        self._future: Future[Replays] | None = None
        self._last: Replays | None = None  # the last finished answer, shown while a newer plan runs

    def get(self, plan: Plan) -> tuple[Replays | None, str]:
        """(the replays of ``plan``, or the last ones while it runs, and 'ready', 'running' or 'failed: why')."""
        if plan != self._plan:
            self._plan = plan
            self._future = self._pool.submit(run_replays, self.scenario, plan)
        fut = self._future
        assert fut is not None
        if not fut.done():
            return self._last, "running"
        exc = fut.exception()
        if exc is not None:
            return self._last, f"failed: {type(exc).__name__}: {exc}"[:200]
        self._last = fut.result()
        return self._last, "ready"

    async def wait(self, plan: Plan, timeout: float) -> tuple[Replays | None, str]:
        """``get``, waiting up to ``timeout`` seconds (without blocking the event loop) for this plan's replays."""
        answer = self.get(plan)
        fut = self._future
        if answer[1] == "running" and fut is not None and timeout > 0:
            with contextlib.suppress(Exception):  # a timeout, or the replay's own failure (``get`` reports it)
                await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(fut)), timeout)
            answer = self.get(plan)
        return answer

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def plan_of(seed: int, policy: str, horizon_days: float, teams: Sequence[tuple[int, Sequence[tuple[float, str, str]]]]) -> Plan:
    """A replay plan from plain rows."""
    return Plan(seed, policy, horizon_days, tuple((tid, tuple(decided)) for tid, decided in teams))

