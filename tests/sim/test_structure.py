"""The engine's shape: no import cycles, registries that document every entry, result keys known statically."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from helpers import ROOT, SCENARIOS

from sim import Simulation, read_scenario
from sim.authoring.docgen import render
from sim.effects import EFFECTS, CustomerFacing, Operational
from sim.engine.touchpoints import TOUCHPOINT_KINDS
from sim.results.results import build_results, result_keys
from sim.scenario import schema

SIM = ROOT / "sim"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every sim module this file imports, at any level (type-checking and function-level imports included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.split(".")[0] == "sim":
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.split(".")[0] == "sim")
    return found


def import_graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in SIM.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        # a module's own parent packages are always imported first: that is not a dependency
        graph[name] = {m for m in imports_of(path) if m in modules and m != name and not name.startswith(m + ".")}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_sim_has_no_import_cycles_even_for_type_checking():
    assert cycles(import_graph()) == []


def test_the_format_never_imports_the_engine_and_the_engine_never_imports_presentation():
    graph = import_graph()
    for name, deps in graph.items():
        if name.startswith(("sim.scenario", "sim.effects")):
            assert not {d for d in deps if d.startswith("sim.engine")}, name
        if name.startswith("sim.engine"):
            assert not {d for d in deps if d.startswith(("sim.cli", "sim.reports", "sim.experiments", "sim.authoring"))}, name


def test_no_module_in_sim_is_over_500_lines():
    long = {str(p.relative_to(ROOT)): n for p in SIM.rglob("*.py") if (n := len(p.read_text().splitlines())) > 500}
    assert long == {}


def test_simpy_internals_are_touched_only_in_the_fast_path_module():
    for path in SIM.rglob("*.py"):
        if path.name == "fastpath.py":
            continue
        text = path.read_text()
        assert "._ok" not in text and "._value" not in text and "URGENT" not in text, path


@pytest.mark.parametrize("tag", list(EFFECTS))
def test_every_registered_effect_is_documented_and_has_a_behaviour(tag: str):
    cls = EFFECTS[tag]
    assert (cls.__doc__ or "").strip(), f"{tag}: the class docstring is its documentation"
    for key, info in cls.model_fields.items():
        assert key == "effect" or (info.description or "").strip(), f"{tag}.{key} has no description"
    assert issubclass(cls, CustomerFacing) or (issubclass(cls, Operational) and cls.apply is not Operational.apply), tag
    assert f"### {cls.__name__}" in render(), f"{tag} is missing from the format reference"


def test_the_response_table_is_built_from_the_registry():
    union = schema.Scenario.model_fields["responses"].annotation
    assert set(EFFECTS.values()) <= set(_members(union))


@pytest.mark.parametrize("kind", list(TOUCHPOINT_KINDS))
def test_every_touchpoint_kind_has_a_table_a_description_and_a_visit(kind: str):
    cls = TOUCHPOINT_KINDS[kind]
    assert (cls.__doc__ or "").strip() and callable(cls.visit)
    assert cls.spec_class in schema.TOUCHPOINT_SPECS
    assert cls.spec_class.model_fields["kind"].annotation.__args__ == (kind,)
    assert f"### {cls.spec_class.__name__}" in render()


def test_every_touchpoint_table_has_a_kind_at_run_time():
    assert {spec.model_fields["kind"].annotation.__args__[0] for spec in schema.TOUCHPOINT_SPECS} == set(TOUCHPOINT_KINDS)


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_result_keys_known_statically_equal_a_real_runs_keys(path: Path):
    scenario = read_scenario(path).scenario

    def walk(data: object, prefix: str) -> list[str]:
        if isinstance(data, dict):
            return [k for key, value in data.items() for k in walk(value, f"{prefix}{key}.")]
        return [prefix[:-1]] if data is None or (isinstance(data, int | float) and not isinstance(data, bool)) else []

    results = build_results(Simulation(scenario, horizon_days=0.01))
    sections = ("customers", "channels", "touchpoints", "journey", "failures", "recovery", "experience", "money")
    assert result_keys(scenario) == [k for s in sections for k in walk(results[s], f"{s}.")]


def _members(tp: object) -> list[object]:
    import typing

    out: list[object] = []
    for arg in typing.get_args(tp):
        out += [arg] if isinstance(arg, type) else _members(arg)
    return out


@pytest.mark.parametrize("path", sorted(SCENARIOS.glob("*.toml")), ids=lambda p: p.stem)
def test_every_catalogued_kpi_is_a_results_key(path: Path):
    from sim.results.kpis import headline_kpis

    scenario = read_scenario(path).scenario
    keys = set(result_keys(scenario))
    assert [k.key for k in headline_kpis(list(scenario.staffed())) if k.key not in keys] == []


def test_the_architecture_guides_script_example_runs(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch):
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = text.split("## Scripts and notebooks")[1].split("```python")[1].split("```")[0]
    monkeypatch.chdir(ROOT)
    exec(compile(block, "docs/architecture.md", "exec"), {})
    profit, nps, records = capsys.readouterr().out.split()
    assert float(profit) > 0 and -100 <= float(nps) <= 100 and int(records) > 1000


def test_the_public_api_table_in_the_docs_is_exactly_all():
    import re

    import sim

    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = text.split("`import sim` gives the whole public surface")[1].split("```python")[0]
    documented = {name for cell in re.findall(r"^\| ([^|]+) \|", table, re.M) for name in re.findall(r"`(\w+)`", cell)}
    assert documented == set(sim.__all__)
    for name in sim.__all__:
        assert getattr(sim, name) is not None


def test_the_readme_layout_names_every_package_of_sim():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `sim/` |"))
    named = set(re.findall(r"`(\w+)/`", row)) - {"sim"}
    packages = {p.parent.name for p in SIM.glob("*/__init__.py")}
    assert named == packages
