"""The property every damaged input must keep, checked on the command a user would type.

``cxsim validate|run|lint FILE`` and ``cxsim replay FILE`` run in this process (the root group
maps every outcome to the console script's exit code, see sim/cli/application.py) under a hard
timer, and must end:

- with exit 0 (the file is fine), 2 (bad input), or 1 only where 1 is a finding: lint warnings,
  a replay that does not reproduce its saved KPIs; never an internal error (exit 1 with
  "internal error", or the distinct code internal errors are moving to), never an exception
  escaping the command, never a traceback in the output;
- for exit 2, with a few lines on stderr, each naming the file (``FILE:LINE: key.path: message``
  or ``FILE: key: message``, or ``error: FILE...``), none of them huge;
- within ``HARD_TIMEOUT_S`` seconds: a hang fails the example instead of blocking the suite.
"""

from __future__ import annotations

import re
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from typer.testing import CliRunner, Result

from sim.cli import app

HARD_TIMEOUT_S = 30.0
MAX_ERROR_LINES = 25  # one line per problem: a rename breaks every reference to the name, each its own line
MAX_LINE_CHARS = 400  # plus the file name: an error quotes a value, never a 10,000-character one
FINDINGS = {"lint": "warning: ", "replay": "not reproduced: "}  # the commands where exit 1 is a finding, and its words

# Crashes the fuzzer found in code being changed elsewhere right now (sim/cli/): each is pinned by a
# strict xfail test in test_known_crashes.py, which fails as soon as it is fixed; then drop it here.
# (what, command, exit codes, a pattern on stderr)
KNOWN_ELSEWHERE: list[tuple[str, str, set[int], re.Pattern[str]]] = []  # crashes found elsewhere and not fixed yet


class Hang(BaseException):
    """Raised by the hard timer; a BaseException so no ``except Exception`` in cxsim swallows it."""


@contextmanager
def hard_timeout(seconds: float) -> Iterator[None]:
    """Raise ``Hang`` in this thread after ``seconds`` (main thread only; elsewhere the hypothesis deadline remains)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(_signum: int, _frame: object) -> None:
        raise Hang(f"no answer within {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Tally:
    """How the cases ended, per command and exit code, and the known crashes met (printed by the long profile)."""

    codes: dict[str, int] = field(default_factory=dict)
    known: dict[str, int] = field(default_factory=dict)
    slowest: dict[str, tuple[float, str]] = field(default_factory=dict)

    def add(self, command: str, code: int, seconds: float, label: str) -> None:
        key = f"{command} exit {code}"
        self.codes[key] = self.codes.get(key, 0) + 1
        if seconds > self.slowest.get(command, (0.0, ""))[0]:
            self.slowest[command] = (seconds, label)


TALLY = Tally()
_runner = CliRunner()


def invoke(*args: str) -> tuple[Result, float]:
    """``cxsim ARGS`` in this process, under the hard timer; the result and how long it took."""
    start = time.perf_counter()
    with hard_timeout(HARD_TIMEOUT_S):
        result = _runner.invoke(app, list(args))
    return result, time.perf_counter() - start


def check(command: str, file: str, *extra: str, names: tuple[str, ...] = (), known: bool = True, label: str = "") -> Result:
    """Run ``cxsim COMMAND FILE EXTRA...`` and assert the property.

    ``names`` are other files a line may name; ``known=False`` also fails on the crashes in KNOWN_ELSEWHERE.
    """
    result, seconds = invoke(command, file, *extra)
    out, err = result.stdout, result.stderr
    both = out + err
    where = f"cxsim {command} {file} {' '.join(extra)}".rstrip()
    TALLY.add(command, result.exit_code, seconds, label)
    for label, known_command, codes, pattern in KNOWN_ELSEWHERE if known else ():
        if command == known_command and result.exit_code in codes and pattern.search(err):
            TALLY.known[label] = TALLY.known.get(label, 0) + 1
            return result
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{where}: an exception escaped the command: {result.exception!r}"
    )
    assert "Traceback (most recent call last)" not in both, f"{where}: a traceback:\n{both[-3000:]}"
    assert "internal error" not in both, f"{where}: an internal error:\n{err[-2000:]}"
    allowed = {0, 2} | ({1} if command in FINDINGS else set())
    assert result.exit_code in allowed, f"{where}: exit {result.exit_code}:\n{err[-2000:]}"
    if result.exit_code == 1:
        assert FINDINGS[command] in err, f"{where}: exit 1 without a finding ({FINDINGS[command]!r}):\n{err[-2000:]}"
    if result.exit_code == 2:
        lines = [line for line in err.splitlines() if line.strip()]
        assert lines, f"{where}: exit 2 with nothing on stderr"
        assert len(lines) <= MAX_ERROR_LINES, f"{where}: {len(lines)} lines on stderr:\n{err[:3000]}"
        files = (file, *names)
        longest = max(len(name) for name in files)
        for line in lines:
            assert any(name in line for name in files), f"{where}: a line that names no file: {line[:500]!r}"
            assert len(line) <= MAX_LINE_CHARS + longest, f"{where}: a {len(line)}-character line: {line[:300]!r}..."
    return result
