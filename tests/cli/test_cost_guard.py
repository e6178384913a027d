"""The cost guard on every command that runs the scenario: refused in one line above the limit, unless --allow-large.

A scenario at the format's bound (100,000 customers in the busiest hour) over its horizon is
hundreds of millions of customers: before, `run` looked like a hang. Nothing may run before the
refusal (the runners are replaced by ones that fail the test).
"""

from __future__ import annotations

import pytest
from helpers import SCENARIOS, queue_toml

from sim.cli.application import load_plugins
from sim.experiments import experiment
from sim.experiments import workload as wl

TUTORIAL = SCENARIOS / "tutorial.toml"
REFUSED = "more than the 5 million cxsim runs without asking: add --allow-large to run it anyway"


@pytest.fixture
def huge(tmp_path):
    """One queue at 100,000 customers an hour (the format's bound) for 90 days: about 216 million customers a run."""
    path = tmp_path / "huge.toml"
    path.write_text(queue_toml(per_hour=100_000, days=90))
    return path


@pytest.fixture
def nothing_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("a run started before the cost guard")

    import sim.authoring.lessons
    import sim.cli.progress

    # NOTE: lessons binds run_jobs at its import: patched there too, and imported here first, so a
    # first import during a patched test cannot keep the refusing stand-in for the tests after it.
    monkeypatch.setattr(sim.authoring.lessons, "run_jobs", refuse)
    monkeypatch.setattr(experiment, "run_jobs", refuse)
    monkeypatch.setattr(sim.cli.progress, "run_with_progress", refuse)
    monkeypatch.setattr("sim.engine.simulation.Simulation.run", refuse)


def one_line(res) -> str:
    assert res.exit_code == 2, res.stdout + res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1, res.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["run", "{f}"], "this run would simulate about 216 million customers, "),
        (["run", "{f}", "--reps", "3"], "this run would simulate about 648 million customers (3 replications, about 216 million each)"),
        (["compare", "{f}", "--policies", "none,copy", "--reps", "2"], "this comparison would simulate about 864 million"),
        (["sweep", "{f}", "--set", "touchpoints.phone.agents=10:11", "--reps", "2"], "this sweep would simulate about 864 million"),
        (["preview", "{f}"], "this preview would simulate about"),
        (["play", "{f}"], "this session would simulate about 216 million customers"),
    ],
)
def test_every_command_refuses_a_huge_workload_in_one_line_before_running(cxsim, huge, nothing_runs, args, what):
    huge.write_text(huge.read_text() + "\n[policies.copy]\n")
    load_plugins()  # play comes from the game's plugin, as in main()
    line = one_line(cxsim(*[a.format(f=huge) for a in args]))
    assert what in line and REFUSED in line, line


def test_a_shorter_run_of_the_same_scenario_is_not_refused(cxsim, huge):
    res = cxsim("run", str(huge), "--days", "0.01", "--json", "-")  # about 24,000 customers
    assert res.exit_code == 0, res.stderr


def test_allow_large_runs_it_and_says_the_estimate(cxsim, monkeypatch):
    monkeypatch.setattr(wl, "LIMIT", 100)  # the tutorial's 96 customers a day, over 2 days, is "large"
    monkeypatch.setattr(wl, "NOTICE", 50)
    assert "add --allow-large" in one_line(cxsim("run", str(TUTORIAL), "--days", "2", "--no-progress"))
    res = cxsim("run", str(TUTORIAL), "--days", "2", "--no-progress", "--allow-large")
    assert res.exit_code == 0, res.stderr
    assert "note: about 192 customers to simulate" in res.stderr
    reps = cxsim("compare", str(TUTORIAL), "--days", "1", "--reps", "2", "--workers", "1", "--no-progress", "--allow-large")
    assert reps.exit_code == 0 and "note: about 384 customers (2 replications x 2 policies, about 96 each)" in reps.stderr


def test_a_large_but_allowed_workload_is_announced_on_stderr_only(cxsim, monkeypatch):
    plain = cxsim("run", str(TUTORIAL), "--days", "1", "--json", "-")
    monkeypatch.setattr(wl, "NOTICE", 50)
    noted = cxsim("run", str(TUTORIAL), "--days", "1", "--json", "-")
    assert noted.exit_code == 0 and noted.stdout == plain.stdout  # what a run prints is unchanged
    assert "note: about 96 customers to simulate" in noted.stderr and "note:" not in plain.stderr


def test_lint_says_a_run_is_too_large_and_skips_its_seeded_runs(cxsim, tmp_path, monkeypatch):
    text = (SCENARIOS / "b2b-engineering-services.toml").read_text(encoding="utf-8")
    big = tmp_path / "b2b.toml"
    big.write_text(text.replace("customers_per_hour = 0.25", "customers_per_hour = 8000", 1))
    import sim.authoring.lint

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("lint ran its seeded runs")

    monkeypatch.setattr(sim.authoring.lint, "Simulation", refuse)
    res = cxsim("lint", str(big))
    assert res.exit_code == 1, res.stderr  # a finding, not bad input
    assert "arrivals.customers_per_hour: warning: one run of 365 days brings about 60.1 million customers" in res.stderr
    assert "decisions.first_defect.trigger: warning: decisions on random triggers were not checked: 20 seeded runs" in res.stderr
    assert "add --allow-large to check them" in res.stderr

