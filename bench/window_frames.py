"""Benchmark: the play view's frame time in a real X window, the display flip included.

bench/game_frames.py times the busy play view (about 2,000 customers at 64x) with SDL's dummy
driver, whose flip costs nothing. This runs the same frames in an X server (Xvfb, started here
on a free display; Debian's ``xvfb`` is installed with apt-get when it is missing and this runs
as root), twice in the same run:

- the game as it ships: SDL pushes the pixels to the window through X11 shared memory
  (``SDL_FRAMEBUFFER_ACCELERATION=0``, set by game/app.py);
- the reference: SDL's own default on Linux, a texture through OpenGL, which on a machine
  without a GPU is Mesa's software renderer (llvmpipe).

Prints, for each, the 50th and 95th percentile of the frame time (the whole ``App.step``, the
flip included) against the 16.7 ms budget of 60 fps, the flip's p50/p95 and its share of the
frame time, and the ratio of the game's p95 to the reference's. Without an X server it prints
one line saying why it skipped, and exits 0.

Usage: python bench/window_frames.py [--frames 600] [--scale 3.6]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BUDGET_MS = 1000 / 60


def find_xvfb() -> str | None:
    """The Xvfb binary; installs Debian's xvfb first when it is missing and this can (root, apt-get)."""
    found = shutil.which("Xvfb")
    if found or os.geteuid() != 0 or not shutil.which("apt-get"):
        return found
    print("  installing Debian's xvfb (apt-get) for the window bench...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "xvfb"]):
        if subprocess.run(cmd, env=env, capture_output=True, timeout=600).returncode != 0:
            return None
    return shutil.which("Xvfb")


def start_xvfb(binary: str) -> tuple[subprocess.Popen[bytes], str]:
    """An Xvfb on a display number it picks itself (``-displayfd``), and that display's name."""
    read, write = os.pipe()
    proc = subprocess.Popen(
        [binary, "-displayfd", str(write), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    if not number:
        proc.kill()
        raise RuntimeError("Xvfb did not start")
    return proc, f":{number}"


def run(display: str, accelerated: str | None, frames: int, scale: float, out: Path) -> dict[str, list[float]]:
    """bench/game_frames.py in the X window; ``accelerated``: SDL_FRAMEBUFFER_ACCELERATION, None for the game's own."""
    env = {**os.environ, "DISPLAY": display, "SDL_VIDEODRIVER": "x11", "SDL_AUDIODRIVER": "dummy"}
    env.pop("SDL_FRAMEBUFFER_ACCELERATION", None)
    if accelerated is not None:
        env["SDL_FRAMEBUFFER_ACCELERATION"] = accelerated
    cmd = [
        sys.executable,
        str(ROOT / "bench" / "game_frames.py"),
        "--frames",
        str(frames),
        "--scale",
        str(scale),
        "--json",
        str(out),
    ]
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, timeout=1800)
    data: dict[str, list[float]] = json.loads(out.read_text(encoding="utf-8"))
    return data


def report(label: str, m: dict[str, list[float]]) -> float:
    """Print one configuration's numbers; returns its p95 frame time."""
    t, flip = np.array(m["frame_ms"]), np.array(m["flip_ms"])
    p50, p95 = np.percentile(t, 50), np.percentile(t, 95)
    print(f"  {label}:")
    print(f"    frame time p50 {p50:.1f} ms, p95 {p95:.1f} ms, worst {t.max():.1f} ms; p95 / budget {p95 / BUDGET_MS:.2f}"
          f"  (target <= 1.00: {'met' if p95 <= BUDGET_MS else 'NOT met'})")  # fmt: skip
    print(f"    display flip p50 {np.percentile(flip, 50):.2f} ms, p95 {np.percentile(flip, 95):.2f} ms, "
          f"{100 * flip.sum() / t.sum():.0f} % of the frame time")  # fmt: skip
    return float(p95)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=600)
    parser.add_argument("--scale", type=float, default=3.6, help="multiplier of the scenario's arrival rate")
    args = parser.parse_args()
    binary = find_xvfb()
    if binary is None:
        print("Play view in a real X window: skipped (no Xvfb, and it could not be installed: apt-get install xvfb)")
        return 0
    proc, display = start_xvfb(binary)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            shipped = run(display, None, args.frames, args.scale, Path(tmp) / "shipped.json")
            reference = run(display, "1", args.frames, args.scale, Path(tmp) / "reference.json")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    visible = shipped["visible"]
    print(f"Play view in a real X window (Xvfb 1280x720), 64x, {np.mean(visible):,.0f} customers visible, {args.frames} frames:")
    ours = report("the game (X11 shared memory)", shipped)
    ref = report("reference, SDL's default (OpenGL texture, software renderer)", reference)
    print(f"  p95 ratio, the game / reference: {ours / ref:.2f}  (lower is better)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
