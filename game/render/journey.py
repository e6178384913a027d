"""The journey map: touchpoints by stage joined by their routes, agents and queues at the service
channels, failing touchpoints marked, every visible customer as a mood marker, the customers
who left as fading ghosts, and the failure funnel.

``JourneyMap.place`` lays one scenario out on the map's rectangle for the window and text size
(the play screen calls it on every build): box sizes, how many lines a label gets, where the
arrows and their labels go, so that no text leaves its box. ``draw`` then draws a ``Snapshot``
of the run and the ``LiveView``, and ``marker_at`` finds the customer under the mouse. Drawing
changes nothing.

Draw order says what matters: ghosts under the living, and the living by mood with the worst
last, so a crowd of angry customers is never hidden under content ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from itertools import repeat

import pygame

from game import ui
from game.layout import STAGE_TITLES, Spot, journey_edges, journey_layout
from game.live_view import GHOST_MIN, MOOD_NAMES, LiveView, Marker, Mood
from game.render.edges import Arrow, build_arrows, draw_arrows
from game.render.fit import ELLIPSIS, Fitted, Fitter
from game.render.funnel import draw_funnel
from game.ui import Painter
from sim.engine.snapshot import Snapshot, TouchpointState
from sim.scenario.schema import Scenario

XY = tuple[int, int]

GHOST_ALPHA = (150, 115, 85, 55)  # by quarter of GHOST_MIN since the customer left
BOX_FILL = (44, 52, 70)
# (label lines, rows of agent squares, segments line): the first that fits the window is used
LEVELS = ((2, 2, True), (2, 1, True), (1, 2, True), (1, 1, True), (1, 1, False))


@dataclass(slots=True)
class Place:
    """One touchpoint's box on this layout, and where its customers and ghosts go."""

    spot: Spot
    centre: tuple[int, int]
    box: pygame.Rect
    label: Fitted
    under: pygame.Rect  # below the box: the failing line, then the ghosts
    ghosts: pygame.Rect
    ring: pygame.Rect  # right of the box, where the customers who finished this step are drawn
    spread_x: float  # how far right of the box customers moving on spread
    spread_y: float
    queue_per_row: int


