"""Where each touchpoint sits on the journey map, and which arrows join them (no pygame here).

Journey steps go in columns by stage, left to right in the order a customer meets them
(awareness, consideration, purchase, delivery, post-purchase), a staffed step of the journey
(a store's tills) in its stage's column too; touchpoints of the service stage go on a row along
the bottom, because any step can send a customer there. Positions are fractions of their band
(the journey band above, the service row below), so the renderer can size the bands to the
window and the text size.

The arrows are the scenario's routes, read the way the engine reads them (``sim.engine.routing``):
``entry`` and ``repeat_entry`` from the map's left edge, every route's ``next`` and ``on_failure``
targets, per-segment overrides included, and ``contact`` spread over the service channels each
segment prefers. An arrow exists only where a route sends customers; its probability is kept per
segment, so a label can say "45 %" or, where segments differ, "20-60 %".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sim.scenario.schema import CONTACT, END, STAGE_ORDER, Scenario, Staffed

STAGE_TITLES = {
    "awareness": "Awareness",
    "consideration": "Consideration",
    "purchase": "Purchase",
    "delivery": "Delivery",
    "post_purchase": "After purchase",
    "service": "Service",
}
NEW = "(new customers)"  # the left edge, where new customers come in
RETURNING = "(returning customers)"  # the left edge again, for repeat_entry


@dataclass(frozen=True, slots=True)
class Spot:
    """A touchpoint's place: centre (x, y) as fractions of its band, its column's stage, and its row."""

    name: str
    label: str  # the touchpoint's display name (its ``label``, else its key)
    x: float
    y: float
    stage: str
    staffed: bool
    service: bool  # on the service row (else in a journey column)


@dataclass(frozen=True, slots=True)
class Edge:
    """An arrow of the journey map: customers go from ``source`` to ``target``.

    ``next`` and ``failure`` are the (lowest, highest) probability over the segments of going
    there after a step that worked, or one that failed; None when no route of that kind goes there.
    ``source`` is a touchpoint, ``NEW`` or ``RETURNING``.
    """

    source: str
    target: str
    next: tuple[float, float] | None
    failure: tuple[float, float] | None

    @property
    def loop(self) -> bool:
        return self.source == self.target


def touchpoint_label(scenario: Scenario, name: str) -> str:
    """A touchpoint's display name: its ``label`` (docs/scenario-format.md), else its key with spaces."""
    spec = scenario.touchpoints.get(name)
    label = spec.label.strip() if spec is not None else ""
    return label or name.replace("_", " ")


def service_channels(scenario: Scenario) -> list[str]:
    """The staffed touchpoints a 'contact' reaches: those of the service stage, else every staffed one (as the router)."""
    staffed = scenario.staffed()
    return [n for n, spec in staffed.items() if spec.stage == "service"] or list(staffed)


def _on_service_row(scenario: Scenario, name: str) -> bool:
    tp = scenario.touchpoints[name]
    return tp.stage == "service" or (isinstance(tp, Staffed) and name in service_channels(scenario))


def journey_layout(scenario: Scenario) -> dict[str, Spot]:
    """Place every touchpoint of the scenario: journey columns by stage, the service row at the bottom."""
    columns: dict[str, list[str]] = {}
    service: list[str] = []
    for name, tp in scenario.touchpoints.items():
        if _on_service_row(scenario, name):
            service.append(name)
        else:
            columns.setdefault(tp.stage, []).append(name)
    stages = [s for s in STAGE_ORDER if s in columns]
    spots: dict[str, Spot] = {}
    for i, stage in enumerate(stages):
        names = columns[stage]
        for j, name in enumerate(names):
            staffed = isinstance(scenario.touchpoints[name], Staffed)
            label = touchpoint_label(scenario, name)
            spots[name] = Spot(name, label, (i + 0.5) / len(stages), (j + 0.5) / len(names), stage, staffed, False)
    for k, name in enumerate(service):
        staffed = isinstance(scenario.touchpoints[name], Staffed)
        spots[name] = Spot(name, touchpoint_label(scenario, name), (k + 0.5) / len(service), 0.5, "service", staffed, True)
    return spots


def stage_columns(scenario: Scenario) -> list[tuple[str, float]]:
    """The stage titles with the x (fraction) of their column, for headings."""
    seen: dict[str, float] = {}
    for spot in journey_layout(scenario).values():
        if not spot.service:
            seen.setdefault(spot.stage, spot.x)
    return [(STAGE_TITLES[s], x) for s, x in sorted(seen.items(), key=lambda kv: kv[1])]


def _spread(targets: Mapping[str, float], prefs: Mapping[str, float]) -> dict[str, float]:
    """Targets with 'contact' replaced by the service channels, in the segment's preferred shares; 'end' dropped."""
    out: dict[str, float] = {}
    total = sum(prefs.values())
    for target, p in targets.items():
        if p <= 0 or target == END:
            continue
        if target == CONTACT:
            for channel, weight in prefs.items():
                if weight > 0 and total > 0:
                    out[channel] = out.get(channel, 0.0) + p * weight / total
        else:
            out[target] = out.get(target, 0.0) + p
    return out


def journey_edges(scenario: Scenario) -> list[Edge]:
    """Every arrow the routes draw, in a stable order: entries first, then by route, next before failure."""
    journey = scenario.journey
    segments = list(scenario.segments)
    service = service_channels(scenario)
    prefs = {s: (seg.channel_preferences or dict.fromkeys(service, 1.0)) for s, seg in scenario.segments.items()}
    flows: dict[tuple[str, str], dict[str, dict[str, float]]] = {}  # (source, target) -> kind -> segment -> p

    def add(source: str, kind: str, segment: str, targets: Mapping[str, float]) -> None:
        for target, p in _spread(targets, prefs[segment]).items():
            if target in scenario.touchpoints:
                flows.setdefault((source, target), {}).setdefault(kind, {})[segment] = p

    for seg in segments:
        add(NEW, "next", seg, journey.entry)
        if journey.repeat_entry is not None:
            add(RETURNING, "next", seg, journey.repeat_entry)
    for source, route in journey.routes.items():
        for seg in segments:
            override = route.segments.get(seg)
            nxt = override.next if override is not None and override.next is not None else route.next
            bad = override.on_failure if override is not None and override.on_failure is not None else route.on_failure
            add(source, "next", seg, nxt)
            add(source, "failure", seg, bad)

    def band(by_segment: dict[str, float] | None) -> tuple[float, float] | None:
        if not by_segment:
            return None
        values = [by_segment.get(s, 0.0) for s in segments]
        return (min(values), max(values))

    return [Edge(src, tgt, band(kinds.get("next")), band(kinds.get("failure"))) for (src, tgt), kinds in flows.items()]


def percent(share: tuple[float, float]) -> str:
    """A probability band in words: "45 %", or "20-60 %" where segments differ (never "0 %" for a real route)."""

    def one(p: float) -> int:
        return 0 if p <= 0 else max(1, round(100 * p))

    lo, hi = one(share[0]), one(share[1])
    return f"{hi} %" if lo == hi else f"{lo}-{hi} %"


def edge_label(edge: Edge) -> str:
    """What an arrow's label says: its chance after a step that worked, and after one that failed."""
    parts = []
    if edge.next is not None:
        parts.append(percent(edge.next))
    if edge.failure is not None:
        parts.append(f"{percent(edge.failure)} if it fails")
    return ", ".join(parts)
