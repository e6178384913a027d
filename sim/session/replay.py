"""Replay a run from its seed and command log: the same inputs give the same run, bit for bit."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sim.commands import Choose, LoggedCommand
from sim.engine.simulation import Observer, Simulation
from sim.errors import CommandError
from sim.scenario.schema import Scenario


def replay(
    scenario: Scenario,
    commands: Iterable[LoggedCommand],
    *,
    policy: str | None = None,
    seed: int | None = None,
    observers: Iterable[Observer] = (),
    horizon_days: float | None = None,
    until: float | None = None,
) -> Simulation:
    """Re-run an interactive session: advance to each command's time and apply it, then run on.

    Without ``until`` the run goes to the horizon (stopping at a decision left unanswered); with
    it, the run stops at sim minute ``until`` (resuming a saved session where it was left).
    """
    sim = Simulation(scenario, policy=policy, seed=seed, observers=observers, interactive=True, horizon_days=horizon_days)
    for i, logged in enumerate(commands):
        try:
            sim.advance_to(logged.time)
            if isinstance(logged.command, Choose):
                sim.settle(logged.command.decision)
            sim.apply(logged.command)
        except CommandError as exc:  # a hand-edited log: say which command the scenario refuses
            raise CommandError(f"commands[{i}]: {exc}") from exc
    if until is not None:
        sim.advance_to(until)
        return sim
    while not sim.finished:
        if sim.pending_decisions and sim.paused:
            break  # the session ended with a decision unanswered
        sim.advance_to(sim.horizon)
    return sim


def with_choices(scenario: Scenario, choices: Mapping[str, str], *, policy: str | None = None) -> tuple[Scenario, str]:
    """The scenario with one policy answering decision points as ``choices`` says.

    A trainee's answers become a policy, so the debrief can replay "what if I had chosen
    otherwise" headless, with the same seed and therefore the same customers and failures.
    Returns the scenario copy and the name of the policy to run.
    """
    name = policy or scenario.default_policy_name
    base = scenario.policies[name]
    for decision, option in choices.items():
        if decision not in scenario.decisions or option not in scenario.decisions[decision].options:
            raise CommandError(f"decision '{decision}' has no option '{option}'")
    changed = base.model_copy(update={"decisions": {**base.decisions, **choices}})
    return scenario.model_copy(update={"policies": {**scenario.policies, name: changed}}), name


def run_with_choices(
    scenario: Scenario,
    choices: Mapping[str, str],
    *,
    policy: str | None = None,
    seed: int | None = None,
    horizon_days: float | None = None,
) -> Simulation:
    """Run headless to the horizon, answering each decision point as ``choices`` says."""
    changed, name = with_choices(scenario, choices, policy=policy)
    sim = Simulation(changed, policy=name, seed=seed, horizon_days=horizon_days)
    sim.run()
    return sim
