"""xAPI 1.0.3 statements for a training session, as plain JSON-ready dicts.

Pure functions: the same session, event and time give the same statement, byte for byte. That
is what makes re-sending safe: every statement carries a client-set id, a UUID version 5 of the
session and the event ("launched", the second answer to "crash"), so a statement sent twice,
from the game's outbox or from ``cxsim lrs send`` on the saved file, has the same id and an LRS
stores it once (xAPI 1.0.3, Communication 2.1.1: same id, same statement: 204; a different
statement under a known id: 409, nothing changed).

Verbs come from the ADL vocabulary, as LMSs show them: ``launched`` and ``initialized`` when a
session starts, ``answered`` for each decision card (a ``cmi.interaction`` of type ``choice``,
the option in ``result.response`` and its style in ``result.extensions``), ``completed`` with
the score in ``result.score.scaled`` and the KPIs in ``result.extensions``, ``terminated``.
``version``, ``stored`` and ``authority`` are left for the LRS to set, as the spec asks.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote

XAPI_VERSION = "1.0.3"
ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
VERBS = ("launched", "initialized", "answered", "interacted", "completed", "suspended", "resumed", "terminated")
SIMULATION = "http://adlnet.gov/expapi/activities/simulation"
INTERACTION = "http://adlnet.gov/expapi/activities/cmi.interaction"
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:cxsim:xapi:session")
"""Fixed forever: changing it would give every statement already sent a new id (and duplicates)."""
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class SessionInfo:
    """What identifies one played session: the same fields give the same ids on every machine.

    ``started_at`` (UTC, ISO 8601, as the session file writes it) tells apart two sessions of
    the same trainee on the same scenario and seed; ``team`` names a classroom team ("" alone).

    A team's play in a classroom session also carries the class: ``class_registration`` (the
    class session's UUID, ``class_registration``) becomes every statement's ``context.registration``,
    so an LMS groups every team's statements with the host's, and ``team_account`` (the host's
    code and the team's number) names the team as an xAPI Group in ``context.team``. Neither is
    part of ``key``: the ids of a session's statements are the same with or without them.
    """

    scenario_key: str
    scenario_title: str
    scenario_sha256: str
    policy: str
    seed: int
    trainee: str
    started_at: str
    team: str = ""
    class_registration: str = ""
    team_account: str = ""

    def key(self) -> str:
        """The session as one string (JSON, so no field can run into the next)."""
        fields = [self.scenario_key, self.scenario_sha256, self.policy, self.seed, self.trainee, self.started_at, self.team]
        return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class Naming:
    """How statements name the trainee and the activities: from the LRS config, never from a scenario.

    ``activity_base`` is an IRI the organisation controls; scenarios, decisions and extensions
    live under it. ``actor_kind`` 'account' names the trainee as an account on ``home_page``
    (the LMS); 'mbox' as an e-mail address (the trainee name if it is one, else
    ``name@mbox_domain``).
    """

    activity_base: str
    actor_kind: Literal["account", "mbox"] = "account"
    home_page: str = ""
    mbox_domain: str = ""
    language: str = "en-US"

    def iri(self, *parts: str) -> str:
        """An IRI under the activity base, each part percent-encoded (a name is never read as a path)."""
        return "/".join([self.activity_base.rstrip("/"), *(quote(p, safe="") for p in parts)])

    def extension(self, name: str) -> str:
        return self.iri("extensions", name)


@dataclass(frozen=True)
class DecisionCard:
    """A decision as the trainee saw it, for the interaction's definition (optional: ids suffice)."""

    prompt: str
    options: tuple[tuple[str, str], ...]  # (option name, label on the card)


def session_uuid(info: SessionInfo) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, info.key())


def registration(info: SessionInfo) -> str:
    """The context registration shared by every statement of the session (one attempt, in LMS terms); a team's is its class's."""
    return info.class_registration or str(uuid.uuid5(session_uuid(info), "registration"))


