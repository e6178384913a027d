"""Exit codes that mean one thing: 0 ok, 1 a finding, 2 bad input, 3 an internal error, 130 interrupted.

A script running ``cxsim lint`` or ``cxsim replay`` must tell a finding (exit 1) from a crash in
cxsim (exit 3) without reading the messages; ``--help`` and the README say the codes.
"""

from __future__ import annotations

import re

import pytest
from helpers import ROOT, SCENARIOS, queue_toml

from sim.cli.application import EXIT_CODES


def test_lint_warnings_are_a_finding_exit_1_and_a_clean_file_exits_0(cxsim, tmp_path):
    warned = tmp_path / "no-lessons.toml"
    warned.write_text(queue_toml())
    res = cxsim("lint", str(warned))
    assert res.exit_code == 1, res.stderr
    assert "warning:" in res.stderr and "internal error" not in res.stderr
    clean = cxsim("lint", str(SCENARIOS / "tutorial.toml"))
    assert clean.exit_code == 0, clean.stderr


def test_an_invalid_file_is_bad_input_exit_2_even_for_lint(cxsim, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(queue_toml().replace("customers_per_hour = 570.0", "customers_per_hour = -1"))
    assert cxsim("lint", str(bad)).exit_code == 2
    assert cxsim("replay", str(tmp_path / "missing.results.json")).exit_code == 2


def test_an_internal_error_exits_3_with_one_line(cxsim, monkeypatch):
    import sim.scenario.loader as loader

    def broken(path: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "read_scenario", broken)
    monkeypatch.delenv("CXSIM_DEBUG", raising=False)
    res = cxsim("lint", str(SCENARIOS / "tutorial.toml"))
    assert res.exit_code == 3
    assert " ".join(res.stderr.split()) == "internal error in cxsim (RuntimeError: boom); rerun with CXSIM_DEBUG=1 and report it"


def test_with_cxsim_debug_an_internal_error_shows_its_traceback_and_still_exits_3(cxsim, monkeypatch):
    import sim.scenario.loader as loader

    def broken(path: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(loader, "read_scenario", broken)
    monkeypatch.setenv("CXSIM_DEBUG", "1")
    res = cxsim("validate", str(SCENARIOS / "tutorial.toml"))
    assert res.exit_code == 3
    assert "Traceback" in res.stderr and "RuntimeError: boom" in res.stderr


@pytest.mark.parametrize("code", ["0 ok", "1 a finding", "2 bad input", "3 an internal error", "130 interrupted"])
def test_help_and_readme_state_every_code(cxsim, code):
    res = cxsim("--help")
    assert res.exit_code == 0
    assert code in " ".join(res.stdout.replace("│", " ").split())
    assert code in EXIT_CODES
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    number, meaning = code.split(" ", 1)
    assert re.search(rf"`{number}` {re.escape(meaning)}", readme), f"README does not say exit {code}"
