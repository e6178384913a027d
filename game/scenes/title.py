"""The title screen: what cxsim teaches, the trainee's name, start or continue a saved session."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pygame
import pygame_gui

from game import launch, ui
from game.input import TEXT_FIELD, Intent, Keymap, Kind
from game.scene import Host, Scene


def latest_autosave(folder: Path) -> Path | None:
    """The most recent unfinished session in ``folder``, if any."""
    try:
        saves = sorted(folder.glob("*.autosave.json"), key=lambda p: p.stat().st_mtime, reverse=True)
    except OSError:
        return None
    return saves[0] if saves else None


class TitleScene(Scene):
    name = "title"

    def __init__(self, host: Host, *, error: str | None = None) -> None:
        """``error``: a line to show (a session that could not be resumed)."""
        super().__init__(host)
        self.error = error

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, h = size
        bw, bh = p.px(360), p.px(50)
        x = w // 2 - bw // 2
        y = h // 2 + p.px(10)
        self.name_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(x, y - p.px(70), bw, p.px(40)), manager,
                                                              placeholder_text="your name (optional)")  # fmt: skip
        self.name_entry.set_text(self.host.options.trainee)
        self.name_entry.set_text_length_limit(40)
        self.add_button(manager, pygame.Rect(x, y, bw, bh), "Start training  (Enter)", self.start)
        self.autosave = latest_autosave(self.host.options.save_dir)
        if self.autosave is not None:
            self.add_button(manager, pygame.Rect(x, y + bh + p.px(12), bw, bh), "Continue saved session", self.resume)
        self.add_button(manager, pygame.Rect(x, y + 2 * (bh + p.px(12)), bw, bh), "Quit", lambda: self.host.quit(0))

    def trainee(self) -> str:
        return self.name_entry.get_text().strip()

    def start(self) -> None:
        options = self.host.options
        options.trainee = self.trainee()
        if options.scenario is None:
            self.host.push("picker")
        else:  # started on a file (make play, cxsim play FILE): straight to its briefing
            self.error = launch.brief(self.host, options.scenario)

    def resume(self) -> None:
        if self.autosave is not None:
            self.error = launch.resume_saved(self.host, self.autosave)

    def keymaps(self) -> Sequence[Keymap]:
        return (TEXT_FIELD,) if self.name_entry.is_focused else self.keys  # typing a name: keys are letters

    def handle(self, intent: Intent) -> bool:
        if (intent.kind is Kind.TEXT_DONE and intent.element is self.name_entry) or intent.kind is Kind.LEAVE_FIELD:
            self.name_entry.unfocus()
            self.focus = 0
            return True
        if self.name_entry.is_focused:
            return False
        if intent.kind is Kind.BACK:
            self.host.quit(0)
            return True
        return super().handle(intent)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            self.start()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        p.text(surface, "cxsim", (w // 2, h // 2 - p.px(250)), 64, ui.SKY, bold=True, anchor="center")
        p.text(surface, "Customer service fixes the problem in front of you.", (w // 2, h // 2 - p.px(180)), 22,
               anchor="center")  # fmt: skip
        p.text(surface, "Customer experience designs the whole journey, and is remembered for months.",
               (w // 2, h // 2 - p.px(150)), 22, anchor="center")  # fmt: skip
        p.text(surface, "Your name goes on your results (Enter or Tab when done)", (w // 2, h // 2 - p.px(82)), 13, ui.MUTED,
               anchor="center")  # fmt: skip
        foot = "Keyboard: Tab / arrows move, Enter selects, Esc goes back. F11 full screen, Ctrl +/- text size."
        p.text(surface, foot, (w // 2, h - p.px(30)), 13, ui.MUTED, anchor="center")
        if self.error:
            p.text(surface, self.error, (w // 2, h - p.px(60)), 14, ui.VERMILION, anchor="center")
        # the five moods, as a reminder that shape and colour both carry meaning
        x = w // 2 - p.px(100)
        for mood in sorted(ui.MOOD_SHAPES):
            surface.blit(p.mood_sprite(mood, p.px(22)), (x, h // 2 - p.px(125)))
            x += p.px(44)
