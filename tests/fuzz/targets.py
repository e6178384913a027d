"""What the fuzzer damages and how each damaged file is checked.

Targets: every bundled scenario (``scenarios/*.toml``), as a tree and as text, given to
``cxsim validate``, ``cxsim run --days 0.2`` and ``cxsim lint``; and a session file of
``scenarios/tutorial.toml`` (a decision, a staffing change and the saved results of a three-day
run), as a tree and as text, given to ``cxsim replay``.

Budgets: ``make test`` runs ``FAST`` examples per target, reproducibly (derandomized, no
example database); ``make test-slow`` runs ``LONG`` (at least 2,000 cases in all), as does
``CXSIM_FUZZ=long`` for the fast tests.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any

from helpers import SCENARIOS
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from fuzz import toml_writer
from fuzz.mutations import Case, Deep, text_mutation, tree_mutation
from fuzz.property import check

BUNDLED = sorted(p.name for p in SCENARIOS.glob("*.toml"))
FAST = {"scenario_tree": 120, "scenario_text": 60, "session_tree": 80, "session_text": 40}
LONG = {"scenario_tree": 1000, "scenario_text": 400, "session_tree": 500, "session_text": 200}
SESSION_SCENARIO = "tutorial.toml"
SESSION_DAYS = 3.0


def budget(target: str, *, long: bool | None = None) -> settings:
    """Hypothesis settings for one target: its example count, a per-example deadline, reproducible runs."""
    if long is None:
        long = os.environ.get("CXSIM_FUZZ") == "long"
    return settings(
        max_examples=(LONG if long else FAST)[target],
        derandomize=True,
        database=None,
        deadline=timedelta(seconds=15),  # the hard timer in property.py stops a hang at 30 s
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
        print_blob=False,
    )


@functools.cache
def scenario_bytes(name: str) -> bytes:
    return (SCENARIOS / name).read_bytes()


@functools.cache
def scenario_tree(name: str) -> dict[str, Any]:
    return tomllib.loads(scenario_bytes(name).decode("utf-8"))


@st.composite
def scenario_tree_cases(draw: st.DrawFn) -> Case:
    name = draw(st.sampled_from(BUNDLED))
    tree, what = draw(tree_mutation(scenario_tree(name)))
    return Case(toml_writer.dumps(tree).encode("utf-8"), f"{name}: {what}")


@st.composite
def scenario_text_cases(draw: st.DrawFn) -> Case:
    name = draw(st.sampled_from(BUNDLED))
    data, what = draw(text_mutation(scenario_bytes(name)))
    return Case(data, f"{name}: {what}")


def check_scenario(case: Case, folder: Path) -> None:
    """validate, run for 0.2 days and lint the damaged scenario: each ends as the property says."""
    path = folder / "case.toml"
    path.write_bytes(case.data)
    for command, extra in (("validate", ()), ("run", ("--days", "0.2")), ("lint", ())):
        check(command, str(path), *extra, label=case.what)


def session_document() -> dict[str, Any]:
    """A finished session of the tutorial (a fresh copy each call)."""
    return copy.deepcopy(_session_document())


@functools.cache
def _session_document() -> dict[str, Any]:
    """A finished session of the tutorial: its outage decision answered, an agent added, the results saved."""
    from sim.commands import Choose, LoggedCommand, SetAgents
    from sim.results.results import build_results, to_json
    from sim.scenario.loader import parse_scenario
    from sim.session.file import SessionRecord
    from sim.session.replay import replay

    loaded = parse_scenario(scenario_bytes(SESSION_SCENARIO), SESSION_SCENARIO)
    commands = [
        LoggedCommand(2160.0, Choose(decision="outage", option="tell")),
        LoggedCommand(2200.0, SetAgents(touchpoint="phone", extra_agents=1)),
    ]
    sim = replay(loaded.scenario, commands, policy="reactive", seed=5, horizon_days=SESSION_DAYS)
    results = json.loads(to_json(build_results(sim, scenario_file=SESSION_SCENARIO, scenario_sha256=loaded.sha256)))
    record = SessionRecord(
        scenario_file=SESSION_SCENARIO, scenario_sha256=loaded.sha256, scenario_title=loaded.scenario.title, policy="reactive",
        seed=5, trainee="Ada", commands=list(sim.command_log), sim_minutes=sim.now, finished=True,
        started_at="2026-12-01T09:00:00", horizon_days=SESSION_DAYS, results=results,
    )  # fmt: skip
    return record.to_dict()


def session_text() -> bytes:
    return (json.dumps(session_document(), indent=2) + "\n").encode("utf-8")


@st.composite
def session_tree_cases(draw: st.DrawFn) -> Case:
    tree, what = draw(tree_mutation(session_document(), json_values=True))
    return Case(json_dumps(tree).encode("utf-8"), what)


def json_dumps(tree: Any) -> str:
    """JSON as Python writes it (NaN and Infinity included), deep nesting written as text."""
    deep: list[Deep] = []

    def token(value: object) -> str:
        if not isinstance(value, Deep):
            raise TypeError(type(value).__name__)
        deep.append(value)
        return f"@@deep{len(deep) - 1}@@"

    text = json.dumps(tree, indent=2, ensure_ascii=False, default=token)
    for i, value in enumerate(deep):
        text = text.replace(f'"@@deep{i}@@"', value.json())
    return text


@st.composite
def session_text_cases(draw: st.DrawFn) -> Case:
    data, what = draw(text_mutation(session_text()))
    return Case(data, what)


def check_session(case: Case, folder: Path) -> None:
    """replay the damaged session file (its scenario beside it): it ends as the property says."""
    (folder / SESSION_SCENARIO).write_bytes(scenario_bytes(SESSION_SCENARIO))
    path = folder / "case.results.json"
    path.write_bytes(case.data)
    check("replay", str(path), names=(SESSION_SCENARIO, *_scenario_named(case.data)), label=case.what)


def _scenario_named(data: bytes) -> list[str]:
    """The scenario file a damaged session names, if it still names one: its errors may name that file."""
    try:
        named = json.loads(data)["scenario"]["file"]
    except (ValueError, TypeError, KeyError, RecursionError):
        return []
    return [named] if isinstance(named, str) and named else []
