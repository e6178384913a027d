"""``--with``, ``--without`` and ``--policy-file``: policies varied on the command line, for run, compare and sweep.

The flags are declared once here; ``study_policies`` turns them, after the scenario is read and
before any work, into the scenario to run (with the added policies), the policies to run in
order, and the JSON of each added policy that the replications carry to their workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sim.cli.console import fail, print_lines
from sim.cli.options import check_policies, split_policies

if TYPE_CHECKING:
    from sim.scenario.schema import Scenario

WithOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--with", metavar="RESPONSE",
        help="Derive from each named policy one with this response added, named e.g. reactive+notify_customers "
        "(repeatable, or a,b; compare and sweep run it next to its base, run in its place): a response that answers a "
        "failure joins its on_failure list (every failure, from the first), any other its at_start list (from the start).",
    ),
]  # fmt: skip
WithoutOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--without", metavar="RESPONSE",
        help="Derive from each named policy one without this response (repeatable, or a,b), named e.g. reactive-apologise: "
        "out of its at_start and on_failure lists, and out of the options it picks at decisions.",
    ),
]  # fmt: skip
PolicyFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--policy-file", metavar="PATH",
        help="A TOML file of [policies.NAME] tables in the scenario's policy format: its policies can be named as the "
        "scenario's are (compare runs them all by default).",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class PolicyFlags:
    """``--with``, ``--without`` and ``--policy-file`` as given (each of the first two a list of comma lists)."""

    with_: list[str] | None = None
    without: list[str] | None = None
    policy_file: Path | None = None


NO_POLICY_FLAGS = PolicyFlags()


@dataclass(frozen=True)
class StudyPolicies:
    """What the policy flags make of a scenario: the scenario to run, its policies in order, and the added ones as JSON."""

    scenario: Scenario
    names: list[str]
    specs: dict[str, str]


def study_policies(
    scenario: Scenario, named: list[str] | None, flags: PolicyFlags, *, flag: str, every: bool, keep_named: bool
) -> StudyPolicies:  # fmt: skip
    """Check the policy flags against ``scenario`` and add the policies they ask for (exit 2 with one line otherwise).

    ``named`` are the policies the user named with ``flag``; None is every policy when
    ``every`` (compare: the scenario's, then the policy file's), else the scenario's default.
    With --with/--without each gets a derived policy, run after the named ones when
    ``keep_named`` (compare, sweep) or in their place (run).
    """
    from sim.scenario.policy_changes import (
        PolicyChange,
        PolicyChangeError,
        PolicyVariant,
        derived_policies,
        describe,
        read_policy_file,
        temporary,
        with_policies,
    )

    read = read_policy_file(flags.policy_file, scenario) if flags.policy_file is not None else {}
    from_file = {name: PolicyVariant(policy=policy) for name, policy in read.items()}
    scenario = with_policies(scenario, from_file)
    names = named if named is not None else list(scenario.policies) if every else [scenario.default_policy_name]
    check_policies(names, scenario.policies, flag)
    change = PolicyChange(tuple(_names(flags.with_)), tuple(_names(flags.without)))
    added = dict(from_file)
    if change:
        try:
            change.check(scenario)
            derived, notes = derived_policies(scenario, names, change)
        except PolicyChangeError as exc:
            raise fail(str(exc)) from None
        print_lines([*notes, *temporary(scenario, change.with_)])
        if not derived:
            raise fail(f"{describe(change)}: nothing to run: every policy named already does that")
        clash = [n for n in derived if n in scenario.policies]
        if clash:
            raise fail(f"{describe(change)}: the derived policy '{clash[0]}' has the name of a policy already there")
        scenario = with_policies(scenario, derived)
        added.update(derived)
        names = [*names, *derived] if keep_named else list(derived)
    specs = {name: added[name].model_dump_json() for name in names if name in added}
    return StudyPolicies(scenario, names, specs)


def _names(values: list[str] | None) -> list[str]:
    """Repeated flags and comma lists, flattened in order, each name once."""
    return list(dict.fromkeys(n for value in values or [] for n in split_policies(value)))
