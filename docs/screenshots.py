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
from game.scenes.play import PlayScene

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
            print(f"wrote docs/screenshots/{name}.png", flush=True)

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
        # Every card is answered with its first proactive option (the lesson's path), by key as a
        # trainee would; the crash card and its feedback are saved, and the map in the rush.
        saved: set[str] = set()
        for _ in range(400000):
            top = app.top
            if isinstance(top, DebriefScene):
                break
            if isinstance(top, DecisionScene):
                crash = top.pending.name == "crash"
                if not top.answered:
                    if crash and "4-decision" not in saved:
                        save("4-decision")
                        saved.add("4-decision")
                    names = list(top.spec.options)
                    styled = [n for n in names if top.spec.options[n].style == "proactive"] or names[:1]
                    key(pygame.K_1 + names.index(styled[0]))
                    if crash and "5-feedback" not in saved:
                        save("5-feedback")
                        saved.add("5-feedback")
                else:
                    key(pygame.K_RETURN)
                continue
            session = app.session
            if "3-play" not in saved and session is not None and session.sim.now >= 11 * 60 + 20:
                app.top.view.follow(min(app.top.view.markers, default=None))
                frames(30)
                save("3-play")
                saved.add("3-play")
                continue
            if "3-play" in saved and isinstance(top, PlayScene) and top.speed != -1.0:
                key(pygame.K_END)  # fast-forward to the next card
                continue
            app.step(1 / 60)
        else:
            raise SystemExit(f"gave up waiting on {app.top.name}")
        missing = {"3-play", "4-decision", "5-feedback"} - saved
        if missing:
            raise SystemExit(f"the flagship never showed {', '.join(sorted(missing))}")
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
