"""Helpers shared by tests: paths and small scenarios built in code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sim import Scenario, parse_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
# the flagship before its five decisions (a crash card and a review card): for the game-mechanics tests
LAUNCH_DAY = ROOT / "tests" / "scenarios" / "files" / "launch-day" / "hike-launch.toml"


def queue_toml(
    *,
    per_hour: float = 570.0,
    agents: int = 10,
    handle: str = '{ dist = "exponential", mean = 1.0 }',
    patience: str | None = '{ dist = "exponential", mean = 2.0 }',
    days: float = 1.0,
    warmup_days: float = 0.0,
    extra: str = "",
) -> str:
    """TOML of a single phone queue (the Erlang test bed)."""
    patience_line = f"patience_min = {patience}" if patience else ""
    return f"""
schema_version = 1
title = "one queue"
seed = 7
horizon_days = {days}
warmup_days = {warmup_days}

[segments.all]
share = 1.0

[arrivals]
customers_per_hour = {per_hour}

[touchpoints.phone]
kind = "staffed"
channel = "phone"
agents = {agents}
handle_min = {handle}
{patience_line}

[journey]
entry = {{ phone = 1.0 }}

[policies.none]
{extra}
"""


def make_scenario(text: str) -> Scenario:
    """Validate scenario TOML text."""
    return parse_scenario(text.encode(), "test.toml").scenario


def path_results(scenario: Scenario, style: str) -> dict[str, Any]:
    """The results of one run of a trainee's path: every decision answered in ``style`` on the default policy."""
    from sim.engine.simulation import Simulation
    from sim.results.results import build_results
    from sim.session.paths import style_answers
    from sim.session.replay import with_choices

    played, policy = with_choices(scenario, style_answers(scenario, style))
    sim = Simulation(played, policy=policy)
    sim.run()
    return build_results(sim)


def minutes_to_first_event(scenario: Scenario) -> float:
    """Sim minutes from the first customer to the first decision or failure (at 1x, 100 minutes are 20 seconds)."""
    from sim.engine.simulation import Simulation
    from sim.records import CustomerArrived, DecisionRequested, FailureStarted, Record

    seen: list[Record] = []
    sim = Simulation(scenario, horizon_days=1.0)
    sim.subscribe(seen.append)
    sim.run()
    first_customer = min(r.time for r in seen if isinstance(r, CustomerArrived))
    first_event = min(r.time for r in seen if isinstance(r, DecisionRequested | FailureStarted))
    return first_event - max(first_customer, 0.0)
