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
        bw = p.px(280)
        self.add_button(manager, pygame.Rect(w // 2 - bw - p.px(10), h - p.px(110), bw, p.px(50)), "Play again  (Enter)",
                        self.again)  # fmt: skip
        self.add_button(manager, pygame.Rect(w // 2 + p.px(10), h - p.px(110), bw, p.px(50)), "Quit", lambda: self.host.quit(0))

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
        p.text(surface, "Session saved", (w // 2, p.px(70)), 30, bold=True, anchor="center")
        p.text(surface, f"results: {self.path}", (w // 2, p.px(120)), 15, ui.MUTED, anchor="center")
        p.text(surface, f"trainer's sheet: {self.session.paths.csv}", (w // 2, p.px(144)), 15, ui.MUTED, anchor="center")
        p.text(surface, f"replay it exactly: cxsim replay {self.path}", (w // 2, p.px(168)), 15, ui.MUTED, anchor="center")
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
        y = p.px(220)
        for label, value in rows:
            p.text(surface, label, (w // 2 - p.px(20), y), 18, ui.MUTED, anchor="topright")
            p.text(surface, value, (w // 2 + p.px(20), y), 18, bold=True)
            y += p.px(34)
