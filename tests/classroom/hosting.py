"""Real parts for the classroom tests (imported as ``classroom.hosting``; conftest.py makes ``start_host`` a fixture): ``cxsim host`` as a subprocess on 127.0.0.1, games as subprocesses, HTTP by urllib.

Every wait is bounded: a line the host should print, a game that should end, a page that should
show something. A failing test says what it waited for, and the host and games are killed.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT

ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", "PYGAME_HIDE_SUPPORT_PROMPT": "1",
       "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}  # fmt: skip
HIKE = ROOT / "scenarios" / "hike-launch.toml"


def wait_for(condition: Callable[[], Any], what: str, timeout: float = 60.0, every: float = 0.1) -> Any:
    """Poll ``condition`` until it returns something true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


@dataclass
class Host:
    """A running ``cxsim host``: its process and the lines it printed."""

    proc: subprocess.Popen[str]
    lines: list[str] = field(default_factory=list)
    _queue: queue.Queue[str | None] = field(default_factory=queue.Queue)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._queue.put(line.rstrip("\n"))
        self._queue.put(None)

    def line(self, prefix: str, timeout: float = 30.0) -> str:
        """The first printed line starting with ``prefix`` (without it)."""
        deadline = time.monotonic() + timeout
        while True:
            for seen in self.lines:
                if seen.startswith(prefix):
                    return seen[len(prefix) :].strip()
            left = deadline - time.monotonic()
            if left <= 0:
                pytest.fail(f"the host printed no '{prefix}' line in {timeout:g} s: {self.lines}")
            try:
                got = self._queue.get(timeout=left)
            except queue.Empty:
                continue
            if got is None:
                err = self.proc.stderr.read() if self.proc.stderr else ""
                pytest.fail(f"the host exited ({self.proc.wait()}) before printing '{prefix}': {self.lines} {err}")
            self.lines.append(got)

    @property
    def join_url(self) -> str:
        return self.line("join:")

    @property
    def base(self) -> str:
        return self.join_url.rsplit("/join/", 1)[0]

    @property
    def code(self) -> str:
        return self.join_url.rsplit("/", 1)[1]

    @property
    def dashboard(self) -> str:
        return self.line("dashboard:")

    @property
    def key(self) -> str:
        return self.dashboard.split("#key=", 1)[1]

    @property
    def port(self) -> int:
        return int(self.base.rsplit(":", 1)[1])

    def kill(self) -> None:
        """Kill the host at once (SIGKILL: no shutdown, as a crash or a pulled plug)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)


def cxsim(*args: str, cwd: Path, log: Path | None = None) -> subprocess.Popen[str]:
    """``cxsim ARGS`` in ``cwd``: its output on pipes, or (``log``) in a file, which nothing has to read as it runs."""
    if log is None:
        out: Any = subprocess.PIPE
        err: Any = subprocess.PIPE
    else:
        out = log.open("w")
        err = subprocess.STDOUT
    return subprocess.Popen([sys.executable, "-m", "sim", *args], cwd=cwd, env=ENV, text=True, stdout=out, stderr=err)


def host_starter(tmp_path: Path) -> Iterator[Callable[..., Host]]:
    """Start ``cxsim host ARGS`` in ``tmp_path`` (killed at the end of the test)."""
    started: list[Host] = []

    def start(*args: str) -> Host:
        host = Host(cxsim("host", *args, cwd=tmp_path))
        started.append(host)
        return host

    yield start
    for host in started:
        host.kill()


def http(method: str, url: str, body: Any = None, *, headers: dict[str, str] | None = None, raw: bytes | None = None,
         ) -> tuple[int, Any]:  # fmt: skip
    """(status, JSON or text answer) of one request; errors are answers too."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as reply:
            status, text, kind = reply.status, reply.read().decode(), reply.headers.get("content-type", "")
    except urllib.error.HTTPError as exc:
        status, text, kind = exc.code, exc.read().decode(), exc.headers.get("content-type", "")
    return status, json.loads(text) if "json" in kind else text


def board(host: Host) -> dict[str, Any]:
    status, data = http("GET", f"{host.base}/api/board", headers={"X-Facilitator-Key": host.key})
    assert status == 200, data
    return data


def control(host: Host, action: str) -> dict[str, Any]:
    status, data = http("POST", f"{host.base}/api/control", {"action": action}, headers={"X-Facilitator-Key": host.key})
    assert status == 200, data
    return data
