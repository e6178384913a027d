"""The play screen: the journey alive, the clock, the speed, the KPIs and the ticker.

Each frame advances the engine by the chosen speed (1x is 5 sim minutes per real second),
in small steps within a time budget, so a busy moment slows the clock instead of freezing the
picture. While nothing is on the map (no customer, no failure in progress, no decision waiting)
the clock runs at the quiet-hours speed (16x) and drops back to the chosen speed at the first
customer, failure or decision, so a night with no customers passes in seconds; only the pace
changes, never the run (the engine gives the same results however its time is cut up). When a decision point comes up the decision card opens on top; when the horizon is
reached the session's results are saved and the debrief opens. Drawing reads a snapshot of
the run and the KPIs, both taken in ``sync`` (game/render/ draws them).
"""

from __future__ import annotations

import gc
import time
from collections import deque
from typing import Any

import pygame
import pygame_gui

from game.input import FOCUS, PLAY, TOUR, Intent, Kind
from game.live_view import LiveView
from game.render import panels
from game.render.journey import JourneyMap
from game.scene import Host, Scene
from game.session import Session
from sim.results.results import build_results

BASE_MIN_PER_S = 5.0
SPEEDS = (0.0, 1.0, 4.0, 16.0, 64.0)  # the speed keys 1-5, in order
FAST = -1.0  # fast-forward: as fast as the frame budget allows
FRAME_BUDGET_S = 0.008
FAST_BUDGET_S = 0.030
SAMPLE_EVERY_MIN = 60.0
KPI_REFRESH_S = 0.5
QUIET_SPEED = 16.0  # the speed while nothing is on the map (at chosen speeds below it)


def speed_label(speed: float, quiet: bool = False) -> str:
    """The speed as the top bar shows it; ``quiet``: the quiet-hours speed is running instead."""
    if speed == FAST:
        return ">> fast-forward"
    if speed == 0:
        return "paused"
    return f"{speed:g}x (quiet hours: {QUIET_SPEED:g}x)" if quiet else f"{speed:g}x"


