"""Policies, decision points and lessons: the parts of a scenario that teach.

A policy runs the business; a decision point lets a trainee (or a policy in their place) choose
a response; a lesson is a checkable claim about policies or decision paths. Re-exported by
``sim.scenario.schema``, where the rest of the format lives.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sim.scenario.types import Name, Strict
from sim.scenario.types import check_clock as _clock

# --- policies and decisions ---------------------------------------------------------------------------

GAME_OPTIONS = 4  # what the game's decision card lays out and keys 1-4 choose (game/input.py OPTION_KEYS)
MAX_OPTIONS = 20  # headless, policies answer: more alternatives than this in one decision is a generator's slip, not a study


class Policy(Strict):
    """A named way of running the business: standing responses plus a choice at every decision point."""

    description: str = Field("", description="What this policy does, in a sentence.")
    at_start: list[Name] = Field(default_factory=list, description="Responses in force from the start (staffing, call-backs).")
    on_failure: list[Name] = Field(default_factory=list, description="Responses applied whenever a failure starts.")
    decisions: dict[Name, Name] = Field(
        default_factory=dict, description="The option this policy picks at each decision point (default: the decision's default)."
    )


class FailureTrigger(Strict):
    """Fire when a failure starts."""

    on: Literal["failure_started"]
    failure: Name = Field(description="The failure whose start triggers the decision.")


class TimeTrigger(Strict):
    """Fire at a day and clock time."""

    on: Literal["time"]
    day: int = Field(ge=1, description="Day (1 = the first day).")
    time: str = Field("00:00", description="Clock time, 'HH:MM'.")

    _v_time = field_validator("time")(_clock)


class KpiTrigger(Strict):
    """Fire when a staffed touchpoint's indicator crosses a threshold."""

    on: Literal["kpi"]
    touchpoint: Name = Field(description="Staffed touchpoint to watch.")
    metric: Literal["queue_length", "abandon_rate", "wait_mean_min", "service_level"] = Field(
        description="Indicator to watch (rates are fractions 0-1, since the start)."
    )
    above: float | None = Field(None, description="Fire when the indicator rises above this.")
    below: float | None = Field(None, description="Fire when the indicator falls below this.")
    check_every_min: float = Field(15.0, ge=0.1, description="How often to look, minutes (at least 0.1).")

    @model_validator(mode="after")
    def _one_threshold(self) -> KpiTrigger:
        if (self.above is None) == (self.below is None):
            raise ValueError("give exactly one of above or below")
        return self


Trigger = Annotated[FailureTrigger | TimeTrigger | KpiTrigger, Field(discriminator="on")]


class Option(Strict):
    """One answer on a decision card."""

    label: str = Field(description="Text on the card.")
    responses: list[Name] = Field(default_factory=list, description="Responses applied when chosen (may be empty: do nothing).")
    style: Literal["reactive", "proactive", "neutral"] = Field("neutral", description="Which way of thinking it shows.")
    feedback: str = Field("", description="Shown right after the choice.")


class Decision(Strict):
    """A moment where the trainee (or a policy) must choose how the brand responds."""

    trigger: Trigger = Field(description="What makes the decision come up.")
    prompt: str = Field(description="The situation, as the trainee reads it.")
    options: dict[Name, Option] = Field(
        min_length=1,
        max_length=MAX_OPTIONS,
        description=(
            f"The options, keyed by name: up to {MAX_OPTIONS}. The game's decision card shows {GAME_OPTIONS} (keys 1-{GAME_OPTIONS});"
            " more are for policies answering headless (cxsim lint warns)."
        ),
    )
    default_option: Name | None = Field(None, description="Taken when nobody chooses in time (default: the first option).")
    pause: bool = Field(True, description="Time stops while the trainee decides.")
    respond_within_min: float | None = Field(
        None, gt=0, description="When time keeps running: minutes before the default option is taken."
    )
    show_style: bool = Field(False, description="Label options as reactive or proactive before the choice.")
    debrief: str = Field(
        "", description="What the debrief says about this decision; {placeholders} are filled from the session (docs/authoring.md)."
    )
    once: bool = Field(True, description="Come up only the first time the trigger fires.")
    from_now_on: bool = Field(
        False,
        description=(
            "A standing rule: the chosen option's responses answer the failure that triggered the decision and every "
            "later failure of the run, not only this one ('from now on, when a failure hits customers, we ...')."
        ),
    )
    rule_for: list[Name] = Field(
        default_factory=list, description="With from_now_on: the failures the standing rule answers (default: every failure)."
    )


