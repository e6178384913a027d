"""A real LRS on 127.0.0.1: ralph-malph's server (FastAPI on uvicorn) with its filesystem backend (see SERVE).

It runs from ``.venv-lrs`` (``make lrs-venv``), a venv of its own, so ralph's pinned
dependencies never meet cxsim's. ``LocalLrs`` writes a basic-auth credentials file in ralph's
format (a bcrypt hash of a fresh random password), starts the server on a free port, waits for
its heartbeat and stops it; ``stop`` then ``start`` is a restart on the same port and the same
data. Run as a script it serves until Ctrl-C, for trying ``cxsim lrs`` by hand (docs/lms.md):

    .venv/bin/python tests/lms/lrs_server.py --port 8100
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LRS_PYTHON = ROOT / ".venv-lrs" / "bin" / "python"
HASH = "import bcrypt, sys; print(bcrypt.hashpw(sys.argv[1].encode(), bcrypt.gensalt(int(sys.argv[2]))).decode())"
# ralph 5.1.0's filesystem LRS backend writes every request's statements with operation CREATE, which
# refuses an existing file: the first statement is stored, every later one fails with HTTP 500. Its
# data backend can append (operation APPEND); the server runs with that as the backend's default
# and is otherwise ralph's own app (ralph.api:app on uvicorn), unchanged.
SERVE = """
import sys
from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend
FSLRSBackend.default_operation_type = BaseOperationType.APPEND
import uvicorn
uvicorn.run("ralph.api:app", host=sys.argv[1], port=int(sys.argv[2]), log_level="warning")
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LocalLrs:
    """One ralph LRS process: ``endpoint``, ``username`` and ``password`` are what a client configures."""

    def __init__(self, folder: Path, port: int | None = None, *, username: str = "cxsim-test", rounds: int = 4) -> None:
        if not LRS_PYTHON.exists():
            raise RuntimeError(f"{LRS_PYTHON} is missing: run 'make lrs-venv' (make test does it) to install ralph-malph")
        self.folder, self.port = folder, port or free_port()
        self.username, self.password = username, secrets.token_urlsafe(16)
        self.endpoint = f"http://127.0.0.1:{self.port}/xAPI/"
        self.data = folder / "statements"
        self.data.mkdir(parents=True, exist_ok=True)
        self.log = folder / "ralph.log"
        self.auth_file = folder / "auth.json"
        hashed = subprocess.run(
            [str(LRS_PYTHON), "-c", HASH, self.password, str(rounds)], capture_output=True, text=True, check=True
        ).stdout.strip()
        user = {"agent": {"objectType": "Agent", "mbox": "mailto:lrs-admin@example.org"}, "scopes": ["all"], "hash": hashed}
        self.auth_file.write_text(json.dumps([{**user, "username": username}], indent=2), encoding="utf-8")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 40.0) -> LocalLrs:
        env = {k: v for k, v in os.environ.items() if not k.startswith("RALPH_")}
        env.update(
            RALPH_APP_DIR=str(self.folder),
            RALPH_AUTH_FILE=str(self.auth_file),
            RALPH_RUNSERVER_BACKEND="fs",
            RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH=str(self.data),
        )
        command = [str(LRS_PYTHON), "-c", SERVE, "127.0.0.1", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(command, env=env, cwd=self.folder, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the LRS exited with {self.process.returncode}:\n{self.log.read_text(errors='replace')[-3000:]}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/__lbheartbeat__", timeout=2) as r:
                    if r.status == 200:
                        return self
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the LRS did not answer within {timeout_s} s:\n{self.log.read_text(errors='replace')[-3000:]}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.process = None


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve a local LRS (ralph, filesystem backend) until Ctrl-C.")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--folder", type=Path, default=None, help="where statements and credentials go (default: a temp folder)")
    args = parser.parse_args()
    folder = args.folder or Path(tempfile.mkdtemp(prefix="cxsim-lrs-"))
    lrs = LocalLrs(folder, args.port).start()
    print(f"LRS at {lrs.endpoint} (statements in {lrs.data})")
    print(f"export CXSIM_LRS_ENDPOINT={lrs.endpoint} CXSIM_LRS_USERNAME={lrs.username} CXSIM_LRS_PASSWORD={lrs.password}")
    sys.stdout.flush()

    def stop(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)  # also when started in the background, where SIGINT is ignored by default
    try:
        assert lrs.process is not None
        lrs.process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        lrs.stop()


if __name__ == "__main__":
    main()
