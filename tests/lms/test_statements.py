"""xAPI statements as cxsim builds them: stable ids, ADL verbs, the trainee as an agent, activities under the base."""

from __future__ import annotations

import json
import uuid

import pytest

from sim.lms import statements as st

NAMING = st.Naming(activity_base="https://training.example.org/cxsim/", home_page="https://lms.example.org")
INFO = st.SessionInfo(
    scenario_key="hike-launch", scenario_title="Hike: launch day", scenario_sha256="ab" * 32, policy="reactive", seed=7,
    trainee="Ada Lovelace", started_at="2026-03-01T09:00:00Z",
)  # fmt: skip
T = "2026-03-01T09:05:00.000Z"


def test_ids_are_uuid5_of_the_session_and_event_so_a_rebuilt_statement_is_identical():
    first = st.answered(NAMING, INFO, decision="crash", option="reach_out", style="proactive", sim_minute=600.0, nth=1, timestamp=T)
    again = st.answered(NAMING, INFO, decision="crash", option="reach_out", style="proactive", sim_minute=600.0, nth=1, timestamp=T)
    assert first == again
    sid = uuid.UUID(first["id"])
    assert sid.version == 5
    second = st.answered(NAMING, INFO, decision="crash", option="reach_out", style="proactive", sim_minute=900.0, nth=2, timestamp=T)
    ids = {first["id"], second["id"], st.launched(NAMING, INFO, T)["id"], st.initialized(NAMING, INFO, T)["id"]}
    assert len(ids) == 4  # every event of a session has its own id


def test_another_session_gets_other_ids_and_another_registration():
    other = st.SessionInfo(**{**INFO.__dict__, "started_at": "2026-03-01T10:00:00Z"})
    team = st.SessionInfo(**{**INFO.__dict__, "team": "Blue"})
    ids = {st.launched(NAMING, s, T)["id"] for s in (INFO, other, team)}
    registrations = {st.registration(s) for s in (INFO, other, team)}
    assert len(ids) == 3 and len(registrations) == 3
    assert st.launched(NAMING, INFO, T)["context"]["registration"] == st.registration(INFO)


def test_verbs_are_the_adl_vocabulary():
    built = [
        st.launched(NAMING, INFO, T),
        st.initialized(NAMING, INFO, T),
        st.answered(NAMING, INFO, decision="crash", option="wait", style="reactive", sim_minute=1.0, nth=1, timestamp=T),
        st.completed(NAMING, INFO, score_scaled=0.5, kpis={}, sim_minutes=10.0, timestamp=T),
        st.terminated(NAMING, INFO, T),
    ]
    assert [s["verb"]["id"] for s in built] == [
        "http://adlnet.gov/expapi/verbs/launched",
        "http://adlnet.gov/expapi/verbs/initialized",
        "http://adlnet.gov/expapi/verbs/answered",
        "http://adlnet.gov/expapi/verbs/completed",
        "http://adlnet.gov/expapi/verbs/terminated",
    ]
    for s in built:  # the LRS sets these; a client must not
        assert not {"version", "stored", "authority"} & s.keys()
        json.dumps(s, allow_nan=False)


def test_an_answer_carries_the_option_its_style_the_card_and_the_scenario_as_parent():
    card = st.DecisionCard(prompt="The checkout crashed.", options=(("wait", "Wait for calls"), ("reach_out", "E-mail everyone")))
    s = st.answered(NAMING, INFO, decision="crash", option="reach_out", style="proactive", sim_minute=600.0, nth=1, timestamp=T, card=card)
    assert s["object"]["id"] == "https://training.example.org/cxsim/scenarios/hike-launch/decisions/crash"
    definition = s["object"]["definition"]
    assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
    assert definition["interactionType"] == "choice"
    assert [c["id"] for c in definition["choices"]] == ["wait", "reach_out"]
    assert s["result"]["response"] == "reach_out"
    assert s["result"]["extensions"]["https://training.example.org/cxsim/extensions/style"] == "proactive"
    assert s["result"]["extensions"]["https://training.example.org/cxsim/extensions/sim-minute"] == 600.0
    parent = s["context"]["contextActivities"]["parent"]
    assert parent == [{"objectType": "Activity", "id": "https://training.example.org/cxsim/scenarios/hike-launch"}]


def test_the_trainee_is_an_account_or_an_mbox_as_the_config_says():
    assert st.actor(NAMING, "Ada Lovelace") == {
        "objectType": "Agent", "name": "Ada Lovelace", "account": {"homePage": "https://lms.example.org", "name": "Ada Lovelace"},
    }  # fmt: skip
    mbox = st.Naming(activity_base="https://t.example.org", actor_kind="mbox", mbox_domain="example.org")
    assert st.actor(mbox, "Ada Lovelace")["mbox"] == "mailto:ada.lovelace@example.org"
    assert st.actor(mbox, "ada@school.example.org")["mbox"] == "mailto:ada@school.example.org"
    assert st.actor(mbox, "")["mbox"] == "mailto:anonymous@example.org"
    assert st.actor(NAMING, "  ")["account"]["name"] == "anonymous"


def test_names_in_activity_ids_are_percent_encoded_never_read_as_a_path():
    odd = st.SessionInfo(**{**INFO.__dict__, "scenario_key": "../a b?c#d"})
    s = st.answered(NAMING, odd, decision="x/../y", option="o", style="neutral", sim_minute=0.0, nth=1, timestamp=T)
    assert s["object"]["id"] == "https://training.example.org/cxsim/scenarios/..%2Fa%20b%3Fc%23d/decisions/x%2F..%2Fy"


def test_completed_has_a_scaled_score_within_0_and_1_and_only_finite_kpis():
    s = st.completed(
        NAMING, INFO, score_scaled=1.7, kpis={"nps": 12.5, "profit": float("nan"), "csat_mean": None}, sim_minutes=12960.0,
        timestamp=T, currency="EUR",
    )  # fmt: skip
    assert s["result"]["score"] == {"scaled": 1.0}
    assert s["result"]["completion"] is True
    ext = s["result"]["extensions"]
    assert ext["https://training.example.org/cxsim/extensions/kpis"] == {"nps": 12.5}
    assert ext["https://training.example.org/cxsim/extensions/currency"] == "EUR"
    with pytest.raises(ValueError, match="finite"):
        st.completed(NAMING, INFO, score_scaled=float("nan"), kpis={}, sim_minutes=1.0, timestamp=T)


def test_the_fallback_score_is_the_share_of_styled_answers_that_were_proactive():
    assert st.proactive_share(["proactive", "reactive", "neutral", "proactive"]) == pytest.approx(2 / 3)
    assert st.proactive_share(["neutral"]) is None
    assert st.proactive_share([]) is None


def test_headline_kpis_are_read_from_a_results_document():
    results = {"experience": {"csat_mean": 4.1, "nps": 27.0, "affected": {"nps": -7.0}}, "money": {"profit": 19627.7}}
    assert st.headline_kpis(results) == {
        "csat_mean": 4.1, "nps": 27.0, "affected_nps": -7.0, "repeat_purchase_rate": None, "profit": 19627.7,
    }  # fmt: skip
