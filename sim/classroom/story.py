"""One customer's first journey in words, for the joint debrief: "the same runner under each team's choices".

Why here and not the game's ``game/story.py``: the classroom never imports the game (the host has
no pygame), and the game's sentences lean on its layout helpers. The debrief needs fewer moments
than the play screen: how the customer met the failure, what the brand did about it, what they did
about it, and what they remember. Each line starts with the sim clock, so two teams' stories of
the same customer can be read side by side and the first line that differs is where a decision
changed that person's week.

Names a trainer wrote (touchpoint, failure and response labels) are shown as written; the lines
are plain text and are escaped by whoever puts them in HTML.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sim.clock import day_of, format_time
from sim.records import (
    CallbackAccepted,
    ContactAbandoned,
    ContactBalked,
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
)
from sim.scenario.schema import Scenario


def _label(items: dict[str, Any], name: str) -> str:
    """A scenario item's ``label`` as the trainer wrote it, else its key with spaces."""
    item = items.get(name)
    label = (getattr(item, "label", "") or "").strip() if item is not None else ""
    return label or name.replace("_", " ")


class CustomerRecords:
    """An observer that keeps every record of one customer (their first journey, and when they came back)."""

    def __init__(self, customer: int) -> None:
        self.customer = customer
        self.records: list[Record] = []
        self.came_back: float | None = None

    def __call__(self, record: Record) -> None:
        if getattr(record, "customer", None) != self.customer:
            return
        if isinstance(record, CustomerArrived) and record.journey > 1:
            if self.came_back is None:
                self.came_back = record.time
            return
        if self.came_back is None:
            self.records.append(record)


class StoryLines:
    """The sentence for each moment of a customer's journey that the debrief tells, with the trainer's labels."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.currency = scenario.currency
        self._say: dict[type, Callable[[Any], str]] = {
            CustomerArrived: lambda r: f"{r.segment.replace('_', ' ')} arrived",
            CustomerAffected: lambda r: f"ran into a failure at {self.tp(r.touchpoint)}: {self.fail(r.failure)}",
            OrderLost: lambda r: f"order of {r.value:.0f} {self.currency} lost to the failure",
            NoticeSent: lambda r: f"received a {r.notice} notice",
            RecoveryDelivered: self._recovered,
            TouchDelivered: lambda r: f"at {self.tp(r.touchpoint)}: {_label(self.scenario.responses, r.response)}",
            ContactBalked: lambda r: f"could not get through to {self.tp(r.touchpoint)}",
            ServiceStarted: lambda r: f"an agent answered on {self.tp(r.touchpoint)} after {r.wait_min:.1f} min",
            ContactServed: lambda r: f"{'problem solved' if r.resolved else 'not solved'} on {self.tp(r.touchpoint)}",
            ContactAbandoned: lambda r: f"hung up after {r.wait_min:.0f} min on hold at {self.tp(r.touchpoint)}",
            CallbackAccepted: lambda r: f"accepted a call-back on {self.tp(r.touchpoint)}",
            OrderPlaced: self._ordered,
            ReviewPosted: lambda r: f"posted a {r.stars} star review" + ("; the brand answered it" if r.answered else ""),
            JourneyEnded: lambda r: "journey over" + (" with an order" if r.ordered else " without an order"),
            JourneyRemembered: lambda r: f"remembers it: CSAT {r.csat}/5, would recommend {r.ltr}/10",
        }

    def tp(self, name: str) -> str:
        return _label(self.scenario.touchpoints, name)

    def fail(self, name: str) -> str:
        return _label(self.scenario.failures, name)

    def _recovered(self, r: RecoveryDelivered) -> str:
        how = "was reached first" if r.proactive else "got a response on contact"
        what = "; ".join(_label(self.scenario.responses, x) for x in r.responses) or "a response"
        paid = f" ({r.compensation:,.0f} {self.currency} off)" if r.compensation else ""
        return f"{how}: {what}{paid}"

    def _ordered(self, r: OrderPlaced) -> str:
        if r.recovered_from is not None:
            return f"the agent completed the order ({r.value:.0f} {self.currency}) the failure had lost"
        return f"ordered for {r.value:.0f} {self.currency}"

    def lines(self, records: Sequence[Record], came_back: float | None) -> list[str]:
        """One line per moment (``day 1 (mon) 10:05  ran into ...``), ending with whether they bought again."""
        out = []
        remembered = False
        for r in records:
            say = self._say.get(type(r))
            if say is None:
                continue
            out.append(f"{format_time(r.time)}  {say(r)}")
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
