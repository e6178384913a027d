"""cxsim report on altered, cut or odd results files: one line, exit 2; a one-point sweep is a report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from helpers import SCENARIOS
from typer.testing import CliRunner

from sim.cli import app

TUTORIAL = str(SCENARIOS / "tutorial.toml")


def cxsim(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def one_point_sweep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sweep") / "s.json"
    code, out = cxsim("sweep", TUTORIAL, "--set", "touchpoints.phone.agents=3", "--reps", "2", "--days", "1",
                      "--no-progress", "--json", str(path))  # fmt: skip
    assert code == 0, out
    return path


def test_a_one_point_sweep_makes_a_report(one_point_sweep: Path, tmp_path: Path):
    out = tmp_path / "s.html"
    code, printed = cxsim("report", str(one_point_sweep), "--out", str(out))
    assert code == 0, printed
    assert "<html" in out.read_text()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.update(format=""), "not a cxsim results file"),
        (lambda d: d["points"][0].pop("summary"), "key 'summary' is missing"),
        (lambda d: d.pop("points"), "key 'points' is missing"),
        (lambda d: d.update(points="none"), "wrong shape"),
    ],
)
def test_an_altered_results_file_is_one_line_and_exit_2(one_point_sweep: Path, tmp_path: Path, change, expected: str):
    data = json.loads(one_point_sweep.read_text())
    change(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    code, printed = cxsim("report", str(path))
    assert code == 2, printed
    lines = [line for line in printed.splitlines() if line.strip()]
    assert len(lines) <= 2 and expected in printed and "Traceback" not in printed and "internal error" not in printed


def test_deeply_nested_json_is_refused(tmp_path: Path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, printed = cxsim("report", str(path))
    assert code == 2 and "not a JSON results file" in printed
