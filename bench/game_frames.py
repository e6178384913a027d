"""Benchmark: frame time of the play view with about 2,000 customers on the map at 64x.

The flagship scenario with 3.6 times its arrivals is first run (in the game's session, the
view observing) to day 10, when about 2,000 customers are visible; then N frames are timed at
64x, each a whole ``App.step`` (events, engine, drawing and the display flip). Prints the 50th
and 95th percentile of the frame time against the 16.7 ms budget of 60 frames per second, the
worst frame, the share of each frame spent advancing the engine and the flip's share.

Headless by default (SDL's dummy driver, whose flip costs nothing); bench/window_frames.py runs
this in a real X window. ``--json FILE`` also writes the numbers for it.

Usage: python bench/game_frames.py [--frames 600] [--scale 3.6] [--json FILE]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
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
import pygame  # noqa: E402

from game.app import App  # noqa: E402
from game.live_view import LiveView  # noqa: E402
from game.options import GameOptions  # noqa: E402
from game.scenes.play import SAMPLE_EVERY_MIN, PlayScene  # noqa: E402
from game.session import Session  # noqa: E402
from sim.scenario.loader import read_scenario  # noqa: E402

BUDGET_MS = 1000 / 60


def measure(frames: int, scale: float) -> dict[str, list[float]]:
    """Time ``frames`` frames of the busy play view: frame and flip times (ms), engine share, customers visible."""
    loaded = read_scenario(ROOT / "scenarios" / "hike-launch.toml")
    sc = loaded.scenario
    busier = sc.model_copy(
        update={"arrivals": sc.arrivals.model_copy(update={"customers_per_hour": sc.arrivals.customers_per_hour * scale})}
    )
    loaded = dataclasses.replace(loaded, scenario=busier)
    out: dict[str, list[float]] = {"frame_ms": [], "flip_ms": [], "engine_share": [], "visible": []}
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
        # NOTE: the play screen samples its sparklines every sim hour from hour 1 (``_next_sample``), also for
        # a session that starts at day 10; without this it would spend 240 frames catching up, one sample a
        # frame with time standing still, and the bench would time those instead of play at 64x.
        scene._next_sample = (session.sim.now // SAMPLE_EVERY_MIN + 1) * SAMPLE_EVERY_MIN
        for _ in range(30):  # warm the caches (fonts, sprites)
            app.step(1 / 60)
        for _ in range(frames):
            start = time.perf_counter()
            app.step(1 / 60)
            elapsed = time.perf_counter() - start
            out["frame_ms"].append(elapsed * 1000)
            out["flip_ms"].append(app.flip_s * 1000)
            out["engine_share"].append(scene.sim_work / elapsed if elapsed else 0.0)
            out["visible"].append(len(view.markers))
        driver = pygame.display.get_driver()
        app.quit(0)
    print(f"  (SDL video driver: {driver})", file=sys.stderr)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--scale", type=float, default=3.6, help="multiplier of the scenario's arrival rate")
    parser.add_argument("--json", type=Path, default=None, help="also write the per-frame numbers to this file")
    args = parser.parse_args()
    m = measure(args.frames, args.scale)
    if args.json is not None:
        args.json.write_text(json.dumps(m), encoding="utf-8")
    t, flip, visible, shares = np.array(m["frame_ms"]), np.array(m["flip_ms"]), m["visible"], m["engine_share"]
    p50, p95 = np.percentile(t, 50), np.percentile(t, 95)
    print(
        f"Play view at 64x, {np.mean(visible):,.0f} customers visible on average ({min(visible):,.0f}-{max(visible):,.0f}), {args.frames} frames:"
    )
    print(f"  frame time p50 {p50:.1f} ms, p95 {p95:.1f} ms, worst {t.max():.1f} ms (budget {BUDGET_MS:.1f} ms at 60 fps)")
    print(f"  p95 / budget: {p95 / BUDGET_MS:.2f}  (target < 1.00: {'met' if p95 < BUDGET_MS else 'NOT met'})")
    print(f"  engine share of a frame: mean {100 * np.mean(shares):.0f} %, p95 {100 * np.percentile(shares, 95):.0f} %")
    print(f"  display flip: p50 {np.percentile(flip, 50):.2f} ms, {100 * flip.sum() / t.sum():.0f} % of the frame time")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
