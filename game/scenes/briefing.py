"""The briefing: the story, the learning objectives, what the trainee controls, then play."""

from __future__ import annotations

import pygame
import pygame_gui

from game import launch, ui
from game.input import Intent, Kind
from game.scene import Host, Scene
from sim.scenario.loader import LoadedScenario


class BriefingScene(Scene):
    name = "briefing"

    def __init__(self, host: Host, *, loaded: LoadedScenario) -> None:
        super().__init__(host)
        self.loaded = loaded
        self.scenario = loaded.scenario

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, h = size
        s = self.scenario
        objectives = "".join(f"<br>  - {_esc(o)}" for o in s.learning_objectives)
        n = len(s.decisions)
        controls = (
            f"You decide how the brand responds at {n} moment{'s' if n != 1 else ''}; the customers, queues and failures "
            "run by themselves. Between decisions, watch the journey: who is waiting, who hit a failure, who was reached first."
            if n
            else "This scenario has no decision points: watch the journey under its policy."
        )
        days = self.host.options.days or s.horizon_days
        html = (
            f"{_esc(s.description.strip())}<br><br><b>What you will learn</b>{objectives}<br><br>"
            f"<b>What you control</b><br>{_esc(controls)}<br><br><b>How long</b><br>{days:g} days of business, "
            "played at your pace: Space pauses, keys 1-5 set the speed, End fast-forwards (a decision still stops time)."
        )
        box = pygame.Rect(p.px(60), p.px(90), w - p.px(120), h - p.px(200))
        self.text_box = pygame_gui.elements.UITextBox(html, box, manager)
        bw = p.px(280)
        self.add_button(manager, pygame.Rect(w // 2 - bw - p.px(10), h - p.px(90), bw, p.px(50)), "Play  (Enter)", self.play)
        self.add_button(manager, pygame.Rect(w // 2 + p.px(10), h - p.px(90), bw, p.px(50)), "Back  (Esc)", self.host.pop)

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
        w, _h = surface.get_size()
        p.text(surface, self.scenario.title, (w // 2, p.px(48)), 28, bold=True, anchor="center")
        p.text(surface, "Page Up / Page Down scroll the text", (w - p.px(60), p.px(80)), 12, ui.MUTED, anchor="bottomright")

    def visible_text(self) -> list[str]:
        return [*super().visible_text(), ui.plain_text(self.scenario.title), ui.shown_text(self.text_box)]  # as shown


def _esc(text: str) -> str:
    """User text for the story's box: shown as written (``ui.gui_text``), a blank line a paragraph break."""
    return ui.gui_text(text).replace("\n\n", "<br><br>").replace("\n", " ")
