"""Benchmark: frame time of the play view with about 2,000 customers on the map at 64x, headless.

The flagship scenario with three times its arrivals is first run (in the game's session, the
view observing) to day 10, when about 2,000 customers are visible; then N frames are timed at
64x. Prints the 50th and 95th percentile of the frame time against the 16.7 ms budget of 60
frames per second, the worst frame, and the share of each frame spent advancing the engine.

Usage: python bench/game_frames.py [--frames 600] [--scale 3]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from game.app import App  # noqa: E402
from game.live_view import LiveView  # noqa: E402
from game.options import GameOptions  # noqa: E402
from game.scenes.play import PlayScene  # noqa: E402
from game.session import Session  # noqa: E402
from sim.scenario.loader import read_scenario  # noqa: E402

BUDGET_MS = 1000 / 60


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--scale", type=float, default=3.6, help="multiplier of the scenario's arrival rate")
    args = parser.parse_args()
    loaded = read_scenario(ROOT / "scenarios" / "hike-launch.toml")
    sc = loaded.scenario
    busier = sc.model_copy(
        update={"arrivals": sc.arrivals.model_copy(update={"customers_per_hour": sc.arrivals.customers_per_hour * args.scale})}
    )
    loaded = dataclasses.replace(loaded, scenario=busier)
    with tempfile.TemporaryDirectory() as tmp:
        app = App(GameOptions(autoplay=True, speed=64.0, realtime=False, save_dir=Path(tmp)))
        view = LiveView(busier)
        session = Session.start(loaded, folder=Path(tmp), policy="proactive", observers=[view])
        session.sim.interactive = False  # the policy answers decisions: nothing stops the clock
        session.advance_to(10 * 1440)
        app.session = session
        scene = app.push("play", session=session, view=view)
        assert isinstance(scene, PlayScene)
        scene.set_speed(64.0)
        for _ in range(30):  # warm the caches (fonts, sprites)
            app.step(1 / 60)
        times, shares, visible = [], [], []
        for _ in range(args.frames):
            start = time.perf_counter()
            app.step(1 / 60)
            elapsed = time.perf_counter() - start
            times.append(elapsed * 1000)
            shares.append(scene.sim_work / elapsed if elapsed else 0.0)
            visible.append(len(view.markers))
        app.quit(0)
    t = np.array(times)
    p50, p95 = np.percentile(t, 50), np.percentile(t, 95)
    print(
        f"Play view at 64x, {np.mean(visible):,.0f} customers visible on average ({min(visible):,}-{max(visible):,}), {args.frames} frames:"
    )
    print(f"  frame time p50 {p50:.1f} ms, p95 {p95:.1f} ms, worst {t.max():.1f} ms (budget {BUDGET_MS:.1f} ms at 60 fps)")
    print(f"  p95 / budget: {p95 / BUDGET_MS:.2f}  (target < 1.00: {'met' if p95 < BUDGET_MS else 'NOT met'})")
    print(f"  engine share of a frame: mean {100 * np.mean(shares):.0f} %, p95 {100 * np.percentile(shares, 95):.0f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
