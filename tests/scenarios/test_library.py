"""The scenario library: every file lints clean, teaches what it says, and breaks in trainer-friendly ways.

Each scenario states its lessons as ``[[lessons]]`` (policy vs baseline, or the decision paths a
trainee can play, on one KPI). The slow
test checks each holds over 20 paired replications (the 95 % interval of the paired difference
on the stated side of zero); the fast one checks the direction over a few replications.
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from helpers import ROOT, SCENARIOS

from sim import read_scenario
from sim.authoring.lessons import check_lessons
from sim.authoring.lint import lint

FILES = sorted(p for p in SCENARIOS.glob("*.toml"))
LIBRARY = {
    "hike-launch", "contact-centre-surge", "late-delivery", "b2b-engineering-services", "book-review-service",
    "retail-store", "tutorial",
}  # fmt: skip
QUICK = [p for p in FILES if p.stem != "hike-launch"]  # the flagship's 90 days are checked in the slow test


def cxsim(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_the_library_is_complete():
    assert {p.stem for p in FILES} >= LIBRARY


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_scenario_lints_clean_and_states_lessons(path):
    loaded = read_scenario(path)
    assert lint(loaded, path.read_text()) == []
    s = loaded.scenario
    assert s.lessons, "every bundled scenario states what it teaches"
    assert s.decisions, "every bundled scenario has a decision point for the game"
    assert all(d.debrief for d in s.decisions.values())


@pytest.mark.parametrize("path", QUICK, ids=lambda p: p.stem)
def test_lessons_point_the_right_way(path):
    loaded = read_scenario(path)
    for result in check_lessons(path.read_bytes(), path.name, loaded.scenario, reps=3):
        if result.lesson.direction == "same":
            assert abs(result.difference.mean) < (result.lesson.margin or 0), result.lesson.says
            continue
        sign = 1 if result.lesson.direction == "higher" else -1
        assert sign * result.difference.mean > 0, result.lesson.says


@pytest.mark.slow
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_lessons_hold_over_20_replications(path):
    loaded = read_scenario(path)
    results = check_lessons(path.read_bytes(), path.name, loaded.scenario, reps=20, workers=2)
    failed = [(r.lesson.says, r.verdict, r.difference) for r in results if not r.holds]
    assert not failed, failed


# --- trainer tools -----------------------------------------------------------------------------------


@pytest.mark.parametrize("template", ["starter", "late-delivery"])
def test_new_writes_a_scenario_that_validates_and_lints_clean(tmp_path, template):
    proc = cxsim("new", "mortgage-journey", "--from", template, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "mortgage-journey.toml"
    loaded = read_scenario(path)
    assert loaded.scenario.title == "Mortgage journey"
    assert lint(loaded, path.read_text()) == []
    assert path.read_text().startswith("#:schema ")
    again = cxsim("new", "mortgage-journey", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    unknown = cxsim("new", "x", "--from", "late-delivry", cwd=tmp_path)
    assert unknown.returncode == 2 and "did you mean 'late-delivery'" in unknown.stderr


def test_lint_finds_what_is_valid_but_probably_wrong(tmp_path):
    text = (SCENARIOS / "tutorial.toml").read_text()
    i = text.index("[[lessons]]")
    bad = (
        text[:i]
        .replace("horizon_days = 40", "horizon_days = 10")
        .replace('responses = ["email_everyone", "apologise"]', 'responses = ["apologise"]')
        .replace(
            "[journey.routes.website]",
            '[touchpoints.fax]\nkind = "self_service"\nchannel = "email"\nstage = "service"\n\n[journey.routes.website]',
        )
        .replace("next = { checkout = 0.6, end = 0.4 }", "next = { checkout = 0.3, phone = 0.3, end = 0.4 }")
        .replace("customers_per_hour = 4", "customers_per_hour = 40")
    )
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    proc = cxsim("lint", str(path))
    assert proc.returncode == 1
    out = proc.stderr
    for expected in (
        "touchpoints.fax: warning: no route leads here",
        "decisions.outage.options.tell: warning: does the same as option 'wait'",
        "horizon_days: warning: 10 days is shorter than the 30 days",
        "touchpoints.phone: warning: staffing far below the offered load",
        "lessons: warning: the scenario states no [[lessons]]",
    ):
        assert expected in out, (expected, out)
    assert all(line.startswith(str(path)) for line in out.splitlines() if line.strip())


def test_preview_draws_the_journey_and_checks_the_lessons():
    proc = cxsim("preview", "scenarios/tutorial.toml", "--reps", "3", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for expected in ("journey", "consideration", "website", "next: checkout 60%", "failure checkout_down", "reactive",
                     "proactive", "profit (EUR)", "holds: Customers hit by the failure"):  # fmt: skip
        assert expected in out, expected


# --- hand-broken copies give one clear line each ------------------------------------------------------


def _first_entry_target(text: str) -> str:
    line = next(x for x in text.splitlines() if x.startswith("entry = {"))
    return line.split("{", 1)[1].split("=", 1)[0].strip()


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_hand_broken_copies_give_one_clear_line(path, tmp_path):
    text = path.read_text()
    target = _first_entry_target(text)
    cases = {
        "typo": (text.replace("\nhorizon_days = ", "\nhorizon_dayz = ", 1), "horizon_dayz: unknown key 'horizon_dayz'; did you mean 'horizon_days'?"),
        "missing": ("\n".join(x for x in text.splitlines() if not x.startswith("title = ")), "title: required key is missing"),
        "reference": (text.replace(f"entry = {{ {target} =", f"entry = {{ {target}x =", 1), f"unknown touchpoint '{target}x'"),
    }  # fmt: skip
    for case, (broken, message) in cases.items():
        copy = tmp_path / f"{case}-{path.name}"
        copy.write_text(broken)
        proc = cxsim("validate", str(copy))
        lines = [x for x in proc.stderr.splitlines() if x.strip()]
        assert proc.returncode == 2, (case, proc.stderr)
        assert len(lines) == 1, (case, lines)
        assert lines[0].startswith(str(copy)) and message in lines[0], (case, lines[0])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_a_trainee_meets_decisions_across_the_journey_and_lessons_on_their_paths(path):
    """Issue 11's design, for every bundled file: 3 to 6 decisions, each with a reactive answer and another, at least
    one a countdown whose lapse never hands out a free proactive answer, and every lesson on the trainee's paths."""
    scenario = read_scenario(path).scenario
    decisions = scenario.decisions
    assert 3 <= len(decisions) <= 6
    for name, d in decisions.items():
        styles = {o.style for o in d.options.values()}
        assert "reactive" in styles and len(styles) >= 2, name
    countdowns = [d for d in decisions.values() if not d.pause]
    assert countdowns and all(d.respond_within_min for d in countdowns)
    assert all(d.options[d.default_option or next(iter(d.options))].style != "proactive" for d in countdowns)
    assert scenario.lessons and all(lesson.on_paths for lesson in scenario.lessons)
