"""The debrief: the trainee's decisions on a timeline, short- vs long-term outcomes, and what
the other choices would have done to the same customers (replayed headless in the background).

Page 1 puts the decisions next to a table: callers' satisfaction (what customer service sees
now) against affected customers' NPS and repeat purchase and profit (what customer
experience earns later), for the trainee's answers and for each alternative on the same seed.
Page 2 draws profit, NPS and repeat purchase over time for each, and the scenario's lessons.
The pages are drawn by game/render/debrief.py.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui

from game.counterfactuals import CounterfactualRuns, alternatives
from game.input import Intent, Kind
from game.live_view import LiveView
from game.render import debrief
from game.scene import Host, Scene
from game.session import Session
from sim.commands import Choose

AUTOPLAY_WAIT_FRAMES = 60 * 120  # give the replays up to ~2 minutes of frames in demo mode


class DebriefScene(Scene):
    name = "debrief"  # "debrief-charts" on page 2 (the screenshots are named by page)

    def __init__(self, host: Host, *, session: Session, view: LiveView, results_path: Path) -> None:
        super().__init__(host)
        self.session = session
        self.view = view
        self.results_path = results_path
        self.page = 0
        scenario = session.scenario
        self.chosen = session.choices()
        self.taken: list[debrief.Taken] = []
        for logged in session.sim.command_log:
            cmd = logged.command
            if isinstance(cmd, Choose):
                spec = scenario.decisions[cmd.decision]
                opt = spec.options[cmd.option]
                self.taken.append(debrief.Taken(logged.time, opt.label, opt.style, spec.debrief))
        self.runs = CounterfactualRuns(
            scenario, alternatives(scenario, self.chosen), session.record.policy, session.record.seed, session.horizon_days
        )
        self.failed: str | None = None
        self._auto = 0
        self._ready_frames = 0
        self._ready_at: int | None = None

    @property
    def screenshot_after(self) -> int:
        """Screenshot once the what-if replays are in (or failed), not while they run."""
        return self._ready_at + 3 if self._ready_at is not None else 10**9

    @property
    def ready(self) -> bool:
        return self.runs.complete or self.failed is not None

    def on_enter(self) -> None:
        if not self.runs.futures:
            try:
                self.runs.start()
            except OSError as exc:  # no processes allowed: the debrief still shows the trainee's own run
                self.failed = f"the what-if replays could not start ({exc})"

    def on_exit(self) -> None:
        self.runs.close()

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, h = size
        bw = p.px(240)
        label = "Over time  (Enter)" if self.page == 0 else "Finish  (Enter)"
        self.add_button(manager, pygame.Rect(w - bw - p.px(20), h - p.px(64), bw, p.px(48)), label, self.next_page)
        if self.page == 1:
            self.add_button(manager, pygame.Rect(w - 2 * bw - p.px(36), h - p.px(64), bw, p.px(48)), "Back to decisions",
                            self.prev_page)  # fmt: skip

    def update(self, dt: float) -> None:
        if self._ready_at is None and self.ready:
            self._ready_at = self.frames_shown

    def next_page(self) -> None:
        if self.page == 0:
            self.show_page(1)
        else:
            self.host.replace("results", session=self.session, path=self.results_path)

    def prev_page(self) -> None:
        self.show_page(0)

    def show_page(self, page: int) -> None:
        self.page = page
        self.name = "debrief" if page == 0 else "debrief-charts"
        self.host.rebuild()

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.PAGE_DOWN:
            self.next_page()
            return True
        if intent.kind in (Kind.PAGE_UP, Kind.BACK) and self.page == 1:
            self.prev_page()
            return True
        return super().handle(intent)

    def autoplay(self) -> None:
        self._auto += 1
        if self._auto > AUTOPLAY_WAIT_FRAMES and not self.ready:
            self.failed = "the what-if replays took too long"
        if self.ready:
            self._ready_frames += 1
            if self._ready_frames > 6:
                self._ready_frames = 0
                self.frames_shown = 0
                self._ready_at = 0 if self.page == 0 else None
                self.next_page()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        scenario = self.session.scenario
        debrief.draw_status(surface, p, self.runs.done, len(self.runs.alts), self.failed)
        compared = self.runs.results()
        if self.page == 0:
            story = self.view.lines(self.view.key_story or [])
            debrief.draw_decisions(surface, p, self.taken, compared, story, scenario.currency)
        else:
            debrief.draw_charts(surface, p, compared, scenario.learning_objectives, scenario.currency)
