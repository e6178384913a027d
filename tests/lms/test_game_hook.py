"""The hook the game needs, played on the game's own ``Session`` (no window): live reporting, then the saved file.

A trainee's session reported as it goes (``launched`` at the start, ``decided`` in
``Session.choose``, ``finished`` after ``Session.finish``) reaches the LRS; sending its results
file afterwards with ``cxsim lrs send`` stores nothing twice, because both name every event of
the session with the same id.
"""

from __future__ import annotations

from lms.sessions import TUTORIAL
from typer.testing import CliRunner

from game.session import Session  # noqa: TID251 (the hook is tested on the game's own Session, which imports no pygame)
from sim.cli import app
from sim.lms import statements as st
from sim.lms.lrs import get_statements
from sim.lms.reporter import Reporter
from sim.scenario.loader import read_scenario


def test_a_game_session_reported_live_and_then_sent_from_its_file_is_stored_once(lrs_config, tmp_path):
    loaded = read_scenario(TUTORIAL)
    session = Session.start(loaded, folder=tmp_path, trainee="Grace Hopper", horizon_days=3.0)
    reporter = Reporter.for_record(lrs_config, session.record, scenario=loaded.scenario, background=False)
    reporter.launched()
    answers = {"outage": "tell", "rush": "hot_fix"}
    t = 0.0
    while not session.finished:  # the play screen's loop, in big steps; the decision card answers
        t += 60.0
        session.advance_to(t)
        for name in list(session.sim.pending_decisions):
            session.choose(name, answers.get(name) or session.policy_choice(name))
            reporter.decided(name, answers.get(name) or session.policy_choice(name), sim_minute=session.sim.now)
    results_file = session.finish()
    assert session.results is not None
    reporter.finished(session.results)
    assert reporter.status() == "LMS reporting: all statements sent"
    registration = st.registration(reporter.info)
    live = get_statements(lrs_config, registration=registration, limit="100")["statements"]
    verbs = sorted(s["verb"]["id"].rsplit("/", 1)[1] for s in live)
    assert verbs.count("answered") == len(session.choices()) >= 1
    assert {"launched", "initialized", "completed", "terminated"} <= set(verbs)
    sent = CliRunner().invoke(app, ["lrs", "send", str(results_file)])
    assert sent.exit_code == 0, sent.stderr
    again = get_statements(lrs_config, registration=registration, limit="100")["statements"]
    assert sorted(s["id"] for s in again) == sorted(s["id"] for s in live)  # the file's statements are the same events