def class_registration(code: str, scenario_sha256: str, created_at: float) -> str:
    """The UUID of a classroom session (a version 5 of its code, scenario and start): the registration of all its statements.

    The host computes it from what its database keeps, so a restarted host has the same one, and
    hands it to every team as it joins (``JoinReply.registration``).
    """
    return str(uuid.uuid5(NAMESPACE, json.dumps(["class", code, scenario_sha256, created_at], separators=(",", ":"))))


def group(naming: Naming, name: str, account: str) -> dict[str, Any]:
    """A team or a class as an identified xAPI Group: its name, and an account on the LMS (or the activity base)."""
    return {"objectType": "Group", "name": name, "account": {"homePage": naming.home_page or naming.activity_base, "name": account}}


def statement_id(info: SessionInfo, event: str) -> str:
    """The client-set id of ``event`` in this session: the same on every re-send."""
    return str(uuid.uuid5(session_uuid(info), event))


def _text(naming: Naming, value: str) -> dict[str, str]:
    return {naming.language: value}


def _local_part(name: str) -> str:
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "." for c in name.strip().lower())
    return ".".join(p for p in cleaned.split(".") if p) or ANONYMOUS


def actor(naming: Naming, trainee: str) -> dict[str, Any]:
    """The trainee as an xAPI Agent with one inverse functional identifier (account or mbox)."""
    name = trainee.strip() or ANONYMOUS
    agent: dict[str, Any] = {"objectType": "Agent", "name": name}
    if naming.actor_kind == "mbox":
        local, at, domain = name.partition("@")
        address = name if at and local and "." in domain and " " not in name else f"{_local_part(name)}@{naming.mbox_domain}"
        agent["mbox"] = f"mailto:{address}"
    else:
        agent["account"] = {"homePage": naming.home_page, "name": name}
    return agent


def verb(name: str) -> dict[str, Any]:
    if name not in VERBS:
        raise ValueError(f"not an xAPI verb cxsim uses: {name!r}")
    return {"id": ADL_VERBS + name, "display": {"en-US": name}}


def scenario_activity(naming: Naming, info: SessionInfo) -> dict[str, Any]:
    """The scenario as a simulation activity: what LMS reports group a session's statements under."""
    return {
        "objectType": "Activity",
        "id": naming.iri("scenarios", info.scenario_key),
        "definition": {"type": SIMULATION, "name": _text(naming, info.scenario_title or info.scenario_key)},
    }


def decision_activity(naming: Naming, info: SessionInfo, decision: str, card: DecisionCard | None = None) -> dict[str, Any]:
    """A decision card as a ``choice`` interaction; with the card, its prompt and options' labels."""
    definition: dict[str, Any] = {"type": INTERACTION, "interactionType": "choice", "name": _text(naming, decision)}
    if card is not None:
        definition["description"] = _text(naming, card.prompt)
        definition["choices"] = [{"id": name, "description": _text(naming, label)} for name, label in card.options]
    return {"objectType": "Activity", "id": naming.iri("scenarios", info.scenario_key, "decisions", decision), "definition": definition}


def context(naming: Naming, info: SessionInfo, *, in_scenario: bool) -> dict[str, Any]:
    """The session's registration, the scenario as parent (for a decision), and how to replay it."""
    extensions: dict[str, Any] = {
        naming.extension("session"): str(session_uuid(info)),
        naming.extension("scenario-sha256"): info.scenario_sha256,
        naming.extension("policy"): info.policy,
        naming.extension("seed"): info.seed,
    }
    if info.team:
        extensions[naming.extension("team")] = info.team
    ctx: dict[str, Any] = {"registration": registration(info), "platform": "cxsim", "extensions": extensions}
    if info.team and info.team_account:  # xAPI 1.0.3, Data 2.4.6: context.team, the Group the statement relates to
        ctx["team"] = group(naming, info.team, info.team_account)
    if in_scenario:
        ctx["contextActivities"] = {"parent": [{"objectType": "Activity", "id": naming.iri("scenarios", info.scenario_key)}]}
    return ctx


