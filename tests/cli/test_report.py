"""The HTML report a manager forwards: self-contained, with tables, verdicts and charts."""

from __future__ import annotations

import json
import re

import pytest
from helpers import SCENARIOS

HIKE = str(SCENARIOS / "hike-launch.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


def _images(page: str) -> list[str]:
    return re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)


def test_compare_report_has_verdicts_tables_and_embedded_charts(cxsim, tmp_path):
    results = tmp_path / "compare.json"
    assert cxsim("compare", HIKE, "--reps", "3", "--days", "5", "--workers", "2", "--json", str(results)).exit_code == 0
    res = cxsim("report", str(results))
    assert res.exit_code == 0, res.stderr
    page = (tmp_path / "compare.html").read_text()
    assert page.startswith("<!doctype html>") and "Hike: launch day" in page
    assert "Verdicts" in page and "KPI (mean ± 95 % CI)" in page
    assert len(_images(page)) == 3  # KPI bars, loyalty and money over time, queues and waits over time
    assert all(len(img) > 5000 for img in _images(page))
    assert "http://" not in page and "https://" not in page  # opens offline, no server


def test_sweep_and_single_run_reports(cxsim, tmp_path):
    sweep = tmp_path / "sweep.json"
    res = cxsim(
        "sweep", CENTRE, "--set", "touchpoints.phone.shifts.1.agents=6:10:2", "--reps", "2", "--days", "1", "--json", str(sweep)
    )
    assert res.exit_code == 0, res.stderr
    assert cxsim("report", str(sweep), "--out", str(tmp_path / "s.html")).exit_code == 0
    assert len(_images((tmp_path / "s.html").read_text())) == 1
    run = tmp_path / "run.json"
    assert cxsim("run", HIKE, "--days", "3", "--json", str(run)).exit_code == 0
    assert cxsim("report", str(run)).exit_code == 0
    assert "a single run has no confidence interval" in (tmp_path / "run.html").read_text()


@pytest.mark.parametrize(
    ("content", "expected"),
    [(None, "file not found"), ("{nope", "not a JSON results file"), (json.dumps({"a": 1}), "not a cxsim results file")],
)
def test_bad_results_files_are_one_clear_line(cxsim, tmp_path, content, expected):
    path = tmp_path / "r.json"
    if content is not None:
        path.write_text(content)
    res = cxsim("report", str(path))
    assert res.exit_code == 2 and expected in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1