class PlayScene(Scene):
    name = "play"
    show_focus = False  # speed keys rule here; Tab brings the focus ring to the speed buttons
    keys = (PLAY, TOUR, FOCUS)

    @property
    def screenshot_after(self) -> int:
        """Let customers fill the map before the screenshot, unless fast-forwarding."""
        return 3 if self.speed == FAST else 40

    def __init__(self, host: Host, *, session: Session, view: LiveView) -> None:
        super().__init__(host)
        self.session = session
        self.view = view
        self.scenario = session.scenario
        self.map = JourneyMap(self.scenario)
        options = host.options
        self.speed = 1.0 if not options.autoplay else (options.speed or FAST)
        self.saved_speed = self.speed
        self.shown_decisions: set[str] = set()
        # Every decision stops the engine's advance where it comes up (time itself goes on for a countdown card), so even
        # fast-forwarding, the card is shown at once with all its countdown to read: never skipped inside a big step.
        session.sim.halt_at_decisions = True
        self.snap = session.sim.snapshot()
        self.kpis: dict[str, Any] = {}
        self._kpi_at = -1.0
        self.series: dict[str, deque[float | None]] = {k: deque(maxlen=2400) for k in ("csat", "nps", "profit", "wait")}
        self._next_sample = (session.sim.now // SAMPLE_EVERY_MIN + 1) * SAMPLE_EVERY_MIN  # a resumed session samples from where it is
        self.sim_work = 0.0
        self.quiet_now = False  # the last frame ran at the quiet-hours speed
        self.done = False

    # --- widgets ---------------------------------------------------------------------------------

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """The layout from the window and the text size: the top bar is as tall as its clock, the speed buttons as wide
        as their labels (placed from the right edge), the map and the KPI panel below the bar."""
        p = self.host.painter
        w, h = size
        top = max(p.px(48), p.line_h(20, True) + p.px(14))
        self.top_h = top
        self.kpi_rect = pygame.Rect(w - p.px(330), top, p.px(320), h - top - p.px(150))
        self.map.place(pygame.Rect(p.px(10), top, self.kpi_rect.left - p.px(20), h - top - p.px(150)), p)
        self.ticker_rect = pygame.Rect(p.px(10), h - p.px(140), w - p.px(20), p.px(130))
        labels = (("||", 0.0), ("1x", 1.0), ("4x", 4.0), ("16x", 16.0), ("64x", 64.0))
        bw = max(p.px(60), *(p.width(label, 15) + p.px(16) for label, _ in labels))
        bh = min(top - p.px(8), max(p.px(32), p.line_h(15) + p.px(8)))
        gap = p.px(4)
        x = w - p.px(10) - len(labels) * bw - (len(labels) - 1) * gap
        self.bar_rect = pygame.Rect(0, 0, max(1, x - p.px(4)), top)  # the clock bar: left of the speed buttons
        for i, (label, speed) in enumerate(labels):
            self.add_button(
                manager, pygame.Rect(x + i * (bw + gap), (top - bh) // 2, bw, bh), label,
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

    def handle(self, intent: Intent) -> bool:
        kind = intent.kind
        if kind is Kind.PAUSE:
            self.set_speed(self.saved_speed if self.speed == 0 else 0.0)
        elif kind is Kind.SPEED:
            self.set_speed(SPEEDS[intent.index])
        elif kind is Kind.FAST_FORWARD:
            self.set_speed(FAST)
        elif kind is Kind.MENU:
            self.host.push("pause")
        elif kind is Kind.TOUR:  # F1 (the app usually shows the tour before the key reaches a screen)
            self.host.start_tour()
        elif kind is Kind.FOLLOW:  # the next customer, by keyboard
            self.follow_next()
        elif kind is Kind.UNFOLLOW:
            self.view.follow(None)
        elif kind is Kind.CLICK and self.map.rect.collidepoint(intent.pos):
            p = self.host.painter
            self.view.follow(self.map.marker_at(p, intent.pos, self.view.markers, self.session.sim.now, self.travel()))
        else:
            return super().handle(intent)
        return True

    def follow_next(self) -> None:
        ids = sorted(self.view.markers)
        if not ids:
            return
        current = self.view.followed
        later = [c for c in ids if current is None or c > current]
        self.view.follow(later[0] if later else ids[0])

    def travel(self) -> float:
        """Sim minutes a marker's move takes on screen: half a real second at the current speed."""
        return (self.speed if self.speed > 0 else 1.0) * BASE_MIN_PER_S * 0.5

    # --- simulation ------------------------------------------------------------------------------

    def update(self, dt: float) -> None:
        session = self.session
        sim = session.sim
        if self.done:
            return
        started = time.perf_counter()
        self.quiet_now = False
        if self.speed != 0 and not sim.paused:
            chosen = self.speed
            if sim.pending_decisions and not self.host.options.autoplay:
                chosen = 1.0 if chosen == FAST else min(chosen, 1.0)  # a countdown card: the trainee gets real time to read it
            fast = chosen == FAST
            quiet = not fast and chosen < QUIET_SPEED and self.quiet()
            speed = QUIET_SPEED if quiet else chosen
            self.quiet_now = quiet
            target = sim.horizon if fast else sim.now + speed * BASE_MIN_PER_S * dt
            budget = FAST_BUDGET_S if fast else FRAME_BUDGET_S
            chunk = 60.0 if fast else max(0.25, speed * BASE_MIN_PER_S * dt / 4)
            while sim.now < target and not sim.paused and time.perf_counter() - started < budget:
                before = sim.now
                session.advance_to(min(target, sim.now + chunk, self._next_sample))
                if sim.now >= self._next_sample:
                    self.sample()
                if sim.now == before and not sim.paused:
                    break
                if sim.pending_decisions.keys() - self.shown_decisions:  # a card came up (the engine halted there): show it now
                    break
                if quiet and not self.quiet():  # the first customer, failure or decision: back to the chosen speed
                    break
        self.sim_work = time.perf_counter() - started
        self.check_decisions()
        if session.finished and not sim.pending_decisions and self.frames_shown >= 2:  # the final state is seen
            self.end()

    def quiet(self) -> bool:
        """Nothing to watch: no customer on the map, no failure in progress, no decision waiting."""
        sim = self.session.sim
        return not self.view.markers and not sim.pending_decisions and not sim.active_incidents()

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
                self.host.push("decision", session=self.session, pending=pending, run_time=self.update)
                return

    def end(self) -> None:
        self.done = True
        path = self.session.finish()
        self.host.replace("debrief", session=self.session, view=self.view, results_path=path)

    def autoplay(self) -> None:
        if self.speed == 0:
            self.set_speed(self.host.options.speed or FAST)

    # --- drawing ---------------------------------------------------------------------------------

    def sync(self) -> None:
        """Take the run's state and (at most every half second) its KPIs, for this frame's drawing."""
        self.snap = self.session.sim.snapshot()
        self.view.expire(self.snap.now)  # ghosts older than a few sim hours leave the map
        self.refresh_kpis()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        snap = self.snap
        panels.draw_top(surface, p, self.bar_rect, snap, self.scenario.title, speed_label(self.speed, self.quiet_now))
        self.map.draw(surface, p, snap, self.view, self.travel())
        panels.draw_kpis(surface, p, self.kpi_rect, self.kpis, self.series, self.view, self.scenario.currency)
        panels.draw_ticker(surface, p, self.ticker_rect, self.view.ticker)