def _statement(
    naming: Naming, info: SessionInfo, event: str, verb_name: str, obj: dict[str, Any], timestamp: str,
    *, result: dict[str, Any] | None = None, in_scenario: bool = False,
) -> dict[str, Any]:  # fmt: skip
    out: dict[str, Any] = {
        "id": statement_id(info, event),
        "actor": actor(naming, info.trainee),
        "verb": verb(verb_name),
        "object": obj,
    }
    if result is not None:
        out["result"] = result
    out["context"] = context(naming, info, in_scenario=in_scenario)
    out["timestamp"] = timestamp
    return out


def launched(naming: Naming, info: SessionInfo, timestamp: str) -> dict[str, Any]:
    """The trainee opened the scenario."""
    return _statement(naming, info, "launched", "launched", scenario_activity(naming, info), timestamp)


def initialized(naming: Naming, info: SessionInfo, timestamp: str) -> dict[str, Any]:
    """The run started (the first minute of simulated time)."""
    return _statement(naming, info, "initialized", "initialized", scenario_activity(naming, info), timestamp)


def answer_event(decision: str, nth: int) -> str:
    """The event name of the ``nth`` (1-based) answer to ``decision``: a decision may come up more than once."""
    return f"answered/{decision}/{nth}"


def answered(
    naming: Naming, info: SessionInfo, *, decision: str, option: str, style: str, sim_minute: float, nth: int,
    timestamp: str, card: DecisionCard | None = None,
) -> dict[str, Any]:  # fmt: skip
    """The trainee's answer to a decision card: the option, its style (reactive, proactive, neutral) and when."""
    result = {
        "response": option,
        "extensions": {naming.extension("style"): style, naming.extension("sim-minute"): _finite(sim_minute, "sim_minute")},
    }
    obj = decision_activity(naming, info, decision, card)
    return _statement(naming, info, answer_event(decision, nth), "answered", obj, timestamp, result=result, in_scenario=True)


def completed(
    naming: Naming, info: SessionInfo, *, score_scaled: float | None, kpis: Mapping[str, float | None], sim_minutes: float,
    timestamp: str, currency: str = "",
) -> dict[str, Any]:  # fmt: skip
    """The session ran to its end: the score (0..1) and the KPIs the debrief shows."""
    result: dict[str, Any] = {"completion": True}
    if score_scaled is not None:
        result["score"] = {"scaled": round(min(1.0, max(0.0, _finite(score_scaled, "score_scaled"))), 4)}
    extensions: dict[str, Any] = {
        naming.extension("kpis"): {k: v for k, v in kpis.items() if v is not None and math.isfinite(v)},
        naming.extension("sim-minutes"): _finite(sim_minutes, "sim_minutes"),
    }
    if currency:
        extensions[naming.extension("currency")] = currency
    result["extensions"] = extensions
    return _statement(naming, info, "completed", "completed", scenario_activity(naming, info), timestamp, result=result)


def minute_event(verb_name: str, sim_minute: float) -> str:
    """The event name of leaving or coming back at ``sim_minute`` (``suspended/2937.333``): one per moment of the run."""
    return f"{verb_name}/{_finite(sim_minute, 'sim_minute'):.3f}"


def suspended(naming: Naming, info: SessionInfo, timestamp: str, *, sim_minute: float) -> dict[str, Any]:
    """The trainee left the session unfinished at ``sim_minute``; its autosave may be resumed (not ``terminated``).

    ``terminated`` has one id per session, so a session that went on after a ``terminated``
    would have its real end refused as a 409; ``suspended`` and ``resumed`` carry the minute in
    their ids instead, so every break of a session is its own statement, and the same one on a re-send.
    """
    result = {"extensions": {naming.extension("sim-minute"): _finite(sim_minute, "sim_minute")}}
    obj = scenario_activity(naming, info)
    return _statement(naming, info, minute_event("suspended", sim_minute), "suspended", obj, timestamp, result=result)


def resumed(naming: Naming, info: SessionInfo, timestamp: str, *, sim_minute: float) -> dict[str, Any]:
    """A suspended session goes on from its saved ``sim_minute`` (the same registration: no second ``launched``)."""
    result = {"extensions": {naming.extension("sim-minute"): _finite(sim_minute, "sim_minute")}}
    obj = scenario_activity(naming, info)
    return _statement(naming, info, minute_event("resumed", sim_minute), "resumed", obj, timestamp, result=result)


