"""``cxsim staff``: the agents each interval needs, as a manager reads and applies them.

On a stationary day every interval is the textbook queue, so the command's Erlang C and Erlang A
columns must equal the formulas at the load it measured; the roster it writes, applied to the
scenario (pasted, or with ``--set``), must give every interval the target in the simulation;
bad input is one line and exit code 2.
"""

from __future__ import annotations

import json
import tomllib
from typing import Any

import pytest
from helpers import queue_toml

from sim.experiments.erlang import erlang_a_service_level, erlang_c_service_level
from sim.experiments.sweep import apply
from sim.scenario.loader import validate_data

HANDLE = '{ dist = "exponential", mean = 3.0 }'
PATIENCE = '{ dist = "exponential", mean = 5.0 }'


def strict_json(text: str) -> Any:
    def refuse(name: str) -> None:
        raise ValueError(f"not JSON: {name}")

    return json.loads(text, parse_constant=refuse)


def smallest(reaches: Any) -> int:
    n = 1
    while not reaches(n):
        n += 1
    return n


@pytest.fixture(scope="module")
def staffed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """One run of ``cxsim staff`` on a stationary day: 100 calls an hour, 3 min handle, 5 min patience."""
    from typer.testing import CliRunner

    from sim.cli import app, err, out

    folder = tmp_path_factory.mktemp("staff")
    scenario = folder / "queue.toml"
    stationary = "[customer_model]\nenabled = false\n"  # nobody comes back: the load is the arrivals, 100 an hour all day
    scenario.write_text(queue_toml(per_hour=100, agents=8, handle=HANDLE, patience=PATIENCE, days=1, extra=stationary))
    old = out.width, err.width
    out.width = err.width = 200
    try:
        result = CliRunner().invoke(app, [
            "staff", str(scenario), "--channel", "phone", "--target", "80/20", "--interval", "60", "--reps", "3",
            "--max-rounds", "4", "--workers", "1", "--no-progress", "--json", str(folder / "staff.json"),
            "--fragment", str(folder / "roster.toml"),
        ])  # fmt: skip
    finally:
        out.width, err.width = old
    assert result.exit_code == 0, result.output
    return {
        "dir": folder,
        "scenario": scenario,
        "output": result.output,
        "data": strict_json((folder / "staff.json").read_text()),
    }


def test_on_a_stationary_day_the_erlang_columns_equal_the_exact_formulas_at_the_measured_load(staffed):
    data = staffed["data"]
    rows = data["intervals"]
    assert [r["start"] for r in rows] == [f"{h:02d}:00" for h in range(24)] and {r["weekday"] for r in rows} == {"mon"}
    assert data["load"]["handle_min"] == 3.0 and data["load"]["patience_min"] == 5.0
    for r in rows:
        lam = r["offered_per_hour"]["mean"] / 60
        a = lam * 3.0
        c = smallest(lambda n, a=a: n > a and erlang_c_service_level(n, a, 3.0, 20 / 60) >= 0.8)
        e = smallest(lambda n, lam=lam: erlang_a_service_level(lam, 1 / 3, 1 / 5, n, 20 / 60) >= 0.8)
        assert r["agents_needed"]["erlang_c"] == c, r
        assert r["agents_needed"]["erlang_a"] == e, r
        assert r["agents_needed"]["simulation"] >= e
    day = sum(r["offered_per_hour"]["mean"] for r in rows) / len(rows)
    assert day == pytest.approx(100, abs=4)  # the measured load is the scenario's 100 calls an hour (72 hours of them)
    assert sum(r["agents_needed"]["erlang_c"] == 8 for r in rows) >= 12  # 100 calls/h of 180 s at 80/20: 8 agents


def test_every_interval_meets_the_target_in_the_simulation_and_the_roster_covers_it(staffed):
    data = staffed["data"]
    assert data["simulation"]["all_meet_target"] is True
    assert all(r["service_level"]["mean"] >= 0.8 for r in data["intervals"])
    roster = data["roster"]
    assert roster["optimal"] is True and roster["shift_hours"] == [8.0]
    on_duty = [0] * 24
    for s in roster["shifts"]:
        assert s["days"] == ["mon"] or "sun" in s["days"]  # a night shift from Sunday covers Monday 00:00
        start, end = int(s["start"][:2]), int(s["end"][:2])
        if "mon" in s["days"]:
            for h in range(start, end):
                on_duty[h] += s["agents"]
    assert all(have >= r["agents_needed"]["simulation"] for have, r in zip(on_duty, data["intervals"], strict=True))
    assert sum(p["hours"] * p["agents"] * len(p["days"]) for p in roster["patterns"]) == roster["agent_hours_per_week"]
    assert roster["agent_hours_per_week"] % 8 == 0 and roster["cost_per_week"] == 0.0  # the test queue's agents cost nothing


def test_the_console_says_what_the_load_came_from_with_units(staffed):
    text = " ".join(staffed["output"].split())  # the caption wraps at the table's width
    assert "Load: measured by 3 replications" in text and "Handle time 3.00 min" in text and "patience 5.00 min" in text
    assert "offered: contacts an hour" in text and "Erlang C, Erlang A, simulation: agents" in text
    assert "Mon 09:00 " in text
    assert "agent-hours a week x 0.00 EUR/h = 0.00 EUR a week" in text and "proven cheapest" in text
    assert "the run covers 1 day, so only those days are staffed" in text


