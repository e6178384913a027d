"""Statements sent to a real LRS (ralph on 127.0.0.1), read back with GET /statements and checked against xAPI 1.0.3.

What a facilitator relies on: every statement arrives with the fields the spec requires, a
re-send stores nothing twice, and statements made while the LRS is away wait on disk and leave
when it is back.
"""

from __future__ import annotations

import json
import subprocess
import time
import uuid
from dataclasses import replace
from datetime import datetime
from typing import Any

from lms.lrs_server import LocalLrs, free_port
from lms.sessions import TUTORIAL

from sim.lms import statements as st
from sim.lms.config import LrsConfig
from sim.lms.lrs import Delivery, flush, get_statements, put_statement
from sim.lms.outbox import Outbox
from sim.lms.reporter import Reporter, session_info
from sim.scenario.loader import read_scenario

SCENARIO = read_scenario(TUTORIAL)


def new_session(**extra: Any) -> st.SessionInfo:
    return session_info(
        scenario_file=TUTORIAL, scenario_title=SCENARIO.scenario.title, scenario_sha256=SCENARIO.sha256, policy="reactive",
        seed=5, trainee=f"Lin {uuid.uuid4().hex[:6]}", started_at="2026-12-02T08:00:00Z", **extra,
    )  # fmt: skip


def stored(config: LrsConfig, info: st.SessionInfo) -> list[dict[str, Any]]:
    """What the LRS holds for the session's registration, in the order it stored them."""
    found = get_statements(config, registration=st.registration(info), limit="100")
    assert not found.get("more")
    return sorted(found["statements"], key=lambda s: datetime.fromisoformat(s["stored"].replace("Z", "+00:00")))


def play(reporter: Reporter) -> None:
    """The tutorial as a trainee plays it: both cards answered, then the end."""
    reporter.launched()
    reporter.decided("outage", "tell", sim_minute=2160.0)
    reporter.decided("rush", "hot_fix", sim_minute=2180.0)
    reporter.completed(0.75, {"nps": 31.0, "profit": 1234.5}, sim_minutes=4320.0, currency="EUR")
    reporter.terminated()


def is_timestamp(text: str) -> bool:
    return isinstance(text, str) and datetime.fromisoformat(text.replace("Z", "+00:00")).tzinfo is not None


def test_a_played_session_is_stored_with_every_field_the_spec_requires(lrs_config):
    info = new_session()
    reporter = Reporter(lrs_config, info, scenario=SCENARIO.scenario, background=False)
    play(reporter)
    assert reporter.status() == "LMS reporting: all statements sent"
    assert len(reporter.outbox) == 0
    got = stored(lrs_config, info)
    verbs = [s["verb"]["id"].rsplit("/", 1)[1] for s in got]
    assert verbs == ["launched", "initialized", "answered", "answered", "completed", "terminated"]
    expected_ids = [st.statement_id(info, e) for e in ("launched", "initialized", "answered/outage/1", "answered/rush/1")]
    assert [s["id"] for s in got[:4]] == expected_ids  # our ids, not the LRS's
    for s in got:
        assert uuid.UUID(s["id"]).version == 5
        assert s["actor"] == st.actor(lrs_config.naming, info.trainee)
        assert s["verb"]["id"].startswith("http://adlnet.gov/expapi/verbs/")
        assert s["object"]["id"].startswith(lrs_config.naming.activity_base)
        assert is_timestamp(s["timestamp"]) and is_timestamp(s["stored"])  # stored: set by the LRS
        assert "authority" in s  # set by the LRS from the credentials
        assert s.get("version", "1.0.0").startswith("1.0.")  # ralph leaves it out; the spec reads that as 1.0.0
        assert s["context"]["registration"] == st.registration(info)
    outage = got[2]
    assert outage["result"]["response"] == "tell"
    assert outage["result"]["extensions"][lrs_config.naming.extension("style")] == "proactive"
    assert outage["object"]["definition"]["description"]["en-US"] == "The checkout is down. What do you do?"
    assert got[4]["result"]["score"] == {"scaled": 0.75}
    assert got[4]["result"]["extensions"][lrs_config.naming.extension("kpis")] == {"nps": 31.0, "profit": 1234.5}


def test_re_sending_stores_nothing_twice_and_a_different_statement_cannot_take_an_id(lrs_config, tmp_path):
    info = new_session()
    play(Reporter(lrs_config, info, scenario=SCENARIO.scenario, background=False, clock=lambda: "2026-12-02T08:10:00.000Z"))
    first = stored(lrs_config, info)
    again = Reporter(replace(lrs_config, outbox=tmp_path / "again.sqlite3"), info, scenario=SCENARIO.scenario, background=False,
                     clock=lambda: "2026-12-02T08:10:00.000Z")  # fmt: skip
    play(again)  # the same session rebuilt: the same ids and the same statements
    assert again.last_report is not None and again.last_report.remaining == 0 and not again.last_report.conflicts
    assert [s["id"] for s in stored(lrs_config, info)] == [s["id"] for s in first]
    changed = st.launched(lrs_config.naming, info, "2030-01-01T00:00:00.000Z")
    assert put_statement(lrs_config, changed)[0] is Delivery.CONFLICT  # 409: the LRS keeps its own
    assert stored(lrs_config, info)[0]["timestamp"] == first[0]["timestamp"]


