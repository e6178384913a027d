"""``cxsim run FILE --customers PATH.csv``: one row per surveyed journey, as docs/results-format.md says."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, SCENARIOS

from sim.results.customer_export import COLUMNS

HIKE = SCENARIOS / "hike-launch.toml"
DOC = ROOT / "docs" / "results-format.md"


def documented_columns() -> list[str]:
    """The first column of the export's table in docs/results-format.md."""
    section = DOC.read_text(encoding="utf-8").split("## Per-customer export", 1)[1]
    return re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.M)


def warmed_up(tmp_path: Path) -> Path:
    """hike-launch with a 6-hour warm-up (the bundled file has none; the launch crash comes at 10:00)."""
    path = tmp_path / "hike-warm.toml"
    path.write_text(HIKE.read_text(encoding="utf-8").replace("warmup_days = 0", "warmup_days = 0.25"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[dict[str, str]], dict[str, Any], list[str]]:
    """One proactive run of warmed-up hike-launch over 4 days: its rows, its JSON results and its header."""
    from typer.testing import CliRunner

    from sim.cli import app

    tmp = tmp_path_factory.mktemp("export")
    rows_path, json_path = tmp / "customers.csv", tmp / "results.json"
    res = CliRunner().invoke(
        app, ["run", str(warmed_up(tmp)), "--policy", "proactive", "--days", "4", "--customers", str(rows_path), "--json", str(json_path)]
    )
    assert res.exit_code == 0, res.stderr
    assert f"wrote {rows_path}" in " ".join(res.stderr.split())
    with rows_path.open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    with rows_path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert not list(tmp.glob(".*.tmp"))
    return rows, json.loads(json_path.read_text()), header


def test_the_columns_are_the_documented_ones(export):
    _, _, header = export
    assert header == list(COLUMNS) == documented_columns()


def test_one_row_per_surveyed_journey_after_the_warm_up(export):
    rows, results, _ = export
    exp = results["experience"]
    assert len(rows) == exp["journeys_surveyed"] > 300
    assert sum(r["affected"] == "1" for r in rows) == exp["affected"]["journeys_surveyed"] > 0
    assert sum(int(r["contacts"]) > 0 for r in rows) == exp["contacted"]["journeys_surveyed"]
    assert min(float(r["started_min"]) for r in rows) >= 360.0  # the warm-up's journeys are left out
    assert len({(r["customer"], r["journey"]) for r in rows}) == len(rows)
    assert sum(int(r["csat"]) for r in rows) / len(rows) == pytest.approx(exp["csat_mean"])
    promoters = sum(int(r["recommend"]) >= 9 for r in rows)
    detractors = sum(int(r["recommend"]) <= 6 for r in rows)
    assert 100.0 * (promoters - detractors) / len(rows) == pytest.approx(exp["nps"])
    assert sum(r["stars"] != "" for r in rows) == exp["reviews_posted"]
    assert sum(int(r["returns"]) for r in rows) / len(rows) == pytest.approx(exp["repeat_purchase_rate"])
    assert sum(float(r["repeat_probability"]) for r in rows) / len(rows) == pytest.approx(exp["repeat_probability_mean"])


def test_every_value_is_in_its_documented_range(export):
    rows, _, _ = export
    for r in rows:
        for flag in ("affected", "recovered", "reached_first", "returns"):
            assert r[flag] in ("0", "1"), (flag, r)
        if r["affected"] == "0":  # nothing to recover, nobody to reach first
            assert r["recovered"] == r["reached_first"] == "0", r
        assert 1 <= int(r["csat"]) <= 5
        assert 0 <= int(r["recommend"]) <= 10
        assert 1.0 <= float(r["ces"]) <= 7.0
        assert -1.0 <= float(r["memory"]) <= 1.0
        assert 0.0 <= float(r["repeat_probability"]) <= 1.0
        assert r["stars"] == "" or 1 <= int(r["stars"]) <= 5
        assert int(r["journey"]) >= 1 and int(r["contacts"]) >= 0 and int(r["switches"]) >= 0 and int(r["effort"]) >= 0
        assert r["segment"] in ("runner", "casual")
    assert any(r["reached_first"] == "1" for r in rows) and any(int(r["contacts"]) > 0 for r in rows)


def test_an_existing_file_is_replaced_as_json_and_csv_are(cxsim, tmp_path):
    target = tmp_path / "rows.csv"
    target.write_text("old\n")
    res = cxsim("run", str(HIKE), "--days", "2", "--customers", str(target), "--no-progress")
    assert res.exit_code == 0, res.stderr
    assert target.read_text().splitlines()[0] == ",".join(COLUMNS)


@pytest.mark.parametrize(
    ("where", "says"),
    [
        ("{dir}/missing/rows.csv", "does not exist"),
        (".", "not a file name"),
        ("{dir}/folder", "it is a folder"),
        ("{scenario}", "it is the input file"),
        ("/dev/null", "not a regular file"),
    ],
)
def test_a_bad_path_is_one_line_and_exit_2_before_the_run(cxsim, tmp_path, where, says):
    (tmp_path / "folder").mkdir()
    scenario = tmp_path / "hike.toml"
    scenario.write_bytes(HIKE.read_bytes())
    res = cxsim("run", str(scenario), "--customers", where.format(dir=tmp_path, scenario=scenario))
    assert res.exit_code == 2
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write") and says in lines[0], res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""
    assert scenario.read_bytes() == HIKE.read_bytes()


def test_the_same_file_for_two_outputs_is_refused(cxsim, tmp_path):
    target = str(tmp_path / "x.csv")
    res = cxsim("run", str(HIKE), "--csv", target, "--customers", target)
    assert res.exit_code == 2 and "two outputs name the same file" in res.stderr


def test_with_the_customer_model_off_there_is_nothing_to_export(cxsim, tmp_path):
    off = tmp_path / "off.toml"
    off.write_text((SCENARIOS / "contact-centre.toml").read_text().replace("feedback = false", "enabled = false"))
    target = tmp_path / "rows.csv"
    res = cxsim("run", str(off), "--customers", str(target))
    assert res.exit_code == 2, res.stderr
    message = " ".join(res.stderr.split())
    assert message.startswith("error: --customers: nothing to export") and "enabled = false" in message
    assert len(res.stderr.strip().splitlines()) <= 2  # one line, wrapped at most once at 80 columns
    assert not target.exists() and not list(tmp_path.glob(".*.tmp"))


def test_replications_have_no_single_customer_file(cxsim, tmp_path):
    res = cxsim("run", str(HIKE), "--reps", "3", "--customers", str(tmp_path / "rows.csv"))
    assert res.exit_code == 2 and "--customers" in res.stderr and "--reps" in res.stderr


def test_an_interrupted_run_leaves_no_file(cxsim, tmp_path, monkeypatch):
    import sim.cli.progress as progress

    def interrupted(sim: Any, show: bool) -> None:
        sim.advance_to(2 * 1440)  # some journeys settle and are written to the temp file
        raise KeyboardInterrupt

    monkeypatch.setattr(progress, "run_with_progress", interrupted)
    target = tmp_path / "rows.csv"
    res = cxsim("run", str(HIKE), "--customers", str(target))
    assert res.exit_code == 130
    assert not target.exists() and not list(tmp_path.iterdir())
