"""``cxsim play --lrs-config FILE``: the single-player game reports its session to a real LRS as it goes.

The game runs as a trainee starts it (the real command, a dummy window) and the statements are
read back from the LRS (ralph, tests/lms/conftest.py): ``launched`` and ``initialized`` when the
session opens, one ``answered`` per decision with its option and style, ``completed`` with the
score, ``terminated``, all under the session's registration. An LRS that is down costs the
trainee nothing (the statements wait in the outbox, one line says so at the end, and ``cxsim lrs
flush`` sends them later); a resumed session does not launch again; a bad config stops the
command before the window opens.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from game_driver import Driver
from lms.lrs_server import LocalLrs, free_port
from lms.sessions import TUTORIAL

from sim.lms import statements as st
from sim.lms.config import LrsConfig, load_config
from sim.lms.lrs import get_statements
from sim.lms.outbox import Outbox
from sim.lms.reporter import session_info
from sim.session.file import SessionRecord, read_session


def cxsim(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command as a trainee types it, in a dummy window; the environment is the test's at the time of the call."""
    run_env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **(env or {})}
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, env=run_env, timeout=300)


def config_file(folder: Path, endpoint: str, lrs: LocalLrs) -> Path:
    path = folder / "lrs.toml"
    path.write_text(
        f'endpoint = "{endpoint}"\nusername = "{lrs.username}"\npassword = "{lrs.password}"\n'
        'activity_base = "https://training.example.org/cxsim"\nhome_page = "https://lms.example.org"\n',
        encoding="utf-8",
    )
    return path


def play(config: Path, save_dir: Path, trainee: str, *extra: str, days: int = 3) -> subprocess.CompletedProcess[str]:
    """The tutorial's first days, answered outage=wait (reactive) and rush=hot_fix (proactive), the rest reactive."""
    return cxsim(
        "play", str(TUTORIAL), "--lrs-config", str(config), "--autoplay", "--answers", "reactive,rush=hot_fix",
        "--days", str(days), "--unthrottled", "--save-dir", str(save_dir), "--name", trainee, *extra,
    )  # fmt: skip


def registration(record: SessionRecord) -> str:
    info = session_info(
        scenario_file=record.scenario_file, scenario_title=record.scenario_title, scenario_sha256=record.scenario_sha256,
        policy=record.policy, seed=record.seed, trainee=record.trainee, started_at=record.started_at,
    )  # fmt: skip
    return st.registration(info)


def verb(statement: dict[str, Any]) -> str:
    return str(statement["verb"]["id"].rsplit("/", 1)[1])


def trainee() -> str:
    return f"Grace {uuid.uuid4().hex[:8]}"  # the LRS is shared by the tests: a new trainee is a new session


def test_a_played_session_reaches_the_lrs_as_launched_answers_completed_and_terminated(lrs, no_lrs_config, tmp_path):
    config = config_file(tmp_path, lrs.endpoint, lrs)
    proc = play(config, tmp_path / "sessions", trainee(), "--speed", "max")
    assert proc.returncode == 0, proc.stderr
    assert "LMS" not in proc.stderr  # everything left: nothing to say
    (results_file,) = (tmp_path / "sessions").glob("*.results.json")
    record = read_session(results_file)
    reg = registration(record)
    lrs_config = load_config(config)
    got = get_statements(lrs_config, registration=reg, limit="100")["statements"]
    assert sorted(verb(s) for s in got) == ["answered", "answered", "completed", "initialized", "launched", "terminated"]
    assert {s["context"]["registration"] for s in got} == {reg}
    style = lrs_config.naming.extension("style")
    answers = {s["object"]["id"].rsplit("/", 1)[1]: s["result"] for s in got if verb(s) == "answered"}
    assert {d: (r["response"], r["extensions"][style]) for d, r in answers.items()} == {
        "outage": ("wait", "reactive"), "rush": ("hot_fix", "proactive"),
    }  # fmt: skip
    done = next(s for s in got if verb(s) == "completed")["result"]
    assert done["completion"] is True
    assert done["score"] == {"scaled": 0.5}  # one of its two styled answers was proactive
    kpis = done["extensions"][lrs_config.naming.extension("kpis")]
    assert record.results is not None and kpis["profit"] == pytest.approx(record.results["money"]["profit"])
    assert len(Outbox(lrs_config.outbox)) == 0
    sent = cxsim("lrs", "send", str(results_file), "--lrs-config", str(config))  # the trainer sends the file too
    assert sent.returncode == 0, sent.stderr
    again = get_statements(lrs_config, registration=reg, limit="100")["statements"]
    assert sorted(s["id"] for s in again) == sorted(s["id"] for s in got)  # the same events: nothing stored twice


