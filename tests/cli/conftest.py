"""The command line in a new process (``cxsim_process``), for what an in-process run cannot show.

The in-process ``cxsim`` fixture, used by most CLI tests, is in tests/conftest.py; the console
script's own tests (test_entry_point.py) start real processes.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from helpers import ROOT


@pytest.fixture
def cxsim_process() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run ``python -m sim ARGS...`` in a new process, for what needs one (main()'s exit codes, a Dask cluster)."""

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
        )

    return run
