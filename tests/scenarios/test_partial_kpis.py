"""A KPI that only some replications have never becomes NaN: compare writes valid JSON and exits 0."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from helpers import ROOT, SCENARIOS


def test_compare_with_a_kpi_missing_from_some_replications_writes_json(tmp_path: Path):
    out = tmp_path / "cmp.json"
    res = subprocess.run(
        [sys.executable, "-m", "sim", "compare", str(SCENARIOS / "book-review-service.toml"), "--reps", "3", "--days", "5",
         "--no-progress", "--json", str(out)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())  # strict JSON: NaN would not parse back as a number here
    assert "NaN" not in out.read_text()
    partial = [c for c in data["comparisons"] if c["unpaired_half_width"] is None]
    assert partial, "the case needs a KPI some replications lack"
    for c in partial:
        assert c["difference"]["n"] >= 1
    assert not list(tmp_path.glob("*.partial.jsonl")), "a finished run leaves no journal"
