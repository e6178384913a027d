"""The cost guard of the game: ``cxsim play --resume`` of a huge session, and a huge scenario picked in the game."""

from __future__ import annotations

from helpers import queue_toml
from typer.testing import CliRunner

from game import launch
from game.options import GameOptions
from game.session import Session
from sim.cli import app
from sim.cli.application import load_plugins
from sim.scenario.loader import read_scenario

REFUSED = "more than the 5 million cxsim runs without asking: add --allow-large to run it anyway"


def test_play_resume_and_the_games_picker_check_the_size_too(tmp_path):
    huge = tmp_path / "huge.toml"
    huge.write_text(queue_toml(per_hour=100_000, days=90))  # about 216 million customers a run
    saved = Session.start(read_scenario(huge), folder=tmp_path / "sessions").autosave()  # no run: just the file
    load_plugins()
    res = CliRunner().invoke(app, ["play", "--resume", str(saved)])
    assert res.exit_code == 2, res.stderr
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "this session would simulate about 216 million customers" in lines[0] and REFUSED in lines[0]

    class Host:
        options = GameOptions(save_dir=tmp_path)  # picked in the game, not given to cxsim play

        def push(self, name: str, **kwargs: object) -> None:
            raise AssertionError("the briefing opened")

    error = launch.brief(Host(), huge)  # type: ignore[arg-type]
    assert error is not None and "too many to play here" in error and "--allow-large" in error
