"""Fuzzing in the suite: damaged scenarios and session files never give an internal error, a traceback or a hang.

Each test draws damaged files (tests/fuzz/mutations.py) from the bundled scenarios or a saved
session and runs the commands a user would on them (tests/fuzz/property.py says what must hold).
``make test`` runs a bounded, reproducible number of examples; ``make test-slow`` runs the long
budget in test_fuzz_long.py (or set CXSIM_FUZZ=long for these).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given

from fuzz.mutations import Case
from fuzz.targets import (
    budget,
    check_scenario,
    check_session,
    scenario_text_cases,
    scenario_tree_cases,
    session_text_cases,
    session_tree_cases,
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@budget("scenario_tree")
@given(case=scenario_tree_cases())
def test_damaged_scenario_trees(folder: Path, case: Case) -> None:
    check_scenario(case, folder)


@budget("scenario_text")
@given(case=scenario_text_cases())
def test_damaged_scenario_texts(folder: Path, case: Case) -> None:
    check_scenario(case, folder)


@budget("session_tree")
@given(case=session_tree_cases())
def test_damaged_session_trees(folder: Path, case: Case) -> None:
    check_session(case, folder)


@budget("session_text")
@given(case=session_text_cases())
def test_damaged_session_texts(folder: Path, case: Case) -> None:
    check_session(case, folder)
