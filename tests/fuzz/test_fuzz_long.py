"""The long fuzzing budget for ``make test-slow``: the same targets as test_fuzz.py, 2,100 cases in all."""

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

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-long")


@budget("scenario_tree", long=True)
@given(case=scenario_tree_cases())
def test_many_damaged_scenario_trees(folder: Path, case: Case) -> None:
    check_scenario(case, folder)


@budget("scenario_text", long=True)
@given(case=scenario_text_cases())
def test_many_damaged_scenario_texts(folder: Path, case: Case) -> None:
    check_scenario(case, folder)


@budget("session_tree", long=True)
@given(case=session_tree_cases())
def test_many_damaged_session_trees(folder: Path, case: Case) -> None:
    check_session(case, folder)


@budget("session_text", long=True)
@given(case=session_text_cases())
def test_many_damaged_session_texts(folder: Path, case: Case) -> None:
    check_session(case, folder)
