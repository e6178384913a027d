"""Where each touchpoint sits on the journey map, as fractions of the map area (no pygame here).

Self-service touchpoints go in columns by journey stage, left to right in the order a customer
meets them (awareness, consideration, purchase, delivery, post-purchase); staffed service
channels go on a row along the bottom, because any stage can send a customer there.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.scenario.schema import STAGE_ORDER, Scenario, Staffed

STAGE_TITLES = {
    "awareness": "Awareness",
    "consideration": "Consideration",
    "purchase": "Purchase",
    "delivery": "Delivery",
    "post_purchase": "After purchase",
    "service": "Service",
}
SERVICE_ROW_Y = 0.82


@dataclass(frozen=True, slots=True)
class Spot:
    """A touchpoint's place on the map: centre (x, y) as fractions, and its column's stage."""

    name: str
    x: float
    y: float
    stage: str
    staffed: bool


def journey_layout(scenario: Scenario) -> dict[str, Spot]:
    """Place every touchpoint of the scenario on a unit square."""
    columns: dict[str, list[str]] = {}
    service: list[str] = []
    for name, tp in scenario.touchpoints.items():
        if isinstance(tp, Staffed) or tp.stage == "service":
            service.append(name)
        else:
            columns.setdefault(tp.stage, []).append(name)
    stages = [s for s in STAGE_ORDER if s in columns]
    spots: dict[str, Spot] = {}
    for i, stage in enumerate(stages):
        x = (i + 0.5) / len(stages)
        names = columns[stage]
        for j, name in enumerate(names):
            y = 0.12 + (j + 0.5) * (0.58 / len(names))
            spots[name] = Spot(name, x, y, stage, False)
    for k, name in enumerate(service):
        x = (k + 0.5) / len(service)
        spots[name] = Spot(name, x, SERVICE_ROW_Y, "service", isinstance(scenario.touchpoints[name], Staffed))
    return spots


def stage_columns(scenario: Scenario) -> list[tuple[str, float]]:
    """The stage titles with the x (fraction) of their column, for headings."""
    spots = journey_layout(scenario)
    seen: dict[str, float] = {}
    for spot in spots.values():
        if spot.stage != "service":
            seen.setdefault(spot.stage, spot.x)
    return [(STAGE_TITLES[s], x) for s, x in sorted(seen.items(), key=lambda kv: kv[1])]
