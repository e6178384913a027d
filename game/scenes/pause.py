"""The pause menu (Esc): resume, text size, quit to the title or quit the game; time stands still."""

from __future__ import annotations

import pygame
import pygame_gui

from game.input import Intent, Kind
from game.scene import Scene


class PauseScene(Scene):
    name = "pause"
    overlay = True

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        host = self.host
        p = host.painter
        bw, bh = p.px(340), p.px(48)
        x = size[0] // 2 - bw // 2
        y = size[1] // 2 - p.px(130)
        entries = (
            ("Resume  (Esc)", host.pop),
            ("Larger text  (Ctrl +)", lambda: host.change_text_scale(1.1)),
            ("Smaller text  (Ctrl -)", lambda: host.change_text_scale(1 / 1.1)),
            ("Save and return to title", self.to_title),
            ("Save and quit", lambda: host.quit(0)),
        )
        for i, (label, action) in enumerate(entries):
            self.add_button(manager, pygame.Rect(x, y + i * (bh + p.px(10)), bw, bh), label, action)

    def to_title(self) -> None:
        self.host.quit_session()
        self.host.replace("title")

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.BACK:
            self.host.pop()
            return True
        return super().handle(intent)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        p.text(surface, "Paused", (w // 2, h // 2 - p.px(180)), 30, bold=True, anchor="center")
        if self.host.session is not None:
            p.text(surface, f"your session is saved to {self.host.session.paths.autosave}", (w // 2, h // 2 + p.px(190)), 13,
                   anchor="center")  # fmt: skip
