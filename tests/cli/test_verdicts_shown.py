"""What a manager reads after compare, sweep and run: every verdict on the console, the swept channel kept, no false ±."""

from __future__ import annotations

import html
import json
import re

import pytest
from helpers import SCENARIOS

HIKE = str(SCENARIOS / "hike-launch.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


@pytest.fixture
def wide(cxsim, monkeypatch):
    """cxsim at a width where no verdict wraps."""
    from sim.cli import err, out

    for console in (out, err):
        monkeypatch.setattr(console, "width", 400)
    return cxsim


def _html_verdicts(page: str) -> list[str]:
    """Each verdict line of the report as text: the badge's word and the sentence."""
    lines = re.findall(r"<p class='verdict'>(.*?)</p>", page)
    return [html.unescape(re.sub(r"<[^>]+>", " ", line)).split(None, 1)[1] for line in lines]


def test_the_console_shows_every_verdict_the_html_report_shows(wide, tmp_path):
    results = tmp_path / "cmp.json"
    res = wide("compare", HIKE, "--policies", "reactive,vague_notice", "--reps", "3", "--days", "2", "--workers", "2",
               "--no-progress", "--json", str(results))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert wide("report", str(results)).exit_code == 0
    page = results.with_suffix(".html").read_text(encoding="utf-8")
    shown = _html_verdicts(page)
    data = json.loads(results.read_text(encoding="utf-8"))
    assert len(shown) == len(data["comparisons"]) and any("contacts" in v for v in shown)
    console = [line.strip() for line in res.stdout.splitlines()]
    for verdict in (c["verdict"] for c in data["comparisons"]):
        assert verdict in console, verdict
    words = {c["effect"] for c in data["comparisons"]}
    assert words <= {"better", "worse", "higher", "lower", "no detectable difference"} and len(words) >= 2
    for c in data["comparisons"]:
        assert c["verdict"].startswith(c["effect"])


def test_fraction_intervals_in_the_summary_stay_within_0_and_100_percent(cxsim):
    res = cxsim(
        "compare", HIKE, "--policies", "reactive,proactive", "--reps", "3", "--days", "2", "--workers", "2", "--json", "-"
    )
    assert res.exit_code == 0, res.stderr
    summary = json.loads(res.stdout)["summary"]
    clipped = 0
    for metric, iv in ((m, iv) for policy in summary.values() for m, iv in policy.items()):
        if metric.endswith(("abandon_rate", "service_level", "repeat_purchase_rate")):
            assert 0.0 <= iv["ci_low"] <= iv["mean"] <= iv["ci_high"] <= 1.0, (metric, iv)
            clipped += iv["mean"] - iv["half_width"] < 0 or iv["mean"] + iv["half_width"] > 1
    assert clipped, "the case needs a fraction whose t interval reaches past 0 or 1"


def test_the_sweep_table_keeps_the_swept_channel_and_gives_paired_steps(wide, tmp_path):
    out = tmp_path / "sweep.json"
    res = wide("sweep", CENTRE, "--set", "touchpoints.chat.agents=2:4", "--reps", "2", "--days", "2", "--workers", "2",
               "--no-progress", "--json", str(out))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    header = next(line for line in res.stdout.splitlines() if "touchpoints.chat.agents" in line)
    assert "chat abandonment" in header and "chat service level" in header  # the first staffed channel is phone
    assert "Change from the point before" in res.stdout and "2 → 3" in res.stdout and "3 → 4" in res.stdout
    points = json.loads(out.read_text(encoding="utf-8"))["points"]
    assert "change_from_previous" not in points[0]
    step = points[1]["change_from_previous"]
    assert step["set"] == {"touchpoints.chat.agents": 2}
    abandon = step["differences"]["reactive"]["channels.chat.abandon_rate"]
    assert abandon["n"] == 2 and abandon["ci_high"] < 0  # one more chat agent: less abandonment, on the same seeds
    assert wide("report", str(out)).exit_code == 0
    assert "Change from the point before" in out.with_suffix(".html").read_text(encoding="utf-8")


def test_the_sweep_report_keeps_the_swept_channel_when_many_kpis_vary(cxsim, tmp_path):
    out = tmp_path / "sweep.json"
    res = cxsim("sweep", CENTRE, "--set", "touchpoints.phone.shifts.1.agents=6:10:4", "--reps", "2", "--days", "3",
                "--workers", "2", "--no-progress", "--json", str(out))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    assert cxsim("report", str(out)).exit_code == 0
    rows = set(re.findall(r"<tr><td>([^<]*)</td>", out.with_suffix(".html").read_text(encoding="utf-8")))
    assert {"phone abandonment", "phone service level", "phone mean wait"} <= rows


def test_kpi_chooses_the_sweep_kpis_and_an_unknown_one_is_one_line(wide, tmp_path):
    out = tmp_path / "sweep.json"
    res = wide("sweep", CENTRE, "--set", "touchpoints.phone.shifts.1.agents=6,8", "--kpi", "channels.phone.occupancy",
               "--kpi", "money.profit", "--reps", "2", "--days", "1", "--workers", "2", "--no-progress", "--json", str(out))  # fmt: skip
    assert res.exit_code == 0, res.stderr
    header = next(line for line in res.stdout.splitlines() if "touchpoints.phone" in line)
    assert "phone agent occupancy" in header and "profit" in header and "NPS" not in header
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["kpis"] == ["channels.phone.occupancy", "money.profit"]
    assert wide("report", str(out)).exit_code == 0
    rows = set(re.findall(r"<tr><td>([^<]*)</td>", out.with_suffix(".html").read_text(encoding="utf-8")))
    assert {"phone agent occupancy", "profit"} <= rows and "NPS" not in rows
    bad = wide("sweep", CENTRE, "--set", "touchpoints.phone.shifts.1.agents=6,8", "--kpi", "channels.phone.ocupancy")
    assert bad.exit_code == 2
    assert "--kpi: unknown KPI 'channels.phone.ocupancy'; did you mean 'channels.phone.occupancy'?" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_single_run_report_shows_no_interval(cxsim, tmp_path):
    run = tmp_path / "run.json"
    assert cxsim("run", HIKE, "--days", "2", "--json", str(run)).exit_code == 0
    assert cxsim("report", str(run)).exit_code == 0
    page = run.with_suffix(".html").read_text(encoding="utf-8")
    table = page.split("<h2>Headline numbers</h2>", 1)[1].split("</table>", 1)[0]
    assert "±" not in table and "EUR</td>" in table
