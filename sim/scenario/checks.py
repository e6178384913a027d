"""Checks that need the whole scenario: names that must exist, probabilities that must add up.

Pydantic checks each table on its own; these functions check how tables refer to each other,
returning every finding with its key path so the loader can point at the line. Warnings are
things that are valid but probably wrong (an unreachable touchpoint).
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from sim.authoring.placeholders import PLACEHOLDERS, unknown_placeholders
from sim.clock import MINUTES_PER_DAY, at_day
from sim.results.kpis import CHANNEL_DAILY, DAILY_FIELDS
from sim.results.results import result_keys
from sim.scenario.schema import CONTACT, END, RESERVED_TARGETS, Lesson, Scenario, ScheduledFailure, TimeTrigger
from sim.scenario.show import clip
from sim.session.paths import path_choices

TOLERANCE = 1e-6
KPIS_HINT = "(run: cxsim kpis FILE)"  # the loader puts the file's name in place of FILE


@dataclass(frozen=True, slots=True)
class Finding:
    """A located result of a check: an error unless ``warning`` is set."""

    path: tuple[str | int, ...]
    message: str
    warning: bool = False


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """' (did you mean 'x'?)' for the closest choice, or a list of the valid ones."""
    options = list(choices)
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if options and len(options) <= 8:
        return "; expected one of: " + ", ".join(f"'{o}'" for o in options)
    return ""


def unknown_policy(names: Iterable[str], known: Iterable[str], flag: str) -> str | None:
    """The line refusing the first name that is not a policy of the scenario, with the closest one; None if all are."""
    policies = list(known)
    for name in names:
        if name not in policies:
            return f"{flag}: unknown policy '{name}'{did_you_mean(name, policies)}"
    return None


def _unknown(kind: str, name: str, known: Iterable[str]) -> str:
    return f"unknown {kind} '{name}'{did_you_mean(name, known)}"


def check_scenario(s: Scenario) -> list[Finding]:
    """All cross-reference errors and warnings of a validated scenario."""
    out: list[Finding] = []
    touchpoints = list(s.touchpoints)
    staffed = list(s.staffed())
    segments = list(s.segments)

    total = sum(seg.share for seg in s.segments.values())
    if abs(total - 1) > TOLERANCE:
        out.append(Finding(("segments",), f"segment shares must sum to 1 (they sum to {total:g})"))
    for name, seg in s.segments.items():
        for tp in seg.channel_preferences:
            if tp not in staffed:
                out.append(Finding(("segments", name, "channel_preferences", tp), _unknown("staffed touchpoint", tp, staffed)))

    review_pages = s.review_pages()
    for name in review_pages[1:]:
        out.append(
            Finding(
                ("touchpoints", name, "posts_reviews"), f"only one touchpoint can take the reviews ('{review_pages[0]}' does)"
            )
        )

    if s.warmup_days >= s.horizon_days:
        out.append(Finding(("warmup_days",), f"must be shorter than horizon_days ({s.horizon_days:g}) (got {s.warmup_days:g})"))
    if s.default_policy is not None and s.default_policy not in s.policies:
        out.append(Finding(("default_policy",), _unknown("policy", s.default_policy, s.policies)))

    uses_contact = False

    def targets(path: tuple[str | int, ...], table: dict[str, float]) -> None:
        nonlocal uses_contact
        if not table:
            out.append(Finding(path, "needs at least one target"))
            return
        for target in table:
            if target == CONTACT:
                uses_contact = True
            elif target not in s.touchpoints and target not in RESERVED_TARGETS:
                out.append(Finding((*path, target), _unknown("touchpoint", target, [*touchpoints, *RESERVED_TARGETS])))
        psum = sum(table.values())
        if abs(psum - 1) > TOLERANCE:
            out.append(Finding(path, f"probabilities must sum to 1 (they sum to {psum:g})"))

    targets(("journey", "entry"), s.journey.entry)
    if s.journey.repeat_entry is not None:
        targets(("journey", "repeat_entry"), s.journey.repeat_entry)
    for src, route in s.journey.routes.items():
        base = ("journey", "routes", src)
        if src not in s.touchpoints:
            out.append(Finding(base, _unknown("touchpoint", src, touchpoints)))
        targets((*base, "next"), route.next)
        targets((*base, "on_failure"), route.on_failure)
        for seg_name, seg_route in route.segments.items():
            if seg_name not in s.segments:
                out.append(Finding((*base, "segments", seg_name), _unknown("segment", seg_name, segments)))
            if seg_route.next is not None:
                targets((*base, "segments", seg_name, "next"), seg_route.next)
            if seg_route.on_failure is not None:
                targets((*base, "segments", seg_name, "on_failure"), seg_route.on_failure)
    if uses_contact and not staffed:
        out.append(Finding(("journey",), "a route says 'contact' but there is no staffed touchpoint to contact"))

    for name, staffed_spec in s.staffed().items():
        transfer_to = staffed_spec.transfer_to
        if staffed_spec.transfer_probability > 0 and transfer_to is None:
            out.append(Finding(("touchpoints", name, "transfer_to"), "required when transfer_probability is above 0"))
        if transfer_to is not None and transfer_to not in staffed:
            out.append(Finding(("touchpoints", name, "transfer_to"), _unknown("staffed touchpoint", transfer_to, staffed)))

    horizon = s.horizon_days * MINUTES_PER_DAY
    for name, failure in s.failures.items():
        if failure.touchpoint not in s.touchpoints:
            out.append(Finding(("failures", name, "touchpoint"), _unknown("touchpoint", failure.touchpoint, touchpoints)))
        if isinstance(failure, ScheduledFailure) and at_day(failure.day, failure.time) >= horizon:
            out.append(Finding(("failures", name, "day"), "starts after the end of the run, so it never happens", True))

    for name, resp in s.responses.items():
        for key in ("touchpoint", "from_touchpoint"):
            named_tp: str | None = getattr(resp, key, None)
            if named_tp is not None and named_tp not in staffed:
                out.append(Finding(("responses", name, key), _unknown("staffed touchpoint", named_tp, staffed)))
        touch_at: str | None = getattr(resp, "at", None)  # an experience touch is felt at a self-service step
        if touch_at is not None and (touch_at not in s.touchpoints or touch_at in staffed):
            self_service = [tp for tp in touchpoints if tp not in staffed]
            out.append(Finding(("responses", name, "at"), _unknown("self-service touchpoint", touch_at, self_service)))
        named_failure = resp.target_failure
        if named_failure is not None and named_failure not in s.failures:
            out.append(Finding(("responses", name, "failure"), _unknown("failure", named_failure, s.failures)))

    for name, policy in s.policies.items():
        for key in ("at_start", "on_failure"):
            for i, resp_name in enumerate(getattr(policy, key)):
                if resp_name not in s.responses:
                    out.append(Finding(("policies", name, key, i), _unknown("response", resp_name, s.responses)))
        for dec_name, option in policy.decisions.items():
            if dec_name not in s.decisions:
                out.append(Finding(("policies", name, "decisions", dec_name), _unknown("decision", dec_name, s.decisions)))
            elif option not in s.decisions[dec_name].options:
                found = _unknown("option", option, s.decisions[dec_name].options)
                out.append(Finding(("policies", name, "decisions", dec_name), found))

    for k, objective in enumerate(s.learning_objectives):
        for unknown in unknown_placeholders(objective, s.decisions, in_decision=False):
            out.append(Finding(("learning_objectives", k), _unknown_placeholder(unknown, in_decision=False)))
    for name, dec in s.decisions.items():
        for unknown in unknown_placeholders(dec.debrief, s.decisions):
            out.append(Finding(("decisions", name, "debrief"), _unknown_placeholder(unknown, in_decision=True)))
        trig = dec.trigger
        trigger_failure: str | None = getattr(trig, "failure", None)
        if trigger_failure is not None and trigger_failure not in s.failures:
            out.append(Finding(("decisions", name, "trigger", "failure"), _unknown("failure", trigger_failure, s.failures)))
        watched: str | None = getattr(trig, "touchpoint", None)
        if watched is not None and watched not in staffed:
            out.append(Finding(("decisions", name, "trigger", "touchpoint"), _unknown("staffed touchpoint", watched, staffed)))
        if isinstance(trig, TimeTrigger) and at_day(trig.day, trig.time) >= horizon:
            out.append(Finding(("decisions", name, "trigger"), "comes after the end of the run, so it never fires", True))
        for k, failure_name in enumerate(dec.rule_for):
            if failure_name not in s.failures:
                out.append(Finding(("decisions", name, "rule_for", k), _unknown("failure", failure_name, s.failures)))
        if dec.rule_for and not dec.from_now_on:
            out.append(Finding(("decisions", name, "rule_for"), "only applies to a standing rule: add from_now_on = true"))
        if dec.default_option is not None and dec.default_option not in dec.options:
            out.append(Finding(("decisions", name, "default_option"), _unknown("option", dec.default_option, dec.options)))
        for opt_name, opt in dec.options.items():
            for i, resp_name in enumerate(opt.responses):
                if resp_name not in s.responses:
                    where = ("decisions", name, "options", opt_name, "responses", i)
                    out.append(Finding(where, _unknown("response", resp_name, s.responses)))

    for i, lesson in enumerate(s.lessons):
        out.extend(_lesson_findings(s, i, lesson))
    clean = not any(not f.warning for f in out)  # results keys can be listed only for a scenario without errors
    keys = result_keys(s) if clean and (s.lessons or s.scorecard is not None) else set()
    if clean and s.scorecard is not None:
        for i, measure in enumerate(s.scorecard.measures):
            if measure.kpi not in keys:
                kpi = clip(measure.kpi)
                hint = did_you_mean(kpi, sorted(keys))
                out.append(Finding(("scorecard", "measures", i, "kpi"), f"unknown results key '{kpi}'{hint} {KPIS_HINT}"))
    if clean and s.lessons:
        daily = daily_columns(s)
        for i, lesson in enumerate(s.lessons):
            known = daily if lesson.days is not None else keys
            if lesson.kpi not in known:
                kpi = clip(lesson.kpi)
                kind = "daily column" if lesson.days is not None else "results key"
                hint = _daily_hint(lesson.kpi, daily) if lesson.days is None else ""
                hint = hint or did_you_mean(kpi, sorted(known))
                out.append(Finding(("lessons", i, "kpi"), f"unknown {kind} '{kpi}'{hint} {KPIS_HINT}"))
            elif lesson.days is not None and lesson.days[1] > math.ceil(s.horizon_days):
                out.append(Finding(("lessons", i, "days"), f"the run has {math.ceil(s.horizon_days)} days, not {lesson.days[1]}"))

    for tp in unreachable_touchpoints(s):
        out.append(Finding(("touchpoints", tp), "no route leads here, so no customer ever visits it", True))
    return out


def unreachable_touchpoints(s: Scenario) -> list[str]:
    """Touchpoints that no entry or route can reach, in file order."""
    staffed = list(s.staffed())
    seen: set[str] = set()

    def expand(target: str) -> list[str]:
        if target == CONTACT:
            return staffed
        return [] if target == END else [target]

    starts = [*s.journey.entry, *(s.journey.repeat_entry or {})]
    if s.failures:  # a customer hit by a failure may speak up: they contact a channel they prefer
        starts += [tp for seg in s.segments.values() for tp, share in seg.channel_preferences.items() if share > 0]
    stack = [t for target in starts for t in expand(target)]
    while stack:
        tp = stack.pop()
        if tp in seen or tp not in s.touchpoints:
            continue
        seen.add(tp)
        route = s.journey.routes.get(tp)
        if route is None:
            continue
        tables = [route.next, route.on_failure]
        for seg_route in route.segments.values():
            tables += [seg_route.next or {}, seg_route.on_failure or {}]
        for table in tables:
            for target, p in table.items():
                if p > 0:
                    stack.extend(expand(target))
    return [tp for tp in s.touchpoints if tp not in seen]


def _unknown_placeholder(name: str, *, in_decision: bool) -> str:
    known = [k for k, v in PLACEHOLDERS.items() if in_decision or v.scope == "run"]
    hint = did_you_mean(name, known)
    return f"unknown placeholder '{{{clip(name)}}}'{hint} (the list: docs/authoring.md, 'Debrief placeholders'; write {{{{ for a brace)"


def _lesson_findings(s: Scenario, i: int, lesson: Lesson) -> list[Finding]:
    """Names a lesson uses that the scenario does not have; two sides that are the same."""
    out: list[Finding] = []
    if not lesson.on_paths:
        for key in ("policy", "baseline"):
            name = getattr(lesson, f"{key}_name")
            if name not in s.policies:
                out.append(Finding(("lessons", i, key), _unknown("policy", name, s.policies)))
        if lesson.policy_name == lesson.baseline_name:
            out.append(Finding(("lessons", i, "baseline"), f"must differ from policy ('{lesson.policy_name}')"))
        return out
    if not s.decisions:
        return [Finding(("lessons", i, "answers"), "compares decision paths, but the scenario has no decisions")]
    for key in ("choices", "baseline_choices"):
        for dec_name, option in getattr(lesson, key).items():
            if dec_name not in s.decisions:
                out.append(Finding(("lessons", i, key, dec_name), _unknown("decision", dec_name, s.decisions)))
            elif option not in s.decisions[dec_name].options:
                out.append(Finding(("lessons", i, key, dec_name), _unknown("option", option, s.decisions[dec_name].options)))
    if not out and s.default_policy_name in s.policies:  # an unknown default policy is reported on its own key
        side = path_choices(s, lesson.answers, lesson.choices)
        base = path_choices(s, lesson.baseline_answers, lesson.baseline_choices)
        if side == base:
            out.append(Finding(("lessons", i, "baseline_answers"), "both paths give the same answers: nothing is compared"))
    return out


def _daily_hint(kpi: str, daily: set[str]) -> str:
    """For 'daily.2.costs' (a key of the daily series, as a results file names it): how a lesson names a day instead."""
    parts = kpi.split(".")
    if parts[0] != "daily" or len(parts) != 3:
        return ""
    column, day = (parts[1], parts[2]) if parts[2].isdigit() else (parts[2], parts[1])
    if column not in daily or not day.isdigit():
        return ""
    return f'; a day of the daily series is named by its column and a window: kpi = "{column}" and days = [{day}, {day}]'


def daily_columns(s: Scenario) -> set[str]:
    """The columns of the daily series a lesson with ``days`` may name."""
    return {*DAILY_FIELDS, *(f"{ch}_{key}" for ch in s.staffed() for key in CHANNEL_DAILY)}
