"""Service level by interval (``--interval``): per staffed channel and interval of the week.

What a manager acts on: each interval's service level is right (a stationary queue matches
Erlang C, its abandonment Erlang A, within the replications' 95 % CI), the intervals add up to
the whole run exactly, agents on duty follow a split shift, and the JSON, CSV, console and
HTML say it with units and no NaN.
"""

from __future__ import annotations

import csv
import json
import math
from typing import Any

import pytest
from helpers import SCENARIOS, make_scenario, queue_toml

from sim.engine.simulation import Simulation
from sim.experiments.erlang import erlang_a, erlang_c_service_level
from sim.experiments.experiment import plan
from sim.experiments.journal import Journal, JournalError
from sim.results.intervals import IntervalStats
from sim.results.results import build_results


def strict_json(text: str) -> Any:
    """JSON as a strict reader sees it: NaN or Infinity is an error, not a number."""

    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def covered(rows: list[dict[str, Any]], metric: str, value: float) -> list[bool]:
    """For each row, whether the metric's 95 % CI over replications contains ``value``."""
    return [r[metric]["ci_low"] <= value <= r[metric]["ci_high"] for r in rows]


# --- a stationary queue: each interval is the textbook queue -------------------------------------------


def test_each_interval_of_a_stationary_queue_has_the_erlang_c_service_level(cxsim, tmp_path):
    """200 calls/h, 3 min handle, 13 agents, no abandonment: 79.6 % answered within 20 s (Erlang C), every hour."""
    target = erlang_c_service_level(13, 10.0, 3.0, 20 / 60)
    assert target == pytest.approx(0.796, abs=0.0005)
    scenario = tmp_path / "mmc.toml"
    scenario.write_text(queue_toml(per_hour=200, agents=13, handle='{ dist = "exponential", mean = 3.0 }', patience=None,
                                   days=1, warmup_days=0.125))  # fmt: skip
    result = cxsim("run", scenario, "--reps", 8, "--workers", 1, "--interval", 60, "--json", tmp_path / "r.json", "--no-progress")
    assert result.exit_code == 0, result.output
    data = strict_json((tmp_path / "r.json").read_text())
    rows = data["intervals"]["policies"]["none"]["channels"]["phone"]
    assert [r["start"] for r in rows] == [f"{h:02d}:00" for h in range(3, 24)]  # after the 3-hour warm-up, Monday only
    assert {r["weekday"] for r in rows} == {"mon"}
    inside = covered(rows, "service_level", target)
    assert sum(inside) >= 17, [(r["start"], r["service_level"]) for r, ok in zip(rows, inside, strict=True) if not ok]
    mean = sum(r["service_level"]["mean"] for r in rows) / len(rows)
    assert mean == pytest.approx(target, abs=0.02)
    assert all(r["agents_on_duty"]["mean"] == pytest.approx(13) for r in rows)
    occupancy = sum(r["occupancy"]["mean"] for r in rows) / len(rows)
    assert occupancy == pytest.approx(10 / 13, abs=0.02)  # offered load / agents


def test_each_interval_of_an_impatient_queue_has_the_erlang_a_abandonment(cxsim, tmp_path):
    """200 calls/h, 3 min handle, 5 min mean patience, 11 agents: 6.99 % abandon (Erlang A), about 14 calls an hour."""
    expected = erlang_a(200 / 60, 1 / 3, 1 / 5, 11).p_abandon * 200
    scenario = tmp_path / "mmcm.toml"
    scenario.write_text(queue_toml(per_hour=200, agents=11, handle='{ dist = "exponential", mean = 3.0 }',
                                   patience='{ dist = "exponential", mean = 5.0 }', days=1, warmup_days=0.125))  # fmt: skip
    result = cxsim("run", scenario, "--reps", 8, "--workers", 1, "--interval", 60, "--json", tmp_path / "r.json", "--no-progress")
    assert result.exit_code == 0, result.output
    rows = strict_json((tmp_path / "r.json").read_text())["intervals"]["policies"]["none"]["channels"]["phone"]
    assert sum(covered(rows, "abandoned", expected)) >= 17
    assert sum(covered(rows, "offered", 200.0)) >= 17
    mean = sum(r["abandoned"]["mean"] for r in rows) / len(rows)
    assert mean == pytest.approx(expected, rel=0.1)


