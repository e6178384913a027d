"""The briefing: the situation, the trainee's role, what to watch and how long, then play.

It keeps the scenario's learning objectives and lessons for the debrief: a briefing that says
"customers told first stay more loyal" gives the answer before the trainee has decided anything.
What it says to watch is the measures the lessons rest on (their KPIs, named, without which
way they go), so the trainee knows where to look and finds out for themselves.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui

from game import launch, ui
from game.coach import TOUR_SCENARIOS
from game.input import Intent, Kind
from game.scene import Host, Scene
from sim.results.kpis import CHANNEL, HEADLINE
from sim.scenario.loader import LoadedScenario
from sim.scenario.schema import Scenario

TOUR_NOTE = "F1 on the play screen shows a short tour of it (Esc skips the tour)."
SCROLL_HINT = "Page Up / Page Down scroll the text"
TUTORIAL_NOTE = "A short tour of the screen starts with play: Enter goes on, Esc skips it, F1 shows it again."


def kpi_label(key: str) -> str:
    """A results key as the trainee reads it: the KPI catalogue's label, or the key's words."""
    for kpi in HEADLINE:
        if kpi.key == key:
            return kpi.label
    parts = key.split(".")
    if parts[0] == "channels" and len(parts) == 3:
        label = next((k.label for k in CHANNEL if k.key == parts[2]), parts[2].replace("_", " "))
        return f"{parts[1].replace('_', ' ')} {label}"
    words = parts[-1].removesuffix("_mean").replace("_", " ")
    if "affected" in parts[:-1]:
        return f"{words} of customers hit by a failure"
    if "contacted" in parts[:-1]:
        return f"{words} of callers"
    return words


def watch_list(scenario: Scenario) -> list[str]:
    """The measures the scenario's lessons rest on, in order, each once (never the lessons themselves)."""
    labels = [kpi_label(lesson.kpi) for lesson in scenario.lessons]
    return list(dict.fromkeys(labels))


def briefing_html(scenario: Scenario, days: float, *, tour: bool) -> str:
    """The briefing's text as the text box's markup: the scenario's words shown as written (``_esc``)."""
    n = len(scenario.decisions)
    role = (
        f"You decide how the brand responds at {n} moment{'s' if n != 1 else ''}; the customers, queues and failures "
        "run by themselves."
        if n
        else "This scenario has no decision points: watch the journey under its policy."
    )
    watch = "On the map: who is waiting, who hit a failure, who was reached first, and how their mood changes."
    measures = watch_list(scenario)
    if measures:
        watch += (
            " The debrief compares your choices with the other options, on the same customers, by: " + "; ".join(measures) + "."
        )
    return (
        f"<b>The situation</b><br>{_esc(scenario.description.strip())}<br><br>"
        f"<b>Your role</b><br>{_esc(role)}<br><br>"
        f"<b>What to watch</b><br>{_esc(watch)}<br><br>"
        f"<b>How long</b><br>{days:g} days of business, played at your pace: Space pauses, keys 1-5 set the speed, "
        f"End fast-forwards (a decision still stops time). {_esc(TUTORIAL_NOTE if tour else TOUR_NOTE)}"
    )


class BriefingScene(Scene):
    name = "briefing"

    def __init__(self, host: Host, *, loaded: LoadedScenario) -> None:
        super().__init__(host)
        self.loaded = loaded
        self.scenario = loaded.scenario

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """The title, the scroll hint beside it (or on its own line below it when both do not fit), the text, the buttons."""
        p = self.host.painter
        w, h = size
        days = self.host.options.days or self.scenario.horizon_days
        tour = Path(self.loaded.path).stem in TOUR_SCENARIOS
        html = briefing_html(self.scenario, days, tour=tour)
        margin = p.px(60)
        self.title_line = p.fitting(self.scenario.title, 28, w - p.px(40), True, end=False)
        title_w = p.width(self.title_line, 28, True)
        self.title_pos = (w // 2, p.px(14))
        title_bottom = self.title_pos[1] + p.line_h(28, True)
        self.hint_line = p.fitting(SCROLL_HINT, 12, w - 2 * margin, end=False)
        if w // 2 + title_w // 2 + p.px(16) + p.width(self.hint_line, 12) <= w - margin:
            self.hint_pos, self.hint_anchor, below = (w - margin, title_bottom), "bottomright", title_bottom
        else:
            self.hint_pos, self.hint_anchor = (w - margin, title_bottom + p.px(2)), "topright"
            below = title_bottom + p.px(2) + p.line_h(12)
        bh = max(p.px(50), p.line_h(15) + p.px(16))
        buttons_top = h - p.px(40) - bh
        top = max(p.px(90), below + p.px(10))
        box = pygame.Rect(margin, top, w - 2 * margin, max(p.px(40), buttons_top - p.px(20) - top))
        self.text_box = pygame_gui.elements.UITextBox(html, box, manager)
        labels = (("Play  (Enter)", self.play), ("Back  (Esc)", self.host.pop))
        bw = min((w - p.px(60)) // 2, max(p.px(280), *(p.width(label, 15) + p.px(40) for label, _ in labels)))
        for i, (label, action) in enumerate(labels):
            x = w // 2 - bw - p.px(10) if i == 0 else w // 2 + p.px(10)
            self.add_button(manager, pygame.Rect(x, buttons_top, bw, bh), label, action)

    def play(self) -> None:
        launch.open_session(self.host, self.loaded)

    def handle(self, intent: Intent) -> bool:
        kind = intent.kind
        if kind is Kind.BACK:
            self.host.pop()
            return True
        if kind in (Kind.PAGE_DOWN, Kind.PAGE_UP) and self.text_box.scroll_bar:
            bar = self.text_box.scroll_bar
            step = 0.2 if kind is Kind.PAGE_DOWN else -0.2
            bar.set_scroll_from_start_percentage(min(1.0, max(0.0, bar.start_percentage + step)))
            return True
        return super().handle(intent)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            self.play()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        p.text(surface, self.title_line, self.title_pos, 28, bold=True, anchor="midtop")
        p.text(surface, self.hint_line, self.hint_pos, 12, ui.MUTED, anchor=self.hint_anchor)

    def visible_text(self) -> list[str]:
        return [*super().visible_text(), ui.plain_text(self.scenario.title), ui.shown_text(self.text_box)]  # as shown


def _esc(text: str) -> str:
    """User text for the story's box: shown as written (``ui.gui_text``), a blank line a paragraph break."""
    return ui.gui_text(text).replace("\n\n", "<br><br>").replace("\n", " ")
