"""The title screen: what cxsim teaches, the trainee's name, start or continue a saved session.

Starting under a name that has an unfinished session (of the same scenario, when the game was
started on a file) asks first: continue that one, or start a new one beside it (the saved one
is kept under its own name), or go back.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pygame
import pygame_gui

from game import launch, ui
from game.input import TEXT_FIELD, Intent, Keymap, Kind
from game.scene import Host, Scene
from game.session import unfinished_sessions
from sim.clock import format_time
from sim.session.file import SessionRecord


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
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.unfinished: tuple[Path, SessionRecord] | None = None  # asking: continue this one, or start anew?
        self.autosave: Path | None = None  # the latest unfinished session of anyone (Continue saved session)

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, h = size
        bw, bh = p.px(360), p.px(50)
        x = w // 2 - bw // 2
        y = h // 2 + p.px(10)
        step = bh + p.px(12)
        if self.unfinished is not None:  # the confirm step: three buttons, Enter continues the saved session
            self.name_entry = None
            self.add_button(manager, pygame.Rect(x, y, bw, bh), "Continue saved session  (Enter)", self.continue_unfinished)
            self.add_button(manager, pygame.Rect(x, y + step, bw, bh), "Start a new session", self.start_anyway)
            self.add_button(manager, pygame.Rect(x, y + 2 * step, bw, bh), "Back  (Esc)", self.cancel)
            return
        self.name_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(x, y - p.px(70), bw, p.px(40)), manager,
                                                              placeholder_text="your name (optional)")  # fmt: skip
        self.name_entry.set_text(self.host.options.trainee)
        self.name_entry.set_text_length_limit(40)
        self.add_button(manager, pygame.Rect(x, y, bw, bh), "Start training  (Enter)", self.start)
        self.autosave = latest_autosave(self.host.options.save_dir)
        if self.autosave is not None:
            self.add_button(manager, pygame.Rect(x, y + step, bw, bh), "Continue saved session", self.resume)
        self.add_button(manager, pygame.Rect(x, y + 2 * step, bw, bh), "Quit", lambda: self.host.quit(0))

    def trainee(self) -> str:
        return self.name_entry.get_text().strip() if self.name_entry is not None else self.host.options.trainee

    def start(self) -> None:
        """Start training; if this name has an unfinished session, ask first (the confirm step)."""
        options = self.host.options
        options.trainee = self.trainee()
        found = unfinished_sessions(options.save_dir, options.trainee, options.scenario)
        if found:
            self.unfinished = found[0]
            self.focus = 0
            self.host.rebuild()
            return
        self.start_anyway()

    def start_anyway(self) -> None:
        """A new session; an unfinished one is kept under its own name (the new one takes the next free name)."""
        asked, self.unfinished = self.unfinished is not None, None
        options = self.host.options
        if options.scenario is None:
            self.host.push("picker")
        else:  # started on a file (make play, cxsim play FILE): straight to its briefing
            self.error = launch.brief(self.host, options.scenario)
            if self.error and asked:  # still here: back to the name and the start button
                self.host.rebuild()

    def continue_unfinished(self) -> None:
        if self.unfinished is not None:
            path = self.unfinished[0]
            self.unfinished = None
            self.error = launch.resume_saved(self.host, path)
            if self.error:
                self.host.rebuild()

    def draw_confirm(self, surface: pygame.Surface) -> None:
        """The confirm step's text: whose session, of what, saved when."""
        assert self.unfinished is not None
        p = self.host.painter
        w, h = surface.get_size()
        path, record = self.unfinished
        who = record.trainee or "Someone without a name"
        p.text(surface, "An unfinished session is saved", (w // 2, h // 2 - p.px(200)), 30, ui.SKY, bold=True, anchor="center")
        p.text(surface, f"{who}: {record.scenario_title}, stopped at {format_time(record.sim_minutes)}",
               (w // 2, h // 2 - p.px(140)), 20, anchor="center")  # fmt: skip
        p.text(surface, f"in {path}", (w // 2, h // 2 - p.px(110)), 13, ui.MUTED, anchor="center")
        p.text(surface, "Continue it, or start a new session? A new one is saved beside it: nothing is replaced.",
               (w // 2, h // 2 - p.px(60)), 16, anchor="center")  # fmt: skip
        foot = "Keyboard: Tab / arrows move, Enter selects, Esc goes back."
        p.text(surface, foot, (w // 2, h - p.px(30)), 13, ui.MUTED, anchor="center")
        if self.error:
            p.text(surface, self.error, (w // 2, h - p.px(60)), 14, ui.VERMILION, anchor="center")

    def cancel(self) -> None:
        """Back from the confirm step to the name and the start button."""
        self.unfinished = None
        self.focus = 0
        self.host.rebuild()

    def resume(self) -> None:
        if self.autosave is not None:
            self.error = launch.resume_saved(self.host, self.autosave)

    def keymaps(self) -> Sequence[Keymap]:
        return (TEXT_FIELD,) if self.typing() else self.keys  # typing a name: keys are letters

    def typing(self) -> bool:
        return self.name_entry is not None and self.name_entry.is_focused

    def focus_field(self) -> None:
        """Put the keyboard in the name field (Tab or Up from the first button, Tab from the last one)."""
        if self.name_entry is not None:
            self.show_focus = True
            self.host.manager.set_focus_set(self.name_entry)
            self.name_entry.edit_position = len(self.name_entry.get_text())  # typing goes on after the name

    def focus_intent(self, intent: Intent) -> bool:
        """The name field is the first stop of the focus ring, before the buttons."""
        if self.name_entry is not None and self.buttons:
            last = len(self.buttons) - 1
            if (intent.kind is Kind.FOCUS_PREV and self.focus == 0) or (intent.kind is Kind.FOCUS_NEXT and self.focus == last):
                self.focus_field()
                return True
        return super().focus_intent(intent)

    def draw_focus(self, surface: pygame.Surface) -> None:
        if self.typing():
            assert self.name_entry is not None
            pygame.draw.rect(surface, ui.FOCUS, self.name_entry.get_abs_rect().inflate(8, 8), 3, border_radius=9)
        else:
            super().draw_focus(surface)

    def handle(self, intent: Intent) -> bool:
        entry = self.name_entry
        if entry is not None and (
            (intent.kind is Kind.TEXT_DONE and intent.element is entry) or intent.kind is Kind.LEAVE_FIELD
        ):
            self.host.manager.set_focus_set(None)
            entry.unfocus()
            self.focus = 0
            return True
        if entry is not None and entry.is_focused:
            return False
        if intent.kind is Kind.BACK:
            if self.unfinished is not None:
                self.cancel()
            else:
                self.host.quit(0)
            return True
        return super().handle(intent)

    def autoplay(self) -> None:
        if self.unfinished is not None:  # a demo never resumes someone's session: it starts its own beside it
            self.start_anyway()
        elif self.frames_shown >= 4:
            self.start()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        if self.unfinished is not None:
            self.draw_confirm(surface)
            return
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
