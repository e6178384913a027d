"""The results screen: where the session was saved, the headline numbers, play again or quit."""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui

from game import ui
from game.scene import Host, Scene
from game.session import Session


class ResultsScene(Scene):
    name = "results"

    def __init__(self, host: Host, *, session: Session, path: Path) -> None:
        super().__init__(host)
        self.session = session
        self.path = path
        host.session = None  # finished and saved: nothing left to autosave

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, h = size
        labels = ("Play again  (Enter)", "Quit")
        bw = min(max(p.px(280), *(p.width(t, 15) + p.px(40) for t in labels)), (w - p.px(60)) // 2)
        bh = p.line_h(15) + p.px(20)
        self.buttons_top = h - p.px(30) - bh
        self.add_button(manager, pygame.Rect(w // 2 - bw - p.px(10), self.buttons_top, bw, bh), labels[0], self.again)
        self.add_button(manager, pygame.Rect(w // 2 + p.px(10), self.buttons_top, bw, bh), labels[1], lambda: self.host.quit(0))

    def again(self) -> None:
        self.host.replace("title")

    def autoplay(self) -> None:
        if self.frames_shown >= 5:
            self.host.quit(0)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, _h = surface.get_size()
        r = self.session.results or {}
        exp = r.get("experience", {})
        money = r.get("money", {})
        cur = r.get("currency", "")
        margin = p.px(20)
        y = p.px(20)
        p.text(surface, "Session saved", (w // 2, y), 30, bold=True, anchor="midtop")
        y += p.line_h(30, True) + p.px(8)
        reporting = (self.session.reporter.status(),) if self.session.reporter is not None else ()  # sent, or waiting
        for line in (
            f"results: {self.path}",
            f"trainer's sheet: {self.session.paths.csv}",
            f"replay it exactly: cxsim replay {self.path}",
            *reporting,
        ):
            p.text(
                surface, p.fitting(line, 15, w - 2 * margin), (w // 2, y), 15, ui.MUTED, anchor="midtop"
            )  # a path keeps its end
            y += p.line_h(15)
        nps = exp.get("nps")
        rows = [
            ("CSAT", "n/a" if exp.get("csat_mean") is None else f"{exp['csat_mean']:.2f} / 5"),
            ("NPS", "n/a" if nps is None else f"{nps:+.1f}"),
            (
                "Repeat purchase rate",
                "n/a" if exp.get("repeat_purchase_rate") is None else f"{100 * exp['repeat_purchase_rate']:.1f} %",
            ),
            ("Profit", ui.money(money.get("profit"), cur)),
        ]
        y += p.px(24)
        step = max(p.px(34), p.line_h(18, True) + p.px(4))
        for label, value in rows:
            if y + step > self.buttons_top:
                break
            p.text(surface, label, (w // 2 - p.px(20), y), 18, ui.MUTED, anchor="topright")
            p.text(surface, value, (w // 2 + p.px(20), y), 18, bold=True)
            y += step
