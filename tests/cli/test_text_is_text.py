"""A scenario's strings and what the user types are text: the CLI prints them as written, never as rich markup.

The hostile scenario (tests/hostile.py) carries console markup (``[bold]``, ``[/b]``), pygame_gui
tags and spreadsheet formulas in its title, labels, prompt, lesson and currency. Every command
prints them literally and exits 0; the CSV outputs hold formula-like text cells behind a ``'``.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hostile import CURRENCY, HOSTILE, SAYS, TITLE, write_hostile
from rich.console import Console
from rich.table import Table

from sim.cli import err, out
from sim.cli.console import literal
from sim.textsafe import csv_line, csv_text, csv_text_fields

WIDE = 2000  # no wrapping: a hostile string must come out on one line, byte for byte


@pytest.fixture
def wide(cxsim, monkeypatch: pytest.MonkeyPatch):
    for console in (out, err):
        monkeypatch.setattr(console, "width", WIDE)
    return cxsim


def _words(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    return write_hostile(tmp_path)


# the helper itself ----------------------------------------------------------------------------

TRICKY = [
    "plain text",
    "[bold]x[/bold]",
    "[/b]",
    "[/]",
    "[red]",
    "[link=https://x]y[/link]",
    "ends in a backslash \\",
    "two \\\\",
    "\\[escaped]",
    "\\\\[bold]",
    "a [ b ] c",
    "[[lessons]]",
    ":smile: {task.description} %s",
    '<img src="/etc/passwd">',
    HOSTILE,
    TITLE,
]


@pytest.mark.parametrize("text", TRICKY)
def test_literal_prints_as_written_in_every_position(text: str):
    buf = io.StringIO()
    console = Console(file=buf, width=WIDE, emoji=False, force_terminal=False)
    for template in ("{}", "[bold]{}[/]", "{} tail", "[cyan]{}[/] and [bold]{}[/]"):
        console.print(template.replace("{}", literal(text)), highlight=False)
    table = Table()
    table.add_column(literal(text))
    table.add_row(literal(text))
    console.print(table)
    lines = buf.getvalue().splitlines()
    assert lines[:4] == [text, text, f"{text} tail", f"{text} and {text}"]
    assert sum(text in line for line in lines[4:]) == 2  # the header and the cell


def test_literal_leaves_ordinary_text_alone():
    for text in ("Tutorial: the broken checkout", "EUR", "phone abandonment", "1,234.50 EUR", "a [ b ]"):
        assert literal(text) == text


# every command prints the hostile strings literally and exits 0 --------------------------------


def test_validate_and_lint_print_the_title_literally(wide, hostile: Path):
    res = wide("validate", str(hostile))
    assert res.exit_code == 0, res.output
    assert f"{hostile}: ok ({TITLE})" in res.stdout
    res = wide("lint", str(hostile))
    assert res.exit_code == 0, res.output
    assert f"{hostile}: clean" in res.stdout


def test_run_prints_title_and_currency_literally(wide, hostile: Path):
    res = wide("run", str(hostile), "--days", "1", "--no-progress")
    assert res.exit_code == 0, res.output
    first = res.stdout.splitlines()[0]
    assert first.startswith(f"{TITLE}  policy reactive  seed 1  1 days")
    assert f" {CURRENCY} │" in res.stdout  # money cells carry the currency as written


def test_run_reps_compare_and_sweep_print_title_and_currency_literally(wide, hostile: Path):
    for args in (
        ("run", str(hostile), "--reps", "2"),
        ("compare", str(hostile), "--reps", "2"),
        ("sweep", str(hostile), "--set", "arrivals.customers_per_hour=2,4", "--reps", "2"),
    ):
        res = wide(*args, "--days", "1", "--workers", "1", "--no-progress")
        assert res.exit_code == 0, (args, res.output)
        assert _words(TITLE) in _words(res.stdout), args  # a table's title wraps at the table's width
        assert f" {CURRENCY} │" in res.stdout, args


def test_sweep_over_a_text_key_prints_the_grid_values_literally(wide, hostile: Path):
    res = wide(
        "sweep", str(hostile), "--set", f"title={json.dumps(HOSTILE)}", "--reps", "2", "--days", "1", "--workers", "1",
        "--no-progress",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert f"│ {HOSTILE} │ reactive │" in res.stdout


def test_preview_prints_the_title_tree_and_lessons_literally(wide, hostile: Path):
    res = wide("preview", str(hostile), "--reps", "2", "--days", "3", "--workers", "1", "--no-progress")
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith(f"{TITLE}  (3 days, seed 1)")  # the days it ran (--days), not the horizon
    assert SAYS in res.stdout and f"profit ({CURRENCY})" in res.stdout


def test_preview_parts_print_literally(monkeypatch: pytest.MonkeyPatch, hostile: Path):
    """What preview prints from sim/cli/present.py (the tree, the KPI rows, the lessons), apart from its heading."""
    from sim.authoring.lessons import check_lessons
    from sim.cli.present import journey_tree, preview_values, print_lessons
    from sim.engine.simulation import Simulation
    from sim.results.results import build_results
    from sim.scenario.loader import read_scenario

    s = read_scenario(hostile).scenario
    buf = io.StringIO()
    console = Console(file=buf, width=WIDE, emoji=False)
    monkeypatch.setattr("sim.cli.present.out", console)
    console.print(journey_tree(s))
    sim = Simulation(s, horizon_days=1)
    sim.run()
    keys = list(preview_values(build_results(sim), s.currency))
    table = Table()
    table.add_column("KPI")
    for key in keys:
        table.add_row(key)
    console.print(table)
    print_lessons(check_lessons(hostile.read_bytes(), hostile.name, s, reps=2, workers=1, days=1))
    text = buf.getvalue()
    assert f"profit ({CURRENCY})" in text
    assert SAYS in text
    assert "failure checkout_down at checkout (scheduled, error, severity 0.5)" in text


def test_errors_quote_what_the_user_typed_literally(wide, hostile: Path, tmp_path: Path):
    res = wide("compare", str(hostile), "--policies", "[/b],[bold]x", "--reps", "2", "--no-progress")
    assert res.exit_code == 2, res.output
    assert "error: --policies: unknown policy '[/b]'" in res.stderr
    folder = tmp_path / "out [red] [bold]x"
    folder.mkdir()
    target = folder / "r[i].json"
    res = wide("run", str(hostile), "--days", "1", "--no-progress", "--json", str(target))
    assert res.exit_code == 0, res.output
    assert f"wrote {target}" in res.stderr


def test_lint_prints_a_path_with_brackets_literally(wide, tmp_path: Path):
    folder = tmp_path / "x[" / "b]"  # the path reads "x[/b]/..."
    folder.mkdir(parents=True)
    path = write_hostile(folder)
    res = wide("lint", str(path))
    assert res.exit_code == 0, res.output
    assert f"{path}: clean" in res.stdout


# CSV: formula-like text cells are kept as text; numbers are untouched ---------------------------


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_text_neutralises_formula_starts(start: str):
    assert csv_text(f"{start}cmd") == f"'{start}cmd"


def test_csv_text_leaves_other_text_and_every_number_alone():
    for text in ("EUR", "phone", "day 3", "", " =x", "'=x", "a=b", "x-1"):
        assert csv_text(text) == text
    row = {"policy": "=x", "value": -3.5, "seed": -1, "unit": "-", "note": "-3.5"}
    assert csv_text_fields(row, ("policy", "unit", "value")) == {
        "policy": "'=x", "value": -3.5, "seed": -1, "unit": "'-", "note": "-3.5",
    }  # fmt: skip
    assert csv_line(["=1+1", -3.5, "a,b", '"q"', 7], text=(0, 2, 3)) == "'=1+1,-3.5,\"a,b\",\"\"\"q\"\"\",7\n"


def test_run_csv_keeps_the_currency_as_text_and_numbers_as_numbers(wide, hostile: Path, tmp_path: Path):
    from sim.engine.simulation import Simulation
    from sim.results.results import build_results, to_csv
    from sim.results.tidy import run_rows
    from sim.scenario.loader import read_scenario

    target = tmp_path / "run.csv"
    res = wide("run", str(hostile), "--days", "3", "--no-progress", "--csv", str(target))
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    money = [r for r in rows if r["metric"].startswith("money.")]
    assert money and all(r["unit"] == f"'{CURRENCY}" for r in money)
    # the value column is exactly the numbers (negative ones included), the text columns as before unless formula-like
    sim = Simulation(read_scenario(hostile).scenario, horizon_days=3)
    sim.run()
    results = build_results(sim)
    tidy = list(run_rows(results))
    parsed = list(csv.DictReader(io.StringIO(to_csv(results))))
    assert [float(r["value"]) for r in parsed] == [t["value"] for t in tidy]  # the same numbers, bit for bit
    assert all(r["value"] == str(t["value"]) or r["value"] == str(int(t["value"])) for r, t in zip(parsed, tidy, strict=True))
    assert any(r["value"].startswith("-") for r in parsed)  # negative numbers stay numbers
    assert [r["metric"] for r in parsed] == [t["metric"] for t in tidy]


def test_sweep_csv_keeps_text_grid_values_as_text(wide, hostile: Path, tmp_path: Path):
    target = tmp_path / "sweep.csv"
    res = wide(
        "sweep", str(hostile), "--set", 'title="=HYPERLINK(1)"', "--reps", "2", "--days", "1", "--workers", "1",
        "--no-progress", "--csv", str(target),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert rows and all(r["set"] == "title==HYPERLINK(1)" for r in rows)  # the cell starts with the key: never a formula


# the HTML report escapes every string ---------------------------------------------------------


def _hostile_policies(data: object, names: dict[str, str]) -> object:
    """``data`` (a compare results file) with its policies renamed, as a hand-edited file could have them."""
    if isinstance(data, dict):
        return {names.get(k, k): _hostile_policies(v, names) for k, v in data.items()}
    if isinstance(data, list):
        return [_hostile_policies(v, names) for v in data]
    if isinstance(data, str):
        if data in names:
            return names[data]
        for old, new in names.items():
            data = data.replace(f" {old} ", f" {new} ").replace(f" {old} (", f" {new} (")
    return data


def test_the_html_report_escapes_titles_policies_and_verdicts(wide, hostile: Path, tmp_path: Path):
    from sim.reports.html import render

    target = tmp_path / "compare.json"
    res = wide("compare", str(hostile), "--reps", "2", "--days", "3", "--workers", "1", "--no-progress", "--json", str(target))
    assert res.exit_code == 0, res.output
    res = wide("report", str(target))
    assert res.exit_code == 0, res.output
    page = target.with_suffix(".html").read_text(encoding="utf-8")
    escaped_title = TITLE.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert f"<title>{escaped_title}</title>" in page and f"<h1>{escaped_title}</h1>" in page
    assert '<img src="/etc/passwd">' not in page and "<shadow" not in page and "<b>" not in page

    hostile_names = {"reactive": '<script>alert("r")</script> $\\frac{$', "proactive": "_hidden <b>p</b> $x$"}
    data = _hostile_policies(json.loads(target.read_text(encoding="utf-8")), hostile_names)
    page = render(data)
    assert "<script>" not in page and "<b>p</b>" not in page
    assert "&lt;script&gt;alert(&quot;r&quot;)&lt;/script&gt; $\\frac{$" in page
    assert "<th>_hidden &lt;b&gt;p&lt;/b&gt; $x$</th>" in page
    assert any("_hidden &lt;b&gt;p&lt;/b&gt; $x$" in v for v in page.split("<p class='verdict")[1:])


def test_the_html_report_of_a_run_and_a_sweep_escapes_the_title_and_grid_values(wide, hostile: Path, tmp_path: Path):
    run_json, sweep_json = tmp_path / "run.json", tmp_path / "sweep.json"
    res = wide("run", str(hostile), "--days", "2", "--no-progress", "--json", str(run_json))
    assert res.exit_code == 0, res.output
    res = wide(
        "sweep", str(hostile), "--set", 'title="<b>$\\\\frac{$</b>","<i>x</i>"', "--set", "arrivals.customers_per_hour=2,4",
        "--reps", "2", "--days", "2", "--workers", "1", "--no-progress", "--json", str(sweep_json),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    for results in (run_json, sweep_json):
        res = wide("report", str(results))
        assert res.exit_code == 0, res.output
        page = results.with_suffix(".html").read_text(encoding="utf-8")
        assert "<img src=" not in page.replace('<img alt="chart" src=', "") and "<b>" not in page and "<i>" not in page
    sweep_page = sweep_json.with_suffix(".html").read_text(encoding="utf-8")
    assert "<h2>title = &lt;b&gt;$\\frac{$&lt;/b&gt;, arrivals.customers_per_hour = 2</h2>" in sweep_page


def test_the_report_of_a_sweep_over_a_text_key_alone_says_nothing_changes(wide, hostile: Path, tmp_path: Path):
    target = tmp_path / "sweep.json"
    res = wide(
        "sweep", str(hostile), "--set", 'title="<b>a</b>","b"', "--reps", "2", "--days", "1", "--workers", "1",
        "--no-progress", "--json", str(target),
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = wide("report", str(target))
    assert res.exit_code == 0, res.output  # was an internal error: a chart of no KPIs
    page = target.with_suffix(".html").read_text(encoding="utf-8")
    assert "No headline KPI changes across the sweep" in page
    assert "<h2>title = &lt;b&gt;a&lt;/b&gt;</h2>" in page and "<td>profit</td>" in page
