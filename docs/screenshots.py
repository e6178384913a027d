"""Regenerate the screenshots in docs/screenshots/ (run: make screenshots).

Plays hike-launch.toml headless as a trainee would, and saves each screen at a moment worth
showing: the play view in the launch-day rush, the crash decision card, the debrief.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

from game.app import App
from game.options import GameOptions
from game.scenes.debrief import DebriefScene
from game.scenes.decision import DecisionScene

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        app = App(GameOptions(scenario=ROOT / "scenarios" / "hike-launch.toml", days=14, realtime=False, save_dir=Path(tmp)))
        app.push("title")

        def frames(n: int) -> None:
            for _ in range(n):
                app.step(1 / 60)

        def key(k: int) -> None:
            pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
            frames(2)

        def save(name: str) -> None:
            frames(2)
            pygame.image.save(app.screen, str(OUT / f"{name}.png"))
            print(f"wrote docs/screenshots/{name}.png")

        def until(cond, limit: int = 200000) -> None:
            for _ in range(limit):
                if cond():
                    return
                app.step(1 / 60)
            raise SystemExit(f"gave up waiting on {app.top.name}")

        frames(3)
        save("1-title")
        key(pygame.K_RETURN)
        save("2-briefing")
        key(pygame.K_RETURN)
        key(pygame.K_3)  # 4x: customers visible, moving
        until(lambda: isinstance(app.top, DecisionScene))
        save("4-decision")
        key(pygame.K_1)  # wait for calls: the reactive answer
        save("5-feedback")
        key(pygame.K_RETURN)
        until(lambda: app.session is not None and app.session.sim.now >= 11 * 60 + 20)
        app.top.view.follow(min(app.top.view.markers, default=None))
        frames(30)
        save("3-play")
        key(pygame.K_END)
        until(lambda: isinstance(app.top, DecisionScene))
        key(pygame.K_2)
        key(pygame.K_RETURN)
        until(lambda: isinstance(app.top, DebriefScene))
        until(lambda: app.top.runs.complete)
        save("6-debrief")
        key(pygame.K_RETURN)
        save("7-debrief-charts")
        key(pygame.K_RETURN)
        save("8-results")
        app.quit(0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