# --- the intervals add up to the run --------------------------------------------------------------------


@pytest.mark.parametrize("policy", ["reactive", "proactive"])  # proactive: call-backs, and callers blocked by the outage
@pytest.mark.parametrize("minutes", [15, 60])
def test_the_intervals_add_up_to_the_whole_run_exactly(policy, minutes):
    text = (SCENARIOS / "contact-centre.toml").read_text().replace("warmup_days = 0\n", "warmup_days = 0.6\n")
    sim = Simulation(make_scenario(text), policy=policy)
    stats = IntervalStats.watch(sim, minutes)
    sim.run()
    results = build_results(sim, intervals=stats)
    assert results["intervals"]["minutes"] == minutes
    for name, rows in results["intervals"]["channels"].items():
        whole, c = results["channels"][name], sim.metrics.channels[name]
        total = {k: sum(r[k] for r in rows) for k in ("offered", "answered", "answered_in_target", "abandoned", "callbacks",
                                                       "balked", "blocked")}  # fmt: skip
        assert (total["offered"], total["abandoned"], total["callbacks"]) == (whole["offered"], whole["abandoned"],
                                                                              whole["callbacks"])  # fmt: skip
        assert (total["answered"], total["answered_in_target"]) == (c.answered, c.answered_in_target)
        assert (total["balked"], total["blocked"]) == (whole["balked"], whole["blocked"])
        outcomes = total["answered"] + total["abandoned"] + total["callbacks"] + total["balked"] + total["blocked"]
        assert total["answered_in_target"] / outcomes == whole["service_level"]
        cells = stats.channels[name]  # the time integrals each cell's occupancy and agents on duty divide
        assert sum(cells.busy_area) / sum(cells.slot_area) == pytest.approx(whole["occupancy"], rel=1e-12)
        assert sum(cells.agent_area) / sum(cells.exposure) == pytest.approx(whole["agents_mean"], rel=1e-12)
        assert sum(cells.exposure) == pytest.approx((7 - 0.6) * 1440, rel=1e-12)
    if policy == "proactive":
        assert sum(r["callbacks"] for r in results["intervals"]["channels"]["phone"]) > 0
        assert sum(r["blocked"] for r in results["intervals"]["channels"]["phone"]) > 0
    first = results["intervals"]["channels"]["phone"][0]
    assert first["weekday"] == "mon" and first["start"] == ("14:15" if minutes == 15 else "14:00")  # the warm-up ends 14:24


# --- agents on duty follow the rota ---------------------------------------------------------------------

SPLIT_SHIFT = queue_toml(per_hour=30, agents=0, handle='{ dist = "exponential", mean = 3.0 }', days=1).replace(
    "agents = 0\n",
    'shifts = [{ start = "08:30", end = "12:00", agents = 4 }, { start = "16:00", end = "20:00", agents = 2 }]\n',
)


def test_a_split_shift_shows_agents_on_duty_per_interval(cxsim, tmp_path):
    scenario = tmp_path / "split.toml"
    scenario.write_text(SPLIT_SHIFT)
    result = cxsim("run", scenario, "--interval", 60, "--json", tmp_path / "r.json", "--no-progress")
    assert result.exit_code == 0, result.output
    rows = {r["start"]: r for r in strict_json((tmp_path / "r.json").read_text())["intervals"]["channels"]["phone"]}
    assert len(rows) == 24
    on_duty = {start: r["agents_on_duty"] for start, r in rows.items()}
    assert on_duty["08:00"] == 2.0  # 4 agents from 08:30: half the hour
    assert [on_duty[f"{h:02d}:00"] for h in range(9, 12)] == [4.0, 4.0, 4.0]
    assert [on_duty[f"{h:02d}:00"] for h in range(12, 16)] == [0.0] * 4
    assert [on_duty[f"{h:02d}:00"] for h in range(16, 20)] == [2.0] * 4
    assert on_duty["03:00"] == 0.0 and rows["03:00"]["occupancy"] is None  # no agents: no occupancy, not 0 %
    assert rows["03:00"]["offered"] > 0 and rows["03:00"]["service_level"] == 0.0  # callers, nobody to answer
    # 08:00 had the night's callers and half an hour of agents
    assert rows["10:00"]["service_level"] > 0.5 > rows["08:00"]["service_level"]


