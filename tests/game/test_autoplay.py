"""``cxsim play --autoplay`` goes from title to saved results by itself on every bundled scenario."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pygame
import pytest
from helpers import ROOT, SCENARIOS

BUNDLED = sorted(p for p in SCENARIOS.glob("*.toml"))
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}


def cxsim(*args: str, cwd=ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, env=ENV, cwd=cwd, timeout=600)


def first_decision_day(path) -> int | None:
    """The day the scenario's first decision surely comes up (a clock time or a scheduled failure)."""
    from sim.scenario.loader import read_scenario
    from sim.scenario.schema import FailureTrigger, ScheduledFailure, TimeTrigger

    s = read_scenario(path).scenario
    days = []
    for dec in s.decisions.values():
        if isinstance(dec.trigger, TimeTrigger):
            days.append(dec.trigger.day)
        elif isinstance(dec.trigger, FailureTrigger) and isinstance(s.failures[dec.trigger.failure], ScheduledFailure):
            days.append(s.failures[dec.trigger.failure].day)
    return min(days) if days else None


@pytest.mark.parametrize("scenario", BUNDLED, ids=lambda p: p.stem)
def test_autoplay_reaches_saved_results(scenario, tmp_path):
    shots = tmp_path / "shots"
    day = first_decision_day(scenario)
    days = 2 if day is None else day + 1
    proc = cxsim(
        "play", str(scenario), "--autoplay", "--speed", "max", "--days", str(days), "--unthrottled",
        "--screenshots", str(shots), "--save-dir", str(tmp_path / "sessions"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    results = list((tmp_path / "sessions").glob("*.results.json"))
    assert len(results) == 1
    data = json.loads(results[0].read_text())
    assert data["finished"] and data["results"]["sim_minutes"] == days * 1440
    names = {p.stem.split("-", 1)[1] for p in shots.glob("*.png")}
    expected = {"title", "briefing", "play", "debrief", "debrief-charts", "results"}
    if day is not None:
        expected.add("decision")
    assert expected <= names, names
    # every screen shows something: many colours, not a blank or single-colour frame
    pygame.init()
    for png in shots.glob("*.png"):
        image = pygame.image.load(str(png))
        assert image.get_size() == (1280, 720)
        colours = {image.get_at((x, y))[:3] for x in range(0, 1280, 16) for y in range(0, 720, 16)}
        assert len(colours) > 8, f"{png.name} looks blank ({len(colours)} colours)"


def test_autoplay_answers_with_the_chosen_policy(tmp_path):
    proc = cxsim(
        "play", str(SCENARIOS / "hike-launch.toml"), "--autoplay", "--policy", "proactive", "--speed", "max", "--days", "1",
        "--unthrottled", "--save-dir", str(tmp_path),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(next(tmp_path.glob("*.results.json")).read_text())
    assert [(c["decision"], c["option"]) for c in data["commands"]] == [
        ("launch_prep", "on_call"), ("crash", "reach_out"), ("parcel", "note")
    ]
    assert data["policy"] == "proactive"


def test_autoplay_answers_as_a_trainee_on_the_default_policy_and_saves_that_paths_results(tmp_path):
    from sim.results.results import build_results
    from sim.scenario.loader import read_scenario
    from sim.session.replay import run_with_choices

    proc = cxsim(
        "play", str(SCENARIOS / "hike-launch.toml"), "--autoplay", "--answers", "proactive,crash=vague_email",
        "--speed", "max", "--days", "1.5", "--unthrottled", "--save-dir", str(tmp_path),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(next(tmp_path.glob("*.results.json")).read_text())
    answers = {"launch_prep": "on_call", "crash": "vague_email", "parcel": "note"}
    assert {c["decision"]: c["option"] for c in data["commands"]} == answers
    assert data["policy"] == "reactive"  # the base policy stays the scenario's default, as in the game
    headless = build_results(run_with_choices(read_scenario(SCENARIOS / "hike-launch.toml").scenario, answers, horizon_days=1.5))
    assert data["results"]["money"] == headless["money"] and data["results"]["experience"] == headless["experience"]


@pytest.mark.parametrize(
    ("answers", "message"),
    [("sideways", "'sideways' is not DECISION=OPTION"), ("crash=hope", "decision 'crash' has no option 'hope'"),
     ("proactive,crsh=reach_out", "no decision 'crsh'")],
)  # fmt: skip
def test_bad_answers_are_one_line_and_exit_2(tmp_path, answers, message):
    proc = cxsim("play", str(SCENARIOS / "hike-launch.toml"), "--autoplay", "--answers", answers, "--save-dir", str(tmp_path))
    assert proc.returncode == 2 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["play", "missing.toml"], "missing.toml"),
        (["play", "scenarios/hike-launch.toml", "--policy", "nope"], "unknown policy 'nope'"),
        (["play", "scenarios/hike-launch.toml", "--window", "10x10"], "too small"),
        (["play", "scenarios/hike-launch.toml", "--window", "big"], "not a window size"),
        (["play", "scenarios/hike-launch.toml", "--speed", "fast-ish"], "not a speed"),
        (["play", "--resume", "nowhere.json"], "no such session file"),
    ],
)
def test_bad_play_flags_are_one_line_and_exit_2(args, message):
    proc = cxsim(*args)
    assert proc.returncode == 2, proc.stderr
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert len(lines) == 1 and message in lines[0], proc.stderr


def test_resume_with_a_broken_session_file_is_one_line(tmp_path):
    broken = tmp_path / "x.autosave.json"
    broken.write_text(
        '{"format": "cxsim.session/1", "scenario": {"file": "s.toml"}, "seed": 1, "policy": "p", "commands": [{"time": 1}]}'
    )
    proc = cxsim("play", "--resume", str(broken))
    lines = [x for x in proc.stderr.splitlines() if x.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "commands[0]" in lines[0], proc.stderr


def test_a_broken_theme_file_falls_back_and_logs(tmp_path, monkeypatch, caplog):
    from game import ui

    (tmp_path / "theme.json").write_text("{ broken")
    monkeypatch.setattr(ui, "ASSETS", tmp_path)
    theme = ui.load_theme(16)
    assert theme["defaults"]["font"]["size"] == "16"
    assert "unusable" in caplog.text
