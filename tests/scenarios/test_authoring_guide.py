"""docs/authoring.md works as written: its snippets, pasted into `cxsim new` output, make a valid, clean scenario."""

from __future__ import annotations

import re
import subprocess
import sys

from helpers import ROOT

from sim import read_scenario
from sim.authoring.lint import lint

GUIDE = ROOT / "docs" / "authoring.md"


def test_the_mortgage_walkthrough_builds_a_clean_scenario(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "sim", "new", "mortgage-journey"], cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / "mortgage-journey.toml"
    blocks = re.findall(r"```toml\n(.*?)```", GUIDE.read_text(), re.S)
    header, segments, touchpoints, journey, failure, lesson = blocks[:6]  # the walkthrough; later sections test their own
    s = path.read_text()
    for key in ("title", "horizon_days", "currency", "learning_objectives"):
        s = re.sub(rf"^{key} = .*$", "", s, count=1, flags=re.M)
    s = re.sub(r'^description = """.*?"""\n', "", s, count=1, flags=re.M | re.S)
    s = s.replace("schema_version = 1\n", "schema_version = 1\n" + header)
    start, end = s.index("[segments.customer]"), s.index("# --- what the brand can do")
    s = (
        s[:start]
        + segments
        + "\n[arrivals]\ncustomers_per_hour = 3\n\n"
        + touchpoints
        + "\n"
        + journey
        + "\n"
        + failure
        + "\n"
        + s[end:]
    )
    s = s.replace('failure = "checkout_down"', 'failure = "backlog"')
    s = s[: s.index("[[lessons]]")] + lesson
    path.write_text(s)
    loaded = read_scenario(path)
    assert loaded.scenario.title.startswith("Mortgage")
    assert lint(loaded, s) == []


def test_the_error_table_matches_what_cxsim_says():
    from sim import parse_scenario
    from sim.errors import ScenarioError

    table = GUIDE.read_text().split("## 4. Common mistakes", 1)[1].split("## 5.", 1)[0]
    tutorial = (ROOT / "scenarios" / "tutorial.toml").read_text()
    edits = [
        ("agents = 1\n", "agnets = 1\n"),
        ("next = { checkout = 0.6, end = 0.4 }", "next = { checkout = 0.6, end = 0.3 }"),
        ('outage = "tell"', 'outage = "tel"'),
        ('time = "12:00"', 'time = "25:00"'),
        ("agents = 1\n", "agents = 1\nagents = 2\n"),
        ('title = "Tutorial: the broken checkout"', "title = Tutorial"),
        ("customers_per_hour = 4", "customers_per_hour = 4,5"),
        ("entry = { website = 1.0 }", "entry = { website = 1.0, }"),
        ('responses = ["email_everyone", "apologise"]', 'responses = ["email_everyone", "apologise", "refnud"]'),
        ("agents = 1\n", 'agents = 1\nshifts = [{ start = "20:00", end = "08:00", agents = 1 }]\n'),
    ]
    for old, new in edits:
        try:
            parse_scenario(tutorial.replace(old, new, 1).encode(), "m.toml")
        except ScenarioError as err:
            first = err.problems[0]
            shown = f"{first.path}: {first.message}" if first.path else first.message
            assert shown in table, (first, table)
        else:
            raise AssertionError(f"no error for {new}")
