"""Nothing overwritten: every session gets its own files, and the title asks before starting over a saved one.

The first session of a trainee on a scenario is ``SCENARIO-NAME`` (the README's
``sessions/hike-launch-ada.results.json``); later ones are ``SCENARIO-NAME-2``, ``-3``...
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pygame
import pytest
from game_driver import Driver
from helpers import LAUNCH_DAY, ROOT, SCENARIOS

from game.scenes.play import PlayScene
from game.session import Session, free_stem, unfinished_sessions
from sim.scenario.loader import read_scenario
from sim.session.file import read_session

HIKE = LAUNCH_DAY  # a crash card first: these tests are about the game's mechanics
ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1"}


def finished(folder, trainee: str, choice: str) -> Session:
    session = Session.start(read_scenario(HIKE), folder=folder, trainee=trainee, horizon_days=2.0)
    session.autosave()
    while not session.finished:
        session.advance_to(session.sim.horizon)
        for name in session.sim.pending_decisions:
            session.choose(name, choice)
    session.finish()
    return session


def test_a_second_session_under_the_same_name_never_overwrites_the_first(tmp_path):
    first = finished(tmp_path, "Ada", "reach_out")
    kept = first.paths.results.read_bytes()
    second = finished(tmp_path, "ada", "vague_email")  # the same name on the files
    assert first.paths.results.name == "hike-launch-ada.results.json"
    assert second.paths.results.name == "hike-launch-ada-2.results.json"
    assert first.paths.results.read_bytes() == kept
    rows = list(csv.DictReader((tmp_path / "results.csv").open(encoding="utf-8")))
    assert [r["session_file"] for r in rows] == ["hike-launch-ada.results.json", "hike-launch-ada-2.results.json"]
    for row in rows:  # each row points at its own session
        saved = read_session(tmp_path / row["session_file"])
        assert row["decisions"] == ";".join(f"{c.command.decision}={c.command.option}" for c in saved.commands)
    assert sorted(p.name for p in tmp_path.glob("*.autosave.json")) == []


def test_a_new_session_beside_an_unfinished_one_leaves_its_autosave_alone(tmp_path):
    loaded = read_scenario(HIKE)
    saved = Session.start(loaded, folder=tmp_path, trainee="Ada", horizon_days=3.0)
    saved.advance_to(2 * 1440)
    saved.choose("crash", "reach_out")
    before = saved.paths.autosave.read_bytes()
    new = Session.start(loaded, folder=tmp_path, trainee="Ada", horizon_days=3.0)
    new.autosave()
    assert new.paths.autosave.name == "hike-launch-ada-2.autosave.json"
    assert saved.paths.autosave.read_bytes() == before


def test_a_resumed_session_keeps_its_own_file_and_removes_it_when_done(tmp_path):
    loaded = read_scenario(HIKE)
    finished(tmp_path, "Ada", "reach_out")
    second = Session.start(loaded, folder=tmp_path, trainee="Ada", horizon_days=2.0)
    path = second.autosave()
    assert path.name == "hike-launch-ada-2.autosave.json"
    resumed = Session.resume(loaded, read_session(path), folder=tmp_path, autosave=path)
    assert resumed.autosave() == path
    while not resumed.finished:
        resumed.advance_to(resumed.sim.horizon)
        for name in resumed.sim.pending_decisions:
            resumed.choose(name, "reach_out")
    assert resumed.finish().name == "hike-launch-ada-2.results.json"
    assert not path.exists()


def test_free_stem_skips_names_taken_by_an_autosave_or_results(tmp_path):
    assert free_stem(tmp_path, "x-ada") == "x-ada"
    (tmp_path / "x-ada.results.json").write_text("{}")
    (tmp_path / "x-ada-2.autosave.json").write_text("{}")
    assert free_stem(tmp_path, "x-ada") == "x-ada-3"


def test_unfinished_sessions_match_the_trainee_and_scenario(tmp_path):
    loaded = read_scenario(HIKE)
    mine = Session.start(loaded, folder=tmp_path, trainee="Ada").autosave()
    Session.start(loaded, folder=tmp_path, trainee="Bo").autosave()
    (tmp_path / "junk.autosave.json").write_text("not json")  # unreadable: left out, no error
    assert [p for p, _ in unfinished_sessions(tmp_path, "ada", HIKE)] == [mine]
    assert unfinished_sessions(tmp_path, "Ada", SCENARIOS / "tutorial.toml") == []
    assert unfinished_sessions(tmp_path, "Cy") == []


# --- the title's confirm step ------------------------------------------------------------------


@pytest.fixture
def saved_then_title(tmp_path):
    """An unfinished session by Ada in the save folder, and the title on the flagship."""
    session = Session.start(read_scenario(HIKE), folder=tmp_path / "sessions", trainee="Ada", horizon_days=9.0)
    session.advance_to(2 * 1440)
    session.choose("crash", "reach_out")
    d = Driver(tmp_path, scenario=HIKE, days=9.0)
    d.frames(3)
    yield d, session.paths.autosave
    d.close()


def type_name_and_start(d: Driver, name: str) -> None:
    d.click(d.scene.name_entry.get_abs_rect().center)
    d.type_text(name)
    d.key(pygame.K_RETURN)  # leave the field
    d.key(pygame.K_RETURN)  # Start training


def test_starting_under_a_name_with_a_saved_session_asks_first_by_keyboard(saved_then_title):
    d, autosave = saved_then_title
    before = autosave.read_bytes()
    type_name_and_start(d, "Ada")
    assert d.scene.name == "title" and "An unfinished session is saved" in d.text()
    assert "Continue saved session  (Enter)" in d.text() and "Start a new session" in d.text()
    d.key(pygame.K_ESCAPE)  # back: the name and the start button again, nothing started
    assert d.scene.name == "title" and "Start training  (Enter)" in d.text()
    d.key(pygame.K_RETURN)  # start again: asks again
    assert "An unfinished session is saved" in d.text()
    d.key(pygame.K_TAB)
    d.key(pygame.K_RETURN)  # Start a new session
    assert d.scene.name == "briefing"
    d.key(pygame.K_RETURN)  # Play
    assert isinstance(d.scene, PlayScene)
    assert d.app.session is not None and d.app.session.paths.autosave.name == "hike-launch-ada-2.autosave.json"
    assert autosave.read_bytes() == before, "the saved session was replaced"


def test_the_confirm_step_continues_the_saved_session_by_mouse(saved_then_title):
    d, autosave = saved_then_title
    type_name_and_start(d, "Ada")
    d.click_button("Continue saved session")
    assert isinstance(d.scene, PlayScene)
    session = d.app.session
    assert session is not None and session.paths.autosave == autosave
    saved_at = read_session(autosave).sim_minutes
    assert session.choices() == {"crash": "reach_out"}
    assert saved_at <= session.sim.now <= saved_at + 1.0  # resumed where it was saved; the click's frames play on at 1x


def test_another_name_starts_without_asking(saved_then_title):
    d, _ = saved_then_title
    type_name_and_start(d, "Bo")
    assert d.scene.name == "briefing"


def test_the_readme_session_names_hold_for_a_first_and_a_second_autoplay(tmp_path):
    """`cxsim play ... --name ada` then `cxsim replay sessions/hike-launch-ada.results.json`, as the README says."""
    play = [sys.executable, "-m", "sim", "play", str(HIKE), "--autoplay", "--speed", "max", "--days", "1", "--unthrottled",
            "--name", "ada"]  # fmt: skip
    for _ in range(2):
        proc = subprocess.run(play, capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=300, check=False)
        assert proc.returncode == 0, proc.stderr
    saved = sorted(p.name for p in (tmp_path / "sessions").iterdir())
    assert saved == ["hike-launch-ada-2.results.json", "hike-launch-ada.results.json", "results.csv"]
    replay = subprocess.run(
        [sys.executable, "-m", "sim", "replay", "sessions/hike-launch-ada.results.json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=False, env={**ENV, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    assert replay.returncode == 0 and "reproduced exactly" in replay.stderr, replay.stderr


class StubLink:
    """Stands in for a joined class's ``TeamLink``: the title only asks whether the game is joined."""

    holds_time = False
    banner = ""

    def __init__(self) -> None:
        self.observed: list[float] = []

    def observe(self, sim, finished, run=""):
        self.observed.append(sim.now)


def test_a_joined_team_with_a_saved_run_goes_on_with_it_and_is_never_offered_a_second_run(tmp_path):
    session = Session.start(read_scenario(HIKE), folder=tmp_path / "sessions", trainee="Blue", horizon_days=9.0)
    session.advance_to(2 * 1440)
    session.choose("crash", "reach_out")
    saved_at = session.sim.now
    link = StubLink()
    d = Driver(tmp_path, scenario=HIKE, days=9.0, classroom=link)
    try:
        d.frames(3)
        assert "Continue saved session" not in d.text() and "Join a class" not in d.text()
        type_name_and_start(d, "Blue")
        assert isinstance(d.scene, PlayScene), "no confirm step offering a new run from the first minute"
        assert "Start a new session" not in d.text()
        assert d.app.session is not None and d.app.session.paths.autosave == session.paths.autosave
        d.frames(2)
        assert link.observed and min(link.observed) >= saved_at > 0  # the host hears of the run from where it stopped
    finally:
        d.close()
