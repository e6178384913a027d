"""The pause menu (Esc): resume, the tour of the screen (F1), text size, quit to the title or quit the game; time stands still."""

from __future__ import annotations

import pygame
import pygame_gui

from game.input import FOCUS, SCREEN, TOUR, Intent, Kind
from game.scene import Scene


class PauseScene(Scene):
    name = "pause"
    overlay = True
    keys = (SCREEN, TOUR, FOCUS)

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """The menu's buttons, sized to their text and centred with the title above and the save path below."""
        host = self.host
        p = host.painter
        entries = (
            ("Resume  (Esc)", host.pop),
            ("Larger text  (Ctrl +)", lambda: host.change_text_scale(1.1)),
            ("Smaller text  (Ctrl -)", lambda: host.change_text_scale(1 / 1.1)),
            ("Save and return to title", self.to_title),
            ("Save and quit", lambda: host.quit(0)),
            ("Show the tour  (F1)", host.start_tour),  # closes the menu: the tour points at the play screen
        )
        bw = min(size[0] - p.px(40), max(p.px(340), *(p.width(label, 15) + p.px(40) for label, _ in entries)))
        bh, gap = p.line_h(15) + p.px(14), p.px(8)
        block = p.line_h(30, True) + p.px(12) + len(entries) * (bh + gap) + p.line_h(13)
        self.top = max(p.px(10), (size[1] - block) // 2)
        x = size[0] // 2 - bw // 2
        y = self.top + p.line_h(30, True) + p.px(12)
        for label, action in entries:
            self.add_button(manager, pygame.Rect(x, y, bw, bh), label, action)
            y += bh + gap
        self.path_y = y

    def to_title(self) -> None:
        self.host.quit_session()
        self.host.replace("title")

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.BACK:
            self.host.pop()
            return True
        if intent.kind is Kind.TOUR:
            self.host.start_tour()
            return True
        return super().handle(intent)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, _h = surface.get_size()
        p.text(surface, "Paused", (w // 2, self.top), 30, bold=True, anchor="midtop")
        if self.host.session is not None:
            label = "your session is saved to "
            line = label + p.fitting(str(self.host.session.paths.autosave), 13, w - p.px(40) - p.width(label, 13))
            p.text(surface, line, (w // 2, self.path_y), 13, anchor="midtop")
