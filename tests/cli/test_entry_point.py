"""The real ``cxsim`` process: the console script, what it imports to start, and main()'s exit codes.

Everything else in tests/cli runs the command line in-process; these start a new interpreter
because the start-up and the exit status of a process are what they test.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SCENARIOS

CENTRE = str(SCENARIOS / "contact-centre.toml")
COMMANDS = ["validate", "run", "compare", "sweep", "staff", "report", "lint", "new", "preview", "kpis", "replay", "schema", "host", "play", "lrs"]
HEAVY = ("numpy", "pydantic", "simpy", "scipy", "matplotlib", "dask", "distributed", "pygame", "pygame_gui")


def python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, **env},
    )  # fmt: skip


def test_the_console_script_lists_every_command_with_the_games_play():
    script = Path(sys.executable).parent / "cxsim"
    if not script.exists():
        pytest.skip("cxsim is not installed as a console script next to this interpreter")
    res = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "100"},
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert re.findall(r"^│ (\w+) ", res.stdout, flags=re.MULTILINE) == COMMANDS
    assert res.stderr == ""


@pytest.mark.parametrize("module", ["sim", "sim.cli"])
def test_importing_the_command_line_loads_no_heavy_dependency(module):
    """`cxsim --help` starts fast because each command imports the engine only when it runs."""
    res = python(f"import sys, {module}\nprint(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["--version"], 0, "cxsim 0.1.0"),
        (["run", "missing.toml"], 2, "missing.toml: file not found"),  # bad input: a SimError
        (["frobnicate"], 2, "error: No such command 'frobnicate'. (see 'cxsim "),  # a usage error
        (["run", CENTRE, "--policy", "proactiv"], 2, "did you mean 'proactive'?"),  # a command's own check
        (["run", CENTRE, "--days", "zero"], 2, "Invalid value for '--days'"),
    ],
)
def test_main_exits_0_or_2_with_one_line_per_error(cxsim_process, args, code, expected):
    res = cxsim_process(*args)
    assert res.returncode == code, res.stdout + res.stderr
    assert expected in (res.stdout if code == 0 else res.stderr)
    if code:
        assert len(res.stderr.strip().splitlines()) == 1, res.stderr
        assert res.stdout == ""


BUG = (
    "import sys\nimport sim.scenario.loader as loader\n"
    "def broken(path):\n    raise RuntimeError('boom')\n"
    "loader.read_scenario = broken\nsys.argv = ['cxsim', 'validate', 'x.toml']\n"
    "from sim.cli import main\nmain()\n"
)


def test_a_bug_is_one_line_and_exit_3_unless_debugging():
    res = python(BUG, CXSIM_DEBUG="")
    assert res.returncode == 3
    message = " ".join(res.stderr.split())  # rich wraps it at the width of stderr
    assert message == "internal error in cxsim (RuntimeError: boom); rerun with CXSIM_DEBUG=1 and report it"
    assert "Traceback" not in res.stderr
    debug = python(BUG, CXSIM_DEBUG="1")
    assert debug.returncode == 3 and "Traceback" in debug.stderr and "RuntimeError: boom" in debug.stderr


def test_ctrl_c_in_a_command_exits_130():
    res = python(BUG.replace("RuntimeError('boom')", "KeyboardInterrupt"))
    assert res.returncode == 130, res.stderr
    assert "Traceback" not in res.stderr