def waiting(outbox: Path, reg: str) -> list[str]:
    """The verbs of this session's statements waiting in the outbox, in order."""
    return [verb(q.statement) for q in Outbox(outbox).pending() if q.statement["context"]["registration"] == reg]


def test_with_the_lrs_down_the_game_plays_on_and_cxsim_lrs_flush_sends_its_statements_later(lrs, no_lrs_config, tmp_path):
    away = f"http://127.0.0.1:{free_port()}/xAPI/"  # nobody listens there
    config = config_file(tmp_path, away, lrs)
    proc = play(config, tmp_path / "sessions", trainee(), "--speed", "max")
    assert proc.returncode == 0, proc.stderr  # no error for the trainee: the session was played and saved
    (results_file,) = (tmp_path / "sessions").glob("*.results.json")
    reg = registration(read_session(results_file))
    assert waiting(no_lrs_config, reg) == ["launched", "initialized", "answered", "answered", "completed", "terminated"]
    assert proc.stderr.strip().splitlines()[-1] == (
        f"cxsim game: LMS reporting: 6 statements wait in {no_lrs_config} (cannot reach the LRS at {away} (Connection refused));"
        " run 'cxsim lrs flush' when the LRS can be reached"
    )
    back = {"CXSIM_LRS_ENDPOINT": lrs.endpoint}  # later, the LRS can be reached
    flushed = cxsim("lrs", "flush", "--lrs-config", str(config), env=back)
    assert flushed.returncode == 0, flushed.stderr
    assert flushed.stdout.strip() == f"sent 6 statements to {lrs.endpoint}"
    got = get_statements(load_config(config, {**os.environ, **back}), registration=reg, limit="100")["statements"]
    assert sorted(verb(s) for s in got) == ["answered", "answered", "completed", "initialized", "launched", "terminated"]
    assert waiting(no_lrs_config, reg) == []


