"""Benchmark: a classroom host under 40 teams, against the same host with one team, in the same run.

A real ``cxsim host`` (a subprocess on 127.0.0.1) and simulated teams: protocol clients, not
game windows, each a thread that joins as a game does (``POST /join/CODE``) and posts batches to
its batch endpoint as a game's ``TeamLink`` does, with a dashboard listening on the websocket as
the facilitator's page does. Two phases per host, the same for the reference (1 team) and the
load (40 teams, by default), each on a fresh host:

- **live**: every team sends a KPI snapshot every second (a decision every tenth), as games do,
  for ``--seconds``, the teams spread evenly over the second (games start at different moments). The latency of a message is the time from the team starting its POST to the
  dashboard receiving a board that shows the team's clock at that snapshot's minute: the
  host's answer, its store, and its coalesced push (at most ten a second) all count. The issue's
  budget is p95 under 200 ms with 40 teams.
- **session**: a 90-minute class compressed in time: every team sends the 5,400 snapshots of a
  session's 90 minutes (one a second) in batches of 100, as fast as the host answers. The host's
  memory (resident set, from /proc) is sampled all along; "flat" means the end is not far above
  the level after the first tenth of the session.

Prints for each host the p50/p95 latency and the host's memory, then the ratios load/reference
(latency p95, memory at the end of the session) and the memory growth over the compressed
session. Linux only (reads /proc/PID/status).

Usage: python bench/classroom.py [--teams 40] [--seconds 20] [--session-minutes 90]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parent.parent
HIKE = ROOT / "scenarios" / "hike-launch.toml"
BUDGET_MS = 200.0
DECISIONS = (("launch_prep", "on_call"), ("crash", "reach_out"), ("parcel", "note"), ("reviews", "thank"))
BATCH = 100


def post(url: str, body: dict[str, Any], token: str | None = None) -> dict[str, Any]:
    """One JSON POST as the game's client sends it; the JSON answer."""
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    req = urllib.request.Request(url, data=json.dumps(body).encode(), headers=headers, method="POST")
    with urllib.request.urlopen(req, timeout=30) as reply:
        answer: dict[str, Any] = json.loads(reply.read())
    return answer


def rss_mib(pid: int) -> float:
    """The resident set of process ``pid``, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Host:
    """A ``cxsim host`` subprocess, its URLs and key."""

    proc: subprocess.Popen[str]
    base: str = ""
    code: str = ""
    key: str = ""

    @classmethod
    def start(cls, folder: Path) -> Host:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        args = [sys.executable, "-m", "sim", "host", str(HIKE), "--port", "0", "--days", "1", "--join-rate", "10000",
                "--db", str(folder / "session.sqlite")]  # fmt: skip
        host = cls(subprocess.Popen(args, cwd=folder, env=env, text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE))
        assert host.proc.stdout is not None
        for line in host.proc.stdout:
            if line.startswith("join: "):
                url = line.split(" ", 1)[1].strip()
                host.base, host.code = url.rsplit("/join/", 1)
            elif line.startswith("dashboard: "):
                host.key = line.split("#key=", 1)[1].strip()
                break
        if not host.key:
            raise SystemExit(f"the host did not start: {host.proc.stderr.read() if host.proc.stderr else ''}")
        threading.Thread(target=host.proc.stdout.read, daemon=True).start()  # keep its pipe drained
        host.control("start")  # running: teams report as they would in class
        return host

    def control(self, action: str) -> None:
        req = urllib.request.Request(f"{self.base}/api/control", data=json.dumps({"action": action}).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "X-Facilitator-Key": self.key})  # fmt: skip
        urllib.request.urlopen(req, timeout=30).close()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


@dataclass
class Dashboard:
    """The facilitator's page, as far as latency goes: every board the host pushes, and when it came."""

    host: Host
    pending: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # team: (sim minute, sent at), oldest first
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)

    def sent(self, team: str, minute: float, at: float) -> None:
        with self.lock:
            self.pending.setdefault(team, []).append((minute, at))

    def listen(self) -> None:
        with connect(self.host.base.replace("http://", "ws://") + "/ws", max_size=None) as ws:
            ws.send(json.dumps({"key": self.host.key}))
            while not self.stop.is_set():
                try:
                    text = ws.recv(timeout=0.5)
                except TimeoutError:
                    continue
                now = time.perf_counter()
                shown = {t["name"]: t["sim_minutes"] for t in json.loads(text)["teams"]}
                with self.lock:
                    for team, minute in shown.items():
                        waiting = self.pending.get(team, [])
                        while waiting and waiting[0][0] <= minute:
                            self.latencies.append(now - waiting.pop(0)[1])


def join(host: Host, name: str) -> tuple[str, str]:
    """(batch URL, token) of a new team."""
    reply = post(f"{host.base}/join/{host.code}", {"team": name})
    return host.base + reply["batch_url"], reply["token"]


def snapshot(seq: int, minute: float) -> dict[str, Any]:
    kpis = {"money.profit": 100.0 * minute, "experience.affected.nps": 10.0, "experience.contacted.csat_mean": 4.1}
    return {"kind": "snapshot", "seq": seq, "sim_minutes": minute, "kpis": kpis}


