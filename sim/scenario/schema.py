"""The scenario format: what a trainer can declare in TOML, as frozen pydantic models.

Field descriptions are the documentation: ``docs/scenario-format.md`` and
``scenarios/scenario.schema.json`` are generated from them. Units are in key names
(``handle_min``, ``customers_per_hour``); sim time is minutes from Monday 00:00 of day 1.
Cross-references between sections (a route naming a touchpoint, an option naming a response)
are checked in ``sim.scenario.checks`` so each problem gets its own key path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal, Union

from pydantic import Field, field_validator, model_validator

from sim.clock import parse_clock
from sim.effects import EFFECTS, ResponseSpec
from sim.scenario import teaching
from sim.scenario.customer_model import CustomerModel
from sim.scenario.distributions import Constant, Distribution
from sim.scenario.scorecard import Scorecard
from sim.scenario.teaching import GAME_OPTIONS as GAME_OPTIONS
from sim.scenario.teaching import MAX_OPTIONS as MAX_OPTIONS
from sim.scenario.teaching import Decision as Decision
from sim.scenario.teaching import Lesson as Lesson
from sim.scenario.teaching import Policy as Policy
from sim.scenario.types import ALL_WEEKDAYS, Channel, Name, Probability, Stage, Strict, Weekday
from sim.scenario.types import CONTACT as CONTACT
from sim.scenario.types import END as END
from sim.scenario.types import RESERVED_TARGETS as RESERVED_TARGETS
from sim.scenario.types import STAGE_ORDER as STAGE_ORDER
from sim.scenario.types import check_clock as _clock

SCHEMA_VERSION = 1
MAX_CUSTOMERS_PER_HOUR = 100_000  # 100,000 an hour for 90 days is 200 million journeys: beyond any study here


# --- customers -----------------------------------------------------------------------------------


class Segment(Strict):
    """A kind of customer, with its share of arrivals and its habits."""

    share: float = Field(gt=0, le=1, description="Share of arriving customers in this segment (all shares sum to 1).")
    description: str = Field("", description="Who these customers are, in a sentence (shown in the briefing).")
    order_value: Distribution = Field(
        default_factory=lambda: Constant(value=0.0),
        description="Value of one order, in the scenario currency (a distribution).",
    )
    patience_factor: float = Field(
        1.0, gt=0, description="Multiplies the patience of staffed channels: 0.5 = half as patient as average."
    )
    channel_preferences: dict[Name, Annotated[float, Field(ge=0)]] = Field(
        default_factory=dict,
        description="Relative weights of staffed touchpoints this segment uses when a route says 'contact'.",
    )
    starting_attitude: float = Field(
        0.1, ge=-1, le=1, description="Attitude to the brand before the first journey, -1 (hostile) to 1 (fan)."
    )
    starting_trust: float = Field(0.7, ge=0, le=1, description="Trust in the brand's reliability, 0 to 1.")
    product_quality: Probability = Field(
        0.5,
        description=(
            "How good the product is against what these customers expect: 0.5 = as expected, 1 = far better, 0 = far worse."
            " Felt at a touchpoint with product_moment = true."
        ),
    )
    product_quality_sd: float = Field(
        0.15, ge=0, le=0.5, description="How much quality varies between customers' units (fit, flaws), on the same scale."
    )


class Campaign(Strict):
    """A window of one day when more (or fewer) customers arrive: a launch, a sale, a TV spot."""

    label: str = Field("", description="What brings them, in a few words (e.g. 'Launch e-mail').")
    day: int = Field(ge=1, description="Day of the campaign (1 = the first day).")
    start: str = Field("00:00", description="Start clock time, 'HH:MM'.")
    end: str = Field("24:00", description="End clock time, 'HH:MM' ('24:00' for midnight); later than start.")
    multiplier: float = Field(1.0, ge=0, description="Multiplies the usual arrival rate during the window (3 = three times).")
    extra_per_hour: float = Field(
        0.0, ge=0, description="Customers per hour added on top during the window (after the multiplier)."
    )

    _v_clock = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _window(self) -> Campaign:
        if parse_clock(self.end) <= parse_clock(self.start):
            raise ValueError(f"end ({self.end}) must be later than start ({self.start})")
        if self.multiplier == 1.0 and self.extra_per_hour == 0.0:
            raise ValueError("changes nothing: give a multiplier other than 1 or a positive extra_per_hour")
        return self


class Arrivals(Strict):
    """New customers arriving: a Poisson stream whose rate follows the clock and the calendar."""

    customers_per_hour: float = Field(ge=0, description="Base arrival rate, customers per hour.")
    hour_profile: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: [1.0] * 24,
        min_length=24,
        max_length=24,
        description="24 multipliers of the base rate, one per hour of the day from 00:00.",
    )
    weekday_profile: list[Annotated[float, Field(ge=0)]] = Field(
        default_factory=lambda: [1.0] * 7,
        min_length=7,
        max_length=7,
        description="7 multipliers of the base rate, Monday first.",
    )
    campaigns: list[Campaign] = Field(
        default_factory=list,
        description="Windows with more (or fewer) arrivals, e.g. a launch-day spike: [[arrivals.campaigns]] tables.",
    )

    @model_validator(mode="after")
    def _peak_rate(self) -> Arrivals:
        usual = self.customers_per_hour * max(self.hour_profile) * max(self.weekday_profile)
        peak = usual
        for c in self.campaigns:  # the rate as c starts, with every campaign in force then (they multiply and add)
            start = parse_clock(c.start)
            factor, extra = 1.0, 0.0
            for o in self.campaigns:
                if o.day == c.day and parse_clock(o.start) <= start < parse_clock(o.end):
                    factor *= o.multiplier
                    extra += o.extra_per_hour
            peak = max(peak, usual * factor + extra)
        if peak > MAX_CUSTOMERS_PER_HOUR:
            campaigns = " and the campaigns in force" if peak > usual else ""
            raise ValueError(
                f"the busiest hour brings {peak:,.0f} customers (customers_per_hour x the largest hour and weekday"
                f" multipliers{campaigns}); at most {MAX_CUSTOMERS_PER_HOUR:,} per hour can be simulated"
            )
        return self


# --- touchpoints -----------------------------------------------------------------------------------


class SelfService(Strict):
    """A touchpoint the customer uses alone: an ad, a website, an app, a virtual assistant, a checkout."""

    kind: Literal["self_service"] = Field(description="'self_service' for touchpoints with no agent.")
    channel: Channel = Field(description="The channel this touchpoint belongs to.")
    stage: Stage = Field(description="The journey stage this touchpoint serves.")
    label: str = Field("", description="Display name (defaults to the key).")
    delay_min: Distribution = Field(
        default_factory=lambda: Constant(value=0.0), description="Time the customer spends here, minutes."
    )
    success_probability: Probability = Field(
        1.0, description="Chance the customer gets what they came for; otherwise the route's on_failure applies."
    )
    effort: Probability = Field(
        0.0, description="Chance this step is an effort driver for the customer (re-entering details, a confusing form)."
    )
    delight_probability: Probability = Field(
        0.0,
        description=(
            "Chance a successful visit delights the customer by chance (a surprise), free and the same under every"
            " policy; a designed touch with a cost (a handwritten note) is a 'touch' response."
        ),
    )
    places_order: bool = Field(False, description="A successful visit places an order (a checkout).")
    posts_reviews: bool = Field(
        False,
        description=(
            "Customers post their reviews here (the shop's review page, an app store): the reviews the customer model"
            " draws a day after each journey, and the brand's answers to them, are counted at this touchpoint. At most one."
        ),
    )
    product_moment: bool = Field(
        False,
        description=(
            "This is where customers experience the product (unboxing, the first run): a successful visit feels the"
            " segment's product_quality."
        ),
    )


class Shift(Strict):
    """A block of agents on duty at the same hours on the given weekdays."""

    start: str = Field(description="Start clock time, 'HH:MM'.")
    end: str = Field(description="End clock time, 'HH:MM' ('24:00' for midnight); later than start.")
    agents: int = Field(ge=0, description="Agents on duty during the shift.")
    days: list[Weekday] = Field(default_factory=lambda: list(ALL_WEEKDAYS), description="Weekdays the shift runs.")

    _v_start = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _ordered(self) -> Shift:
        if parse_clock(self.end) <= parse_clock(self.start):
            if parse_clock(self.end) < parse_clock(self.start):  # a night shift: the format has no wrap-around
                raise ValueError(
                    f"end ({self.end}) is before start ({self.start}): a shift past midnight is written as two shifts,"
                    f" {self.start}-24:00 and 00:00-{self.end}"
                )
            raise ValueError(f"end ({self.end}) must be later than start ({self.start})")
        return self


class OpeningHours(Strict):
    """When a staffed channel takes contacts, on the given weekdays (outside them it is closed)."""

    start: str = Field(description="Opening clock time, 'HH:MM'.")
    end: str = Field(description="Closing clock time, 'HH:MM' ('24:00' for midnight); later than start.")
    days: list[Weekday] = Field(default_factory=lambda: list(ALL_WEEKDAYS), description="Weekdays these hours apply.")

    _v_start = field_validator("start", "end")(_clock)

    @model_validator(mode="after")
    def _ordered(self) -> OpeningHours:
        if parse_clock(self.end) <= parse_clock(self.start):
            raise ValueError(
                f"end ({self.end}) must be later than start ({self.start}); hours past midnight are written as two"
                f" entries, {self.start}-24:00 and 00:00-{self.end}"
            )
        return self


class Callback(Strict):
    """Offer waiting customers a call back instead of holding."""

    offer_after_wait_min: float = Field(gt=0, description="Offer once a customer has waited this long, minutes.")
    accept_probability: Probability = Field(description="Chance a customer accepts the offer.")


class Staffed(Strict):
    """A touchpoint with agents and a queue: phone, chat, email, store counter."""

    kind: Literal["staffed"] = Field(description="'staffed' for touchpoints served by agents.")
    channel: Channel = Field(description="The channel this touchpoint belongs to.")
    stage: Stage = Field("service", description="The journey stage this touchpoint serves.")
    label: str = Field("", description="Display name (defaults to the key).")
    agents: int | None = Field(None, ge=0, description="Agents on duty all the time (give this or shifts).")
    shifts: list[Shift] = Field(default_factory=list, description="Agents by time of day (give this or agents).")
    handle_min: Distribution = Field(description="Time an agent spends on one customer, minutes.")
    patience_min: Distribution | None = Field(
        None, description="How long a customer waits before abandoning, minutes; omit for customers who never abandon."
    )
    concurrency: int = Field(1, ge=1, le=10, description="Customers one agent serves at once (chat).")
    max_queue: int | None = Field(None, ge=0, description="Customers who find this many already waiting leave at once (balk).")
    callback: Callback | None = Field(None, description="Call-back offer to waiting customers.")
    service_level_sec: float = Field(20, gt=0, description="Answer-time target for the service level, seconds.")
    resolution_probability: Probability = Field(
        1.0, description="Chance one contact resolves the issue; otherwise the route's on_failure applies."
    )
    agent_cost_per_hour: float = Field(0.0, ge=0, description="Cost of one agent on duty, currency per hour.")
    transfer_probability: Probability = Field(
        0.0, description="Chance an agent transfers the customer to transfer_to, where they queue again (an effort driver)."
    )
    transfer_to: Name | None = Field(None, description="Staffed touchpoint that receives transfers.")
    completes_orders: bool = Field(
        False,
        description=(
            "Agents can complete an order a failure lost (a checkout crash): when they resolve the contact of a "
            "customer whose order was lost, the order is placed, with its value, and counts in orders and revenue."
        ),
    )

    opening_hours: list[OpeningHours] = Field(
        default_factory=list,
        description=(
            "When the channel takes contacts (none given: always open). A customer who tries it outside them finds it "
            "closed: counted as closed, never offered, queued or abandoned; the attempt is a contact that did not get "
            "through (an effort driver), and the journey goes on as after any contact that did not resolve the issue."
        ),
    )

    @model_validator(mode="after")
    def _agents_or_shifts(self) -> Staffed:
        if (self.agents is None) == (not self.shifts):
            raise ValueError("give either agents (a fixed number) or shifts, not both and not neither")
        return self


# Every touchpoint kind's table; the engine's registry (sim.engine.touchpoints) gives each its behaviour.
TOUCHPOINT_SPECS: tuple[type[Strict], ...] = (SelfService, Staffed)
if TYPE_CHECKING:
    Touchpoint = SelfService | Staffed
else:
    Touchpoint = Annotated[Union[TOUCHPOINT_SPECS], Field(discriminator="kind")]  # noqa: UP007


# --- journey ----------------------------------------------------------------------------------------

Targets = dict[Name, Annotated[float, Field(ge=0, le=1)]]


class SegmentRoute(Strict):
    """Where one segment goes after a touchpoint, when it differs from everyone else."""

    next: Targets | None = Field(None, description="Next touchpoint after success, with probabilities.")
    on_failure: Targets | None = Field(None, description="Next touchpoint after a failure, with probabilities.")


class Route(Strict):
    """Where customers go after a touchpoint. Targets are touchpoints, 'end' or 'contact'."""

    next: Targets = Field(
        default_factory=lambda: {END: 1.0}, description="Next touchpoint after success, with probabilities (sum 1)."
    )
    on_failure: Targets = Field(
        default_factory=lambda: {END: 1.0},
        description=(
            "Next touchpoint after a failure, with probabilities (sum 1). 'contact' = the segment's preferred service channel."
        ),
    )
    segments: dict[Name, SegmentRoute] = Field(default_factory=dict, description="Per-segment overrides.")


class Journey(Strict):
    """The map of the customer journey: where customers enter and how they move on."""

    entry: Targets = Field(description="First touchpoint of a new customer, with probabilities (sum 1).")
    repeat_entry: Targets | None = Field(
        None, description="First touchpoint of a returning customer, with probabilities (default: entry)."
    )
    routes: dict[Name, Route] = Field(
        default_factory=dict, description="Routes keyed by the touchpoint they leave; no route means the journey ends there."
    )
    max_steps: int = Field(50, ge=1, le=1000, description="Safety limit on touchpoints per journey (stops loops).")


# --- failures --------------------------------------------------------------------------------------

FailureEffect = Literal["error", "lost_order", "delay"]


class _FailureBase(Strict):
    touchpoint: Name = Field(description="The touchpoint that fails.")
    label: str = Field("", description="What happened, in a few words (shown in the game).")
    effect: FailureEffect = Field(
        "error",
        description="What customers see: 'error' (the step fails), 'lost_order' (seems fine, order lost), 'delay'.",
    )
    delay_min: float = Field(0.0, ge=0, description="Extra time each customer loses, minutes (effect 'delay').")
    severity: Probability = Field(0.4, description="How bad it is for a customer, 0 trivial to 1 a lost order.")
    cause: Literal["internal", "external"] = Field(
        "internal", description="Who customers blame: 'internal' (the brand) or 'external' (a carrier, the weather)."
    )


class ScheduledFailure(_FailureBase):
    """A failure at a known time: 'the checkout crashes on day 3 at 12:00 for 90 minutes'."""

    kind: Literal["scheduled"] = Field(description="'scheduled' for a failure at a set time.")
    day: int = Field(ge=1, description="Day the failure starts (1 = the first day).")
    time: str = Field("00:00", description="Clock time the failure starts, 'HH:MM'.")
    duration_min: float = Field(gt=0, description="How long it lasts unless fixed sooner, minutes.")

    _v_time = field_validator("time")(_clock)


class RandomFailure(_FailureBase):
    """Failures that come and go at random: exponential time between failures, then a repair."""

    kind: Literal["random"] = Field(description="'random' for failures that recur at random.")
    mtbf_hours: float = Field(ge=0.01, description="Mean time between failures, hours (at least 0.01, 36 seconds).")
    mttr_min: Distribution = Field(description="Time to repair, minutes.")


Failure = Annotated[ScheduledFailure | RandomFailure, Field(discriminator="kind")]


# --- responses -------------------------------------------------------------------------------------
# Each effect is one module of sim.effects (its table, docs and behaviour); the union is built from the registry.

if TYPE_CHECKING:
    Response = ResponseSpec
else:
    Response = Annotated[Union[tuple(EFFECTS.values())], Field(discriminator="effect")]  # noqa: UP007


# Policies, decisions and lessons live in sim.scenario.teaching; these names are kept here for importers.
FailureTrigger = teaching.FailureTrigger
TimeTrigger = teaching.TimeTrigger
KpiTrigger = teaching.KpiTrigger
Trigger = teaching.Trigger
Option = teaching.Option
Answers = teaching.Answers
PATH_KEYS = teaching.PATH_KEYS


# --- the scenario ------------------------------------------------------------------------------------


class Scenario(Strict):
    """A complete cxsim scenario: customers, touchpoints, journey, failures, responses, policies, decisions."""

    schema_version: Literal[1] = Field(description="Version of this format; 1.")
    title: str = Field(min_length=1, description="Title shown to trainees and in reports.")
    description: str = Field("", description="The story of the scenario, a paragraph.")
    learning_objectives: list[str] = Field(default_factory=list, description="What the trainee should learn.")
    seed: int = Field(1, ge=0, description="Default random seed: the same seed gives the same run.")
    horizon_days: float = Field(gt=0, le=3660, description="Length of the run, days.")
    warmup_days: float = Field(0.0, ge=0, description="Days excluded from the statistics while the system fills up.")
    time_unit: Literal["minutes"] = Field("minutes", description="Unit of sim time; always minutes.")
    currency: str = Field("EUR", min_length=1, max_length=8, description="Currency of all money amounts.")
    default_policy: Name | None = Field(None, description="Policy used when none is named (default: the first).")
    segments: dict[Name, Segment] = Field(min_length=1, description="Customer segments, keyed by name.")
    arrivals: Arrivals = Field(description="How new customers arrive.")
    touchpoints: dict[Name, Touchpoint] = Field(min_length=1, description="Touchpoints, keyed by name.")
    journey: Journey = Field(description="How customers move between touchpoints.")
    failures: dict[Name, Failure] = Field(default_factory=dict, description="Failures, keyed by name.")
    responses: dict[Name, Response] = Field(default_factory=dict, description="Responses the brand can make, keyed by name.")
    policies: dict[Name, Policy] = Field(min_length=1, description="Policies, keyed by name.")
    decisions: dict[Name, Decision] = Field(default_factory=dict, description="Decision points for the game, keyed by name.")
    customer_model: CustomerModel = Field(
        default_factory=CustomerModel, description="Parameters of the customer model (all optional; research defaults)."
    )
    lessons: list[Lesson] = Field(
        default_factory=list, description="What the scenario teaches, as checkable claims: policy vs baseline on one KPI."
    )
    scorecard: Scorecard | None = Field(
        None,
        description="The balanced scorecard a classroom session (cxsim host) ranks teams on: a title and [[scorecard.measures]],"
        " each a kpi (a results key), weight, baseline (scores 0), target (scores 1) and per_day; see docs/classroom.md"
        " (default: NPS of customers a failure hit, repeat purchase and callers' CSAT on their full scales, equal weights).",
    )

    @property
    def default_policy_name(self) -> str:
        """The policy used when none is named."""
        return self.default_policy or next(iter(self.policies))

    def staffed(self) -> dict[str, Staffed]:
        """The staffed touchpoints, in file order."""
        return {k: v for k, v in self.touchpoints.items() if isinstance(v, Staffed)}

    def review_pages(self) -> list[str]:
        """The touchpoints with ``posts_reviews = true``, in file order (a valid scenario has at most one)."""
        return [k for k, v in self.touchpoints.items() if isinstance(v, SelfService) and v.posts_reviews]
