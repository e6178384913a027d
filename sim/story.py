"""A customer's moments in words: the one place a record becomes a sentence.

The game's play screen (the followed customer, hover stories), its debrief ("same customer,
other choice") and the classroom's joint debrief ("the same customer under each team's choices")
tell the same records; all read their sentences from here, so a customer reads the same way live,
in a trainee's debrief and in the room's.

Names a trainer wrote are shown as written: a segment's, touchpoint's, failure's, response's and
option's ``label`` (the key, with spaces for underscores, when empty). The sentences are plain
text: the painter draws them as text, never as markup.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sim.clock import day_of, format_time
from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
    ContactQueued,
    ContactServed,
    CustomerAffected,
    CustomerArrived,
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

ARRIVED = {"new": "arrived", "referral": "arrived on a friend's recommendation", "returning": "came back to buy again"}


def _key_words(key: str) -> str:
    return key.replace("_", " ")


def _labels(items: dict[str, Any]) -> dict[str, str]:
    return {name: (getattr(item, "label", "") or "").strip() or _key_words(name) for name, item in items.items()}


class StoryWords:
    """The sentence for each moment of a journey in one scenario, with the trainer's labels."""

    def __init__(self, scenario: Scenario) -> None:
        self.currency = scenario.currency
        self.segment = {name: _key_words(name) for name in scenario.segments}
        self.touchpoint = _labels(scenario.touchpoints)
        self.failure = _labels(scenario.failures)
        self.response = _labels(scenario.responses)
        self._say: dict[type, Callable[[Any], str]] = {
            CustomerArrived: self._arrived,
            TouchpointVisited: self._visited,
            ContactQueued: lambda r: f"queued on {self.tp(r.touchpoint)} (position {r.queue_length})",
            ContactBalked: lambda r: (
                f"found {self.tp(r.touchpoint)} closed" if r.reason == "closed"
                else f"gave up on {self.tp(r.touchpoint)} at once ({_key_words(r.reason)})"
            ),
            ServiceStarted: lambda r: f"an agent answered on {self.tp(r.touchpoint)} after {r.wait_min:.1f} min",
            ContactServed: lambda r: f"{'problem solved' if r.resolved else 'not solved'} on {self.tp(r.touchpoint)}",
            ContactAbandoned: lambda r: f"hung up after {r.wait_min:.0f} min on hold at {self.tp(r.touchpoint)}",
            CallbackAccepted: lambda r: f"accepted a call-back on {self.tp(r.touchpoint)}",
            OrderPlaced: self._ordered,
            OrderLost: lambda r: f"order of {r.value:.0f} {self.currency} lost to a failure ({self.fail(r.failure)})",
            CustomerAffected: lambda r: f"ran into a failure at {self.tp(r.touchpoint)}: {self.fail(r.failure)}",
            RecoveryDelivered: self._recovered,
            NoticeSent: lambda r: f"received a {r.notice} notice",
            TouchDelivered: lambda r: f"at {self.tp(r.touchpoint)}: {self.resp(r.response)}",
            ReviewPosted: self._reviewed,
            JourneyEnded: lambda r: "journey over" + (" with an order" if r.ordered else " without an order"),
            JourneyRemembered: lambda r: f"remembers it: CSAT {r.csat}/5, would recommend {r.ltr}/10",
        }

    def tp(self, name: str) -> str:
        """A touchpoint as the trainee reads it."""
        return self.touchpoint.get(name, _key_words(name))

    def fail(self, name: str) -> str:
        """A failure as the trainee reads it."""
        return self.failure.get(name, _key_words(name))

    def resp(self, name: str) -> str:
        """A response as the trainee reads it."""
        return self.response.get(name, _key_words(name))

    def line(self, record: Record) -> str:
        """What this moment says about its customer; "" for a record that tells no customer's story."""
        say = self._say.get(type(record))
        return say(record) if say is not None else ""

    def _arrived(self, r: CustomerArrived) -> str:
        return f"{self.segment.get(r.segment, _key_words(r.segment))} {ARRIVED.get(r.source, 'arrived')}"

    def _visited(self, r: TouchpointVisited) -> str:
        if r.outcome == "incident":  # a failure is told by its CustomerAffected record
            return ""
        return f"{'used' if r.outcome == 'ok' else 'gave up on'} {self.tp(r.touchpoint)} ({r.duration_min:.0f} min)"

    def _ordered(self, r: OrderPlaced) -> str:
        if r.recovered_from is not None:
            lost = self.fail(r.recovered_from)
            return f"the agent completed the order ({r.value:.0f} {self.currency}) a failure had lost ({lost})"
        return f"ordered for {r.value:.0f} {self.currency}"

    def _recovered(self, r: RecoveryDelivered) -> str:
        how = "was reached first" if r.proactive else "got a response on contact"
        what = "; ".join(self.resp(x) for x in r.responses) or "a response"
        paid = f" ({r.compensation:,.0f} {self.currency} off)" if r.compensation else ""
        return f"{how}: {what}{paid}"

    def _reviewed(self, r: ReviewPosted) -> str:
        stars = f"{r.stars} star" + ("s" if r.stars != 1 else "")
        return f"posted a {stars} review" + ("; the brand answered it" if r.answered else "")


def journey_lines(words: StoryWords, records: Sequence[Record], came_back: float | None) -> list[str]:
    """One customer's journey, a line per moment (``day 1 (mon) 10:05  ran into ...``), ending with the survey
    and whether they bought again (``came_back``: when their next journey began, if it did)."""
    out = []
    remembered = False
    for r in records:
        text = words.line(r)
        if text:
            out.append(f"{format_time(r.time)}  {text}")
        if isinstance(r, JourneyRemembered):
            remembered = True
            chance = f"chance of buying again {100 * r.repeat_probability:.0f} %"
            if came_back is not None:
                out.append(f"{chance}: came back to buy again on day {day_of(came_back)}")
            elif r.returns:
                out.append(f"{chance}: means to come back (after the run ends)")
            else:
                out.append(f"{chance}: did not come back")
    if records and not remembered:
        out.append("still on this journey when the run ended (no survey yet)")
    return out
