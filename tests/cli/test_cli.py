"""The cxsim command line as a user sees it: output, files, exit codes, one-line errors."""

from __future__ import annotations

import csv
import json
import re

import pytest
from helpers import ROOT, SCENARIOS

from sim.cli import app
from sim.cli.application import load_plugins

CENTRE = str(SCENARIOS / "contact-centre.toml")


def test_run_json_to_stdout_has_the_documented_structure(cxsim):
    res = cxsim("run", CENTRE, "--days", "1", "--json", "-")
    assert res.exit_code == 0, res.stderr
    data = json.loads(res.stdout)
    assert data["format"] == "cxsim.run/1"
    assert data["policy"] == "reactive" and data["seed"] == 20261124
    assert set(data) >= {"scenario", "customers", "channels", "touchpoints", "journey", "failures", "money", "experience"}
    phone = data["channels"]["phone"]
    for key in ("offered", "served", "abandon_rate", "wait_mean_min", "wait_p90_min", "service_level", "occupancy"):
        assert key in phone
    assert 0 < phone["occupancy"] < 1
    assert data["scenario"]["sha256"] and len(data["scenario"]["sha256"]) == 64


def test_run_prints_a_table_with_units(cxsim):
    res = cxsim("run", CENTRE, "--days", "1", "--policy", "staffed_up")
    assert res.exit_code == 0, res.stderr
    for text in ("staffed_up", "service level", "mean wait", " min", " %", "EUR"):
        assert text in res.stdout


def test_run_writes_json_and_csv_files(cxsim, tmp_path):
    out_json, out_csv = tmp_path / "r.json", tmp_path / "r.csv"
    res = cxsim("run", CENTRE, "--days", "1", "--json", str(out_json), "--csv", str(out_csv))
    assert res.exit_code == 0, res.stderr
    assert json.loads(out_json.read_text())["format"] == "cxsim.run/1"
    rows = list(csv.DictReader(out_csv.open()))
    assert list(rows[0]) == [
        "set", "policy", "versus", "statistic", "replication", "seed", "metric",
        "value", "ci_low", "ci_high", "half_width", "n", "unit",
    ]  # fmt: skip
    wait = next(r for r in rows if r["metric"] == "channels.phone.wait_mean_min")
    assert wait["unit"] == "min" and float(wait["value"]) >= 0 and wait["statistic"] == "value" and wait["ci_low"] == ""
    profit = next(r for r in rows if r["metric"] == "money.profit")
    assert profit["unit"] == "EUR" and profit["seed"] == "20261124"  # the scenario's seed
    arrived = next(r for r in rows if r["metric"] == "customers.arrived")
    assert arrived["unit"] == "customers" and arrived["value"].isdigit()  # a count: 1256, not 1256.0
    assert "." in wait["value"]  # a wait in minutes keeps its decimals
    queue = next(r for r in rows if r["metric"] == "channels.phone.queue_length_mean")
    assert queue["unit"] == "contacts" and "." in queue["value"]  # a mean of a count is a mean: its decimals stay
    assert not list(tmp_path.glob("*.tmp"))


def test_seed_flag_changes_and_reproduces_results(cxsim):
    a = cxsim("run", CENTRE, "--days", "1", "--seed", "4", "--json", "-").stdout
    b = cxsim("run", CENTRE, "--days", "1", "--seed", "4", "--json", "-").stdout
    c = cxsim("run", CENTRE, "--days", "1", "--seed", "5", "--json", "-").stdout
    assert a == b and a != c


def test_validate_ok_and_bad_files(cxsim, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text((SCENARIOS / "contact-centre.toml").read_text().replace("concurrency = 2", "concurency = 2"))
    res = cxsim("validate", CENTRE, str(bad))
    assert res.exit_code == 2
    assert "contact-centre.toml: ok" in res.stdout
    lines = res.stderr.strip().splitlines()
    assert len(lines) == 1 and "bad.toml:" in lines[0] and "did you mean 'concurrency'?" in lines[0]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["run", "missing.toml"], "missing.toml: file not found"),
        (["run", CENTRE, "--policy", "proactiv"], "did you mean 'proactive'?"),
        (["run", CENTRE, "--seed", "-1"], "Invalid value for '--seed'"),
        (["run", CENTRE, "--days", "zero"], "Invalid value for '--days'"),
        (["run"], "Missing argument 'file'"),
        (["run", CENTRE, "--json", "/no/such/folder/x.json"], "does not exist"),
        (["frobnicate"], "No such command 'frobnicate'"),
    ],
)
def test_bad_input_is_one_clear_error_and_exit_2(cxsim, args, expected):
    res = cxsim(*args)
    assert res.exit_code == 2, res.stdout + res.stderr
    assert expected in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert "Traceback" not in res.stderr


COMMANDS = ("validate", "run", "compare", "sweep", "staff", "report", "lint", "new", "preview", "kpis", "replay", "schema", "host", "play", "lrs")


def test_help_describes_every_command(cxsim):
    load_plugins()  # as main() does: the game adds play
    res = cxsim("--help")
    assert res.exit_code == 0
    assert re.findall(r"^│ (\w+) ", res.stdout, flags=re.MULTILINE) == list(COMMANDS)


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_its_help(cxsim, command):
    load_plugins()
    res = cxsim(command, "--help")
    assert res.exit_code == 0, res.stderr
    assert f"Usage: cxsim {command} [OPTIONS]" in res.stdout


def test_schema_file_is_up_to_date(cxsim):
    """The committed schema equals what `cxsim schema` prints (run `make schema` after changing the format)."""
    res = cxsim("schema")
    assert res.exit_code == 0
    assert res.stdout == (SCENARIOS / "scenario.schema.json").read_text()


def test_format_reference_is_up_to_date():
    """docs/scenario-format.md is generated from the field descriptions (run `make schema`)."""
    from sim.authoring.docgen import render

    assert render() == (ROOT / "docs" / "scenario-format.md").read_text()


def test_typer_app_is_the_console_script():
    assert app.info.name == "cxsim"


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--watch", "--reps", "3"], "error: --reps is for the one-off check; with --watch the lessons run until settled, up to --cap replications (20)"),
        (["--cap", "7"], "error: --cap is for --watch; the one-off check runs --reps replications"),
    ],
)
def test_preview_refuses_a_flag_its_mode_would_ignore(cxsim, flags, message):
    res = cxsim("preview", str(SCENARIOS / "tutorial.toml"), *flags)
    assert res.exit_code == 2 and res.stderr.strip() == message, (res.exit_code, res.stderr)
