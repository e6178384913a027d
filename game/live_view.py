"""What the play screen shows, built from the engine's record stream (no pygame here).

The view subscribes to the run like any observer: it never changes the model, it only keeps
what a trainee can see right now: who is at which touchpoint and how they feel, a ticker of
notable moments, the story of a followed customer, and a few rolling indicators. Its memory
is bounded: markers leave with their journey, the ticker and stories are capped.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import IntEnum

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

TICKER_LINES = 6
STORY_LINES = 14
ROLLING = 200  # journeys in the rolling CSAT / NPS
LONG_WAIT_MIN = 5.0


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
    story: deque[tuple[float, str]] = field(default_factory=lambda: deque(maxlen=STORY_LINES))


def mood_of_csat(csat: int) -> Mood:
    """The mood a survey answer (1-5) stands for."""
    return (Mood.ANGRY, Mood.ANNOYED, Mood.NEUTRAL, Mood.CONTENT, Mood.DELIGHTED)[max(1, min(5, csat)) - 1]


class LiveView:
    """Observer that keeps the visible state of a run for the play screen."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.segment_label = {name: name.replace("_", " ") for name in scenario.segments}
        self.markers: dict[int, Marker] = {}
        self.ticker: deque[tuple[float, str]] = deque(maxlen=TICKER_LINES)
        self.followed: int | None = None
        self.followed_story: deque[tuple[float, str]] = deque(maxlen=STORY_LINES)
        self.followed_done = False
        self.csat_recent: deque[int] = deque(maxlen=ROLLING)
        self.ltr_recent: deque[int] = deque(maxlen=ROLLING)
        self.key_story: list[tuple[float, str]] | None = None
        self._stories: dict[int, list[tuple[float, str]]] = {}
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
            marker.previous, marker.touchpoint, marker.moved_at = marker.touchpoint, touchpoint, r.time
        return marker

    def _mood(self, customer: int, mood: Mood, *, worse_only: bool = False) -> None:
        marker = self.markers.get(customer)
        if marker is not None and (not worse_only or mood > marker.mood):
            marker.mood = mood

    # --- record handlers -------------------------------------------------------------------------

    def _arrived(self, r: CustomerArrived) -> None:
        self.markers[r.customer] = Marker(r.customer, r.segment, None, None, r.time)
        label = {"new": "arrived", "referral": "arrived on a friend's recommendation", "returning": "came back to buy again"}
        self._note(r.customer, r.time, f"{self.segment_label.get(r.segment, r.segment)} {label[r.source]}")

    def _visited(self, r: TouchpointVisited) -> None:
        self._move(r, r.customer, r.touchpoint)
        if r.outcome != "incident":  # a failure is told by its CustomerAffected record
            what = "used" if r.outcome == "ok" else "gave up on"
            self._note(r.customer, r.time, f"{what} {r.touchpoint} ({r.duration_min:.0f} min)")
        if r.outcome == "failed":
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)

    def _queued(self, r: ContactQueued) -> None:
        marker = self._move(r, r.customer, r.touchpoint)
        if marker is not None:
            marker.queued = True
        self._note(r.customer, r.time, f"queued on {r.touchpoint} (position {r.queue_length})")

    def _balked(self, r: ContactBalked) -> None:
        self._move(r, r.customer, r.touchpoint)
        self._mood(r.customer, Mood.ANGRY)
        self._note(r.customer, r.time, f"gave up on {r.touchpoint} at once ({r.reason.replace('_', ' ')})")

    def _started(self, r: ServiceStarted) -> None:
        marker = self._move(r, r.customer, r.touchpoint)
        if marker is not None:
            marker.queued = False
        if r.wait_min >= LONG_WAIT_MIN:
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)
        self._note(r.customer, r.time, f"an agent answered on {r.touchpoint} after {r.wait_min:.1f} min")

    def _served(self, r: ContactServed) -> None:
        if r.resolved:
            self._mood(r.customer, Mood.CONTENT)
        else:
            self._mood(r.customer, Mood.ANNOYED, worse_only=True)
        self._note(r.customer, r.time, f"{'problem solved' if r.resolved else 'not solved'} on {r.touchpoint}")

    def _abandoned(self, r: ContactAbandoned) -> None:
        marker = self.markers.get(r.customer)
        if marker is not None:
            marker.queued = False
        self._mood(r.customer, Mood.ANGRY)
        self._note(r.customer, r.time, f"hung up after {r.wait_min:.0f} min on hold at {r.touchpoint}")
        if r.wait_min >= LONG_WAIT_MIN:
            seg = self.segment_label.get(marker.segment if marker else "", "a customer")
            self.ticker.append((r.time, f"a {seg} abandoned {r.touchpoint} after {r.wait_min:.0f} minutes on hold"))

    def _callback(self, r: CallbackAccepted) -> None:
        self._note(r.customer, r.time, f"accepted a call-back on {r.touchpoint}")

    def _ordered(self, r: OrderPlaced) -> None:
        self._mood(r.customer, Mood.CONTENT, worse_only=False)
        if r.recovered_from is not None:
            lost = r.recovered_from.replace("_", " ")
            self._note(r.customer, r.time, f"the agent completed the order ({r.value:.0f} {self.scenario.currency}) {lost} had lost")
        else:
            self._note(r.customer, r.time, f"ordered for {r.value:.0f} {self.scenario.currency}")

    def _lost(self, r: OrderLost) -> None:
        self._note(r.customer, r.time, f"order of {r.value:.0f} {self.scenario.currency} lost to {r.failure.replace('_', ' ')}")

    def _affected(self, r: CustomerAffected) -> None:
        self._mood(r.customer, Mood.ANGRY if r.severity >= 0.6 else Mood.ANNOYED)
        self._note(r.customer, r.time, f"ran into {r.failure.replace('_', ' ')} at {r.touchpoint}")
        if len(self._stories) < 40 and r.customer not in self._stories:
            marker = self.markers.get(r.customer)
            self._stories[r.customer] = list(marker.story) if marker else []

    def _failure_started(self, r: FailureStarted) -> None:
        self.ticker.append((r.time, f"{r.failure.replace('_', ' ')}: {r.touchpoint} is failing ({r.effect.replace('_', ' ')})"))

    def _failure_ended(self, r: FailureEnded) -> None:
        self.ticker.append(
            (r.time, f"{r.touchpoint} works again after {r.duration_min:.0f} min; {r.affected} customers were affected")
        )

    def _recovered(self, r: RecoveryDelivered) -> None:
        if r.quality >= 0.5:
            self._mood(r.customer, Mood.CONTENT)
        how = "was reached first" if r.proactive else "got a response on contact"
        self._note(r.customer, r.time, f"{how}: {', '.join(x.replace('_', ' ') for x in r.responses)}")

    def _touched(self, r: TouchDelivered) -> None:
        spec = self.scenario.responses.get(r.response)
        what = spec.label if spec is not None and spec.label else r.response.replace("_", " ")
        self._mood(r.customer, Mood.DELIGHTED if r.affect >= 0.15 else Mood.CONTENT)
        self._note(r.customer, r.time, f"at {r.touchpoint}: {what}")

    def _reviewed(self, r: ReviewPosted) -> None:
        stars = f"{r.stars} star" + ("s" if r.stars != 1 else "")
        self._note(r.customer, r.time, f"posted a {stars} review" + ("; the brand answered it" if r.answered else ""))

    def _notice(self, r: NoticeSent) -> None:
        self._note(r.customer, r.time, f"received a {r.notice} notice")

    def _decided(self, r: DecisionMade) -> None:
        self.ticker.append((r.time, f"decision '{r.decision.replace('_', ' ')}': {r.option.replace('_', ' ')}"))

    def _ended(self, r: JourneyEnded) -> None:
        self._note(r.customer, r.time, "journey over" + (" with an order" if r.ordered else " without an order"))
        if r.customer == self.followed:
            self.followed_done = True
        self.markers.pop(r.customer, None)

    def _remembered(self, r: JourneyRemembered) -> None:
        self.csat_recent.append(r.csat)
        self.ltr_recent.append(r.ltr)
        if r.customer == self.followed:
            self.followed_story.append((r.time, f"remembers it: CSAT {r.csat}/5, would recommend {r.ltr}/10"))
        story = self._stories.pop(r.customer, None)
        if story is not None and r.affected:
            verdict = "will buy again" if r.returns else "will not be back"
            story.append((r.time, f"remembers it: CSAT {r.csat}/5, recommend {r.ltr}/10, {verdict}"))
            if self.key_story is None or (not r.contacted and len(story) >= len(self.key_story)):
                self.key_story = story
        if r.review_stars == 1:
            seg = self.segment_label.get(r.segment, "customer")
            self.ticker.append((r.time, f"a {seg} posted a 1-star review"))
        elif r.referrals >= 2:
            seg = self.segment_label.get(r.segment, "customer")
            self.ticker.append((r.time, f"a delighted {seg} recommended you to {r.referrals} friends"))

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
        """How many visible customers are in each mood (the legend shows these)."""
        counts = Counter(m.mood for m in self.markers.values())
        return {mood: counts.get(mood, 0) for mood in Mood}
