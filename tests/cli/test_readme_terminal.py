"""Every command the README shows, typed into a real (pseudo-)terminal, exits 0.

The progress bars, colours and column widths only switch on when stdout/stderr are a terminal,
so the captured runs elsewhere never reach them. A user's first `cxsim compare ... --reps 30`
once crashed on the first refresh of the bar (a speed of None formatted with ``:.2f``) while
every test passed. These tests type the README's own lines into a pty of a usual size.

The fast suite runs them in order with smaller ``--reps`` (the bar is drawn from the first
refresh, so the crash path is the same); ``make test-slow`` runs them exactly as written.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import sys
import termios
import time
from pathlib import Path

import pytest
from helpers import ROOT

README = ROOT / "README.md"
BIN = Path(sys.executable).parent
FAST_REPS = {"20": "3", "30": "3", "10": "2"}


def readme_commands() -> list[str]:
    """The `cxsim ...` lines of the README's shell blocks, without their comments, in order."""
    commands: list[str] = []
    inside = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            inside = line.strip() == "```sh"
            continue
        if inside and line.startswith("cxsim "):
            commands.append(re.sub(r"\s+#.*$", "", line).strip())
    return commands


def quick(command: str) -> str:
    """The same command with fewer replications, for the fast suite."""
    return re.sub(r"--reps (\d+)", lambda m: f"--reps {FAST_REPS.get(m.group(1), m.group(1))}", command)


WATCH_SHOWN = b"Headline KPIs"  # a watch has shown its first numbers: a user would read them, then press Ctrl-C


def in_terminal(command: str, cwd: Path, timeout_s: float = 300.0) -> tuple[int, str]:
    """Run one shell line in a 120x40 pseudo-terminal; return its exit code and what it printed.

    A command that runs until stopped (``cxsim preview --watch``) gets a Ctrl-C typed into the
    terminal once it has shown its first numbers, as a user ends it.
    """
    watching = "--watch" in command
    env = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "TERM": "xterm-256color"}
    env.pop("CI", None)  # rich treats CI as "not interactive"; a user's terminal has no CI variable
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    pid, fd = pty.fork()
    if pid == 0:  # the child: a shell in the pty, as a user's
        os.chdir(cwd)
        os.execvpe("bash", ["bash", "-c", command], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            if os.waitpid(pid, os.WNOHANG) != (0, 0):
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
        if watching and WATCH_SHOWN in b"".join(chunks):
            os.write(fd, b"\x03")  # Ctrl-C, through the terminal, to the foreground process
            watching = False
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
        raise AssertionError(f"`{command}` did not finish in {timeout_s:.0f} s")
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", errors="replace")


def play_readme(tmp_path: Path, shorten: bool) -> None:
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    commands = readme_commands()
    assert any(c.startswith("cxsim compare") for c in commands), "the README lost its shell examples"
    for command in commands:
        line = quick(command) if shorten else command
        code, printed = in_terminal(line, tmp_path)
        assert code == 0, f"`{line}` exited {code} in a terminal:\n{printed[-3000:]}"
        assert "internal error in cxsim (" not in printed and "Traceback" not in printed, f"`{line}`:\n{printed[-3000:]}"


def test_readme_commands_list_is_what_the_readme_shows():
    commands = readme_commands()
    assert "cxsim --help" in commands
    assert any(c.startswith("cxsim replay") for c in commands)


def test_every_readme_command_exits_0_in_a_terminal(tmp_path: Path):
    play_readme(tmp_path, shorten=True)


@pytest.mark.slow
def test_every_readme_command_exactly_as_written_exits_0_in_a_terminal(tmp_path: Path):
    play_readme(tmp_path, shorten=False)


def test_the_progress_bar_draws_in_a_terminal(tmp_path: Path):
    """The bar itself appears (a regression guard for the crash, not only the exit code)."""
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    code, printed = in_terminal("cxsim run scenarios/tutorial.toml --reps 3", tmp_path)
    assert code == 0, printed
    assert "replications" in printed and "/s" in printed
