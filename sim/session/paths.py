"""Decision paths: the answers a trainee can give at a scenario's decision points.

A path is what the game lets a trainee do: the scenario's default policy runs the business, and
each decision point is answered by the trainee. "The proactive path" answers every decision with
its first proactive option (a decision without one keeps the policy's answer); single choices
can be changed on top. Lessons, ``cxsim play --answers`` and the debrief's replays all name paths
this way, so a claim checked here is a claim about what a trainee can actually play.
"""

from __future__ import annotations

from collections.abc import Mapping

from sim.errors import CommandError
from sim.scenario.schema import Scenario
from sim.scenario.teaching import default_option

STYLES = ("reactive", "proactive")


def style_answers(scenario: Scenario, style: str, *, policy: str | None = None) -> dict[str, str]:
    """Every decision answered with its first option of ``style`` (else the policy's own answer)."""
    base = scenario.policies[policy or scenario.default_policy_name]
    out: dict[str, str] = {}
    for name, decision in scenario.decisions.items():
        styled = [opt for opt, spec in decision.options.items() if spec.style == style]
        if styled:
            out[name] = styled[0]
        else:
            out[name] = base.decisions.get(name) or default_option(decision)
    return out


def path_choices(
    scenario: Scenario, answers: str | None, choices: Mapping[str, str], *, policy: str | None = None
) -> dict[str, str]:
    """The full set of answers of a path: a style (or the policy's answers) with single choices on top."""
    base = scenario.policies[policy or scenario.default_policy_name]
    out = style_answers(scenario, answers, policy=policy) if answers else dict(base.decisions)
    out.update(choices)
    return out


def parse_answers(text: str, scenario: Scenario) -> dict[str, str]:
    """Read ``--answers``: 'reactive', 'proactive', or 'DECISION=OPTION,...' (a style first is allowed).

    Raises ``CommandError`` naming the unknown decision or option, with the valid ones.
    """
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        raise CommandError("--answers: give 'reactive', 'proactive' or DECISION=OPTION,...")
    style = None
    if parts[0] in STYLES:
        style, parts = parts[0], parts[1:]
    picked: dict[str, str] = {}
    for part in parts:
        decision, sep, option = part.partition("=")
        decision, option = decision.strip(), option.strip()
        if not sep:
            raise CommandError(f"--answers: '{part}' is not DECISION=OPTION (or 'reactive' / 'proactive' first)")
        if decision not in scenario.decisions:
            names = ", ".join(scenario.decisions) or "none"
            raise CommandError(f"--answers: no decision '{decision}' (decisions: {names})")
        options = scenario.decisions[decision].options
        if option not in options:
            raise CommandError(f"--answers: decision '{decision}' has no option '{option}' (options: {', '.join(options)})")
        picked[decision] = option
    return path_choices(scenario, style, picked) if style else {**path_choices(scenario, None, {}), **picked}


def describe_path(scenario: Scenario, answers: str | None, choices: Mapping[str, str]) -> str:
    """A path in words, as preview and lint print it: 'proactive path, crash = vague_email'."""
    head = f"{answers} path" if answers else "the policy's answers"
    tail = ", ".join(f"{d} = {o}" for d, o in choices.items())
    return f"{head}, {tail}" if tail else head
