"""The Python API's argument checks: the rules the CLI's flags follow, as one line naming the argument.

``sim.api`` calls these before it runs anything, so a bad argument raises an ``ArgumentError``
(a ``SimError``) saying which argument and what it takes, never a traceback from deep inside a
run; the messages name the API's arguments (``reps``, ``with_responses``) where the CLI's name
its flags.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sim.errors import ArgumentError
from sim.scenario.loader import LoadedScenario, read_scenario

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

ScenarioSource = str | Path | LoadedScenario


def source(scenario: ScenarioSource) -> tuple[LoadedScenario, bytes]:
    """The validated scenario and the file's bytes (replications re-read them in worker processes)."""
    import hashlib

    if not isinstance(scenario, LoadedScenario):
        if not isinstance(scenario, str | Path):
            raise ArgumentError(f"scenario: give a file path or what sim.load() returned (got {type(scenario).__name__})")
        scenario = read_scenario(scenario)
    try:
        data = Path(scenario.path).read_bytes()
    except OSError as exc:
        raise ArgumentError(f"scenario: cannot read {scenario.path} ({exc.strerror or exc}); pass the file's path") from None
    if hashlib.sha256(data).hexdigest() != scenario.sha256:
        raise ArgumentError(f"scenario: {scenario.path} changed since it was loaded; load it again")
    return scenario, data


def check_policies(names: Sequence[str], loaded: LoadedScenario, argument: str) -> None:
    from sim.scenario.checks import unknown_policy

    problem = unknown_policy(names, loaded.scenario.policies, argument)
    if problem is not None:
        raise ArgumentError(problem)


def derived_policies(
    loaded: LoadedScenario, bases: Sequence[str], with_responses: Sequence[str], without_responses: Sequence[str]
) -> tuple[Scenario, list[str], dict[str, str]]:  # fmt: skip
    """The policies ``with_responses``/``without_responses`` derive from ``bases``: the scenario holding them, their names, their specs.

    As ``--with`` and ``--without`` (``sim.scenario.policy_changes``); the specs (JSON) travel with
    each replication to the workers. No change: the scenario as loaded, no names.
    """
    import warnings

    from sim.scenario.policy_changes import PolicyChange, PolicyChangeError, derived_policies, describe, with_policies

    for argument, value in (("with_responses", with_responses), ("without_responses", without_responses)):
        if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(n, str) for n in value):
            raise ArgumentError(f"{argument}: give a list of response names, e.g. ['sms_notice'] (got {value!r})")
    change = PolicyChange(
        tuple(dict.fromkeys(with_responses)), tuple(dict.fromkeys(without_responses)), flags=("with_responses", "without_responses")
    )
    if not change:
        return loaded.scenario, [], {}
    try:
        change.check(loaded.scenario)
    except PolicyChangeError as exc:
        raise ArgumentError(str(exc)) from None
    derived, notes = derived_policies(loaded.scenario, bases, change)
    for note in notes:
        warnings.warn(note.removeprefix("note: "), stacklevel=3)
    if not derived:
        raise ArgumentError(f"{describe(change)}: nothing to run: every policy named already does that")
    return with_policies(loaded.scenario, derived), list(derived), {n: v.model_dump_json() for n, v in derived.items()}


def check_run(seed: int | None, days: float | None, interval: int | None) -> None:
    """The checks the CLI's flags make: a seed of 0 or more, days above 0, an interval of 15, 30 or 60 minutes."""
    from sim.results.intervals import INTERVAL_CHOICES

    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ArgumentError(f"seed: a whole number of 0 or more (got {seed!r})")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int | float) or not days >= 0.001):
        raise ArgumentError(f"days: a run length in days of at least 0.001 (got {days!r})")
    if interval is not None and interval not in INTERVAL_CHOICES:
        raise ArgumentError(f"interval: an interval is 15, 30 or 60 minutes (got {interval!r})")


def check_study(
    loaded: LoadedScenario, reps: int, seed: int | None, days: float | None, interval: int | None, *, minimum: int
) -> int:
    """Check a study's arguments; its base seed."""
    check_run(seed, days, interval)
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < minimum:
        raise ArgumentError(f"reps: replications per policy, a whole number of at least {minimum} (got {reps!r})")
    return loaded.scenario.seed if seed is None else seed


def workers_of(workers: int | None) -> int:
    from sim.experiments.workers import MAX_WORKERS

    if workers is None:
        return os.cpu_count() or 1
    if isinstance(workers, bool) or not isinstance(workers, int) or not 1 <= workers <= MAX_WORKERS:
        raise ArgumentError(f"workers: worker processes, from 1 to {MAX_WORKERS} (got {workers!r})")
    return workers


def unknown_metric(metric: str, known: Mapping[str, Any]) -> str:
    from sim.scenario.checks import did_you_mean

    return f"metric: no '{metric}' in these results{did_you_mean(metric, known)} (the dotted keys of cxsim run --json)"
