"""Policies a study adds without editing the scenario: derived with ``--with``/``--without``, or read from a policy file.

A manager asking "what does notifying customers add to what we do today?" should not have to
copy the scenario to write one more ``[policies.NAME]`` table. A *derived* policy is a policy of
the scenario with responses added or taken away; a *policy file* holds ``[policies.NAME]``
tables in the scenario's own format, checked like the scenario (file, line and key on every
problem). Either way the scenario file is untouched: the added policies travel with each
replication (``Job.policy_spec``) to local or Dask workers and into the resume journal.

Where ``--with RESPONSE`` puts the response follows what the response is: one that answers a
failure (it reaches the customers a failure hit, or fixes it) joins the policy's
``on_failure`` list, so it answers every failure of the run from the first, as a standing
rule does; any other (agents, call-backs, an experience touch, thanks to reviewers) joins
``at_start`` and is in force from the start. ``--without RESPONSE`` takes it out of both
lists and out of the policy's answers to decisions (a copy of the option picked, without it).
Any other change of answer is for a policy file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError

from sim.errors import Problem, ScenarioError, SimError
from sim.scenario.checks import check_scenario, did_you_mean
from sim.scenario.loader import _located, _problem, parse_toml, read_file
from sim.scenario.schema import Option, Policy, Scenario
from sim.scenario.toml_lines import KeyLines
from sim.scenario.types import Name, Strict

WITH_MARK, WITHOUT_MARK = "+", "-"  # reactive+notify_clear-apologise: the base policy, then what changed, in order
Place = Literal["at_start", "on_failure"]


class PolicyChangeError(SimError):
    """A --with or --without that names no response of the scenario, in one line naming the flag."""


@dataclass(frozen=True)
class PolicyChange:
    """Responses to add to (``with_``) and take from (``without``) a base policy, in the order given."""

    with_: tuple[str, ...] = ()
    without: tuple[str, ...] = ()
    flags: tuple[str, str] = field(default=("--with", "--without"), compare=False)  # what messages call the two lists

    def __bool__(self) -> bool:
        return bool(self.with_ or self.without)

    def check(self, scenario: Scenario) -> None:
        """Raise ``PolicyChangeError`` on a name that is not a response of the scenario, or one both added and removed."""
        for flag, names in zip(self.flags, (self.with_, self.without), strict=True):
            for name in names:
                if name not in scenario.responses:
                    raise PolicyChangeError(f"{flag}: unknown response '{name}'{did_you_mean(name, scenario.responses)}")
        both = [n for n in self.with_ if n in self.without]
        if both:
            raise PolicyChangeError(f"{self.flags[0]} and {self.flags[1]} both name response '{both[0]}'")

    def name(self, base: str) -> str:
        """The derived policy's name: ``base+added-removed`` (it cannot clash with a file's policy: names have no '+')."""
        return base + "".join(WITH_MARK + n for n in self.with_) + "".join(WITHOUT_MARK + n for n in self.without)


def placement(scenario: Scenario, response: str) -> Place:
    """Where ``--with response`` puts it: ``on_failure`` for a response that answers a failure, else ``at_start``."""
    return "on_failure" if scenario.responses[response].per_incident else "at_start"


class PolicyVariant(Strict):
    """A policy the scenario file does not define, with the decision options only it picks: what a replication carries."""

    policy: Policy = Field(description="The policy.")
    options: dict[Name, dict[Name, Option]] = Field(
        default_factory=dict, description="Per decision, options added for this policy (an answer with a response taken out)."
    )


def derive(scenario: Scenario, base: str, change: PolicyChange) -> PolicyVariant:
    """Policy ``base`` with ``change`` applied.

    A response already in the policy's list is not added twice. A --without takes the response
    out of ``at_start`` and ``on_failure`` and out of the policy's answers: where the option it
    picks at a decision applies the response, it picks instead a copy of that option without
    it, named ``OPTION-RESPONSE`` (only this policy's runs see the copy).
    """
    policy = scenario.policies[base]
    lists: dict[str, list[str]] = {"at_start": list(policy.at_start), "on_failure": list(policy.on_failure)}
    for name in change.with_:
        place = placement(scenario, name)
        if name not in lists[place]:
            lists[place].append(name)
    for kept in lists.values():
        kept[:] = [n for n in kept if n not in change.without]
    choices = dict(policy.decisions)
    options: dict[str, dict[str, Option]] = {}
    for decision, chosen in answers(scenario, policy):
        option = scenario.decisions[decision].options[chosen]
        removed = [n for n in option.responses if n in change.without]
        if not removed:
            continue
        copy = chosen + "".join(WITHOUT_MARK + n for n in removed)
        label = f"{option.label} (without {', '.join(removed)})"
        responses = [n for n in option.responses if n not in change.without]
        options[decision] = {copy: option.model_copy(update={"responses": responses, "label": label})}
        choices[decision] = copy
    described = f"'{base}'" + "".join(f" with {n}" for n in change.with_) + "".join(f" without {n}" for n in change.without)
    update: dict[str, object] = {**lists, "decisions": choices, "description": f"{described} (from the command line)"}
    return PolicyVariant(policy=policy.model_copy(update=update), options=options)


def answers(scenario: Scenario, policy: Policy) -> list[tuple[str, str]]:
    """Every decision of the scenario with the option ``policy`` picks (its own answer, else the decision's default)."""
    from sim.scenario.teaching import default_option

    return [(name, policy.decisions.get(name, default_option(spec))) for name, spec in scenario.decisions.items()]


def runs_as(scenario: Scenario, variant: PolicyVariant, base: str) -> bool:
    """Whether a derived policy runs exactly as its base (descriptions aside): the change changed nothing."""
    blank = {"description": ""}
    return not variant.options and variant.policy.model_copy(update=blank) == scenario.policies[base].model_copy(update=blank)


def with_policies(scenario: Scenario, added: Mapping[str, PolicyVariant]) -> Scenario:
    """The scenario with ``added`` policies next to its own, and their decision options (a copy: the loaded one never changes)."""
    if not added:
        return scenario
    decisions = dict(scenario.decisions)
    for variant in added.values():
        for decision, extra in variant.options.items():
            spec = decisions[decision]
            decisions[decision] = spec.model_copy(update={"options": {**spec.options, **extra}})
    policies = {**scenario.policies, **{name: variant.policy for name, variant in added.items()}}
    return scenario.model_copy(update={"policies": policies, "decisions": decisions})


# --- the policy file ------------------------------------------------------------------------------------------


class PolicyFile(Strict):
    """A policy file: ``[policies.NAME]`` tables, each in the scenario's policy format."""

    policies: dict[Name, Policy] = Field(min_length=1, description="Policies, keyed by name.")


def read_policy_file(path: str | Path, scenario: Scenario) -> dict[str, Policy]:
    """The policies of a policy file, checked against ``scenario``; ``ScenarioError`` lists every problem, located."""
    name = str(path)
    data = read_file(path, "policy")
    if not data.strip():
        raise ScenarioError([Problem(name, None, "", "file is empty; a policy file holds [policies.NAME] tables")])
    raw, text = parse_toml(data, name, "policy")
    lines = KeyLines(text)
    problems = [
        _located(name, lines, (key,), f"unknown key '{key}': a policy file holds only [policies.NAME] tables")
        for key in raw
        if key != "policies"
    ]
    if problems:
        raise ScenarioError(problems)
    try:
        found = PolicyFile.model_validate(raw).policies
    except ValidationError as err:
        raise ScenarioError([_problem(name, lines, raw, e) for e in err.errors(include_url=False)]) from err
    for key in found:
        if key in scenario.policies:
            message = f"the scenario already has a policy '{key}': give this one another name"
            problems.append(_located(name, lines, ("policies", key), message))
    merged = with_policies(scenario, {k: PolicyVariant(policy=v) for k, v in found.items() if k not in scenario.policies})
    for finding in check_scenario(merged):
        at = finding.path
        if not finding.warning and len(at) > 1 and at[0] == "policies" and at[1] in found:
            problems.append(_located(name, lines, at, finding.message))
    if problems:
        raise ScenarioError(problems)
    return found


def derived_policies(
    scenario: Scenario, bases: Sequence[str], change: PolicyChange
) -> tuple[dict[str, PolicyVariant], list[str]]:  # fmt: skip
    """Each base policy with ``change`` applied, keyed by its derived name, and a note for each base it leaves as it was."""
    added: dict[str, PolicyVariant] = {}
    notes: list[str] = []
    for base in bases:
        variant = derive(scenario, base, change)
        if runs_as(scenario, variant, base):
            notes.append(
                f"note: {describe(change)} changes nothing in policy '{base}' (it already does that): no derived policy for it"
            )
            continue
        added[change.name(base)] = variant
        policy = scenario.policies[base]
        for decision, chosen in answers(scenario, policy):
            twice = [n for n in change.with_ if n in scenario.decisions[decision].options[chosen].responses]
            notes.extend(
                f"note: {change.flags[0]} {n}: policy '{base}' also applies it through its answer to decision '{decision}' "
                f"(option '{chosen}'), so {change.name(base)} applies it twice"
                for n in twice
            )
    return added, notes


def describe(change: PolicyChange) -> str:
    """'--with a, b --without c', as the user typed it."""
    parts = [
        f"{change.flags[0]} {', '.join(change.with_)}" if change.with_ else "",
        f"{change.flags[1]} {', '.join(change.without)}" if change.without else "",
    ]
    return " ".join(p for p in parts if p)


def temporary(scenario: Scenario, names: Iterable[str]) -> list[str]:
    """Notes for added ``at_start`` responses that last only some hours: they end that long after the run starts."""
    notes = []
    for name in names:
        hours = getattr(scenario.responses[name], "for_hours", None)
        if hours is not None and placement(scenario, name) == "at_start":
            notes.append(
                f"note: --with {name}: in force from the start, so it ends {hours:g} hours into the run; to apply it when a "
                "failure starts, write it under on_failure in a --policy-file"
            )
    return notes
