"""``bench/classroom.py`` runs (a few teams, a few seconds): the real host, its dashboard's websocket, the ratios printed."""

from __future__ import annotations

import json
import subprocess
import sys

from classroom.hosting import ENV
from helpers import ROOT


def test_the_classroom_bench_measures_both_hosts_and_prints_the_ratios(tmp_path):
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "classroom.py"), "--teams", "3", "--seconds", "2", "--session-minutes", "3",
         "--json", str(out)],
        capture_output=True, text=True, env=ENV, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["reference"]["teams"] == 1 and data["load"]["teams"] == 3
    assert data["load"]["messages"] >= 3 * 2 - 1  # nearly every snapshot was seen on the dashboard
    assert data["load"]["session_messages"] == 3 * 3 * 60
    assert 0 < data["load"]["p50_ms"] <= data["load"]["p95_ms"] < 5000
    assert data["load"]["session_end_mib"] > 20
    for line in ("p95 latency, load / reference:", "host memory at the session's end, load / reference:",
                 "host memory over the compressed session, end / after a tenth:"):  # fmt: skip
        assert line in proc.stdout, proc.stdout
