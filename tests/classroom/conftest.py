"""Fixtures of the classroom tests (the helpers are in classroom/hosting.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from classroom.hosting import Host, host_starter


@pytest.fixture
def start_host(tmp_path: Path) -> Iterator[Callable[..., Host]]:
    """Start ``cxsim host ARGS`` in ``tmp_path``; every host started is killed at the end of the test."""
    yield from host_starter(tmp_path)
