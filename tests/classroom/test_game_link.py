"""In the game, a joined team sees what the host says: it waits for the start, stands still when paused, and is
told (and plays on) when the host is unreachable. The host is real (a subprocess); the game runs in this process."""

from __future__ import annotations

import time

from classroom.hosting import HIKE, board, control, wait_for
from game_driver import Driver

from sim.classroom.client import join


def test_the_game_holds_time_for_the_facilitator_and_plays_on_without_the_host(start_host, tmp_path):
    host = start_host(str(HIKE), "--port", "0", "--days", "1", "--db", str(tmp_path / "s.sqlite"))
    link = join(host.join_url, "Green", tmp_path / "sessions")
    assert link.reply.horizon_days == 1 and link.state == "lobby"
    game = Driver(
        tmp_path, scenario=link.scenario_path, autoplay=True, speed=16.0, seed=link.reply.seed, days=1.0, classroom=link,
        answers="proactive", trainee="Green",
    )  # fmt: skip
    try:
        game.until(lambda: game.scene.name == "play", 600)
        game.frames(60)
        assert game.app.session is not None and game.app.session.sim.now == 0.0  # the lobby holds the clock
        assert "Waiting for the facilitator to start the session" in game.text()

        control(host, "start")
        game.until(lambda: game.app.session.sim.now > 60, 3000)
        assert "Waiting for the facilitator" not in game.text()
        control(host, "pause")
        wait_for(lambda: (game.frames(5), link.state == "paused")[1], "the game to learn of the pause", 20)
        game.frames(2)
        held = game.app.session.sim.now
        game.frames(120)
        assert game.app.session.sim.now == held
        assert "Paused by the facilitator" in game.text()
        assert board(host)["session"]["state"] == "paused"

        control(host, "resume")
        wait_for(lambda: (game.frames(5), link.state == "running")[1], "the game to learn of the resume", 20)
        host.kill()
        at_kill = game.app.session.sim.now
        assert at_kill < 1440
        started = time.monotonic()

        def told_or_late() -> bool:
            time.sleep(0.01)  # real time passes as the frames do: the banner comes after OFFLINE_AFTER_S of silence,
            return "Host unreachable" in game.text() or time.monotonic() - started > 20  # before the day runs out

        game.until(told_or_late, 100_000)
        assert "Host unreachable: your run goes on" in game.text()
        assert game.app.session.sim.now > at_kill  # the run went on without the host
    finally:
        game.close()
        left = link.close(timeout=0)
    assert left > 0 and link.outbox.path.is_file()  # what could not be sent waits on disk for the next join
