"""One tidy long table for every export: the CSV of run, compare and sweep, ``.to_pandas()`` and Parquet, with units."""

from __future__ import annotations

import csv
import json
import sys

import pytest
from helpers import SCENARIOS

import sim
from sim.results.tidy import COLUMNS, MissingExtra

pd = pytest.importorskip("pandas", reason="pandas is the 'pandas' extra (in dev): pip install 'cxsim[pandas]'")

TUTORIAL = str(SCENARIOS / "tutorial.toml")
HIKE = str(SCENARIOS / "hike-launch.toml")
CENTRE = str(SCENARIOS / "contact-centre.toml")


@pytest.fixture(scope="module")
def comparison() -> sim.Comparison:
    return sim.compare(HIKE, ["reactive", "proactive"], reps=2, days=3, workers=1)  # 3 days: the first surveys come in


def _text(cell: object) -> str:
    return "" if pd.isna(cell) else str(cell)


def _same_rows(frame, other) -> None:
    """Two tidy tables hold the same rows (text, counts and numbers compared as values; NA equal to NA)."""
    assert list(frame.columns) == list(COLUMNS) == list(other.columns) and len(frame) == len(other)
    for column in COLUMNS:
        a, b = frame[column], other[column]
        if column in ("value", "ci_low", "ci_high", "half_width", "replication", "seed", "n"):
            assert a.astype("float64").equals(b.astype("float64")), column
        else:
            assert [_text(x) for x in a] == [_text(x) for x in b], column


def test_to_pandas_is_a_tidy_long_table_with_units(comparison: sim.Comparison):
    df = comparison.to_pandas()
    assert list(df.columns) == list(COLUMNS)
    assert set(df["statistic"]) == {"value", "mean", "difference"}
    units = dict(zip(df["metric"], df["unit"], strict=False))
    assert units["money.profit"] == "EUR" and units["channels.phone.service_level"] == "fraction"
    assert units["channels.phone.wait_mean_min"] == "min" and units["journey.orders"] == "orders"
    assert units["experience.nps"] == "points (-100 to 100)" and units["daily.revenue.1"] == "EUR"
    assert not df["unit"].isna().any()
    # one value row per replication x policy x metric, one mean per policy x metric, one difference per verdict
    mean = df[(df.statistic == "mean") & (df.policy == "proactive") & (df.metric == "money.profit")].iloc[0]
    iv = comparison.summary["proactive"]["money.profit"]
    assert (mean.value, mean.ci_low, mean.ci_high, mean.n) == (iv.mean, iv.low, iv.high, 2)
    values = df[(df.statistic == "value") & (df.metric == "money.profit")]
    assert len(values) == 4 and sorted(values.replication.unique()) == [1, 2] and values.seed.notna().all()
    diffs = df[df.statistic == "difference"]
    assert len(diffs) == len(comparison.verdicts) and set(diffs.versus) == {"reactive"} and diffs.set.isna().all()


def test_the_cli_csv_and_parquet_are_the_rows_of_to_pandas(cxsim, tmp_path, comparison: sim.Comparison):
    pytest.importorskip("pyarrow", reason="pyarrow is the 'parquet' extra (in dev): pip install 'cxsim[parquet]'")
    out_csv, out_pq = tmp_path / "c.csv", tmp_path / "c.parquet"
    res = cxsim(
        "compare", HIKE, "--policies", "reactive,proactive", "--reps", "2", "--days", "3", "--workers", "1",
        "--no-progress", "--csv", str(out_csv), "--parquet", str(out_pq),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    frame = comparison.to_pandas()
    _same_rows(frame, pd.read_csv(out_csv))
    _same_rows(frame, pd.read_parquet(out_pq))
    api_pq = tmp_path / "api.parquet"
    comparison.to_parquet(api_pq)
    _same_rows(frame, pd.read_parquet(api_pq))


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_run_and_sweep_write_the_same_columns(cxsim, tmp_path, command: str):
    out_csv = tmp_path / "x.csv"
    if command == "run":
        args = ("run", TUTORIAL, "--days", "1", "--csv", str(out_csv))
        frame = sim.run(TUTORIAL, days=1).to_pandas()
    else:
        args = (
            "sweep", CENTRE, "--set", "touchpoints.chat.agents=2:3", "--reps", "2", "--days", "0.5", "--workers", "1",
            "--no-progress", "--csv", str(out_csv),
        )  # fmt: skip
        frame = sim.sweep(CENTRE, {"touchpoints.chat.agents": [2, 3]}, reps=2, days=0.5, workers=1).to_pandas()
    res = cxsim(*args)
    assert res.exit_code == 0, res.output
    with out_csv.open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(COLUMNS)
    _same_rows(frame, pd.read_csv(out_csv))
    if command == "sweep":
        steps = frame[frame.statistic == "difference"]
        assert set(steps.set) == {"touchpoints.chat.agents=3"} and set(steps.versus) == {"touchpoints.chat.agents=2"}


def test_json_round_trips(tmp_path, comparison: sim.Comparison, cxsim):
    data = comparison.to_dict()
    text = json.dumps(data, allow_nan=False)  # valid JSON: no NaN
    assert json.loads(text) == data and data["format"] == "cxsim.experiment/1" and data["format_version"] == 1
    path = tmp_path / "cmp.json"
    path.write_text(text, encoding="utf-8")
    res = cxsim("report", str(path))  # the CLI reads what the API wrote
    assert res.exit_code == 0, res.output
    assert "proactive" in (tmp_path / "cmp.html").read_text(encoding="utf-8")


def test_report_reads_a_file_without_a_version_and_refuses_a_newer_one(tmp_path, comparison: sim.Comparison, cxsim):
    old = {k: v for k, v in comparison.to_dict().items() if k != "format_version"}  # as cxsim wrote it before versions
    (tmp_path / "old.json").write_text(json.dumps(old), encoding="utf-8")
    assert cxsim("report", str(tmp_path / "old.json")).exit_code == 0
    newer = {**comparison.to_dict(), "format_version": 2}
    (tmp_path / "new.json").write_text(json.dumps(newer), encoding="utf-8")
    res = cxsim("report", str(tmp_path / "new.json"))
    assert res.exit_code == 2 and "format_version 2" in res.stderr and "Traceback" not in res.output


def test_a_missing_extra_is_one_clear_error(monkeypatch, cxsim, tmp_path, comparison: sim.Comparison):
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas now fails, as where it is not installed
    with pytest.raises(MissingExtra, match=r"pip install 'cxsim\[pandas\]'") as caught:
        comparison.to_pandas()
    assert isinstance(caught.value, sim.SimError) and isinstance(caught.value, ImportError)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingExtra, match=r"pip install 'cxsim\[parquet\]'"):
        comparison.to_parquet(tmp_path / "x.parquet")
    res = cxsim("run", TUTORIAL, "--days", "0.2", "--parquet", str(tmp_path / "r.parquet"))
    assert res.exit_code == 2 and res.stderr.strip().splitlines() == [
        "error: --parquet needs pyarrow, which is not installed: pip install 'cxsim[parquet]' (or pip install pyarrow)"
    ]
    assert not (tmp_path / "r.parquet").exists()
