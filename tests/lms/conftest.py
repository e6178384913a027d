"""The LMS-reporting tests' set-up: one real LRS per test process, a clean config per test, session files.

The LRS is shared by the tests of a process, so each test plays its own session (its own trainee
and start time, hence its own ids and registration) and reads back only that registration.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lms.lrs_server import LocalLrs

from sim.lms.config import LrsConfig, load_config


@pytest.fixture(scope="session")
def lrs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalLrs]:
    server = LocalLrs(tmp_path_factory.mktemp("lrs")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def no_lrs_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No CXSIM_LRS_* variable and an empty home: only what the test sets is configured. Returns the outbox path."""
    for var in ("CXSIM_LRS_ENDPOINT", "CXSIM_LRS_USERNAME", "CXSIM_LRS_PASSWORD", "CXSIM_LRS_ACTIVITY_BASE", "CXSIM_LRS_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "home" / ".local" / "state"))
    outbox = tmp_path / "outbox.sqlite3"
    monkeypatch.setenv("CXSIM_LRS_OUTBOX", str(outbox))
    return outbox


@pytest.fixture
def lrs_config(lrs: LocalLrs, no_lrs_config: Path, monkeypatch: pytest.MonkeyPatch) -> LrsConfig:
    """The environment pointing at the test LRS (as a facilitator would set it), and the config it gives."""
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", lrs.endpoint)
    monkeypatch.setenv("CXSIM_LRS_USERNAME", lrs.username)
    monkeypatch.setenv("CXSIM_LRS_PASSWORD", lrs.password)
    return load_config()