def test_a_resumed_session_goes_on_under_its_registration_without_launching_again(lrs, no_lrs_config, tmp_path):
    config = config_file(tmp_path, f"http://127.0.0.1:{free_port()}/xAPI/", lrs)
    save_dir, name = tmp_path / "sessions", trainee()
    first = play(config, save_dir, name, "--speed", "64", "--frames", "600", days=5)  # the trainee leaves on day 3
    assert first.returncode == 0, first.stderr
    (autosave,) = save_dir.glob("*.autosave.json")
    saved = read_session(autosave)
    reg, saved_minute = registration(saved), saved.sim_minutes
    assert 2180 < saved_minute < 4860  # after the outage and the rush, before day 4's card
    assert waiting(no_lrs_config, reg) == ["launched", "initialized", "answered", "answered", "suspended"]
    back = {"CXSIM_LRS_ENDPOINT": lrs.endpoint}
    assert cxsim("lrs", "flush", "--lrs-config", str(config), env=back).returncode == 0
    resumed = cxsim(
        "play", "--resume", str(autosave), "--lrs-config", str(config), "--autoplay", "--unthrottled", "--speed", "max",
        "--save-dir", str(save_dir),
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr
    (results_file,) = save_dir.glob("*.results.json")
    assert registration(read_session(results_file)) == reg  # the same attempt
    assert waiting(no_lrs_config, reg) == ["resumed", "answered", "completed", "terminated"]  # no second launched
    flushed = cxsim("lrs", "flush", "--lrs-config", str(config), env=back)
    assert flushed.returncode == 0, flushed.stderr
    assert flushed.stdout.strip() == f"sent 4 statements to {lrs.endpoint}"  # each one new to the LRS: no id taken twice
    got = get_statements(load_config(config, {**os.environ, **back}), registration=reg, limit="100")["statements"]
    assert sorted(verb(s) for s in got) == sorted(
        ["launched", "initialized", "answered", "answered", "suspended", "resumed", "answered", "completed", "terminated"]
    )
    at = {verb(s): s for s in got if verb(s) != "answered"}
    assert (
        at["suspended"]["timestamp"] < at["resumed"]["timestamp"] < at["completed"]["timestamp"] <= at["terminated"]["timestamp"]
    )
    minute = load_config(config).naming.extension("sim-minute")
    left, came_back = (at[v]["result"]["extensions"][minute] for v in ("suspended", "resumed"))
    assert left == came_back == pytest.approx(saved_minute)  # it went on from where the trainee left it
    answered = {s["object"]["id"].rsplit("/", 1)[1]: s["result"]["response"] for s in got if verb(s) == "answered"}
    assert answered == {"outage": "wait", "rush": "hot_fix", "next_time": "leave_it"}


@pytest.mark.parametrize(
    ("text", "env", "line"),
    [
        ('endpoint = "ftp://lrs.example.org/xapi/"\n', {}, "{file}: endpoint: expected an http:// or https:// URL, found 'ftp://lrs.example.org/xapi/'"),
        ('endpoint = "https://lrs.example.org/xapi/"\npasswd = "x"\n', {}, "{file}: passwd: unknown key (keys: endpoint, username, "
         "password, activity_base, actor, home_page, mbox_domain, language, timeout_s, outbox)"),
        ('endpoint = "https://lrs.example.org/xapi/"\nusername = "cxsim"\n', {}, "{file}: username: given without a password "
         "(set CXSIM_LRS_PASSWORD or password in the file, or neither)"),
        ("", {"CXSIM_LRS_ENDPOINT": "lrs.example.org"}, "CXSIM_LRS_ENDPOINT: expected an http:// or https:// URL, found 'lrs.example.org'"),
    ],
    ids=["not-a-url", "unknown-key", "user-without-password", "bad-variable"],
)  # fmt: skip
def test_a_bad_lrs_config_is_one_line_and_exit_2_before_the_window_opens(no_lrs_config, tmp_path, text, env, line):
    file = tmp_path / "lrs.toml"
    file.write_text(text, encoding="utf-8")
    option = ["--lrs-config", str(file)] if text else []  # the environment alone is a configuration too
    proc = cxsim("play", str(TUTORIAL), *option, "--autoplay", "--unthrottled", "--save-dir", str(tmp_path / "s"), env=env)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [line.format(file=file)]
    assert not (tmp_path / "s").exists()  # no session was started


def test_without_an_lrs_config_the_game_reports_nothing(no_lrs_config, tmp_path):
    proc = cxsim(
        "play", str(TUTORIAL), "--autoplay", "--speed", "max", "--days", "3", "--unthrottled", "--save-dir", str(tmp_path / "s")
    )
    assert proc.returncode == 0, proc.stderr
    assert list((tmp_path / "s").glob("*.results.json"))  # played and saved
    assert not no_lrs_config.exists() and "LMS" not in proc.stderr  # no outbox, nothing said


@pytest.fixture
def silent_lrs() -> Iterator[str]:
    """An endpoint that takes the connection and never answers: every request waits for its timeout."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(16)
        yield f"http://127.0.0.1:{server.getsockname()[1]}/xAPI/"


def play_in_window(tmp_path: Path, lrs_config: LrsConfig) -> Driver:
    """The tutorial played in this process (autoplay, a dummy window) up to its results screen, which then stays."""
    game = Driver(
        tmp_path, scenario=TUTORIAL, autoplay=True, answers="reactive,rush=hot_fix", speed=0.0, days=3.0, trainee=trainee(),
        lrs=lrs_config,
    )  # fmt: skip
    game.until(lambda: game.scene.name == "results", 20_000)
    game.app.options.autoplay = False  # the trainee reads the results screen
    return game


def test_the_results_screen_says_the_lms_has_the_session(lrs_config, tmp_path):
    game = play_in_window(tmp_path, lrs_config)
    try:
        deadline = time.monotonic() + 20
        while "LMS reporting: all statements sent" not in game.text() and time.monotonic() < deadline:
            time.sleep(0.05)  # the reporter's thread sends while the screen is shown
            game.frames(1)
        assert "LMS reporting: all statements sent" in game.text()
    finally:
        game.close()


def test_an_lrs_that_never_answers_holds_up_no_frame_and_the_results_screen_says_what_waits(no_lrs_config, tmp_path, silent_lrs):
    config = replace(load_config(env={**os.environ, "CXSIM_LRS_ENDPOINT": silent_lrs}), timeout_s=30.0)
    began = time.monotonic()
    game = play_in_window(tmp_path, config)
    try:
        took = time.monotonic() - began
        assert took < 20, f"{took:.1f} s"  # far less than the 30 s one request to this LRS waits
        assert waiting(no_lrs_config, st.registration(game.scene.session.reporter.info)) == [
            "launched", "initialized", "answered", "answered", "completed", "terminated",
        ]  # fmt: skip
        assert "LMS reporting: sending" in game.text()  # no dialog: one muted line on the results screen
        assert game.scene.name == "results"
    finally:
        game.close()
