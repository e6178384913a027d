"""The per-group tallies a run's metrics keep: one channel, one group of surveyed journeys, one day, one step.

Plain counters with no behaviour beyond adding one record's worth, so ``sim.results.metrics``
(which routes records to them) stays one concept: the observer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.results.counters import Level, WaitHistogram


@dataclass
class ChannelStats:
    """Counters for one staffed touchpoint."""

    start: float
    target_min: float = 1 / 3
    offered: int = 0
    queued: int = 0
    served: int = 0
    resolved: int = 0
    abandoned: int = 0
    balked: int = 0
    blocked: int = 0
    closed: int = 0  # tried outside opening hours (not offered)
    callbacks: int = 0
    answered: int = 0
    answered_in_target: int = 0
    answer_wait_total: float = 0.0
    handle_total: float = 0.0
    waits: WaitHistogram = field(default_factory=WaitHistogram)
    queue: Level = field(init=False)
    busy: Level = field(init=False)
    staffed_slots: Level = field(init=False)
    agents: Level = field(init=False)

    def __post_init__(self) -> None:
        self.queue = Level(self.start)
        self.busy = Level(self.start)
        self.staffed_slots = Level(self.start)
        self.agents = Level(self.start)


@dataclass
class ExperienceStats:
    """Survey answers and loyalty decisions of settled journeys."""

    journeys: int = 0
    csat_total: int = 0
    csat_top2: int = 0
    promoters: int = 0
    detractors: int = 0
    ces_total: float = 0.0
    repeat_probability_total: float = 0.0
    returns: int = 0
    reviews: int = 0
    review_stars_total: int = 0
    referrals: int = 0
    nwom: int = 0
    lifetime_value_total: float = 0.0
    memory_total: float = 0.0
    trust_total: float = 0.0

    def add(
        self, csat: int, ltr: int, ces: float, repeat_probability: float, returns: bool, review_stars: int,
        referrals: int, nwom: bool, lifetime_value: float, memory: float, trust: float,
    ) -> None:  # fmt: skip
        """Count one settled journey (the fields of its ``JourneyRemembered``)."""
        # NOTE: a count goes up under an ``if`` rather than by adding a bool: int + bool takes
        # Python's slow generic path, and this runs once or twice per settled journey
        self.journeys += 1
        self.csat_total += csat
        if csat >= 4:
            self.csat_top2 += 1
        if ltr >= 9:
            self.promoters += 1
        elif ltr <= 6:
            self.detractors += 1
        self.ces_total += ces
        self.repeat_probability_total += repeat_probability
        if returns:
            self.returns += 1
        if review_stars:
            self.reviews += 1
            self.review_stars_total += review_stars
        self.referrals += referrals
        if nwom:
            self.nwom += 1
        self.lifetime_value_total += lifetime_value
        self.memory_total += memory
        self.trust_total += trust

    def merged(self, other: ExperienceStats) -> ExperienceStats:
        """The two groups together."""
        out = ExperienceStats()
        for name in out.__dataclass_fields__:
            setattr(out, name, getattr(self, name) + getattr(other, name))
        return out


@dataclass
class DayStats:
    """Counters of one day, for time series."""

    arrivals: int = 0
    returning: int = 0
    referred: int = 0
    deterred: int = 0
    orders: int = 0
    revenue: float = 0.0
    affected: int = 0
    channels: dict[str, dict[str, float | None]] = field(default_factory=dict)
    surveyed: int = 0
    costs: float = 0.0  # responses, recoveries, compensation and (booked at midnight) agents
    csat_total: int = 0
    promoters: int = 0
    detractors: int = 0
    returns: int = 0


@dataclass
class StepStats:
    """Counters for one self-service touchpoint."""

    visits: int = 0
    failed: int = 0
    incident: int = 0
    duration_total: float = 0.0
    reviews: int = 0  # at a touchpoint with posts_reviews: reviews posted here, their stars, those the brand answered
    review_stars_total: int = 0
    reviews_answered: int = 0