def test_statements_wait_in_the_outbox_while_the_lrs_is_down_and_leave_when_it_is_back(lrs: LocalLrs, lrs_config):
    info = new_session()
    reporter = Reporter(lrs_config, info, scenario=SCENARIO.scenario, background=False)
    reporter.launched()
    lrs.stop()
    try:
        reporter.decided("outage", "wait", sim_minute=2160.0)
        reporter.completed(0.0, {}, sim_minutes=4320.0)
        assert len(reporter.outbox) == 2
        assert reporter.last_report is not None and reporter.last_report.stopped is not None
        assert "cannot reach the LRS at " + lrs_config.endpoint in reporter.status()
        assert "2 statements wait in the outbox" in reporter.status()
    finally:
        lrs.start()
    reporter.terminated()  # the next statement sends everything that waited, in order
    assert len(reporter.outbox) == 0
    assert [s["verb"]["id"].rsplit("/", 1)[1] for s in stored(lrs_config, info)] == [
        "launched", "initialized", "answered", "completed", "terminated",
    ]  # fmt: skip


def test_the_background_reporter_does_not_wait_for_an_absent_lrs_and_sends_to_a_present_one(lrs_config, tmp_path):
    away = replace(lrs_config, endpoint=f"http://127.0.0.1:{free_port()}/xAPI/", outbox=tmp_path / "away.sqlite3", timeout_s=20.0)
    info = new_session()
    reporter = Reporter(away, info, scenario=SCENARIO.scenario)
    began = time.monotonic()
    reporter.launched()
    reporter.decided("outage", "tell", sim_minute=2160.0)
    assert time.monotonic() - began < 1.0  # queued on disk; the network is the thread's business
    reporter.close()
    assert len(reporter.outbox) == 3 and "wait in the outbox" in reporter.status()
    report = flush(Outbox(away.outbox), lrs_config)  # later, with the LRS in reach: `cxsim lrs flush`
    assert (report.stored, report.remaining) == (3, 0)
    present = Reporter(lrs_config, new_session(team="Blue"), scenario=SCENARIO.scenario)
    present.launched()
    present.close()
    got = stored(lrs_config, present.info)
    assert len(got) == 2 and got[0]["context"]["extensions"][lrs_config.naming.extension("team")] == "Blue"


def test_refused_credentials_stop_the_flush_and_keep_every_statement(lrs_config, tmp_path):
    wrong = replace(lrs_config, password="not-the-password", outbox=tmp_path / "wrong.sqlite3")
    reporter = Reporter(wrong, new_session(), background=False)
    play(reporter)
    assert len(reporter.outbox) == 6
    assert reporter.last_report is not None and reporter.last_report.stopped is not None
    assert reporter.last_report.stopped.config_problem
    assert "refused the credentials (HTTP 401" in reporter.status()


VALIDATE = """
import json, sys
from pydantic import ValidationError
from ralph.models.xapi.base.statements import BaseXapiStatement
for s in json.load(sys.stdin):
    try:
        BaseXapiStatement(**s)
        print("valid")
    except ValidationError as exc:
        print("invalid", exc.error_count())
"""


def test_every_kind_of_statement_passes_ralph_s_strict_xapi_1_0_3_model():
    from lms.lrs_server import LRS_PYTHON

    info = new_session(team="Blue")
    mbox = st.Naming(activity_base="https://training.example.org/cxsim", actor_kind="mbox", mbox_domain="example.org")
    account = st.Naming(activity_base="https://training.example.org/cxsim", home_page="https://lms.example.org")
    card = st.DecisionCard(prompt="The checkout is down.", options=(("wait", "Wait"), ("tell", "Tell everyone")))
    t = "2026-12-02T08:00:00.000Z"
    built = []
    for naming in (mbox, account):
        built += [
            st.launched(naming, info, t), st.initialized(naming, info, t),
            st.answered(naming, info, decision="outage", option="tell", style="proactive", sim_minute=2160.0, nth=1, timestamp=t, card=card),
            st.suspended(naming, info, t, sim_minute=2937.5), st.resumed(naming, info, t, sim_minute=2937.5),
            st.completed(naming, info, score_scaled=0.5, kpis={"nps": 3.0}, sim_minutes=4320.0, timestamp=t, currency="EUR"),
            st.terminated(naming, info, t),
        ]  # fmt: skip
    broken = {k: v for k, v in built[0].items() if k != "actor"}  # the model is strict: a statement without an actor fails
    done = subprocess.run([str(LRS_PYTHON), "-c", VALIDATE], input=json.dumps([*built, broken]), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:-1] == ["valid"] * len(built) + ["invalid 1"]
