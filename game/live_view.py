"""What the play screen shows, built from the engine's record stream (no pygame here).

The view subscribes to the run like any observer: it never changes the model, it only keeps
what a trainee can see right now: who is at which touchpoint and how they feel, the customers
who left (fading), a ticker of notable moments, the funnel of failures (hit, called, answered,
reached first), the story of a followed customer, and a few rolling indicators. Its memory is
bounded: markers leave with their journey, ghosts fade within ``GHOST_MIN``, the ticker and
stories are capped.

Two kinds of customer stay on the map as fading ghosts after their journey, at the step where
they left: those a failure hit who never contacted the brand (the silent majority a reactive
policy never hears from), and those who bought and whose memory, settling a day after the
journey, is a delight (CSAT 5). The second is the only way the view can show delight honestly: the moments
that delight a customer (the product, a chance surprise) are not in the records; the settled
memory is (``JourneyRemembered``), but only after the customer's marker has left.

Names a trainer wrote are shown as written: a touchpoint's ``label``, a failure's ``label``, a
response's ``label`` and an option's ``label`` (docs/scenario-format.md), the key when empty.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

from game.layout import service_channels
from sim.clock import format_time
from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
    ContactQueued,
    ContactServed,
    CustomerAffected,
    CustomerArrived,
    DecisionMade,
    FailureEnded,
    FailureStarted,
    JourneyEnded,
    JourneyRemembered,
    NoticeSent,
    OrderLost,
    OrderPlaced,
    Record,
    RecoveryDelivered,
    ReviewPosted,
    ServiceStarted,
    TouchDelivered,
    TouchpointVisited,
)
from sim.scenario.schema import Scenario
from sim.story import StoryWords

TICKER_LINES = 6
STORY_LINES = 14
ROLLING = 200  # journeys in the rolling CSAT / NPS
LONG_WAIT_MIN = 5.0
GHOST_MIN = 240.0  # how long (sim minutes) a customer who left stays on the map, fading
MAX_GHOSTS = 4000  # at most this many faded customers at once (a huge crowd still costs a bounded frame)
SETTLE_KEEP_MIN = 2 * 1440.0  # where a finished journey ended is kept this long, for its memory to settle
EFFECT_WORDS = {"error": "customers get an error", "lost_order": "orders are silently lost", "delay": "everything takes longer"}


class Mood(IntEnum):
    """How a customer feels right now, from the moments the records report. Shown by colour AND shape."""

    DELIGHTED = 0
    CONTENT = 1
    NEUTRAL = 2
    ANNOYED = 3
    ANGRY = 4


MOOD_NAMES = {
    Mood.DELIGHTED: "delighted",
    Mood.CONTENT: "content",
    Mood.NEUTRAL: "neutral",
    Mood.ANNOYED: "annoyed",
    Mood.ANGRY: "angry",
}


@dataclass(slots=True)
class Marker:
    """One customer on the map."""

    customer: int
    segment: str
    touchpoint: str | None
    previous: str | None
    moved_at: float
    mood: Mood = Mood.NEUTRAL
    queued: bool = False
    hit: bool = False  # a failure hit them this journey
    called: bool = False  # ...and they contacted the brand after it
    story: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=STORY_LINES))


@dataclass(frozen=True, slots=True)
class Ghost:
    """A customer who left, shown fading at the step where they left from ``since`` (sim minutes)."""

    customer: int
    touchpoint: str
    mood: Mood
    since: float
    silent: bool  # hit by a failure and never called (else: remembers the journey with delight)


@dataclass(slots=True)
class Funnel:
    """Failures so far, counted from the records as the results count them (after the warm-up).

    ``hit``: CustomerAffected records; ``called``: journeys whose customer contacted service after
    a failure hit them; ``answered``: responses delivered on contact; ``reached_first``: responses
    delivered proactively (RecoveryDelivered, by ``proactive``); ``left_silent``: journeys that
    ended after a hit without a contact.
    """

    hit: int = 0
    called: int = 0
    answered: int = 0
    reached_first: int = 0
    left_silent: int = 0


def mood_of_csat(csat: int) -> Mood:
    """The mood a survey answer (1-5) stands for."""
    return (Mood.ANGRY, Mood.ANNOYED, Mood.NEUTRAL, Mood.CONTENT, Mood.DELIGHTED)[max(1, min(5, csat)) - 1]


class LiveView:
    """Observer that keeps the visible state of a run for the play screen."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.words = StoryWords(scenario)
        self.segment_label = self.words.segment
        self.markers: dict[int, Marker] = {}
        self.at: Counter[str] = Counter()  # markers by the touchpoint they sit by (the count on each box)
        self.ghosts: deque[Ghost] = deque()  # oldest first
        self.left_at: Counter[str] = Counter()  # silent ghosts by touchpoint
        self.funnel = Funnel()
        self.ticker: deque[tuple[float, str]] = deque(maxlen=TICKER_LINES)
        self.followed: int | None = None
        self.followed_story: deque[tuple[float, str]] = deque(maxlen=STORY_LINES)
        self.followed_done = False
        self.csat_recent: deque[int] = deque(maxlen=ROLLING)
        self.ltr_recent: deque[int] = deque(maxlen=ROLLING)
        self.key_story: list[tuple[float, str]] | None = None
        self._stories: dict[int, list[tuple[float, str]]] = {}
        self._settling: dict[int, tuple[str, float]] = {}  # customer -> (where the journey ended, when), oldest first
        self._service = frozenset(service_channels(scenario))
        self._warmup = scenario.warmup_days * 1440.0
        self._handlers = {
            CustomerArrived: self._arrived,
            TouchpointVisited: self._visited,
            ContactQueued: self._queued,
            ContactBalked: self._balked,
            ServiceStarted: self._started,
            ContactServed: self._served,
            ContactAbandoned: self._abandoned,
            CallbackAccepted: self._callback,
            OrderPlaced: self._ordered,
            OrderLost: self._lost,
            CustomerAffected: self._affected,
            FailureStarted: self._failure_started,
            FailureEnded: self._failure_ended,
            RecoveryDelivered: self._recovered,
            NoticeSent: self._notice,
            DecisionMade: self._decided,
            JourneyEnded: self._ended,
            JourneyRemembered: self._remembered,
            TouchDelivered: self._touched,
            ReviewPosted: self._reviewed,
        }

    def __call__(self, record: Record) -> None:
        handler = self._handlers.get(type(record))
        if handler is not None:
            handler(record)

    # --- following a customer --------------------------------------------------------------------

    def follow(self, customer: int | None) -> None:
        """Follow a customer's moments on the side panel (None stops following)."""
        self.followed = customer
        self.followed_done = False
        self.followed_story.clear()
        marker = self.markers.get(customer) if customer is not None else None
        if marker is not None:
            self.followed_story.extend(marker.story)

    def _tell(self, r: Record) -> None:
        """Add this moment's sentence (``sim.story``) to its customer's story."""
        text = self.words.line(r)
        if text:
            self._note(r.customer, r.time, text)  # type: ignore[attr-defined]  # every told record has a customer

    def _note(self, customer: int, t: float, text: str) -> None:
        line = (t, text)  # formatted only when shown: the view sees every record of the run
        marker = self.markers.get(customer)
        if marker is not None:
            marker.story.append(line)
        if customer == self.followed:
            self.followed_story.append(line)
        story = self._stories.get(customer)
        if story is not None and len(story) < STORY_LINES:
            story.append(line)

    def _move(self, r: Record, customer: int, touchpoint: str) -> Marker | None:
        marker = self.markers.get(customer)
        if marker is not None and marker.touchpoint != touchpoint:
            if marker.touchpoint is not None:
                self.at[marker.touchpoint] -= 1
            self.at[touchpoint] += 1
            marker.previous, marker.touchpoint, marker.moved_at = marker.touchpoint, touchpoint, r.time
        return marker

    def _mood(self, customer: int, mood: Mood, *, worse_only: bool = False) -> None:
        marker = self.markers.get(customer)
        if marker is not None and (not worse_only or mood > marker.mood):
            marker.mood = mood

    def _contacted(self, customer: int, touchpoint: str) -> None:
        """A contact with service: counted in the funnel once per journey, if a failure hit the customer before it."""
        marker = self.markers.get(customer)
        if marker is not None and marker.hit and not marker.called and touchpoint in self._service:
            marker.called = True
            self.funnel.called += 1

    # --- ghosts ----------------------------------------------------------------------------------

    def _ghost(self, ghost: Ghost) -> None:
        self.ghosts.append(ghost)
        if ghost.silent:
            self.left_at[ghost.touchpoint] += 1
        self.expire(ghost.since)
        while len(self.ghosts) > MAX_GHOSTS:
            self._drop()

    def _drop(self) -> None:
        old = self.ghosts.popleft()
        if old.silent:
            self.left_at[old.touchpoint] -= 1

    def expire(self, now: float) -> None:
        """Let the ghosts older than ``GHOST_MIN`` go (the play screen calls this as time runs)."""
        ghosts = self.ghosts
        while ghosts and ghosts[0].since < now - GHOST_MIN:
            self._drop()

    # --- record handlers -------------------------------------------------------------------------

    def _arrived(self, r: CustomerArrived) -> None:
        self.markers[r.customer] = Marker(r.customer, r.segment, None, None, r.time)
        self._tell(r)

    def _visited(self, r: TouchpointVisited) -> None:
        self._move(r, r.customer, r.touchpoint)
        self._tell(r)  # says nothing of an "incident" visit: its CustomerAffected record tells the failure
        if r.outcome == "failed":
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)

    def _queued(self, r: ContactQueued) -> None:
        marker = self._move(r, r.customer, r.touchpoint)
        if marker is not None:
            marker.queued = True
        self._contacted(r.customer, r.touchpoint)
        self._tell(r)

    def _balked(self, r: ContactBalked) -> None:
        self._move(r, r.customer, r.touchpoint)
        self._contacted(r.customer, r.touchpoint)
        self._mood(r.customer, Mood.ANNOYED if r.reason == "closed" else Mood.ANGRY)
        self._tell(r)

    def _started(self, r: ServiceStarted) -> None:
        marker = self._move(r, r.customer, r.touchpoint)
        if marker is not None:
            marker.queued = False
        self._contacted(r.customer, r.touchpoint)
        if r.wait_min >= LONG_WAIT_MIN:
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)
        self._tell(r)

    def _served(self, r: ContactServed) -> None:
        if r.resolved:
            self._mood(r.customer, Mood.CONTENT)
        else:
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)
        self._tell(r)

    def _abandoned(self, r: ContactAbandoned) -> None:
        marker = self.markers.get(r.customer)
        if marker is not None:
            marker.queued = False
        self._mood(r.customer, Mood.ANGRY)
        self._tell(r)
        if r.wait_min >= LONG_WAIT_MIN:
            where = self.words.tp(r.touchpoint)
            seg = self.segment_label.get(marker.segment if marker else "", "a customer")
            self.ticker.append((r.time, f"a {seg} hung up on {where} after {r.wait_min:.0f} minutes on hold"))

    def _callback(self, r: CallbackAccepted) -> None:
        self._tell(r)

    def _ordered(self, r: OrderPlaced) -> None:
        self._mood(r.customer, Mood.CONTENT, worse_only=False)
        self._tell(r)

    def _lost(self, r: OrderLost) -> None:
        self._tell(r)

    def _affected(self, r: CustomerAffected) -> None:
        if r.time >= self._warmup:
            self.funnel.hit += 1
        marker = self.markers.get(r.customer)
        if marker is not None:
            marker.hit = True
        self._mood(r.customer, Mood.ANGRY if r.severity >= 0.6 else Mood.ANNOYED)
        self._tell(r)
        if len(self._stories) < 40 and r.customer not in self._stories:
            self._stories[r.customer] = list(marker.story) if marker else []

    def _failure_started(self, r: FailureStarted) -> None:
        effect = EFFECT_WORDS.get(r.effect, r.effect.replace("_", " "))
        self.ticker.append((r.time, f"{self.words.fail(r.failure)}: {self.words.tp(r.touchpoint)} is failing ({effect})"))

    def _failure_ended(self, r: FailureEnded) -> None:
        self.ticker.append((
            r.time,
            f"{self.words.tp(r.touchpoint)} works again after {r.duration_min:.0f} min ({self.words.fail(r.failure)}); "
            f"{r.affected:,} customers were hit",
        ))  # fmt: skip

    def _recovered(self, r: RecoveryDelivered) -> None:
        if r.time >= self._warmup:
            if r.proactive:
                self.funnel.reached_first += 1
            else:
                self.funnel.answered += 1
        if r.quality >= 0.5:
            self._mood(r.customer, Mood.CONTENT)
        self._tell(r)

    def _touched(self, r: TouchDelivered) -> None:
        self._mood(r.customer, Mood.DELIGHTED if r.affect >= 0.15 else Mood.CONTENT)
        self._tell(r)

    def _reviewed(self, r: ReviewPosted) -> None:
        self._tell(r)

    def _notice(self, r: NoticeSent) -> None:
        self._tell(r)

    def _decided(self, r: DecisionMade) -> None:
        spec = self.scenario.decisions.get(r.decision)
        option = spec.options.get(r.option) if spec is not None else None
        what = option.label if option is not None and option.label.strip() else r.option.replace("_", " ")
        who = {"command": "you chose", "timeout": "time ran out, the default was taken", "policy": "the policy chose"}
        self.ticker.append((r.time, f"{who.get(r.by, 'decided')}: {what}"))

    def _ended(self, r: JourneyEnded) -> None:
        self._tell(r)
        if r.customer == self.followed:
            self.followed_done = True
        marker = self.markers.pop(r.customer, None)
        if marker is None or marker.touchpoint is None:
            return
        where = marker.touchpoint
        self.at[where] -= 1
        if marker.hit and not marker.called:
            self._ghost(Ghost(r.customer, where, marker.mood, r.time, True))
            if r.time >= self._warmup:
                self.funnel.left_silent += 1
        settling = self._settling
        if r.ordered:  # a customer who bought: how they remember it shows a day later
            settling[r.customer] = (where, r.time)
        while settling:  # journeys whose memory never settles (no customer model) are let go after two days
            oldest = next(iter(settling))
            if settling[oldest][1] >= r.time - SETTLE_KEEP_MIN:
                break
            del settling[oldest]

    def _remembered(self, r: JourneyRemembered) -> None:
        self.csat_recent.append(r.csat)
        self.ltr_recent.append(r.ltr)
        mood = mood_of_csat(r.csat)
        ended = self._settling.pop(r.customer, None)
        if ended is not None and mood is Mood.DELIGHTED:
            self._ghost(Ghost(r.customer, ended[0], mood, r.time, False))
        if r.customer == self.followed:
            self.followed_story.append((r.time, self.words.line(r)))
        story = self._stories.pop(r.customer, None)
        if story is not None and r.affected:
            verdict = "will buy again" if r.returns else "will not be back"
            story.append((r.time, f"remembers it: CSAT {r.csat}/5, recommend {r.ltr}/10, {verdict}"))
            if self.key_story is None or (not r.contacted and len(story) >= len(self.key_story)):
                self.key_story = story
        seg = self.segment_label.get(r.segment, "customer")
        if r.review_stars == 1:
            self.ticker.append((r.time, f"a {seg} posted a 1-star review"))
        elif r.referrals >= 2:
            who = f"a delighted {seg}" if mood is Mood.DELIGHTED else f"a {seg}"
            self.ticker.append((r.time, f"{who} recommended you to {r.referrals} friends"))

    # --- rolling indicators ----------------------------------------------------------------------

    @property
    def csat_now(self) -> float | None:
        """Mean CSAT (1-5) of the last journeys surveyed."""
        return sum(self.csat_recent) / len(self.csat_recent) if self.csat_recent else None

    @property
    def nps_now(self) -> float | None:
        """NPS (-100..100) of the last journeys surveyed."""
        n = len(self.ltr_recent)
        if not n:
            return None
        return 100.0 * (sum(x >= 9 for x in self.ltr_recent) - sum(x <= 6 for x in self.ltr_recent)) / n

    @staticmethod
    def lines(story: Iterable[tuple[float, str]]) -> list[str]:
        """A story as the lines shown on screen."""
        return [f"{format_time(t)}  {text}" for t, text in story]

    def mood_counts(self) -> dict[Mood, int]:
        """How many customers the map shows in each mood, the fading ones who left included (the legend shows these)."""
        counts = Counter(m.mood for m in self.markers.values())
        counts.update(g.mood for g in self.ghosts)
        return {mood: counts.get(mood, 0) for mood in Mood}

    def segment_lines(self) -> list[str]:
        """Each segment with its description, for the map's legend ("runner: Committed runners ...")."""
        out = []
        for name, seg in self.scenario.segments.items():
            text = seg.description.strip()
            out.append(f"{self.segment_label[name]}: {text}" if text else self.segment_label[name])
        return out
