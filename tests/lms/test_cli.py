"""``cxsim lrs send | flush | status`` as a facilitator types them, against the real LRS.

Exit 0 when the LRS has every statement; 2, with one line saying why and where the statements
wait, for a bad config, an unreachable LRS or refused credentials; the outbox is never lost.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT
from lms.lrs_server import free_port
from lms.sessions import write_session
from typer.testing import CliRunner, Result

from sim.cli import app, err, out
from sim.lms import statements as st
from sim.lms.lrs import get_statements
from sim.lms.outbox import Outbox
from sim.lms.reporter import session_info
from sim.session.file import read_session


def cxsim(*args: str) -> Result:
    return CliRunner().invoke(app, list(args))


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    for console in (out, err):
        monkeypatch.setattr(console, "width", 200)


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def registration_of(path: Path) -> str:
    record = read_session(path)
    info = session_info(
        scenario_file=record.scenario_file, scenario_title=record.scenario_title, scenario_sha256=record.scenario_sha256,
        policy=record.policy, seed=record.seed, trainee=record.trainee, started_at=record.started_at,
    )  # fmt: skip
    return st.registration(info)


def in_lrs(config, path: Path) -> list[dict]:
    return list(get_statements(config, registration=registration_of(path), limit="100")["statements"])


def test_send_reports_a_finished_session_once_however_often_it_is_sent(lrs_config, tmp_path):
    path, _ = write_session(tmp_path)
    first = cxsim("lrs", "send", str(path))
    assert first.exit_code == 0, first.stderr
    assert one_line(first.stdout) == f"sent 5 statements to {lrs_config.endpoint}"
    got = {s["verb"]["id"].rsplit("/", 1)[1]: s for s in in_lrs(lrs_config, path)}
    assert sorted(got) == ["answered", "completed", "initialized", "launched", "terminated"]
    answer = got["answered"]["result"]
    assert (answer["response"], answer["extensions"][lrs_config.naming.extension("style")]) == ("tell", "proactive")
    assert got["completed"]["result"]["score"] == {"scaled": 1.0}  # its one styled answer was proactive
    kpis = got["completed"]["result"]["extensions"][lrs_config.naming.extension("kpis")]
    assert set(kpis) == {"csat_mean", "nps", "affected_nps", "repeat_purchase_rate", "profit"}
    again = cxsim("lrs", "send", str(path), "--score", "0.25")
    assert again.exit_code == 0, again.stderr
    assert one_line(again.stdout) == (  # the new score changed 'completed': 409, and the LRS keeps the first one
        f"sent 5 statements to {lrs_config.endpoint} (1 id was already held by other statements; the LRS keeps its own)"
    )
    stored = in_lrs(lrs_config, path)
    assert sorted(s["id"] for s in stored) == sorted(s["id"] for s in got.values())  # the same 5: nothing twice
    assert next(s for s in stored if s["verb"]["id"].endswith("completed"))["result"]["score"] == {"scaled": 1.0}
    assert len(Outbox(lrs_config.outbox)) == 0


def test_an_unfinished_session_reports_what_happened_so_far_and_several_files_go_in_one_command(lrs_config, tmp_path):
    path, _ = write_session(tmp_path, finished=False)
    other, _ = write_session(tmp_path)
    res = cxsim("lrs", "send", str(path), str(other))
    assert res.exit_code == 0, res.stderr
    assert one_line(res.stdout) == f"sent 8 statements to {lrs_config.endpoint}"
    assert sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in in_lrs(lrs_config, path)) == ["answered", "initialized", "launched"]
    assert len(in_lrs(lrs_config, other)) == 5


def test_an_unreachable_lrs_is_one_line_exit_2_and_flush_sends_the_kept_statements_later(lrs_config, tmp_path, monkeypatch):
    path, _ = write_session(tmp_path)
    away = f"http://127.0.0.1:{free_port()}/xAPI/"
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", away)
    res = cxsim("lrs", "send", str(path))
    assert res.exit_code == 2
    line = one_line(res.stderr)
    assert line.startswith(f"error: cannot reach the LRS at {away} (")
    assert line.endswith(f"5 statements wait in {lrs_config.outbox}: run 'cxsim lrs flush' when the LRS can be reached")
    assert len(Outbox(lrs_config.outbox)) == 5
    status = cxsim("lrs", "status")
    assert status.exit_code == 0 and f"outbox: {lrs_config.outbox} (5 waiting)" in status.stdout
    assert "last error: cannot reach the LRS" in status.stdout
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", lrs_config.endpoint)
    flushed = cxsim("lrs", "flush")
    assert flushed.exit_code == 0, flushed.stderr
    assert one_line(flushed.stdout) == f"sent 5 statements to {lrs_config.endpoint}"
    assert len(in_lrs(lrs_config, path)) == 5
    empty = cxsim("lrs", "flush")
    assert empty.exit_code == 0 and one_line(empty.stdout) == f"nothing to send: the outbox {lrs_config.outbox} is empty"


def test_refused_credentials_are_one_line_exit_2_and_keep_the_outbox(lrs_config, tmp_path, monkeypatch):
    path, _ = write_session(tmp_path)
    monkeypatch.setenv("CXSIM_LRS_PASSWORD", "wrong")
    res = cxsim("lrs", "send", str(path))
    assert res.exit_code == 2
    line = one_line(res.stderr)
    assert f"error: the LRS at {lrs_config.endpoint} refused the credentials (HTTP 401" in line
    assert line.endswith(f"5 statements wait in {lrs_config.outbox}: fix the LRS config, then run 'cxsim lrs flush'")
    assert len(Outbox(lrs_config.outbox)) == 5


def test_bad_config_and_bad_files_are_one_line_exit_2_and_nothing_is_queued(no_lrs_config, tmp_path, monkeypatch):
    path, _ = write_session(tmp_path)
    res = cxsim("lrs", "send", str(path))
    assert res.exit_code == 2 and one_line(res.stderr).startswith("no LRS configured: set endpoint in ~/.config/cxsim/lrs.toml")
    config = tmp_path / "lrs.toml"
    config.write_text('endpoint = "http://127.0.0.1:9/xAPI/"\nusername = "cxsim"\n', encoding="utf-8")
    res = cxsim("lrs", "send", str(path), "--lrs-config", str(config))
    assert res.exit_code == 2 and one_line(res.stderr) == (
        f"{config}: username: given without a password (set CXSIM_LRS_PASSWORD or password in the file, or neither)"
    )
    monkeypatch.setenv("CXSIM_LRS_ENDPOINT", "http://127.0.0.1:9/xAPI/")
    not_a_session = tmp_path / "notes.json"
    not_a_session.write_text('{"format": "cxsim.run/1"}', encoding="utf-8")
    res = cxsim("lrs", "send", str(path), str(not_a_session))  # the good file is not sent either
    assert res.exit_code == 2 and "format: expected 'cxsim.session/1'" in one_line(res.stderr)
    assert not no_lrs_config.exists()  # nothing was queued for any of them


def test_the_console_script_exits_2_for_an_unreachable_lrs(no_lrs_config, tmp_path):
    path, _ = write_session(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path), "CXSIM_LRS_OUTBOX": str(no_lrs_config),
           "CXSIM_LRS_ENDPOINT": f"http://127.0.0.1:{free_port()}/xAPI/"}  # fmt: skip
    done = subprocess.run([sys.executable, "-m", "sim", "lrs", "send", str(path)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2, done.stderr
    assert "cannot reach the LRS" in one_line(done.stderr)
    assert len(Outbox(no_lrs_config)) == 5
