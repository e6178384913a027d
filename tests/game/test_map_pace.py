"""At 1x something happens within 20 seconds on every bundled scenario: while nothing is on the
map the clock runs at the quiet-hours speed, labelled, and drops back at the first customer,
failure or decision; only the pace changes, never the run's results."""

from __future__ import annotations

import pygame
import pytest
from game_driver import Driver
from helpers import SCENARIOS

from game.scenes.play import QUIET_SPEED, PlayScene
from sim import Simulation, read_scenario
from sim.results.results import build_results

FILES = sorted(SCENARIOS.glob("*.toml"))
FRAMES_20_S = 20 * 60


def to_play(tmp_path, path) -> Driver:
    d = Driver(tmp_path, scenario=path, days=3.0)
    d.frames(3)
    d.key(pygame.K_RETURN)
    d.key(pygame.K_RETURN)
    assert isinstance(d.scene, PlayScene) and d.scene.speed == 1.0  # a trainee's first speed
    return d


@pytest.mark.parametrize("path", FILES, ids=lambda f: f.stem)
def test_something_happens_within_20_seconds_at_1x(tmp_path, path):
    d = to_play(tmp_path, path)
    try:
        scene = d.scene
        for _ in range(FRAMES_20_S):
            if scene.view.markers or scene.view.ticker or not isinstance(d.scene, PlayScene):
                break
            d.frames(1)
        else:
            pytest.fail(f"{path.stem}: nothing on the map or in the ticker after 20 s at 1x")
    finally:
        d.close()


def test_quiet_hours_are_labelled_and_change_only_the_pace(tmp_path):
    path = SCENARIOS / "b2b-engineering-services.toml"  # no customer before about 09:00
    d = to_play(tmp_path, path)
    try:
        scene = d.scene
        sim = d.app.session.sim
        d.frames(2)
        assert scene.quiet_now and f"speed: 1x (quiet hours: {QUIET_SPEED:g}x)" in d.text()
        assert sim.now >= 2 * QUIET_SPEED * 5.0 / 60 * 0.99  # two frames at 16x, not at 1x
        d.until(lambda: bool(scene.view.markers), limit=20 * 60)
        d.frames(1)
        assert not scene.quiet_now and "speed: 1x" in d.text() and "quiet hours" not in d.text()
        before = sim.now
        d.frames(60)
        assert sim.now - before == pytest.approx(5.0, abs=0.5)  # back to 1x: 5 sim minutes a second
        # the same run as a headless one advanced to the same minute
        headless = Simulation(read_scenario(path).scenario, horizon_days=3.0, interactive=True)
        headless.advance_to(sim.now)
        assert build_results(headless) == build_results(sim)
    finally:
        d.close()