def test_thirty_minute_intervals_split_the_half_hour(tmp_path):
    sim = Simulation(make_scenario(SPLIT_SHIFT))
    stats = IntervalStats.watch(sim, 30)
    sim.run()
    rows = {r["start"]: r for r in stats.rows("phone", sim.now)}
    assert len(rows) == 48
    assert (rows["08:00"]["agents_on_duty"], rows["08:30"]["agents_on_duty"]) == (0.0, 4.0)
    assert rows["08:30"]["end"] == "09:00" and rows["23:30"]["end"] == "24:00"


# --- outputs: JSON without NaN, the CSV, the console, the HTML --------------------------------------------


def test_a_partial_day_over_replications_gives_valid_json_with_nulls_for_empty_cells(cxsim, tmp_path):
    scenario = tmp_path / "split.toml"
    scenario.write_text(SPLIT_SHIFT)
    result = cxsim("run", scenario, "--reps", 2, "--days", 1.46, "--workers", 1, "--interval", 60, "--json", "-",
                   "--no-progress")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    rows = data["intervals"]["policies"]["none"]["channels"]["phone"]
    assert data["intervals"]["minutes"] == 60
    assert len(rows) == 24 + 12  # Monday, and Tuesday to 11:02
    assert rows[-1]["weekday"] == "tue" and rows[-1]["start"] == "11:00"
    night = next(r for r in rows if r["weekday"] == "tue" and r["start"] == "03:00")
    assert night["occupancy"] is None  # nobody on duty in any replication
    assert night["agents_on_duty"]["mean"] == 0.0 and night["agents_on_duty"]["n"] == 2
    assert not any(k.startswith("intervals.") for k in data["summary"]["none"])  # the cells are in their own section


def test_the_csv_has_one_row_per_channel_weekday_and_interval_with_units(cxsim, tmp_path):
    out_csv = tmp_path / "iv.csv"
    result = cxsim("run", SCENARIOS / "contact-centre.toml", "--days", 2, "--intervals-csv", out_csv, "--no-progress")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out_csv.open()))
    assert list(rows[0]) == [
        "policy", "seed", "channel", "weekday", "start_hhmm", "end_hhmm", "offered_contacts", "answered_contacts",
        "abandoned_contacts", "balked_contacts", "blocked_contacts", "service_level_fraction", "occupancy_fraction",
        "agents_on_duty_agents",
    ]  # fmt: skip
    assert len(rows) == 2 * 2 * 24  # --intervals-csv alone means 60-minute intervals: 2 channels x 2 days x 24 hours
    first = rows[0]
    assert (first["policy"], first["channel"], first["weekday"], first["start_hhmm"]) == ("reactive", "phone", "mon", "00:00")
    assert all(0.0 <= float(r["service_level_fraction"]) <= 1.0 for r in rows if r["service_level_fraction"])
    assert f"wrote {out_csv}" in result.stderr


def test_the_replicated_csv_gives_each_cell_a_mean_and_interval(cxsim, tmp_path):
    out_csv = tmp_path / "iv.csv"
    result = cxsim("compare", SCENARIOS / "contact-centre.toml", "--policies", "reactive,proactive", "--reps", 2, "--days", 1,
                   "--workers", 1, "--interval", 30, "--intervals-csv", out_csv, "--no-progress")  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out_csv.open()))
    assert len(rows) == 2 * 2 * 48
    assert {"service_level_fraction_mean", "service_level_fraction_ci_low", "service_level_fraction_ci_high",
            "agents_on_duty_agents_mean", "n_service_level"} <= set(rows[0])  # fmt: skip
    assert {r["policy"] for r in rows} == {"reactive", "proactive"} and rows[0]["replications"] == "2"
    cell = next(r for r in rows if r["channel"] == "phone" and r["start_hhmm"] == "09:30")
    assert float(cell["service_level_fraction_ci_low"]) <= float(cell["service_level_fraction_mean"])
    assert "Worst 30-minute intervals by service level, reactive" in result.stdout
    assert "Worst 30-minute intervals by service level, proactive" in result.stdout