def terminated(naming: Naming, info: SessionInfo, timestamp: str) -> dict[str, Any]:
    """The trainee left the session for good: after ``completed`` (an unfinished one is ``suspended``)."""
    return _statement(naming, info, "terminated", "terminated", scenario_activity(naming, info), timestamp)


@dataclass(frozen=True)
class ClassInfo:
    """A classroom session as the host reports it: its code, the scenario every team plays, and how.

    Its statements' actor is the class, as an identified Group (``group``); their registration is
    ``class_registration``, the one every team's statements carry too; their ids are version 5
    UUIDs of the registration and the event, so a restarted host sends the same ones.
    """

    code: str
    registration: str
    scenario_key: str
    scenario_title: str
    scenario_sha256: str
    policy: str
    seed: int
    horizon_days: float


def class_statement(
    naming: Naming, klass: ClassInfo, event: str, verb_name: str, timestamp: str, *, result: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One statement of the class session (launched, initialized, completed, terminated) on the scenario it plays."""
    out: dict[str, Any] = {
        "id": str(uuid.uuid5(uuid.UUID(klass.registration), event)),
        "actor": group(naming, f"class {klass.code}", klass.code),
        "verb": verb(verb_name),
        "object": {
            "objectType": "Activity",
            "id": naming.iri("scenarios", klass.scenario_key),
            "definition": {"type": SIMULATION, "name": _text(naming, klass.scenario_title or klass.scenario_key)},
        },
    }
    if result is not None:
        out["result"] = result
    out["context"] = {
        "registration": klass.registration,
        "platform": "cxsim host",
        "extensions": {
            naming.extension("class-session"): klass.code,
            naming.extension("scenario-sha256"): klass.scenario_sha256,
            naming.extension("policy"): klass.policy,
            naming.extension("seed"): klass.seed,
            naming.extension("horizon-days"): _finite(klass.horizon_days, "horizon_days"),
        },
    }
    out["timestamp"] = timestamp
    return out


def class_completed(
    naming: Naming, klass: ClassInfo, timestamp: str, *, score_scaled: float | None, scorecard: list[dict[str, Any]]
) -> dict[str, Any]:
    """The class session ended: the class's score (the teams' mean, 0..1) and each team's line of the scorecard."""
    result: dict[str, Any] = {"completion": True}
    if score_scaled is not None:
        result["score"] = {"scaled": round(min(1.0, max(0.0, _finite(score_scaled, "score_scaled"))), 4)}
    result["extensions"] = {naming.extension("scorecard"): scorecard}
    return class_statement(naming, klass, "completed", "completed", timestamp, result=result)


def _finite(value: float, name: str) -> float:
    if not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number (got {value})")
    return float(value)


def proactive_share(styles: Sequence[str]) -> float | None:
    """The share of reactive-or-proactive answers that were proactive: the score until a scorecard is declared.

    Neutral answers are left out; None when no answer had a style. A scorecard's own score,
    where the caller has one, replaces it.
    """
    styled = [s for s in styles if s in ("reactive", "proactive")]
    if not styled:
        return None
    return sum(s == "proactive" for s in styled) / len(styled)


HEADLINE_KPIS = (
    ("csat_mean", ("experience", "csat_mean")),
    ("nps", ("experience", "nps")),
    ("affected_nps", ("experience", "affected", "nps")),
    ("repeat_purchase_rate", ("experience", "repeat_purchase_rate")),
    ("profit", ("money", "profit")),
)


def headline_kpis(results: Mapping[str, Any]) -> dict[str, float | None]:
    """The KPIs of the trainer's CSV, read from a ``cxsim.run/1`` results document (None where absent)."""
    out: dict[str, float | None] = {}
    for name, path in HEADLINE_KPIS:
        value: Any = results
        for key in path:
            value = value.get(key) if isinstance(value, Mapping) else None
        out[name] = float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
    return out