def live_team(host: Host, dash: Dashboard, name: str, seconds: float, start: threading.Barrier, offset: float) -> None:
    """A game's traffic: a snapshot every second (a decision every tenth), each timed to the dashboard.

    ``offset``: where in the second this team sends (games start at different moments, so a
    class's snapshots spread over the second rather than all arrive at once).
    """
    url, token = join(host, name)
    start.wait()
    time.sleep(offset)
    seq, minute = 0, 0.0
    began = time.perf_counter()
    tick = 0
    while time.perf_counter() - began < seconds:
        tick += 1
        minute += 5.0
        messages = []
        if tick % 10 == 0:
            decision, option = DECISIONS[(tick // 10) % len(DECISIONS)]
            seq += 1
            messages.append({"kind": "decision", "seq": seq, "sim_minutes": minute, "decision": decision, "option": option})
        seq += 1
        messages.append(snapshot(seq, minute))
        at = time.perf_counter()
        dash.sent(name, minute, at)
        post(url, {"messages": messages}, token)
        time.sleep(max(0.0, began + tick - time.perf_counter()))  # every second, on the second


def session_team(url: str, token: str, minutes: int, first_seq: int) -> None:
    """A whole session's snapshots (one a second of ``minutes`` minutes), in batches of 100, as fast as the host answers."""
    seq, total = first_seq, minutes * 60
    for start in range(0, total, BATCH):
        batch = []
        for i in range(start, min(total, start + BATCH)):
            seq += 1
            batch.append(snapshot(seq, 1440 + i / 60))
        post(url, {"messages": batch}, token)


def measure(teams: int, seconds: float, session_minutes: int) -> dict[str, Any]:
    """One host, ``teams`` teams: the live phase's latencies, then the compressed session's memory."""
    with tempfile.TemporaryDirectory(prefix="cxsim-bench-classroom-") as tmp:
        host = Host.start(Path(tmp))
        try:
            idle = rss_mib(host.proc.pid)
            dash = Dashboard(host)
            listener = threading.Thread(target=dash.listen, daemon=True)
            listener.start()
            barrier = threading.Barrier(teams)
            names = [f"Team {i + 1}" for i in range(teams)]
            threads = [
                threading.Thread(target=live_team, args=(host, dash, n, seconds, barrier, i / teams)) for i, n in enumerate(names)
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            time.sleep(0.5)  # the last push
            dash.stop.set()
            listener.join(timeout=5)
            live_rss = rss_mib(host.proc.pid)
            # the compressed session: the same teams (joined again with their tokens would do; new ones are simpler)
            links = [join(host, f"Session {i + 1}") for i in range(teams)]
            samples: list[tuple[float, float]] = []
            done = threading.Event()

            def sample() -> None:
                began = time.perf_counter()
                while not done.is_set():
                    samples.append((time.perf_counter() - began, rss_mib(host.proc.pid)))
                    done.wait(0.25)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            began = time.perf_counter()
            senders = [threading.Thread(target=session_team, args=(url, token, session_minutes, 0)) for url, token in links]
            for t in senders:
                t.start()
            for t in senders:
                t.join()
            took = time.perf_counter() - began
            done.set()
            sampler.join()
        finally:
            host.stop()
    lat = np.array(dash.latencies) * 1000
    rss = np.array([r for _, r in samples])
    tenth = rss[max(1, len(rss) // 10) - 1] if len(rss) else float("nan")
    return {
        "teams": teams, "messages": len(lat), "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
        "idle_mib": idle, "live_mib": live_rss, "session_tenth_mib": float(tenth), "session_end_mib": float(rss[-1]),
        "session_max_mib": float(rss.max()), "session_s": took, "session_messages": teams * session_minutes * 60,
    }  # fmt: skip


def report(m: dict[str, Any], label: str) -> None:
    print(f"{label}: {m['teams']} team{'s' if m['teams'] != 1 else ''}")
    print(f"  live, a snapshot a second: {m['messages']} messages, latency to the dashboard p50 {m['p50_ms']:.0f} ms,"
          f" p95 {m['p95_ms']:.0f} ms (budget {BUDGET_MS:.0f} ms)")  # fmt: skip
    print(f"  host memory: {m['idle_mib']:.1f} MiB idle, {m['live_mib']:.1f} MiB after the live phase")
    print(f"  compressed session: {m['session_messages']:,} snapshots in {m['session_s']:.1f} s;"
          f" host memory {m['session_tenth_mib']:.1f} MiB after a tenth, {m['session_end_mib']:.1f} MiB at the end"
          f" (max {m['session_max_mib']:.1f} MiB)")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--teams", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the live phase, real seconds")
    parser.add_argument("--session-minutes", type=int, default=90, help="the compressed session's length, minutes of class")
    parser.add_argument("--json", type=Path, default=None, help="also write the measures to this file")
    args = parser.parse_args()
    if not Path("/proc/self/status").exists():
        print("bench/classroom.py: skipped (reads the host's memory from /proc: Linux only)")
        return
    print(f"classroom host: {args.teams} simulated teams against 1, each on a fresh host on 127.0.0.1", flush=True)
    reference = measure(1, args.seconds, args.session_minutes)
    report(reference, "reference")
    load = measure(args.teams, args.seconds, args.session_minutes)
    report(load, "load")
    p95 = load["p95_ms"]
    growth = load["session_end_mib"] / load["session_tenth_mib"]
    print(f"  p95 latency, load / reference: {p95 / reference['p95_ms']:.2f}"
          f"  (budget {BUDGET_MS:.0f} ms: {'met' if p95 < BUDGET_MS else 'NOT met'}, {p95:.0f} ms)")  # fmt: skip
    print(f"  host memory at the session's end, load / reference: {load['session_end_mib'] / reference['session_end_mib']:.2f}")
    print(f"  host memory over the compressed session, end / after a tenth: {growth:.2f} with {args.teams} teams,"
          f" {reference['session_end_mib'] / reference['session_tenth_mib']:.2f} with 1")  # fmt: skip
    if args.json is not None:
        args.json.write_text(json.dumps({"reference": reference, "load": load}, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
