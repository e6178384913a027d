"""cxsim's engine: a headless discrete-event simulation of customer journeys on SimPy.

Glossary (used the same way in code, scenarios and docs):

- segment: a kind of customer, with its share of arrivals and habits.
- touchpoint: a place in the journey where the customer meets the brand; self-service
  (ad, website, assistant, checkout) or staffed (phone, chat, email, store).
- channel: the medium of a touchpoint (phone, chat, website...).
- journey: the map of touchpoints and the routes between them.
- failure: a touchpoint breaking (scheduled or random); one occurrence is an incident.
- response: something the brand does (apologise, fix, compensate, notify, add agents...).
- policy: a named set of responses plus a choice at every decision point.
- decision: a moment where a trainee, or a policy, chooses a response.
- record: a typed, timestamped fact of what happened, sent to observers.
- command: the only way to change a running simulation from outside.

Numbers for a script or a notebook (``sim.api``; docs/python-api.md), each as its command computes them:

- ``load(path)``: read and validate a scenario file (a ``LoadedScenario``).
- ``run(scenario, policy=, seed=, days=, interval=)``: one run (``cxsim run``), a ``RunResult``.
- ``replicate(scenario, policy=, reps=20, ...)``: one policy on many seeds with 95 % intervals
  (``cxsim run --reps``), a ``Replications``.
- ``compare(scenario, ["reactive", "proactive"], reps=20, ...)``: policies on the same seeds,
  paired differences and verdicts (``cxsim compare``), a ``Comparison``.
- ``sweep(scenario, {"touchpoints.phone.agents": range(6, 15, 2)}, reps=10, ...)``: a grid of
  values (``cxsim sweep``), a ``SweepResult``.

``scenario`` is a path or what ``load`` returned; ``workers=`` and ``scheduler=`` are the CLI's
``--workers`` and ``--scheduler``; the same seed gives the same numbers as the CLI. Every result
has ``.to_dict()`` (the JSON ``--json`` writes), ``.to_pandas()`` (the tidy long table of
``--csv``, with a ``unit`` column; ``pip install 'cxsim[pandas]'``) and ``.to_parquet(path)``
(``pip install 'cxsim[parquet]'``). Bad input raises a ``SimError`` subclass with one clear line.

Sim time is minutes from Monday 00:00 of day 1. This package never imports pygame or game/.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

# Each public name and the module it lives in. They are imported on first use (PEP 562), so
# `import sim` (and with it `cxsim --help`) does not pay for numpy, pydantic and SimPy.
_EXPORTS = {
    "load": "sim.api",
    "run": "sim.api",
    "replicate": "sim.api",
    "compare": "sim.api",
    "sweep": "sim.api",
    "RunResult": "sim.api",
    "Replications": "sim.api",
    "Comparison": "sim.api",
    "Difference": "sim.api",
    "SweepResult": "sim.api",
    "SweepPoint": "sim.api",
    "Interval": "sim.experiments.stats",
    "ArgumentError": "sim.errors",
    "ApplyResponse": "sim.commands",
    "Choose": "sim.commands",
    "Command": "sim.commands",
    "LoggedCommand": "sim.commands",
    "SetAgents": "sim.commands",
    "Simulation": "sim.engine.simulation",
    "Observer": "sim.engine.simulation",
    "Snapshot": "sim.engine.snapshot",
    "Record": "sim.records",
    "build_results": "sim.results.results",
    "replay": "sim.session.replay",
    "CommandError": "sim.errors",
    "Problem": "sim.errors",
    "ScenarioError": "sim.errors",
    "SimError": "sim.errors",
    "RandomStreams": "sim.rng",
    "LoadedScenario": "sim.scenario.loader",
    "load_scenario": "sim.scenario.loader",
    "parse_scenario": "sim.scenario.loader",
    "read_scenario": "sim.scenario.loader",
    "Scenario": "sim.scenario.schema",
}

__all__ = [
    "ApplyResponse",
    "ArgumentError",
    "Choose",
    "Command",
    "CommandError",
    "Comparison",
    "Difference",
    "Interval",
    "LoadedScenario",
    "LoggedCommand",
    "Observer",
    "Problem",
    "RandomStreams",
    "Record",
    "Replications",
    "RunResult",
    "Scenario",
    "ScenarioError",
    "SetAgents",
    "SimError",
    "Simulation",
    "Snapshot",
    "SweepPoint",
    "SweepResult",
    "__version__",
    "build_results",
    "compare",
    "load",
    "load_scenario",
    "parse_scenario",
    "read_scenario",
    "replay",
    "replicate",
    "run",
    "sweep",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what the names are, for type checkers and editors
    from sim.api import (
        Comparison,
        Difference,
        Replications,
        RunResult,
        SweepPoint,
        SweepResult,
        compare,
        load,
        replicate,
        run,
        sweep,
    )
    from sim.commands import ApplyResponse, Choose, Command, LoggedCommand, SetAgents
    from sim.engine.simulation import Observer, Simulation
    from sim.engine.snapshot import Snapshot
    from sim.errors import ArgumentError, CommandError, Problem, ScenarioError, SimError
    from sim.experiments.stats import Interval
    from sim.records import Record
    from sim.results.results import build_results
    from sim.rng import RandomStreams
    from sim.scenario.loader import LoadedScenario, load_scenario, parse_scenario, read_scenario
    from sim.scenario.schema import Scenario
    from sim.session.replay import replay