class JourneyMap:
    """Where each touchpoint of a scenario sits on the map, and how the map is drawn."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario
        self.spots = journey_layout(scenario)
        self.edges = journey_edges(scenario)
        self.rect = pygame.Rect(0, 0, 1, 1)
        self.places: dict[str, Place] = {}
        self.arrows: list[Arrow] = []
        self.titles: list[tuple[str, tuple[int, int], Fitted]] = []
        self.service_band: pygame.Rect | None = None
        self.funnel_rect: pygame.Rect | None = None
        self.legend = pygame.Rect(0, 0, 1, 1)
        self.entry = (0, 0)
        self.show_segments = True
        self.rows_h = 0
        self._fit: Fitter | None = None
        self._key: tuple[object, ...] = ()
        self._ghost_sprites: dict[tuple[Mood, int, int], pygame.Surface] = {}
        self._slots: dict[str, tuple[int, int, int, int, float, float, int]] | None = None
        self._rest: dict[int, tuple[str, XY]] = {}  # customer -> (touchpoint, where they rest by it): see _positions

    # --- layout ----------------------------------------------------------------------------------

    def place(self, rect: pygame.Rect, p: Painter) -> None:
        """Lay the map out on ``rect`` for the painter's window scale and text size."""
        self.rect = rect.copy()
        self._key = (tuple(rect), p.scale, p.text_scale)
        self._ghost_sprites.clear()
        self._slots = None
        pad = p.px(6)
        journey = [s for s in self.spots.values() if not s.service]
        service = [s for s in self.spots.values() if s.service]
        has_funnel = bool(self.scenario.failures)
        stages = sorted({s.stage for s in journey}, key=lambda st: min(s.x for s in journey if s.stage == st))
        margin = p.px(30)
        jx0, jw = rect.left + margin, rect.width - margin - p.px(4)
        pitch = jw / max(1, len(stages))
        jbox_w = int(max(p.px(40), min(p.px(150), pitch - p.px(50))))
        funnel_w = min(p.px(240), int(rect.width * 0.3)) if has_funnel else 0
        sw = rect.width - (funnel_w + 2 * pad if funnel_w else 0)
        spitch = sw / max(1, len(service))
        sbox_w = int(max(p.px(40), min(p.px(150), spitch * 0.66)))
        sq = max(3, p.px(7))
        fits = False
        for shrink in range(6):  # the trainee's text size first; smaller only if the map cannot hold it
            fit = self._fit = Fitter(p, shrink)
            lh = fit.line_height
            title_h = lh(12) + pad if journey else 0
            for labels, rows, segments in LEVELS:
                label_h = labels * lh(13, True)
                rows_h = max(rows * (sq + 2), lh(10))
                self_h = pad + label_h + lh(11) + pad // 2
                staff_h = pad + label_h + rows_h + lh(11) + pad // 2
                under_h = lh(10) + p.px(24)
                bottom_h = lh(12) + pad + (lh(11) if segments else 0)
                sbox_h = max([staff_h if s.staffed else self_h for s in service] or [0])
                sep_h = lh(12) + pad
                service_h = (sep_h + max(sbox_h + under_h, 5 * lh(11) if has_funnel else 0) + pad) if (service or has_funnel) else 0
                journey_h = rect.height - title_h - service_h - bottom_h
                need = max(
                    [sum((staff_h if s.staffed else self_h) + under_h + pad for s in journey if s.stage == st) for st in stages]
                    or [sbox_h + under_h + pad]
                )
                fits = need <= (journey_h if journey else rect.height - service_h - bottom_h + sbox_h + under_h)
                if fits:
                    break
            if fits:
                break
        self.show_segments, self.rows_h = segments, rows_h
        bottom = rect.bottom - bottom_h
        self.legend = pygame.Rect(rect.left + p.px(10), bottom, rect.width - p.px(20), bottom_h - p.px(2))
        band_top = rect.top + title_h
        service_top = bottom - service_h if journey else band_top
        if not journey and service_h:
            service_h = bottom - band_top
        journey_band = pygame.Rect(rect.left, band_top, rect.width, max(1, service_top - band_top))
        self.entry = (rect.left + margin // 2, journey_band.centery if journey else service_top + service_h // 2)
        self.places = {}
        for spot in journey:
            box_h = staff_h if spot.staffed else self_h
            cx = round(jx0 + spot.x * jw)
            cy = round(journey_band.top + spot.y * journey_band.height - under_h / 2)
            self.places[spot.name] = self._place_box(fit, p, spot, cx, cy, jbox_w, box_h, under_h, pitch, labels)
        self.service_band = pygame.Rect(rect.left, service_top, rect.width, service_h) if service_h else None
        self.funnel_rect = None
        if self.service_band is not None:
            area_top = service_top + sep_h
            if funnel_w:
                funnel_h = min(self.service_band.bottom - area_top - pad, 5 * (lh(11) + p.px(4) + 4) + 2 * pad)
                self.funnel_rect = pygame.Rect(rect.right - funnel_w - pad, area_top, funnel_w, funnel_h)
            for spot in service:
                box_h = staff_h if spot.staffed else self_h
                cx = round(rect.left + spot.x * sw)
                room = self.service_band.bottom - area_top
                cy = round(area_top + max(box_h / 2, (room - under_h) / 2))
                self.places[spot.name] = self._place_box(fit, p, spot, cx, cy, sbox_w, box_h, under_h, spitch, labels)
        self.titles = []
        title_w = int(pitch) - p.px(6)
        title_base = min([fit.one(STAGE_TITLES[s].upper(), 12, title_w).base for s in stages] or [12]) + fit.shrink  # one size
        for stage in stages:
            x = round(jx0 + next(s.x for s in journey if s.stage == stage) * jw)
            self.titles.append((stage, (x, rect.top + pad // 2), fit.one(STAGE_TITLES[stage].upper(), title_base, title_w)))
        clear = [pl.under for pl in self.places.values()] + [pl.ring for pl in self.places.values()] + [self.legend]
        if self.funnel_rect is not None:
            clear.append(self.funnel_rect)
        if self.service_band is not None:  # the "SERVICE CHANNELS" heading
            clear.append(pygame.Rect(rect.left, self.service_band.top, rect.width // 2, sep_h))
        area = rect.inflate(-p.px(4), -p.px(4))
        area.top, area.height = rect.top + title_h, max(1, bottom - rect.top - title_h)
        centres = {n: pl.centre for n, pl in self.places.items()}
        boxes = {n: pl.box for n, pl in self.places.items()}
        self.arrows = build_arrows(p, fit, self.edges, centres, boxes, area, clear)

    def _place_box(
        self, fit: Fitter, p: Painter, spot: Spot, cx: int, cy: int, w: int, h: int, under_h: int, pitch: float, labels: int
    ) -> Place:
        box = pygame.Rect(0, 0, w, h)
        box.center = (cx, cy)
        under = pygame.Rect(box.left, box.bottom + 2, box.width, under_h - 2)
        fail_h = fit.line_height(10)
        ghosts = pygame.Rect(box.left, under.top + fail_h, box.width, max(1, under.height - fail_h))
        gap = pitch - w
        step = p.px(12) + 1
        spread_x = max(1.0, min(p.px(29), gap / 2 - p.px(12)))
        spread_y = min(p.px(28), h / 2 + under_h / 2)
        ring = pygame.Rect(box.right + p.px(2), round(cy - spread_y - step / 2), round(spread_x + p.px(6) + step), round(2 * spread_y + step))
        return Place(
            spot=spot,
            centre=(cx, cy),
            box=box,
            label=fit.lines(spot.label, 13, w - p.px(8), True, labels, smallest=11),
            under=under,
            ghosts=ghosts,
            ring=ring,
            spread_x=spread_x,
            spread_y=spread_y,
            queue_per_row=max(1, int((gap / 2 - p.px(6)) // step)),
        )

    def _ensure(self, p: Painter) -> Fitter:
        if self._fit is None or self._key != (tuple(self.rect), p.scale, p.text_scale):
            self.place(self.rect, p)
        assert self._fit is not None
        return self._fit

    # --- customers -------------------------------------------------------------------------------

    def _positions(self, p: Painter, markers: Mapping[int, Marker], now: float, travel: float) -> list[tuple[list[int], list[XY]]]:
        """Every visible customer at sim time ``now``, by mood: (customer ids, top-left corners of their markers).

        A customer sits just right of the last touchpoint they finished (moving on, the way the
        journey flows), in rows left of a staffed channel while queued, or at the left edge
        while on their first step; a move glides over ``travel`` sim minutes (half a real
        second). Offsets come from the customer's id, so a marker stays put from frame to
        frame. Kept lean, 2,000 a frame: a resting customer's corner is computed once per
        touchpoint and kept (``_rest``), so most customers cost a dictionary look-up and two appends,
        and the corners are what the blits take as they are.
        """
        scale = p.scale
        size = p.px(12)
        step = size + 1
        half = size // 2
        travel = max(1e-6, travel)
        entry_x, entry_y = self.entry[0] - half, self.entry[1] - half
        slots = self._slots
        if slots is None:  # per box, once per layout: where its queue starts, where those moving on spread
            gap_q, gap_r = p.px(4), p.px(8)
            slots = self._slots = {
                name: (pl.box.left - half - gap_q, pl.box.top + half, pl.box.right + gap_r, pl.centre[1],
                       pl.spread_x / 28, pl.spread_y / 28, pl.queue_per_row)
                for name, pl in self.places.items()
            }  # fmt: skip
            self._rest = {}
        rest = self._rest
        if len(rest) > 2 * len(markers) + 1000:  # forget customers who left
            self._rest = rest = {cid: at for cid, at in rest.items() if cid in markers}
        where = {name: pl.centre for name, pl in self.places.items()}
        queue_slot: dict[str, int] = {}
        out: list[tuple[list[int], list[XY]]] = [([], []) for _ in Mood]
        for cid, m in markers.items():
            tp = m.touchpoint
            ids, xys = out[m.mood]
            if tp is None:
                ids.append(cid)
                xys.append((entry_x, int(entry_y + (cid * 7919 % 61 - 30) * scale)))
                continue
            if m.queued:
                slot = slots.get(tp)
                if slot is None:
                    continue
                per_row = slot[6]
                k = queue_slot.get(tp, 0)
                queue_slot[tp] = k + 1
                tx: float = slot[0] - (k % per_row) * step
                ty: float = slot[1] + min(k // per_row, 6) * step
            else:
                at = rest.get(cid)
                if at is None or at[0] != tp:
                    slot = slots.get(tp)
                    if slot is None:
                        continue
                    ring_x, sy, sx28, sy28 = slot[2], slot[3], slot[4], slot[5]
                    at = rest[cid] = (tp, (int(ring_x + (cid * 40503 % 29) * sx28) - half,
                                           int(sy + ((cid * 2654435761 % 57) - 28) * sy28) - half))  # fmt: skip
                if m.previous is None or now - m.moved_at >= travel or m.previous not in where:
                    ids.append(cid)
                    xys.append(at[1])
                    continue
                tx, ty = at[1][0] + half, at[1][1] + half
            previous = m.previous
            if previous is not None:
                frac = (now - m.moved_at) / travel
                if frac < 1.0 and previous in where:
                    fx, fy = where[previous]
                    tx, ty = fx + (tx - fx) * frac, fy + (ty - fy) * frac
            ids.append(cid)
            xys.append((int(tx) - half, int(ty) - half))
        return out

    def positions(self, p: Painter, markers: Mapping[int, Marker], now: float, travel: float) -> list[tuple[int, int, int]]:
        """(customer, x, y) of every visible customer's centre, in draw order: the worst mood last."""
        self._ensure(p)
        half = p.px(12) // 2
        return [(cid, x + half, y + half) for ids, xys in self._positions(p, markers, now, travel) for cid, (x, y) in zip(ids, xys, strict=True)]

    def marker_at(self, p: Painter, pos: tuple[int, int], markers: Mapping[int, Marker], now: float, travel: float) -> int | None:
        """The customer whose marker is nearest ``pos``, within 10 base pixels (None: empty space)."""
        best, best_d = None, (p.px(10)) ** 2
        for cid, x, y in self.positions(p, markers, now, travel):
            d = (x - pos[0]) ** 2 + (y - pos[1]) ** 2
            if d <= best_d:
                best, best_d = cid, d
        return best

    # --- drawing ---------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, p: Painter, snap: Snapshot, view: LiveView, travel: float) -> None:
        fit = self._ensure(p)
        r = self.rect
        ui.panel(surface, r, ui.PANEL)
        with p.within(r):
            for _stage, at, title in self.titles:
                p.text(surface, title.lines[0], at, title.base, ui.MUTED, anchor="midtop")
            band = self.service_band
            if band is not None:
                pygame.draw.line(surface, ui.PANEL_EDGE, (r.left + p.px(10), band.top), (r.right - p.px(10), band.top))
                if any(pl.spot.service for pl in self.places.values()):
                    title = fit.one("SERVICE CHANNELS", 12, r.width // 2)
                    p.text(surface, title.lines[0], (r.left + p.px(12), band.top + p.px(4)), title.base, ui.MUTED)
            draw_arrows(surface, p, self.arrows)
            touchpoints = snap.touchpoints
            for name, place in self.places.items():
                self.draw_box(surface, p, fit, place, touchpoints.get(name), view)
            counts = self.draw_ghosts(surface, p, view, snap.now)
            for mood, drawn in zip(Mood, self.draw_markers(surface, p, view, snap.now, travel), strict=True):
                counts[mood] += drawn
            self.draw_legend(surface, p, fit, view, counts)
            if self.funnel_rect is not None:
                draw_funnel(surface, p, fit, self.funnel_rect, view.funnel)

    def draw_box(
        self, surface: pygame.Surface, p: Painter, fit: Fitter, place: Place, state: TouchpointState | None, view: LiveView
    ) -> None:
        box, spot = place.box, place.spot
        incident = state.incident if state is not None else None
        pygame.draw.rect(surface, BOX_FILL, box, border_radius=8)
        edge, width = (ui.VERMILION, 4) if incident else (ui.SKY if spot.staffed else ui.PANEL_EDGE, 2)
        pygame.draw.rect(surface, edge, box, width, border_radius=8)
        y = box.top + p.px(6)
        label = place.label
        for line in label.lines:
            p.text(surface, line, (box.centerx, y), label.base, bold=True, anchor="midtop")
            y += fit.line_height(label.base, True)
        inner_w = box.width - p.px(8)
        if state is not None and state.staffed:
            draw_agents(surface, p, fit, pygame.Rect(box.left + p.px(4), y, inner_w, self.rows_h), state)
            b, s, q = state.busy, state.slots, state.queue
            says = (f"{b}/{s} busy · {q:,} waiting", f"{b}/{s} busy · queue {q:,}", f"{b}/{s} · queue {q:,}", f"{b}/{s} · {q:,}")
        else:
            n, left = view.at.get(spot.name, 0), view.left_at.get(spot.name, 0)
            says = (f"{n:,} here · {left:,} left", f"{n:,} · {left:,} left") if left else (f"{n:,} here",)
        line = next((f for f in (fit.one(t, 11, inner_w, smallest=10) for t in says) if not f.lines[0].endswith(ELLIPSIS)), None)
        if line is None:  # nothing fits whole: the shortest, cut
            line = fit.one(says[-1], 11, inner_w)
        p.text(surface, line.lines[0], (box.centerx, box.bottom - p.px(3)), line.base, ui.MUTED, anchor="midbottom")
        if incident is not None:
            draw_warning(surface, p, (box.right - p.px(10), box.top - p.px(1)))
            what = view.words.fail(incident.name)
            failing = fit.one(f"FAILING: {what}", 10, box.width)
            p.text(surface, failing.lines[0], (box.centerx, place.under.top), failing.base, ui.VERMILION, anchor="midtop")

    def _ghost_sprite(self, p: Painter, mood: Mood, size: int, level: int) -> pygame.Surface:
        key = (mood, size, level)
        sprite = self._ghost_sprites.get(key)
        if sprite is None:
            sprite = p.mood_sprite(mood, size).copy()
            sprite.set_alpha(GHOST_ALPHA[level])
            self._ghost_sprites[key] = sprite
        return sprite

    def draw_ghosts(self, surface: pygame.Surface, p: Painter, view: LiveView, now: float) -> dict[Mood, int]:
        """The customers who left, faded more as time passes, in a crowd under the step where they left; their moods."""
        size = p.px(12)
        places = self.places
        blits = []
        quarter = GHOST_MIN / 4
        counts = dict.fromkeys(Mood, 0)
        for g in view.ghosts:
            place = places.get(g.touchpoint)
            age = now - g.since
            if place is None or age > GHOST_MIN:
                continue
            area = place.ghosts
            x = area.left + (g.customer * 7919 % 997) / 996 * max(0, area.width - size)
            y = area.top + (g.customer * 104729 % 991) / 990 * max(0, area.height - size)
            level = min(3, max(0, int(age // quarter)))
            blits.append((self._ghost_sprite(p, g.mood, size, level), (int(x), int(y))))
            counts[g.mood] += 1
        surface.fblits(blits)
        return counts

    def draw_markers(self, surface: pygame.Surface, p: Painter, view: LiveView, now: float, travel: float) -> list[int]:
        """Every visible customer, the worst mood drawn last (on top); returns how many of each mood were drawn."""
        size = p.px(12)
        half = size // 2
        followed = view.followed
        buckets = self._positions(p, view.markers, now, travel)
        for mood, (_, xys) in zip(Mood, buckets, strict=True):
            surface.fblits(zip(repeat(p.mood_sprite(mood, size)), xys))
        if followed is not None and followed in view.markers:
            for ids, xys in buckets:
                if followed in ids:
                    x, y = xys[ids.index(followed)]
                    pygame.draw.circle(surface, ui.FOCUS, (x + half, y + half), size, 2)
                    break
        return [len(ids) for ids, _ in buckets]

    def draw_legend(self, surface: pygame.Surface, p: Painter, fit: Fitter, view: LiveView, counts: Mapping[Mood, int]) -> None:
        """Moods with how many the map shows (the faded ones included), a hint, and who the segments are."""
        r = self.legend
        items = [f"{MOOD_NAMES[mood]} {counts[mood]:,}" for mood in Mood]
        faded, click = "faded: left the journey", "click a customer (or C) to follow"
        chosen = 9
        extras: tuple[str, ...] = ()
        for base in (12, 11, 10, 9):
            icon, gap = p.px(14) + p.px(4), p.px(12)
            width = sum(icon + fit.width(t, base) + gap for t in items)
            if width + fit.width(faded, base) + fit.width(click, base) + 2 * gap <= r.width:
                chosen, extras = base, (faded, click)
                break
            if width + fit.width(faded, base) + gap <= r.width:
                chosen, extras = base, (faded,)
                break
            if width <= r.width:
                chosen, extras = base, ()
                break
        line_h = fit.line_height(chosen)
        y_mid = r.top + line_h // 2
        x = r.left
        icon_size = min(p.px(14), line_h)
        for mood, text in zip(Mood, items, strict=True):
            surface.blit(p.mood_sprite(mood, icon_size), (x, y_mid - icon_size // 2))
            t = fit.one(text, chosen, max(1, r.right - x - icon_size - p.px(4)))
            rect = p.text(surface, t.lines[0], (x + icon_size + p.px(4), y_mid), t.base, ui.MUTED, anchor="midleft")
            x = rect.right + p.px(12)
        if extras:
            p.text(surface, extras[0], (x, y_mid), fit.size(chosen), ui.MUTED, anchor="midleft")
        if len(extras) > 1:
            p.text(surface, extras[1], (r.right, y_mid), fit.size(chosen), ui.MUTED, anchor="midright")
        if self.show_segments:
            who = fit.one("Customers: " + " · ".join(view.segment_lines()), 11, r.width)
            p.text(surface, who.lines[0], (r.left, r.top + line_h + p.px(2)), who.base, ui.MUTED)


def draw_warning(surface: pygame.Surface, p: Painter, at: tuple[int, int]) -> None:
    """The warning sign on a failing touchpoint: a triangle with an exclamation mark, drawn as shapes."""
    s = p.px(20)
    pts = [(at[0], at[1] - s), (at[0] + s // 2, at[1]), (at[0] - s // 2, at[1])]
    pygame.draw.polygon(surface, ui.VERMILION, pts)
    pygame.draw.polygon(surface, ui.BLACK, pts, 2)
    bar = max(2, p.px(2))
    pygame.draw.line(surface, ui.BLACK, (at[0], at[1] - s + p.px(7)), (at[0], at[1] - p.px(7)), bar)
    pygame.draw.circle(surface, ui.BLACK, (at[0], at[1] - p.px(4)), max(1, bar // 2 + 1))


def draw_agents(surface: pygame.Surface, p: Painter, fit: Fitter, area: pygame.Rect, channel: TouchpointState) -> None:
    """A staffed channel's service slots (filled: busy) in rows inside ``area``, or "30 agents" when they do not fit."""
    busy, slots = channel.busy, channel.slots
    size = max(3, p.px(7))
    step = size + 2
    per_row = max(1, area.width // step)
    rows = max(1, area.height // step)
    if slots > per_row * rows:
        extra = f" × {channel.concurrency}" if channel.concurrency > 1 else ""
        text = fit.one(f"{channel.agents:,} agents{extra}", 10, area.width)
        p.text(surface, text.lines[0], area.center, text.base, ui.SKY, anchor="center")
        return
    used_rows = -(-slots // per_row) if slots else 0
    top = area.centery - used_rows * step // 2
    for i in range(slots):
        row, col = divmod(i, per_row)
        in_row = min(per_row, slots - row * per_row)
        x0 = area.centerx - in_row * step // 2
        rect = pygame.Rect(x0 + col * step, top + row * step, size, size)
        pygame.draw.rect(surface, ui.SKY, rect, 0 if i < busy else 1)
