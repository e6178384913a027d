"""Where a customer goes next: the journey map turned into fast lookup tables.

Each (touchpoint, segment) pair gets cumulative probability tables for success and failure,
built once. A move costs one uniform draw from the touchpoint's own ``route.<name>`` stream
and a bisect, so adding a touchpoint never shifts another touchpoint's routing draws.
"""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate

from sim.rng import RandomStreams
from sim.scenario.distributions import Sampler, uniform_sampler
from sim.scenario.schema import CONTACT, END, Scenario

Table = tuple[list[float], list[str]]


def _table(targets: dict[str, float]) -> Table:
    names = [n for n, p in targets.items() if p > 0]
    cum = list(accumulate(targets[n] for n in names))
    total = cum[-1] if cum else 1.0
    return [c / total for c in cum], names


def pick(table: Table, u: float) -> str:
    """The target whose cumulative-probability band contains ``u`` in [0, 1)."""
    cum, names = table
    if not names:
        return END
    i = bisect_right(cum, u)
    return names[i] if i < len(names) else names[-1]  # NOTE: not min(i, len - 1): a builtin call fewer


def choose(table: Table, draw: Sampler) -> str:
    """Pick a target; a table with one target (or none: 'end') needs no random draw."""
    cum, names = table
    if len(names) <= 1:
        return names[0] if names else END
    i = bisect_right(cum, draw())  # NOTE: ``pick`` written out: one call fewer per choice
    return names[i] if i < len(names) else names[-1]


class Router:
    """Entry, next-step and contact-channel choices for every segment."""

    def __init__(self, scenario: Scenario, streams: RandomStreams) -> None:
        journey = scenario.journey
        self._entry = _table(journey.entry)
        self._entry_draw = uniform_sampler(streams["route.entry"])
        self._repeat_entry = _table(journey.repeat_entry) if journey.repeat_entry is not None else self._entry
        self._repeat_draw = uniform_sampler(streams["route.repeat_entry"])
        staffed = scenario.staffed()
        service = [n for n, spec in staffed.items() if spec.stage == "service"] or list(staffed)
        contacts = {CONTACT, *service}  # contacting the brand (a till at the purchase stage is a step, not a contact)
        self._routes: dict[tuple[str, str], tuple[Table, Table, Table, Sampler]] = {}
        for src, route in journey.routes.items():
            draw = uniform_sampler(streams[f"route.{src}"])
            for seg in scenario.segments:
                override = route.segments.get(seg)
                nxt = override.next if override and override.next is not None else route.next
                bad = override.on_failure if override and override.on_failure is not None else route.on_failure
                silent = {t: p for t, p in bad.items() if t not in contacts}
                self._routes[(src, seg)] = (_table(nxt), _table(bad), _table(silent), draw)
        self._contact: dict[str, Table] = {}
        self._contact_draw: dict[str, Sampler] = {}
        for seg_name, segment in scenario.segments.items():
            prefs = segment.channel_preferences or dict.fromkeys(service, 1.0)
            self._contact[seg_name] = _table(prefs)
            self._contact_draw[seg_name] = uniform_sampler(streams[f"contact.{seg_name}"])

    def entry(self) -> str:
        """First touchpoint (or 'contact') of a new customer."""
        return choose(self._entry, self._entry_draw)

    def repeat_entry(self) -> str:
        """First touchpoint (or 'contact') of a returning customer."""
        return choose(self._repeat_entry, self._repeat_draw)

    def after(self, touchpoint: str, segment: str, ok: bool) -> str:
        """Next target after a visit; 'end' if the touchpoint has no route."""
        tables = self._routes.get((touchpoint, segment))
        if tables is None:
            return END
        cum, names = tables[0] if ok else tables[1]
        # NOTE: ``choose`` and ``pick`` written out: two Python calls fewer on every step of every journey.
        if len(names) > 1:
            i = bisect_right(cum, tables[3]())
            return names[i] if i < len(names) else names[-1]
        return names[0] if names else END

    def after_incident(self, touchpoint: str, segment: str) -> str:
        """Next target after a step that failed because of an incident: ``on_failure`` without its contact targets.

        Whether such a customer contacts the brand is the complaint model's decision (they have
        already contacted, or chosen not to), so 'contact' and staffed touchpoints are left out and
        the other targets keep their relative weights; nothing left means 'end'. A staffed
        touchpoint outside the service stage (a store's tills) is a step of the journey and stays.
        """
        tables = self._routes.get((touchpoint, segment))
        if tables is None:
            return END
        return choose(tables[2], tables[3])

    def contact(self, segment: str) -> str:
        """The staffed touchpoint a customer of ``segment`` contacts: by the segment's preferences, else any service touchpoint."""
        return choose(self._contact[segment], self._contact_draw[segment])


__all__ = ["CONTACT", "END", "Router", "choose", "pick"]
