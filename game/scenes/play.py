"""The play screen: the journey alive, the clock, the speed, the KPIs and the ticker.

Each frame advances the engine by the chosen speed (1x is 5 sim minutes per real second),
in small steps within a time budget, so a busy moment slows the clock instead of freezing the
picture. When a decision point comes up the decision card opens on top; when the horizon is
reached the session's results are saved and the debrief opens.
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

import pygame
import pygame_gui

from game import ui
from game.app import App, Scene
from game.layout import Spot, journey_layout, stage_columns
from game.live_view import MOOD_NAMES, LiveView, Mood
from game.session import Session
from sim.clock import format_time
from sim.results.results import build_results

BASE_MIN_PER_S = 5.0
SPEEDS = (0.0, 1.0, 4.0, 16.0, 64.0)
SPEED_KEYS = {pygame.K_1: 0, pygame.K_2: 1, pygame.K_3: 2, pygame.K_4: 3, pygame.K_5: 4}  # key -> index in SPEEDS
FAST = -1.0  # fast-forward: as fast as the frame budget allows
FRAME_BUDGET_S = 0.008
FAST_BUDGET_S = 0.030
SAMPLE_EVERY_MIN = 60.0
KPI_REFRESH_S = 0.5


def speed_label(speed: float) -> str:
    if speed == FAST:
        return ">> fast-forward"
    if speed == 0:
        return "paused"
    return f"{speed:g}x"


class PlayScene(Scene):
    name = "play"
    show_focus = False  # speed keys rule here; Tab brings the focus ring to the speed buttons

    @property
    def screenshot_after(self) -> int:  # type: ignore[override]
        """Let customers fill the map before the screenshot, unless fast-forwarding."""
        return 3 if self.speed == FAST else 40

    def __init__(self, app: App, session: Session, view: LiveView) -> None:
        super().__init__(app)
        self.session = session
        self.view = view
        self.scenario = session.scenario
        self.spots = journey_layout(self.scenario)
        self.columns = stage_columns(self.scenario)
        self.speed = 1.0 if not app.options.autoplay else (app.options.speed or FAST)
        if app.options.autoplay and app.options.speed == 0:
            self.speed = FAST
        self.saved_speed = self.speed
        self.shown_decisions: set[str] = set()
        self.kpis: dict[str, Any] = {}
        self._kpi_at = -1.0
        self.series: dict[str, deque[float | None]] = {k: deque(maxlen=2400) for k in ("csat", "nps", "profit", "wait")}
        self._next_sample = SAMPLE_EVERY_MIN
        self.map_rect = pygame.Rect(0, 0, 1, 1)
        self.sim_work = 0.0
        self.done = False

    # --- widgets ---------------------------------------------------------------------------------

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.app.painter
        w, h = size
        top = p.px(48)
        self.kpi_rect = pygame.Rect(w - p.px(330), top, p.px(320), h - top - p.px(150))
        self.map_rect = pygame.Rect(p.px(10), top, self.kpi_rect.left - p.px(20), h - top - p.px(150))
        self.ticker_rect = pygame.Rect(p.px(10), h - p.px(140), w - p.px(20), p.px(130))
        x = w - p.px(330)
        bw = p.px(60)
        for i, (label, speed) in enumerate((("||", 0.0), ("1x", 1.0), ("4x", 4.0), ("16x", 16.0), ("64x", 64.0))):
            self.add_button(
                manager, pygame.Rect(x + i * (bw + p.px(4)), p.px(8), bw, p.px(32)), label,
                lambda s=speed: self.set_speed(s), tooltip=f"key {i + 1}" + (" or Space" if i == 0 else ""),
            )  # fmt: skip
        self.focus = min(self.focus, len(self.buttons) - 1)
        self.set_speed(self.speed)

    def on_enter(self) -> None:
        # NOTE: a full garbage collection over the engine's and the widgets' objects can take
        # 50-100 ms, several frames. Freezing what exists now keeps those pauses short.
        gc.collect()
        gc.freeze()

    def on_exit(self) -> None:
        gc.unfreeze()

    def set_speed(self, speed: float) -> None:
        if speed == 0 and self.speed != 0:
            self.saved_speed = self.speed
        self.speed = speed
        for button, _ in self.buttons:  # the current speed's button shows as selected
            label = "||" if speed == 0 else f"{speed:g}x"
            if button.text == label:
                button.select()
            else:
                button.unselect()

    # --- input -----------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_SPACE:
                self.set_speed(self.saved_speed if self.speed == 0 else 0.0)
                return True
            if event.key in SPEED_KEYS and not event.mod & pygame.KMOD_CTRL:
                self.set_speed(SPEEDS[SPEED_KEYS[event.key]])
                return True
            if event.key in (pygame.K_END, pygame.K_f):
                self.set_speed(FAST)
                return True
            if event.key == pygame.K_ESCAPE:
                from .pause import PauseScene

                self.app.push(PauseScene(self.app, self))
                return True
            if event.key == pygame.K_c:  # follow the next customer, by keyboard
                self.follow_next()
                return True
            if event.key == pygame.K_x:
                self.view.follow(None)
                return True
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and self.map_rect.collidepoint(event.pos):
            hit = self.marker_at(event.pos)
            self.view.follow(hit)
            return True
        return self.focus_keys(event)

    def follow_next(self) -> None:
        ids = sorted(self.view.markers)
        if not ids:
            return
        current = self.view.followed
        later = [c for c in ids if current is None or c > current]
        self.view.follow(later[0] if later else ids[0])

    def marker_at(self, pos: tuple[int, int]) -> int | None:
        best, best_d = None, (self.app.painter.px(10)) ** 2
        for cid, x, y in self.marker_positions():
            d = (x - pos[0]) ** 2 + (y - pos[1]) ** 2
            if d <= best_d:
                best, best_d = cid, d
        return best

    # --- simulation ------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        session = self.session
        sim = session.sim
        if self.done:
            return
        started = time.perf_counter()
        if self.speed != 0 and not sim.paused:
            fast = self.speed == FAST
            target = sim.horizon if fast else sim.now + self.speed * BASE_MIN_PER_S * dt
            budget = FAST_BUDGET_S if fast else FRAME_BUDGET_S
            chunk = 60.0 if fast else max(0.25, self.speed * BASE_MIN_PER_S * dt / 4)
            while sim.now < target and not sim.paused and time.perf_counter() - started < budget:
                before = sim.now
                session.advance_to(min(target, sim.now + chunk, self._next_sample))
                if sim.now >= self._next_sample:
                    self.sample()
                if sim.now == before and not sim.paused:
                    break
        self.sim_work = time.perf_counter() - started
        self.check_decisions()
        if session.finished and not sim.pending_decisions and self.frames_shown >= 2:  # the final state is seen
            self.end()

    def sample(self) -> None:
        if self._next_sample % 1440.0 == 0.0:
            self.session.autosave()  # once a sim day: a crash costs at most a day of watching, never a decision
        self._next_sample += SAMPLE_EVERY_MIN
        self.refresh_kpis(force=True)
        k = self.kpis
        self.series["csat"].append(self.view.csat_now)
        self.series["nps"].append(self.view.nps_now)
        self.series["profit"].append(k.get("money", {}).get("profit"))
        waits = [c.get("wait_mean_min") for c in k.get("channels", {}).values() if c.get("wait_mean_min") is not None]
        self.series["wait"].append(max(waits) if waits else None)

    def refresh_kpis(self, force: bool = False) -> None:
        now = time.perf_counter()
        if force or now - self._kpi_at > KPI_REFRESH_S:
            self.kpis = build_results(self.session.sim)
            self._kpi_at = now

    def check_decisions(self) -> None:
        for name, pending in self.session.sim.pending_decisions.items():
            if name not in self.shown_decisions:
                self.shown_decisions.add(name)
                from .decision import DecisionScene

                self.app.push(DecisionScene(self.app, self, pending))
                return

    def end(self) -> None:
        self.done = True
        path = self.session.finish()
        from .debrief import DebriefScene

        self.app.replace(DebriefScene(self.app, self.session, self.view, path))

    def autoplay(self) -> None:
        if self.speed == 0:
            self.set_speed(self.app.options.speed or FAST)

    # --- drawing ---------------------------------------------------------------------------------

    def spot_xy(self, spot: Spot) -> tuple[int, int]:
        r = self.map_rect
        return (round(r.left + spot.x * r.width), round(r.top + spot.y * r.height))

    def draw(self, surface: pygame.Surface) -> None:
        self.refresh_kpis()
        self.draw_top(surface)
        self.draw_map(surface)
        self.draw_kpis(surface)
        self.draw_ticker(surface)

    def draw_top(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        sim = self.session.sim
        p.text(surface, format_time(sim.now), (p.px(14), p.px(12)), 20, bold=True)
        p.text(surface, f"of {sim.horizon / 1440:g} days", (p.px(240), p.px(16)), 14, ui.MUTED)
        p.text(surface, self.scenario.title, (p.px(360), p.px(16)), 14, ui.MUTED)
        state = "waiting for your decision" if sim.paused else speed_label(self.speed)
        p.text(surface, f"speed: {state}", (self.kpi_rect.left - p.px(16), p.px(16)), 14, ui.YELLOW, anchor="topright")

    def draw_map(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        sim = self.session.sim
        r = self.map_rect
        ui.panel(surface, r, ui.PANEL)
        for title, x in self.columns:
            p.text(surface, title.upper(), (r.left + round(x * r.width), r.top + p.px(8)), 12, ui.MUTED, anchor="midtop")
        sep_y = r.top + round(0.70 * r.height)
        pygame.draw.line(surface, ui.PANEL_EDGE, (r.left + p.px(10), sep_y), (r.right - p.px(10), sep_y))
        p.text(surface, "SERVICE CHANNELS", (r.left + p.px(12), sep_y + p.px(4)), 12, ui.MUTED)
        failing = {i.spec.touchpoint: i for i in sim.active_incidents()}
        # links between consecutive stages
        order = [s for s in self.spots.values() if not s.staffed and s.stage != "service"]
        for a in order:
            for b in order:
                if b.x > a.x and abs(b.x - a.x - 1 / max(1, len(self.columns))) < 1e-6:
                    pygame.draw.line(surface, ui.PANEL_EDGE, self.spot_xy(a), self.spot_xy(b), 2)
        box_w, box_h = p.px(120), p.px(54)
        for spot in self.spots.values():
            cx, cy = self.spot_xy(spot)
            box = pygame.Rect(0, 0, box_w, box_h)
            box.center = (cx, cy)
            incident = failing.get(spot.name)
            pygame.draw.rect(surface, (44, 52, 70), box, border_radius=8)
            edge, width = (ui.VERMILION, 4) if incident else (ui.SKY if spot.staffed else ui.PANEL_EDGE, 2)
            pygame.draw.rect(surface, edge, box, width, border_radius=8)
            p.text(surface, spot.name.replace("_", " "), (cx, box.top + p.px(4)), 14, bold=True, anchor="midtop")
            if incident is not None:
                self.draw_warning(surface, (box.right - p.px(12), box.top - p.px(2)))
                p.text(
                    surface,
                    f"FAILING: {incident.spec.effect.replace('_', ' ')}",
                    (cx, box.bottom + p.px(2)),
                    12,
                    ui.VERMILION,
                    anchor="midtop",
                )
            channel = sim.channels.get(spot.name)
            if channel is not None:
                self.draw_agents(surface, box, channel)
        self.draw_markers(surface)
        self.draw_legend(surface)

    def draw_warning(self, surface: pygame.Surface, at: tuple[int, int]) -> None:
        p = self.app.painter
        s = p.px(22)
        pts = [(at[0], at[1] - s // 2), (at[0] + s // 2, at[1] + s // 2), (at[0] - s // 2, at[1] + s // 2)]
        pygame.draw.polygon(surface, ui.VERMILION, pts)
        pygame.draw.polygon(surface, ui.BLACK, pts, 2)
        p.text(surface, "!", (at[0], at[1] + p.px(2)), 14, ui.BLACK, bold=True, anchor="center")

    def draw_agents(self, surface: pygame.Surface, box: pygame.Rect, channel: Any) -> None:
        p = self.app.painter
        agents, busy = channel.agents, channel.busy
        slots = agents * max(1, channel.concurrency)
        size = p.px(7)
        shown = min(slots, 16)
        x0 = box.centerx - shown * (size + 2) // 2
        for i in range(shown):
            rect = pygame.Rect(x0 + i * (size + 2), box.top + p.px(24), size, size)
            if i < busy:
                pygame.draw.rect(surface, ui.SKY, rect)
            else:
                pygame.draw.rect(surface, ui.SKY, rect, 1)
        p.text(surface, f"{busy}/{slots} busy  queue {channel.waiting}", (box.centerx, box.bottom - p.px(4)), 11, ui.MUTED,
               anchor="midbottom")  # fmt: skip

    def marker_positions(self) -> list[tuple[int, int, int]]:
        """(customer, x, y) of every visible customer, this frame.

        A customer sits just right of the last touchpoint they finished (moving on, the way the
        journey flows), in a line left of a staffed channel while queued, or at the left edge
        while on their first step; a move glides over half a real second. Offsets come from the
        customer's id, so a marker stays put from frame to frame. Kept lean: 2,000 a frame.
        """
        p = self.app.painter
        scale = p.scale
        now = self.session.sim.now
        step = p.px(12) + 1
        travel = max(1e-6, (self.speed if self.speed > 0 else 1.0) * BASE_MIN_PER_S * 0.5)
        r = self.map_rect
        entry_x, entry_y = r.left + p.px(18), r.top + int(0.41 * r.height)
        ring = p.px(68)
        queue_dx, queue_dy = p.px(68), p.px(10)
        where = {name: self.spot_xy(spot) for name, spot in self.spots.items()}
        queue_slot: dict[str, int] = {}
        out = []
        for cid, m in self.view.markers.items():
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

    def draw_markers(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        size = p.px(12)
        half = size // 2
        sprites = {mood: p.mood_sprite(mood, size) for mood in Mood}
        markers = self.view.markers
        followed = self.view.followed
        positions = self.marker_positions()
        surface.fblits([(sprites[markers[cid].mood], (x - half, y - half)) for cid, x, y in positions])
        if followed is not None and followed in markers:
            for cid, x, y in positions:
                if cid == followed:
                    pygame.draw.circle(surface, ui.FOCUS, (x, y), size, 2)
                    break

    def draw_legend(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        counts = self.view.mood_counts()
        x = self.map_rect.left + p.px(12)
        y = self.map_rect.bottom - p.px(22)
        for mood in Mood:
            surface.blit(p.mood_sprite(mood, p.px(14)), (x, y))
            r = p.text(surface, f"{MOOD_NAMES[mood]} {counts[mood]}", (x + p.px(18), y + p.px(7)), 12, ui.MUTED, anchor="midleft")
            x = r.right + p.px(14)
        p.text(surface, "click a customer (or C) to follow", (self.map_rect.right - p.px(12), y + p.px(7)), 12, ui.MUTED,
               anchor="midright")  # fmt: skip

    def draw_kpis(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        r = self.kpi_rect
        ui.panel(surface, r)
        if self.view.followed is not None:
            self.draw_follow(surface, r)
            return
        k = self.kpis
        cur = self.scenario.currency
        exp = k.get("experience", {})
        money = k.get("money", {})
        rows: list[tuple[str, str, str | None]] = [
            ("CSAT now", "n/a" if self.view.csat_now is None else f"{self.view.csat_now:.2f} / 5", "csat"),
            ("NPS now", "n/a" if self.view.nps_now is None else f"{self.view.nps_now:+.0f}", "nps"),
            ("Repeat purchase", _pct(exp.get("repeat_purchase_rate")), None),
            ("Orders", f"{k.get('journey', {}).get('orders', 0):,}", None),
            ("Revenue", ui.money(money.get("revenue"), cur), None),
            ("Costs", ui.money(_costs(money), cur), None),
            ("Profit", ui.money(money.get("profit"), cur), "profit"),
        ]
        y = r.top + p.px(10)
        p.text(surface, "HOW IT IS GOING", (r.left + p.px(12), y), 12, ui.MUTED)
        y += p.px(22)
        for label, value, series in rows:
            p.text(surface, label, (r.left + p.px(12), y), 14, ui.MUTED)
            p.text(surface, value, (r.left + p.px(150), y), 16, bold=True)
            if series:
                spark = pygame.Rect(r.right - p.px(80), y, p.px(68), p.px(18))
                ui.sparkline(surface, spark, list(self.series[series]))
            y += p.px(26)
        y += p.px(6)
        p.text(surface, "SERVICE CHANNELS", (r.left + p.px(12), y), 12, ui.MUTED)
        y += p.px(20)
        for name, ch in k.get("channels", {}).items():
            wait = ch.get("wait_mean_min")
            ab = ch.get("abandon_rate")
            text = f"wait {'n/a' if wait is None else f'{wait:.1f} min'}, abandoned {_pct(ab)}"
            p.text(surface, name, (r.left + p.px(12), y), 14, bold=True)
            p.text(surface, text, (r.left + p.px(80), y + p.px(1)), 13, ui.MUTED)
            y += p.px(22)
        hits = k.get("recovery", {})
        if hits.get("customers_affected"):
            y += p.px(6)
            p.text(surface, f"hit by failures: {hits['customers_affected']:,}", (r.left + p.px(12), y), 14, ui.ORANGE)
            y += p.px(20)
            p.text(surface, f"reached first: {hits.get('proactive', 0):,}   answered on contact: {hits.get('on_contact', 0):,}",
                   (r.left + p.px(12), y), 12, ui.MUTED)  # fmt: skip

    def draw_follow(self, surface: pygame.Surface, r: pygame.Rect) -> None:
        p = self.app.painter
        cid = self.view.followed
        marker = self.view.markers.get(cid) if cid is not None else None
        y = r.top + p.px(10)
        p.text(surface, f"FOLLOWING CUSTOMER #{cid}", (r.left + p.px(12), y), 13, ui.YELLOW, bold=True)
        y += p.px(20)
        if marker is not None:
            p.text(surface, f"{marker.segment}, feels {MOOD_NAMES[marker.mood]}", (r.left + p.px(12), y), 14)
        elif self.view.followed_done:
            p.text(surface, "journey over: memory settles a day later", (r.left + p.px(12), y), 14, ui.MUTED)
        y += p.px(24)
        for line in self.view.lines(self.view.followed_story):
            y = p.wrapped(surface, line, pygame.Rect(r.left + p.px(12), y, r.width - p.px(24), p.px(60)), 12)
            if y > r.bottom - p.px(30):
                break
        p.text(surface, "X or click empty space: stop following", (r.left + p.px(12), r.bottom - p.px(20)), 12, ui.MUTED)

    def draw_ticker(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        r = self.ticker_rect
        ui.panel(surface, r)
        p.text(surface, "WHAT JUST HAPPENED", (r.left + p.px(12), r.top + p.px(8)), 12, ui.MUTED)
        y = r.top + p.px(28)
        for t, text in reversed(self.view.ticker):
            p.text(surface, format_time(t), (r.left + p.px(12), y), 13, ui.MUTED)
            p.text(surface, text, (r.left + p.px(190), y), 14)
            y += p.px(18)
            if y > r.bottom - p.px(16):
                break
        hint = "Space pause · 1-5 speed (1 = pause) · End fast-forward · Esc menu · F11 full screen · Ctrl +/- text"
        p.text(surface, hint, (r.right - p.px(12), r.top + p.px(8)), 12, ui.MUTED, anchor="topright")


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f} %"


def _costs(money: dict[str, float]) -> float | None:
    if not money:
        return None
    return money["agent_cost"] + money["response_cost"] + money["recovery_cost"] + money["compensation"]
