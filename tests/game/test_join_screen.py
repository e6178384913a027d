"""A trainee joins a class from the game's title, as with ``cxsim play --join URL --team NAME``: a scripted trainee
types the URL and a name on the join screen, keyboard and mouse, sees one line for each thing wrong, then plays joined,
and the real host (a subprocess) sees the team and each decision it makes. The game runs in this process."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from classroom.hosting import HIKE, board, control, host_starter, wait_for
from game_driver import Driver

from game.scenes.decision import DecisionScene
from game.scenes.join import JoinScene
from game.scenes.play import PlayScene
from sim.classroom.client import join


@pytest.fixture
def start_host(tmp_path):
    """``cxsim host ARGS`` in ``tmp_path``, killed at the end of the test (as in tests/classroom)."""
    yield from host_starter(tmp_path)


@pytest.fixture
def trainee(tmp_path):
    d = Driver(tmp_path)
    yield d
    d.close()
    if d.app.options.classroom is not None:
        d.app.options.classroom.close(timeout=0)


def open_join_screen(d: Driver) -> JoinScene:
    d.frames(3)
    assert d.scene.name == "title" and "Join a class" in d.text()
    d.click_button("Join a class")
    assert isinstance(d.scene, JoinScene)
    d.frames(2)
    return d.scene


def wait_answer(d: Driver, screen: JoinScene) -> None:
    """Run frames until the join (a thread) has its answer: bounded in real seconds, not frames, which run unthrottled."""
    wait_for(lambda: (d.frames(1), not screen.joining)[1], "the host's answer on the join screen", 30, every=0.01)
    d.frames(2)


def retype(d: Driver, entry, text: str) -> None:
    """Click in a field, select what it holds (Ctrl+A) and type over it."""
    d.click(entry.get_abs_rect().center)
    d.key(pygame.K_a, mod=pygame.KMOD_CTRL)
    d.key(pygame.K_BACKSPACE)
    d.type_text(text)


def test_a_bad_url_a_bad_name_and_an_unreachable_host_are_one_line_each(trainee):
    d = trainee
    screen = open_join_screen(d)
    assert screen.url_entry.is_focused  # the keyboard starts in the URL field
    d.type_text("http://127.0.0.1:9/dashboard")
    d.key(pygame.K_RETURN)  # on to the name
    assert screen.team_entry.is_focused
    d.type_text("Blue")
    d.key(pygame.K_RETURN)  # Enter in the name joins
    d.frames(2)
    assert d.scene is screen
    assert "Join URL: 'http://127.0.0.1:9/dashboard' is not a join URL; use the one cxsim host printed" in d.text()
    assert screen.url_entry.is_focused  # back in the field that is wrong

    retype(d, screen.url_entry, "")
    pygame.scrap.put_text("http://127.0.0.1:9/join/ABCDEF")  # copied from the facilitator's message
    d.key(pygame.K_v, mod=pygame.KMOD_CTRL)  # and pasted
    assert screen.url_entry.get_text() == "http://127.0.0.1:9/join/ABCDEF"
    retype(d, screen.team_entry, "   ")
    d.click_button("Join")
    assert "Team name: a team name is needed" in d.text()
    retype(d, screen.team_entry, "Blue")
    d.click_button("Join")
    wait_answer(d, screen)  # port 9 on 127.0.0.1: nothing listens, refused at once
    assert "Cannot reach the host at http://127.0.0.1:9 (Connection refused)" in d.text()
    assert d.scene is screen and d.app.options.classroom is None

    d.key(pygame.K_ESCAPE)  # leave the field; Esc again goes back to the title
    d.key(pygame.K_ESCAPE)
    assert d.scene.name == "title"


def test_a_trainee_joins_from_the_title_plays_and_the_host_sees_the_team_and_its_decisions(start_host, tmp_path, trainee):
    host = start_host(str(HIKE), "--port", "0", "--days", "1", "--db", str(tmp_path / "s.sqlite"))
    taken = join(host.join_url, "Blue", tmp_path / "other")  # another team has the name already
    taken.close(timeout=0)
    d = trainee
    d.click(d.scene.name_entry.get_abs_rect().center)
    d.type_text("Ada")
    d.key(pygame.K_TAB)  # leave the name field: Tab, arrows and Enter on the buttons from here
    screen = open_join_screen(d)
    d.type_text(host.join_url)
    d.key(pygame.K_TAB)
    d.type_text("blue")  # names are unique without case
    d.key(pygame.K_RETURN)
    wait_answer(d, screen)
    assert "The host refused: a team named 'Blue' has already joined" in d.text()
    assert d.scene is screen

    retype(d, screen.team_entry, "  Green   Team ")  # runs of spaces become one, as on the command line
    d.key(pygame.K_RETURN)
    wait_for(lambda: (d.frames(1), d.scene.name == "briefing")[1], "the briefing of the host's scenario", 30, every=0.01)
    link = d.app.options.classroom
    assert link is not None and link.reply.team == "Green Team" and d.app.options.days == 1.0
    assert [t["name"] for t in board(host)["teams"]] == ["Blue", "Green Team"]

    d.key(pygame.K_RETURN)  # Play
    assert isinstance(d.scene, PlayScene)
    session = d.app.session
    assert session is not None and session.trainee == "Ada" and session.record.seed == link.reply.seed
    assert Path(session.loaded.path) == link.scenario_path and session.record.horizon_days == 1.0
    d.frames(30)
    assert session.sim.now == 0.0 and "Waiting for the facilitator to start the session" in d.text()

    control(host, "start")
    d.key(pygame.K_5)  # 64x
    answered = []
    while len(answered) < 2:
        d.until(lambda: isinstance(d.scene, DecisionScene), 20_000)
        card = d.scene
        d.key(pygame.K_1)
        answered.append((card.pending.name, card.chosen))
        d.key(pygame.K_RETURN)  # Continue
    assert answered[0] == ("launch_prep", answered[0][1]) and answered[1][0] == "crash"

    at_crash = session.sim.now

    def seen():
        d.frames(5)  # the game goes on (a snapshot about every real second)
        data = board(host)
        mine = [(x["decision"], x["option"]) for x in data["decisions"] if x["team"] == "Green Team"]
        (team,) = [t for t in data["teams"] if t["name"] == "Green Team"]
        # the board's feed is oldest first (the page shows the newest on top)
        return team if mine == answered and team["sim_minutes"] >= at_crash else None

    team = wait_for(seen, "the host to see the team's two decisions and its clock past them", 30)
    assert team["decisions"] == 2 and team["online"] and not team["finished"]