def test_the_console_names_the_worst_intervals(cxsim):
    result = cxsim("run", SCENARIOS / "contact-centre.toml", "--interval", 60, "--no-progress")
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "Worst 60-minute intervals by service level (5 per channel, one run):" in text
    lines = [line for line in text.splitlines() if line.startswith("  phone ")]
    assert len(lines) == 5
    levels = [float(line.split(" at ")[1].split(" %")[0]) for line in lines]
    assert levels == sorted(levels) and levels[0] < 50  # worst first; the Monday peak and the outage are well below 80 %
    assert "Monday 09:00-10:00 at" in text or "Monday 10:00-11:00 at" in text
    assert "offered" in lines[0] and "agents on duty" in lines[0] and "% occupancy" in lines[0]
    outage = next(line for line in lines if "Tuesday 10:00-11:00" in line)  # the phone line is down on Tuesday morning
    assert "blocked (channel down)" in outage


def test_without_interval_nothing_is_computed_or_printed(cxsim, tmp_path):
    result = cxsim("run", SCENARIOS / "contact-centre.toml", "--days", 1, "--json", tmp_path / "r.json", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "intervals" not in strict_json((tmp_path / "r.json").read_text())
    assert "Worst" not in result.stdout


def test_an_interval_that_does_not_divide_the_hour_is_one_line_and_exit_2(cxsim):
    result = cxsim("run", SCENARIOS / "contact-centre.toml", "--interval", 45)
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: --interval: an interval is 15, 30 or 60 minutes (got 45)"


def test_the_report_draws_a_heat_map_with_the_number_in_each_cell(cxsim, tmp_path):
    results = tmp_path / "r.json"
    assert cxsim("run", SCENARIOS / "contact-centre.toml", "--interval", 60, "--json", results, "--no-progress").exit_code == 0
    assert cxsim("report", results, "--out", tmp_path / "r.html").exit_code == 0
    page = (tmp_path / "r.html").read_text()
    assert "<h2>Service level by interval (60 minutes, by weekday)</h2>" in page
    assert page.count("<table class='heat'>") == 1 + 2  # the legend, then phone and chat
    data = strict_json(results.read_text())
    monday_nine = next(r for r in data["intervals"]["channels"]["phone"] if (r["weekday"], r["start"]) == ("mon", "09:00"))
    shown = f"title='Monday 09:00-10:00: service level {monday_nine['service_level'] * 100:.1f} %"
    assert shown in page
    cell = page.split(shown, 1)[1].split("</td>", 1)[0]
    assert cell.endswith(f">{monday_nine['service_level'] * 100:.0f}")  # the number is printed in the cell
    assert "cividis" in page and "Lowest: " in page


def test_a_resume_with_another_interval_is_refused_in_one_line(tmp_path):
    data = (SCENARIOS / "contact-centre.toml").read_bytes()
    before = plan(data, "cc.toml", ["reactive"], 1, 2, 1.0)
    journal = Journal(tmp_path / "r.json.partial.jsonl")
    journal.add(0, before[0], {"money.profit": 1.0})
    with pytest.raises(JournalError, match=r"r\.json\.partial\.jsonl:1: cannot resume: --interval differs from the "
                                           r"interrupted run's \(no --interval\)"):  # fmt: skip
        Journal(journal.path).load(plan(data, "cc.toml", ["reactive"], 1, 2, 1.0, interval=60))
    assert Journal(journal.path).load(before) == {0}  # the same command still resumes


def test_memory_is_bounded_by_the_cells_not_the_customers():
    sim = Simulation(make_scenario(queue_toml(per_hour=600, days=2)))
    stats = IntervalStats.watch(sim, 15)
    sim.run()
    stats.to_dict(sim.now)
    cells = stats.channels["phone"]
    assert len(cells.offered) == 7 * 96
    assert sum(cells.offered) > 20_000  # many more customers than cells
    assert math.isclose(sum(cells.exposure), 2 * 1440)


def test_help_lists_the_interval_options(cxsim):
    for command in ("run", "compare"):
        text = cxsim(command, "--help").stdout
        assert "--interval" in text and "--intervals-csv" in text
