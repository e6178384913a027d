"""The journey map: touchpoints by stage, agents and queues at the service channels, failing
touchpoints marked, and every visible customer as a mood marker.

``JourneyMap`` holds the layout of one scenario on the map's rectangle (set by the play screen
on every build); it draws a ``Snapshot`` of the run and the ``LiveView``'s markers, and finds
the customer under the mouse. Drawing changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping

import pygame

from game import ui
from game.layout import Spot, journey_layout, stage_columns
from game.live_view import MOOD_NAMES, LiveView, Marker, Mood
from game.ui import Painter
from sim.engine.snapshot import Snapshot, TouchpointState
from sim.scenario.schema import Scenario


class JourneyMap:
    """Where each touchpoint of a scenario sits on the map, and how the map is drawn."""

    def __init__(self, scenario: Scenario) -> None:
        self.spots = journey_layout(scenario)
        self.columns = stage_columns(scenario)
        self.rect = pygame.Rect(0, 0, 1, 1)
        order = [s for s in self.spots.values() if not s.staffed and s.stage != "service"]
        gap = 1 / max(1, len(self.columns))
        # links between consecutive stages
        self.links = [(a, b) for a in order for b in order if b.x > a.x and abs(b.x - a.x - gap) < 1e-6]

    def spot_xy(self, spot: Spot) -> tuple[int, int]:
        r = self.rect
        return (round(r.left + spot.x * r.width), round(r.top + spot.y * r.height))

    # --- customers -------------------------------------------------------------------------------

    def positions(self, p: Painter, markers: Mapping[int, Marker], now: float, travel: float) -> list[tuple[int, int, int]]:
        """(customer, x, y) of every visible customer at sim time ``now``.

        A customer sits just right of the last touchpoint they finished (moving on, the way the
        journey flows), in a line left of a staffed channel while queued, or at the left edge
        while on their first step; a move glides over ``travel`` sim minutes (half a real
        second). Offsets come from the customer's id, so a marker stays put from frame to
        frame. Kept lean: 2,000 a frame.
        """
        scale = p.scale
        step = p.px(12) + 1
        travel = max(1e-6, travel)
        r = self.rect
        entry_x, entry_y = r.left + p.px(18), r.top + int(0.41 * r.height)
        ring = p.px(68)
        queue_dx, queue_dy = p.px(68), p.px(10)
        where = {name: self.spot_xy(spot) for name, spot in self.spots.items()}
        queue_slot: dict[str, int] = {}
        out = []
        for cid, m in markers.items():
            tp = m.touchpoint
            if tp is None:
                out.append((cid, entry_x, int(entry_y + (cid * 7919 % 61 - 30) * scale)))
                continue
            spot = where.get(tp)
            if spot is None:
                continue
            sx, sy = spot
            if m.queued:
                k = queue_slot.get(tp, 0)
                queue_slot[tp] = k + 1
                tx, ty = sx - queue_dx - (k % 12) * step, sy - queue_dy + (k // 12) * step
            else:
                tx = sx + ring + (cid * 40503 % 29) * scale
                ty = sy + ((cid * 2654435761 % 57) - 28) * scale
            if m.previous is not None:
                frac = (now - m.moved_at) / travel
                if frac < 1.0 and m.previous in where:
                    fx, fy = where[m.previous]
                    tx, ty = fx + (tx - fx) * frac, fy + (ty - fy) * frac
            out.append((cid, int(tx), int(ty)))
        return out

    def marker_at(
        self, p: Painter, pos: tuple[int, int], markers: Mapping[int, Marker], now: float, travel: float
    ) -> int | None:
        """The customer whose marker is nearest ``pos``, within 10 base pixels (None: empty space)."""
        best, best_d = None, (p.px(10)) ** 2
        for cid, x, y in self.positions(p, markers, now, travel):
            d = (x - pos[0]) ** 2 + (y - pos[1]) ** 2
            if d <= best_d:
                best, best_d = cid, d
        return best

    # --- drawing ---------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, p: Painter, snap: Snapshot, view: LiveView, travel: float) -> None:
        r = self.rect
        ui.panel(surface, r, ui.PANEL)
        for title, x in self.columns:
            p.text(surface, title.upper(), (r.left + round(x * r.width), r.top + p.px(8)), 12, ui.MUTED, anchor="midtop")
        sep_y = r.top + round(0.70 * r.height)
        pygame.draw.line(surface, ui.PANEL_EDGE, (r.left + p.px(10), sep_y), (r.right - p.px(10), sep_y))
        p.text(surface, "SERVICE CHANNELS", (r.left + p.px(12), sep_y + p.px(4)), 12, ui.MUTED)
        for a, b in self.links:
            pygame.draw.line(surface, ui.PANEL_EDGE, self.spot_xy(a), self.spot_xy(b), 2)
        box_w, box_h = p.px(120), p.px(54)
        touchpoints = snap.touchpoints
        for spot in self.spots.values():
            cx, cy = self.spot_xy(spot)
            box = pygame.Rect(0, 0, box_w, box_h)
            box.center = (cx, cy)
            state = touchpoints.get(spot.name)
            incident = state.incident if state is not None else None
            pygame.draw.rect(surface, (44, 52, 70), box, border_radius=8)
            edge, width = (ui.VERMILION, 4) if incident else (ui.SKY if spot.staffed else ui.PANEL_EDGE, 2)
            pygame.draw.rect(surface, edge, box, width, border_radius=8)
            p.text(surface, spot.name.replace("_", " "), (cx, box.top + p.px(4)), 14, bold=True, anchor="midtop")
            if incident is not None:
                draw_warning(surface, p, (box.right - p.px(12), box.top - p.px(2)))
                p.text(surface, f"FAILING: {incident.effect.replace('_', ' ')}", (cx, box.bottom + p.px(2)), 12, ui.VERMILION,
                       anchor="midtop")  # fmt: skip
            if state is not None and state.staffed:
                draw_agents(surface, p, box, state)
        self.draw_markers(surface, p, view, snap.now, travel)
        self.draw_legend(surface, p, view)

    def draw_markers(self, surface: pygame.Surface, p: Painter, view: LiveView, now: float, travel: float) -> None:
        size = p.px(12)
        half = size // 2
        sprites = {mood: p.mood_sprite(mood, size) for mood in Mood}
        markers = view.markers
        followed = view.followed
        positions = self.positions(p, markers, now, travel)
        surface.fblits([(sprites[markers[cid].mood], (x - half, y - half)) for cid, x, y in positions])
        if followed is not None and followed in markers:
            for cid, x, y in positions:
                if cid == followed:
                    pygame.draw.circle(surface, ui.FOCUS, (x, y), size, 2)
                    break

    def draw_legend(self, surface: pygame.Surface, p: Painter, view: LiveView) -> None:
        counts = view.mood_counts()
        x = self.rect.left + p.px(12)
        y = self.rect.bottom - p.px(22)
        for mood in Mood:
            surface.blit(p.mood_sprite(mood, p.px(14)), (x, y))
            r = p.text(surface, f"{MOOD_NAMES[mood]} {counts[mood]}", (x + p.px(18), y + p.px(7)), 12, ui.MUTED, anchor="midleft")
            x = r.right + p.px(14)
        p.text(surface, "click a customer (or C) to follow", (self.rect.right - p.px(12), y + p.px(7)), 12, ui.MUTED,
               anchor="midright")  # fmt: skip


def draw_warning(surface: pygame.Surface, p: Painter, at: tuple[int, int]) -> None:
    """The warning sign on a failing touchpoint."""
    s = p.px(22)
    pts = [(at[0], at[1] - s // 2), (at[0] + s // 2, at[1] + s // 2), (at[0] - s // 2, at[1] + s // 2)]
    pygame.draw.polygon(surface, ui.VERMILION, pts)
    pygame.draw.polygon(surface, ui.BLACK, pts, 2)
    p.text(surface, "!", (at[0], at[1] + p.px(2)), 14, ui.BLACK, bold=True, anchor="center")


def draw_agents(surface: pygame.Surface, p: Painter, box: pygame.Rect, channel: TouchpointState) -> None:
    """A staffed channel's service slots (filled: busy) and its queue, inside its box."""
    busy, slots = channel.busy, channel.slots
    size = p.px(7)
    shown = min(slots, 16)
    x0 = box.centerx - shown * (size + 2) // 2
    for i in range(shown):
        rect = pygame.Rect(x0 + i * (size + 2), box.top + p.px(24), size, size)
        if i < busy:
            pygame.draw.rect(surface, ui.SKY, rect)
        else:
            pygame.draw.rect(surface, ui.SKY, rect, 1)
    p.text(surface, f"{busy}/{slots} busy  queue {channel.queue}", (box.centerx, box.bottom - p.px(4)), 11, ui.MUTED,
           anchor="midbottom")  # fmt: skip