Answers = Literal["reactive", "proactive"]
PATH_KEYS = ("answers", "choices", "baseline_answers", "baseline_choices")


class Lesson(Strict):
    """A claim the scenario teaches, checked over paired replications (``cxsim preview``, lint, the tests).

    It compares two policies, or two *decision paths*: the answers a trainee can give at the
    decision points, on the scenario's default policy (the one the game plays). A path is a style
    (every decision answered with its first option of that style) with single choices changed.
    """

    says: str = Field(min_length=1, description="The lesson in one sentence, as the debrief and preview show it.")
    kpi: str = Field(
        min_length=1,
        description=(
            "Dotted results key it rests on, e.g. 'channels.phone.offered' or 'experience.affected.nps' (docs/results-format.md "
            "lists them); with `days`, a column of the daily series such as 'profit' or 'orders'."
        ),
    )
    direction: Literal["higher", "lower", "same"] = Field(
        description="Whether the path (or policy) gives a higher, a lower, or the same value (within `margin`) as its baseline."
    )
    margin: float | None = Field(
        None, gt=0, description="For direction = 'same': the largest difference, in the KPI's unit, that still counts as the same."
    )
    days: tuple[int, int] | None = Field(
        None,
        description="A window of the daily series, [first, last] day (1 = the first day): the KPI is summed over it (rates are averaged).",
    )
    answers: Answers | None = Field(None, description="The path the lesson is about: every decision answered in this style.")
    choices: dict[Name, Name] = Field(
        default_factory=dict, description="Single answers of that path, {decision = option}, overriding `answers`."
    )
    baseline_answers: Answers | None = Field(None, description="The path it is compared with: every decision answered in this style.")
    baseline_choices: dict[Name, Name] = Field(
        default_factory=dict, description="Single answers of the baseline path, {decision = option}, overriding `baseline_answers`."
    )
    policy: Name | None = Field(
        None, description="For a lesson about policies (no path keys): the policy the lesson is about (default 'proactive')."
    )
    baseline: Name | None = Field(None, description="For a lesson about policies: the policy it is compared with (default 'reactive').")

    @model_validator(mode="after")
    def _consistent(self) -> Lesson:
        if self.direction == "same" and self.margin is None:
            raise ValueError("direction = 'same' needs a margin: the largest difference that still counts as the same")
        if self.direction != "same" and self.margin is not None:
            raise ValueError("margin is only for direction = 'same'")
        if self.days is not None and not 1 <= self.days[0] <= self.days[1]:
            raise ValueError(f"days must be [first, last] with 1 <= first <= last, not {list(self.days)}")
        if self.on_paths and (self.policy is not None or self.baseline is not None):
            raise ValueError("a lesson compares either policies (policy, baseline) or decision paths (answers, choices), not both")
        return self

    @property
    def on_paths(self) -> bool:
        """Whether the lesson compares decision paths rather than policies."""
        return bool(self.answers or self.choices or self.baseline_answers or self.baseline_choices)

    @property
    def policy_name(self) -> str:
        return self.policy or "proactive"

    @property
    def baseline_name(self) -> str:
        return self.baseline or "reactive"


def default_option(spec: Decision) -> str:
    """The option taken when nobody chooses: the declared default, else the first."""
    return spec.default_option or next(iter(spec.options))
