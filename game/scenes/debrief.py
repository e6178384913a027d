"""The debrief: the trainee's decisions on a timeline, short- vs long-term outcomes, and what
the other choices would have done to the same customers (replayed headless in the background).

Page 1 puts the decisions next to a table: callers' satisfaction (what customer service sees
now) against affected customers' NPS and repeat purchase and profit (what customer
experience earns later), for the trainee's answers and for each alternative on the same seed.
Page 2 draws profit, NPS and repeat purchase over time for each, and the scenario's lessons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame
import pygame_gui

from game import ui
from game.app import App, Scene
from game.counterfactuals import CounterfactualRuns, alternatives
from game.live_view import LiveView
from game.session import Session
from sim.clock import format_time
from sim.commands import Choose

ROWS: tuple[tuple[str, str, str], ...] = (
    ("Callers' CSAT (now)", "callers_csat", "csat"),
    ("Affected customers' NPS (later)", "affected_nps", "nps"),
    ("Affected customers' repeat probability", "affected_repeat", "pct"),
    ("Repeat purchase rate, all", "repeat_rate", "pct"),
    ("Profit over the run", "profit", "money"),
)
AUTOPLAY_WAIT_FRAMES = 60 * 120  # give the replays up to ~2 minutes of frames in demo mode


def fmt(value: Any, kind: str, currency: str) -> str:
    if value is None:
        return "n/a"
    if kind == "csat":
        return f"{value:.2f} / 5"
    if kind == "nps":
        return f"{value:+.1f}"
    if kind == "pct":
        return f"{100 * value:.1f} %"
    return ui.money(value, currency)


class DebriefScene(Scene):
    def __init__(self, app: App, session: Session, view: LiveView, results_path: Path) -> None:
        super().__init__(app)
        self.session = session
        self.view = view
        self.results_path = results_path
        self.page = 0
        scenario = session.scenario
        self.chosen = session.choices()
        self.runs = CounterfactualRuns(
            scenario, alternatives(scenario, self.chosen), session.record.policy, session.record.seed, session.horizon_days
        )
        self.failed: str | None = None
        self._auto = 0
        self._ready_frames = 0
        self._ready_at: int | None = None

    @property
    def screenshot_after(self) -> int:  # type: ignore[override]
        """Screenshot once the what-if replays are in (or failed), not while they run."""
        return self._ready_at + 3 if self._ready_at is not None else 10**9

    @property
    def ready(self) -> bool:
        return self.runs.complete or self.failed is not None

    @property
    def name(self) -> str:  # type: ignore[override]
        return "debrief" if self.page == 0 else "debrief-charts"

    def on_enter(self) -> None:
        if not self.runs.futures:
            try:
                self.runs.start()
            except OSError as exc:  # no processes allowed: the debrief still shows the trainee's own run
                self.failed = f"the what-if replays could not start ({exc})"

    def on_exit(self) -> None:
        self.runs.close()

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.app.painter
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
            self.page = 1
            self.app._rebuild()
        else:
            from .results import ResultsScene

            self.app.replace(ResultsScene(self.app, self.session, self.results_path))

    def prev_page(self) -> None:
        self.page = 0
        self.app._rebuild()

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEDOWN,):
            self.next_page()
            return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEUP, pygame.K_ESCAPE) and self.page == 1:
            self.prev_page()
            return True
        return self.focus_keys(event)

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

    # --- drawing ---------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, _h = surface.get_size()
        p.text(surface, "Debrief", (p.px(24), p.px(14)), 28, bold=True)
        done, total = self.runs.done, len(self.runs.alts)
        status = self.failed or (
            f"replaying the same customers with the other choices: {done} of {total} done" if done < total else
            f"same seed, same customers: {total} runs compared"
        )  # fmt: skip
        p.text(surface, status, (w - p.px(24), p.px(24)), 14, ui.YELLOW if done < total else ui.MUTED, anchor="topright")
        if done < total and not self.failed:
            bar = pygame.Rect(w - p.px(324), p.px(46), p.px(300), p.px(8))
            pygame.draw.rect(surface, ui.PANEL_EDGE, bar, border_radius=4)
            pygame.draw.rect(surface, ui.SKY, (bar.left, bar.top, bar.width * done // max(1, total), bar.height), border_radius=4)
        if self.page == 0:
            self.draw_decisions(surface)
        else:
            self.draw_charts(surface)

    def draw_decisions(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, h = surface.get_size()
        scenario = self.session.scenario
        left = pygame.Rect(p.px(20), p.px(70), p.px(440), h - p.px(150))
        ui.panel(surface, left)
        p.text(surface, "YOUR DECISIONS", (left.left + p.px(12), left.top + p.px(10)), 12, ui.MUTED)
        y = left.top + p.px(32)
        commands = [c for c in self.session.sim.command_log if isinstance(c.command, Choose)]
        if not commands:
            p.text(surface, "No decision came up in this run.", (left.left + p.px(12), y), 14)
        for logged in commands:
            cmd = logged.command
            assert isinstance(cmd, Choose)
            spec = scenario.decisions[cmd.decision]
            opt = spec.options[cmd.option]
            colour = ui.GREEN if opt.style == "proactive" else ui.ORANGE if opt.style == "reactive" else ui.TEXT
            p.text(surface, format_time(logged.time), (left.left + p.px(12), y), 13, ui.MUTED)
            y += p.px(18)
            y = p.wrapped(surface, f"{opt.label} ({opt.style})", pygame.Rect(left.left + p.px(12), y, left.width - p.px(24), p.px(60)),
                          14, colour, bold=True)  # fmt: skip
            if spec.debrief:
                y = p.wrapped(
                    surface, spec.debrief, pygame.Rect(left.left + p.px(12), y + p.px(2), left.width - p.px(24), p.px(140)), 13
                )
            y += p.px(12)
        right = pygame.Rect(left.right + p.px(16), p.px(70), w - left.right - p.px(36), p.px(250))
        self.draw_table(surface, right)
        story = pygame.Rect(right.left, right.bottom + p.px(12), right.width, h - right.bottom - p.px(92))
        ui.panel(surface, story)
        p.text(surface, "A KEY MOMENT: ONE CUSTOMER'S STORY", (story.left + p.px(12), story.top + p.px(10)), 12, ui.MUTED)
        y = story.top + p.px(30)
        lines = self.view.lines(self.view.key_story or []) or ["No customer in this run was hit by a failure and surveyed."]
        for line in lines:
            y = p.wrapped(surface, line, pygame.Rect(story.left + p.px(12), y, story.width - p.px(24), p.px(40)), 13)
            if y > story.bottom - p.px(18):
                break

    def draw_table(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p = self.app.painter
        ui.panel(surface, rect)
        currency = self.session.scenario.currency
        results = self.runs.results()[:4]
        label_w = p.px(260)
        col_w = (rect.width - label_w - p.px(24)) // max(1, len(results))
        p.text(surface, "SHORT TERM vs LONG TERM, SAME CUSTOMERS", (rect.left + p.px(12), rect.top + p.px(10)), 12, ui.MUTED)
        y = rect.top + p.px(32)
        for i, (alt, _res) in enumerate(results):
            x = rect.left + label_w + i * col_w
            head = "Your choices" if alt.yours else (alt.label if len(alt.label) <= 64 else alt.label[:61] + "...")
            p.wrapped(
                surface, head, pygame.Rect(x, y, col_w - p.px(8), p.px(60)), 12, ui.YELLOW if alt.yours else ui.TEXT, bold=True
            )
        y += p.px(72)
        for label, key, kind in ROWS:
            p.text(surface, label, (rect.left + p.px(12), y), 13, ui.MUTED)
            for i, (_alt, res) in enumerate(results):
                x = rect.left + label_w + i * col_w
                value = "..." if res is None else fmt(res.get(key), kind, currency)
                p.text(surface, value, (x, y), 14, bold=True)
            y += p.px(28)

    def draw_charts(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, h = surface.get_size()
        currency = self.session.scenario.currency
        results = [(alt, res) for alt, res in self.runs.results()[:4] if res is not None]
        third = (w - p.px(72)) // 3
        top = p.px(70)
        ch = h - p.px(330)

        def series(key: str, smooth: bool) -> list:
            return [
                ("yours" if a.yours else a.label, _smooth(r[key], 7) if smooth else r[key], ui.SERIES_COLOURS[i])
                for i, (a, r) in enumerate(results)
            ]

        charts = (
            ("Profit so far (cumulative)", series("profit_cumulative", False), currency),
            ("NPS by day (7-day average)", series("nps_daily", True), ""),
            ("Buying again, % (7-day average)", series("repeat_daily", True), "%"),
        )
        for k, (title, data, unit) in enumerate(charts):
            ui.line_chart(surface, p, pygame.Rect(p.px(20) + k * (third + p.px(16)), top, third, ch), title, data, unit)
        lessons = pygame.Rect(p.px(20), top + ch + p.px(12), w - p.px(40), h - top - ch - p.px(92))
        ui.panel(surface, lessons)
        p.text(surface, "LESSONS", (lessons.left + p.px(12), lessons.top + p.px(10)), 12, ui.MUTED)
        y = lessons.top + p.px(30)
        for objective in self.session.scenario.learning_objectives:
            y = p.wrapped(
                surface, f"- {objective}", pygame.Rect(lessons.left + p.px(12), y, lessons.width - p.px(24), p.px(60)), 14
            )


def _smooth(values: list[float | None], window: int) -> list[float | None]:
    out: list[float | None] = []
    for i in range(len(values)):
        chunk = [v for v in values[max(0, i - window + 1) : i + 1] if v is not None]
        out.append(sum(chunk) / len(chunk) if chunk else None)
    return out
