"""The debrief: what the trainee's choices did, argued from the session's own run.

Page 1 is the what-if table (the trainee's path and each single-decision change, on the same
customers: callers' satisfaction now against affected customers' loyalty later, profit, contacts,
costs and the sample size, each with a band over ten seeds), the decisions with the scenario's
debrief texts filled from the session (``{hit}``, ``{contacted_one_in}``, ``{option_cost}``...:
sim/authoring/placeholders.py), and one silent customer's first journey under the trainee's
choice and under the alternative. Page 2 draws profit, NPS and buying again over time with the
decision days marked, and the learning objectives. Replays run in background processes
(game/counterfactuals.py), so numbers fill in while the screen stays responsive; ``shown`` keeps
what the pages drew, keyed as a trainee reads it, for tests. Drawing is game/render/debrief.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pygame
import pygame_gui

from game.counterfactuals import Alternative, CounterfactualRuns, alternative_option, alternatives
from game.input import Intent, Kind
from game.live_view import LiveView
from game.render import debrief
from game.scene import Host, Scene
from game.session import Session
from sim.authoring.placeholders import decision_values, fill, run_values
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
        self.decided: list[tuple[float, str, str]] = [
            (c.time, c.command.decision, c.command.option) for c in session.sim.command_log if isinstance(c.command, Choose)
        ]
        self.runs = CounterfactualRuns(
            scenario, alternatives(scenario, self.chosen), session.record.policy, session.record.seed, session.horizon_days,
            commands=session.sim.command_log,
        )  # fmt: skip
        self.service = [n for n, tp in scenario.staffed().items() if tp.stage == "service"]
        self.failed: str | None = None
        self.shown: dict[str, Any] = {}  # what the pages drew: table, debrief texts, same customer, objectives, marks
        self.values: dict[str, dict[str, str]] = {}  # per decision, the placeholder values its text was filled with
        self.taken: list[debrief.Taken] = []
        self.objectives: list[str] = []
        self.same: debrief.SameCustomer | None = None
        self._filled_at = -1
        self._auto = 0
        self._ready_frames = 0
        self._ready_at: int | None = None
        self.refresh()

    @property
    def screenshot_after(self) -> int:
        """Screenshot once the what-if replays are in (or failed), not while they run."""
        return self._ready_at + 3 if self._ready_at is not None else 10**9

    @property
    def ready(self) -> bool:
        """Every path has its replay on the session's seed (the bands may still be filling in)."""
        return self.runs.ready or self.failed is not None or self.runs.error is not None

    def on_enter(self) -> None:
        if not self.runs.futures:
            try:
                self.runs.start()
            except OSError as exc:  # no processes allowed: the debrief still shows the trainee's own run
                self.failed = f"the what-if replays could not start ({exc})"

    def on_exit(self) -> None:
        self.runs.close()

    # --- the texts, filled from the session ------------------------------------------------------

    def _path(self, decision: str, option: str) -> int | None:
        return next((i for i, a in enumerate(self.runs.alts) if a.changed == (decision, option)), None)

    def refresh(self) -> None:
        """Fill the texts again from the replays in so far (called when one more is done)."""
        scenario = self.session.scenario
        compared = self.runs.results()
        own = compared[0][1]
        results = self.session.results or {}
        run = run_values(results, self.service) if results else {}
        profit = (results.get("money") or {}).get("profit")
        for decision, option in self.chosen.items():
            spec = scenario.decisions[decision]
            other = alternative_option(scenario, decision, option)
            index = self._path(decision, other) if other is not None else None
            alt = compared[index][1] if index is not None else None
            self.values[decision] = decision_values(
                own["facts"].get(decision) if own else None, alt["facts"].get(decision) if alt else None,
                option=spec.options[option].label, alternative=spec.options[other].label if other is not None else None,
                profit=profit, alt_profit=alt["profit"] if alt else None, currency=scenario.currency,
            )  # fmt: skip
        qualified = {f"{d}.{k}": v for d, vals in self.values.items() for k, v in vals.items()}
        self.taken = []
        for time, decision, option in self.decided:
            spec = scenario.decisions[decision]
            text = fill(spec.debrief, {**run, **qualified, **self.values[decision]})
            opt = spec.options[option]
            self.taken.append(debrief.Taken(time, opt.label, opt.style, text, decision))
        self.objectives = [fill(o, {**run, **qualified}) for o in scenario.learning_objectives]
        self.same = self._same_customer(compared)
        self._filled_at = self.runs.done

    def _same_customer(self, compared: list[tuple[Alternative, dict[str, Any] | None]]) -> debrief.SameCustomer | None:
        own = compared[0][1]
        if own is None:
            return None
        scenario = self.session.scenario
        for _time, decision, option in self.decided:
            customer = self.runs.watched.get(decision)
            other = alternative_option(scenario, decision, option)
            index = self._path(decision, other) if other is not None else None
            if customer is None or index is None or customer not in own["stories"]:
                continue
            alt = compared[index][1]
            options = scenario.decisions[decision].options
            return debrief.SameCustomer(
                customer, decision, f"Your choice: {options[option].label}", f"Had you chosen: {options[other].label}",
                own["stories"][customer], alt["stories"].get(customer, ["(no journey of this customer in that replay)"])
                if alt is not None else None,
            )  # fmt: skip
        return None

    # --- screen ------------------------------------------------------------------------------------

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """The page's buttons along the bottom right, as wide and tall as their labels need; the page draws above them."""
        p = self.host.painter
        w, h = size
        label = "Over time  (Enter)" if self.page == 0 else "Finish  (Enter)"
        labels = ("Over time  (Enter)", "Finish  (Enter)", "Back to decisions")  # one width for both pages
        bw = min((w - p.px(56)) // 2, max(p.px(240), *(p.width(t, 15) + p.px(24) for t in labels)))
        bh = max(p.px(48), p.line_h(15) + p.px(14))
        top = h - p.px(16) - bh
        self.content_bottom = top - p.px(12)
        self.add_button(manager, pygame.Rect(w - bw - p.px(20), top, bw, bh), label, self.next_page)
        if self.page == 1:
            self.add_button(manager, pygame.Rect(w - 2 * bw - p.px(36), top, bw, bh), "Back to decisions", self.prev_page)

    def update(self, dt: float) -> None:
        self.runs.poll()
        if self.runs.done != self._filled_at:
            self.refresh()
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

    def marks(self) -> list[tuple[float, str]]:
        """The decision days for the charts: (sim minute, decision name)."""
        return [(time, decision.replace("_", " ")) for time, decision, _ in self.decided]

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        scenario = self.session.scenario
        runs = self.runs
        debrief.draw_status(surface, p, runs.seed_done, len(runs.alts), runs.done, runs.total, self.failed or runs.error)
        compared = runs.results()
        if self.page == 0:
            self.shown.update(
                debrief.draw_decisions_page(
                    surface, p, self.taken, compared, runs.band, self.same, scenario.currency, bottom=self.content_bottom
                )
            )
        else:
            self.shown.update(
                debrief.draw_charts(
                    surface, p, compared, self.objectives, scenario.currency, self.marks(), bottom=self.content_bottom
                )
            )
