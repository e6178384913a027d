"""The pause menu (Esc): resume, text size, quit to the title or quit the game; time stands still."""

from __future__ import annotations

import pygame
import pygame_gui

from game.app import App, Scene

from .play import PlayScene


class PauseScene(Scene):
    name = "pause"
    overlay = True

    def __init__(self, app: App, play: PlayScene) -> None:
        super().__init__(app)
        self.play = play

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.app.painter
        bw, bh = p.px(340), p.px(48)
        x = size[0] // 2 - bw // 2
        y = size[1] // 2 - p.px(130)
        entries = (
            ("Resume  (Esc)", self.app.pop),
            ("Larger text  (Ctrl +)", lambda: self.app.change_text_scale(1.1)),
            ("Smaller text  (Ctrl -)", lambda: self.app.change_text_scale(1 / 1.1)),
            ("Save and return to title", self.to_title),
            ("Save and quit", lambda: self.app.quit(0)),
        )
        for i, (label, action) in enumerate(entries):
            self.add_button(manager, pygame.Rect(x, y + i * (bh + p.px(10)), bw, bh), label, action)

    def to_title(self) -> None:
        from .title import TitleScene

        self.app.quit_session()
        self.app.replace(TitleScene(self.app))

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()
            return True
        return self.focus_keys(event)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, h = surface.get_size()
        p.text(surface, "Paused", (w // 2, h // 2 - p.px(180)), 30, bold=True, anchor="center")
        if self.app.session is not None:
            p.text(surface, f"your session is saved to {self.app.session.paths.autosave}", (w // 2, h // 2 + p.px(190)), 13,
                   anchor="center")  # fmt: skip