def test_the_fragment_pasted_into_the_scenario_gives_every_interval_the_target(staffed, cxsim):
    fragment = (staffed["dir"] / "roster.toml").read_text()
    parsed = tomllib.loads(fragment)
    assert parsed["touchpoints"]["phone"]["shifts"] == staffed["data"]["roster"]["shifts"]
    body = fragment.split("[touchpoints.phone]\n", 1)[1]
    text = staffed["scenario"].read_text().replace("agents = 8\n", body)
    pasted = staffed["dir"] / "pasted.toml"
    pasted.write_text(text)
    out_json = staffed["dir"] / "pasted.json"
    result = cxsim(
        "run", str(pasted), "--reps", "3", "--workers", "1", "--interval", "60", "--no-progress", "--json", str(out_json)
    )
    assert result.exit_code == 0, result.output
    rows = strict_json(out_json.read_text())["intervals"]["policies"]["none"]["channels"]["phone"]
    assert len(rows) == 24
    # Every interval is at the target or not detectably below it (3 replications), and the day is above it.
    assert all(r["service_level"]["ci_high"] >= 0.8 for r in rows), [(r["start"], r["service_level"]) for r in rows]
    assert sum(r["service_level"]["mean"] >= 0.8 for r in rows) >= 22


def test_the_set_flag_it_writes_staffs_the_channel_with_the_roster_in_a_sweep(staffed, cxsim):
    flag = staffed["data"]["roster"]["set"]
    assert flag in (staffed["dir"] / "roster.toml").read_text()
    key, _, value = flag.partition("=")
    raw = tomllib.loads(staffed["scenario"].read_text())
    phone = validate_data(apply(raw, ((key, tomllib.loads(f"v = {value}")["v"]),)), "q.toml").scenario.staffed()["phone"]
    assert phone.agents is None and [s.agents for s in phone.shifts] == [s["agents"] for s in staffed["data"]["roster"]["shifts"]]
    out_json = staffed["dir"] / "sweep.json"
    args = ["--set", flag, "--reps", "3", "--workers", "1", "--no-progress", "--json", str(out_json)]
    result = cxsim("sweep", str(staffed["scenario"]), *args)
    assert result.exit_code == 0, result.output
    summary = strict_json(out_json.read_text())["points"][0]["summary"]["none"]
    assert summary["channels.phone.service_level"]["mean"] >= 0.8


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--channel", "phon"], "error: --channel: scenarios/tutorial.toml has no touchpoint 'phon'; did you mean 'phone'?"),
        (["--channel", "website"], "error: --channel: 'website' is a self-service touchpoint, with no agents to staff; its staffed channels: phone"),
        (["--target", "80-20"], "error: --target: a target is PERCENT/SECONDS, e.g. 80/20 for 80 % answered within 20 s (got '80-20')"),
        (["--target", "0.8/20"], "error: --target: the percentage must be from 1 to below 100, 80 for 80 % (got 0.8 in '0.8/20'); a target is PERCENT/SECONDS, e.g. 80/20 for 80 % answered within 20 s"),
        (["--interval", "45"], "error: --interval: an interval is 15, 30 or 60 minutes (got 45)"),
        (["--shift-hours", "7.75", "--interval", "60"], "error: --shift-hours: a shift is a whole number of 60-minute intervals of at most 24 hours (got 7.75)"),
        (["--json", "scenarios/tutorial.toml"], "error: cannot write scenarios/tutorial.toml: it is the input file scenarios/tutorial.toml, which would be overwritten"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_code_2(cxsim, args, message):
    flags = {"--channel": "phone", "--target": "80/20"} | dict(zip(args[::2], args[1::2], strict=True))
    result = cxsim("staff", "scenarios/tutorial.toml", *(x for pair in flags.items() for x in pair), "--no-progress")
    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == message  # one line, nothing run


def test_json_to_stdout_is_the_only_thing_on_stdout_and_has_no_nan(cxsim, tmp_path):
    """A night with no calls in some intervals: those have no service level, written as null, never NaN."""
    scenario = tmp_path / "short.toml"
    scenario.write_text(queue_toml(per_hour=3, agents=1, handle=HANDLE, patience=PATIENCE, days=0.25))
    result = cxsim("staff", str(scenario), "--channel", "phone", "--target", "90/30", "--interval", "15", "--reps", "2",
                   "--max-rounds", "1", "--workers", "1", "--no-progress", "--json", "-")  # fmt: skip
    assert result.exit_code == 0, result.output
    data = strict_json(result.stdout)
    assert data["format"] == "cxsim.staffing/1" and data["target"] == {"service_level": 0.9, "answer_sec": 30.0}
    assert len(data["intervals"]) == 24  # six hours of 15-minute intervals
    assert all(set(r["agents_needed"]) == {"erlang_c", "erlang_a", "simulation"} for r in data["intervals"])
    quiet = [r for r in data["intervals"] if r["service_level"] is None]
    assert quiet and all(r["meets_target"] is None for r in quiet)
    assert result.stderr == ""
