"""The session behind the game: autosave, results, and ``cxsim replay`` reproducing them exactly."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

from helpers import LAUNCH_DAY, ROOT

from game import launch
from game.live_view import LiveView
from game.options import GameOptions
from game.session import Session
from sim.engine.simulation import Simulation
from sim.results.results import build_results
from sim.scenario.loader import read_scenario
from sim.session.file import read_session
from sim.session.replay import run_with_choices

HIKE = LAUNCH_DAY  # a crash card first: these tests are about the game's mechanics


def play(tmp_path, choices: dict[str, str], days: float = 9.0) -> Session:
    loaded = read_scenario(HIKE)
    view = LiveView(loaded.scenario)
    session = Session.start(loaded, folder=tmp_path, trainee="Lin", observers=[view], horizon_days=days)
    while not session.finished:
        session.advance_to(session.sim.horizon)
        for name in session.sim.pending_decisions:
            session.choose(name, choices[name])
    assert view.ticker  # the view saw the run
    return session


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=300)


def test_game_outcome_equals_headless_run_with_the_same_decisions(tmp_path):
    session = play(tmp_path, {"crash": "vague_email", "reviews": "thank"})
    path = session.finish()
    saved = json.loads(path.read_text())["results"]
    # the same answers as a policy, headless, no game: the same customers and the same KPIs
    headless = build_results(run_with_choices(read_scenario(HIKE).scenario, {"crash": "vague_email", "reviews": "thank"},
                                              horizon_days=9.0))  # fmt: skip
    for section in ("customers", "journey", "experience", "money", "channels"):
        assert saved[section] == headless[section], section
    # and differently answered, the run differs (the choice matters)
    other = build_results(run_with_choices(read_scenario(HIKE).scenario, {"crash": "reach_out"}, horizon_days=9.0))
    assert other["experience"] != saved["experience"]


def test_cxsim_replay_reproduces_a_saved_session(tmp_path):
    session = play(tmp_path, {"crash": "reach_out", "reviews": "ignore"}, days=3.0)
    path = session.finish()
    proc = cli("replay", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "reproduced exactly" in proc.stderr and "Lin" in proc.stderr
    # a tampered result is caught (exit 1, naming the key)
    data = json.loads(path.read_text())
    data["results"]["money"]["profit"] += 1.0
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(data))
    proc = cli("replay", str(bad))
    assert proc.returncode == 1 and "money.profit" in proc.stderr


def test_replay_rejects_bad_session_files_in_one_line(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"format": "cxsim.run/1"}')
    changed_dir = tmp_path / "changed"
    changed_dir.mkdir()
    copy = changed_dir / "hike.toml"
    shutil.copy(HIKE, copy)
    loaded = read_scenario(copy)
    session = Session.start(loaded, folder=changed_dir, horizon_days=1.0)
    saved = session.autosave()
    copy.write_text(copy.read_text().replace("horizon_days = 90", "horizon_days = 91"))
    for path, message in ((broken, "not valid JSON"), (wrong, "not a cxsim session file"), (saved, "has changed")):
        proc = cli("replay", str(path))
        lines = [x for x in proc.stderr.splitlines() if x.strip()]
        assert proc.returncode == 2, proc.stderr
        assert len(lines) == 1 and message in lines[0] and str(path.name) in lines[0], proc.stderr


def test_autosave_is_written_on_every_choice_and_resumes_to_the_same_state(tmp_path):
    loaded = read_scenario(HIKE)
    session = Session.start(loaded, folder=tmp_path, horizon_days=2.0)
    session.advance_to(2 * 1440)
    assert session.sim.paused
    session.choose("crash", "reach_out")
    session.advance_to(900.0)
    saved = json.loads(session.paths.autosave.read_text())
    assert [c["option"] for c in saved["commands"]] == ["reach_out"]
    resumed = Session.resume(loaded, read_session(session.autosave()), folder=tmp_path)  # saved now
    assert resumed.record.started_at == session.record.started_at  # the same attempt goes on, not a new one
    assert resumed.sim.now == session.sim.now
    assert build_results(resumed.sim) == build_results(session.sim)
    assert isinstance(resumed.sim, Simulation)


class FakeHost:
    """The little of the app that starting and resuming use (no window)."""

    def __init__(self, options: GameOptions) -> None:
        self.options = options
        self.session: Session | None = None
        self.calls: list[tuple[str, str, dict]] = []

    def push(self, name: str, **kwargs: object) -> None:
        self.calls.append(("push", name, kwargs))

    def replace(self, name: str, **kwargs: object) -> None:
        self.calls.append(("replace", name, kwargs))


def test_starting_and_resuming_ask_the_host_for_screens_by_name(tmp_path):
    host = FakeHost(GameOptions(save_dir=tmp_path, days=1.0, trainee="Kim", seed=5))
    assert launch.brief(host, HIKE) is None
    how, name, kwargs = host.calls[-1]
    assert (how, name) == ("push", "briefing") and kwargs["loaded"].scenario.title.startswith("Hike")
    error = launch.brief(host, tmp_path / "missing.toml")
    assert error is not None and "missing.toml" in error and "\n" not in error
    launch.open_session(host, kwargs["loaded"])
    how, name, play = host.calls[-1]
    assert (how, name) == ("replace", "play") and play["session"] is host.session
    session = play["session"]
    assert (session.trainee, session.record.seed, session.horizon_days) == ("Kim", 5, 1.0)
    session.advance_to(1440.0)
    session.choose("crash", "reach_out")
    # resumed from its autosave with other options in force: the saved trainee, seed and horizon win
    other = FakeHost(GameOptions(save_dir=tmp_path, trainee="someone else"))
    assert launch.resume_saved(other, session.paths.autosave) is None
    resumed = other.calls[-1][2]["session"]
    assert (resumed.trainee, resumed.record.seed, resumed.horizon_days) == ("Kim", 5, 1.0)
    assert resumed.sim.now == session.sim.now and resumed.choices() == {"crash": "reach_out"}
    assert isinstance(other.calls[-1][2]["view"], LiveView) and other.calls[-1][2]["view"].ticker  # the replay fed the view
    assert launch.resume_saved(other, tmp_path / "nowhere.json") is not None


def test_a_session_whose_scenario_changed_is_not_resumed(tmp_path):
    copy = tmp_path / "hike.toml"
    shutil.copy(HIKE, copy)
    session = Session.start(read_scenario(copy), folder=tmp_path, horizon_days=1.0)
    saved = session.autosave()
    copy.write_text(copy.read_text().replace("horizon_days = 90", "horizon_days = 91"))
    error = launch.resume_saved(FakeHost(GameOptions(save_dir=tmp_path)), saved)
    assert error == f"{saved}: scenario.sha256: {copy} changed since this session was saved; it cannot be replayed exactly"
