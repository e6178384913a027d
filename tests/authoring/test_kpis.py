"""``cxsim kpis FILE``: every KPI name a lesson or scorecard may use, grouped, with unit and direction."""

from __future__ import annotations

import json

from helpers import SCENARIOS

from sim import parse_scenario, read_scenario
from sim.errors import ScenarioError
from sim.results.results import result_keys
from sim.scenario.checks import daily_columns

TUTORIAL = SCENARIOS / "tutorial.toml"
FIRST_LESSON_KPI = 'kpi = "experience.affected.repeat_probability_mean"'


def lesson_on(kpi: str, days: str = "") -> str:
    """The tutorial with its first lesson resting on ``kpi`` (and a window of days, if given)."""
    text = TUTORIAL.read_text()
    assert FIRST_LESSON_KPI in text
    return text.replace(FIRST_LESSON_KPI, f'kpi = "{kpi}"' + (f"\ndays = {days}" if days else ""), 1)


def test_the_list_is_grouped_with_units_and_directions(cxsim):
    res = cxsim("kpis", str(TUTORIAL))
    assert res.exit_code == 0, res.stderr
    lines = res.stdout.splitlines()
    groups = [line for line in lines if line and not line.startswith(" ") and ":" not in line]
    assert groups == [
        "headline", "experience", "money", "customers and journey", "failures and recovery", "per channel",
        "per touchpoint", "daily series",
    ]  # fmt: skip
    rows = {line.split()[0]: line for line in lines if line.startswith("  ") and not line.startswith("   ")}
    assert rows["money.profit"].split()[1:] == ["EUR", "higher", "is", "better"]
    assert rows["channels.phone.wait_mean_min"].split()[1:] == ["min", "lower", "is", "better"]
    assert rows["channels.phone.offered"].split()[1:] == ["contacts", "neither"]
    assert rows["experience.nps"].split()[1:] == ["points", "-100", "to", "100", "higher", "is", "better"]
    assert rows["failures.checkout_down.customers_affected"].split()[1:] == ["customers", "lower", "is", "better"]
    assert rows["touchpoints.checkout.failure_rate"].split()[1:4] == ["fraction", "0-1", "lower"]
    assert rows["costs"].split()[1:] == ["EUR", "lower", "is", "better"]  # a daily column
    daily = lines[lines.index("daily series") + 1]
    assert 'kpi = "profit" and days = [1, 7]' in daily and "lessons only" in daily
    assert lines[0].startswith(f"{TUTORIAL}: 126 results keys and 11 daily columns")


def test_json_lists_exactly_the_names_that_validate(cxsim):
    res = cxsim("kpis", str(TUTORIAL), "--json")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["format"] == "cxsim.kpis/1" and doc["scenario"] == str(TUTORIAL)
    s = read_scenario(TUTORIAL).scenario
    results = [k["name"] for k in doc["kpis"] if not k["daily"]]
    daily = [k["name"] for k in doc["kpis"] if k["daily"]]
    assert sorted(results) == sorted(result_keys(s)) and set(daily) == daily_columns(s)
    by_name = {k["name"]: k for k in doc["kpis"]}
    assert by_name["money.profit"] | {"group": "", "name": ""} == {
        "name": "", "group": "", "unit": "EUR", "direction": "higher is better", "higher_is_better": True, "daily": False,
    }  # fmt: skip
    assert by_name["channels.phone.occupancy"]["higher_is_better"] is None
    assert by_name["channels.phone.occupancy"]["direction"] == "neither"
    assert by_name["phone_abandon_rate"]["group"] == "daily series"
    # one name of every group, as a lesson's kpi, validates (daily ones with a window)
    firsts = {k["group"]: k for k in reversed(doc["kpis"])}
    for entry in firsts.values():
        parse_scenario(lesson_on(entry["name"], "[1, 2]" if entry["daily"] else "").encode(), "t.toml")


def test_a_bad_file_is_one_line_and_exit_2(cxsim, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(TUTORIAL.read_text().replace("horizon_days =", "horizon_dayz =", 1))
    res = cxsim("kpis", str(bad))
    assert res.exit_code == 2
    assert res.stdout == ""
    assert f"{bad}:" in res.stderr and "horizon_dayz: unknown key 'horizon_dayz'" in res.stderr
    assert "Traceback" not in res.stderr
    missing = cxsim("kpis", str(tmp_path / "nope.toml"))
    assert missing.exit_code == 2 and missing.stderr.strip() == f"{tmp_path / 'nope.toml'}: file not found"


def message_for(text: str, name: str = "m.toml") -> str:
    try:
        parse_scenario(text.encode(), name)
    except ScenarioError as err:
        assert len(err.problems) == 1, err.problems
        return str(err.problems[0])
    raise AssertionError("no error")


def test_an_unknown_kpi_points_to_cxsim_kpis_with_the_file_name():
    message = message_for(lesson_on("experience.afected.nps"), "my course/m.toml")
    assert message.endswith("unknown results key 'experience.afected.nps'; did you mean 'experience.affected.nps'? "
                            "(run: cxsim kpis 'my course/m.toml')")  # fmt: skip
    assert message_for(lesson_on("profitt", "[1, 2]")).endswith(
        "unknown daily column 'profitt'; did you mean 'profit'? (run: cxsim kpis m.toml)"
    )


def test_a_day_named_as_in_a_results_file_gets_the_window_that_names_it():
    message = message_for(lesson_on("daily.2.costs"))
    assert message.endswith(
        "unknown results key 'daily.2.costs'; a day of the daily series is named by its column and a window: "
        'kpi = "costs" and days = [2, 2] (run: cxsim kpis m.toml)'
    )
    parse_scenario(lesson_on("costs", "[2, 2]").encode(), "m.toml")  # and what it suggests validates
