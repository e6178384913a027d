"""The title screen: what cxsim teaches, the trainee's name, start or continue a saved session, join a class.

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
        self.text_lines: list[tuple[str, int, tuple[int, int, int], bool, int]] = []
        self.moods_y: int | None = None
        self.foot: list[str] = []
        self.name_entry: pygame_gui.elements.UITextEntryLine | None = None
        self.unfinished: tuple[Path, SessionRecord] | None = None  # asking: continue this one, or start anew?
        self.autosave: Path | None = None  # the latest unfinished session of anyone (Continue saved session)

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """A column measured from the text's size: headline, taglines, the moods, the name field, the buttons, the footer."""
        p = self.host.painter
        w, h = size
        margin = p.px(20)
        width = w - 2 * margin
        labels = (
            ("Continue saved session  (Enter)", "Start a new session", "Back  (Esc)")
            if self.unfinished is not None
            else ("Start training  (Enter)", "Continue saved session", "Join a class", "Quit")
        )
        bw = min(width, max(p.px(360), *(p.width(t, 15) + p.px(40) for t in labels)))
        bh, gap = p.line_h(15) + p.px(16), p.px(10)
        self.foot = p.lines(self.footer(), 13, width)
        bottom = h - margin - len(self.foot) * p.line_h(13) - (p.line_h(14) if self.error else 0)
        self.text_lines: list[tuple[str, int, tuple[int, int, int], bool, int]] = []
        self.moods_y: int | None = None
        x = w // 2 - bw // 2
        if self.unfinished is not None:  # the confirm step: three buttons, Enter continues the saved session
            self.name_entry = None
            y = self.column(self.confirm_text(), width, margin, bottom - 3 * (bh + gap))
            for label, action in zip(labels, (self.continue_unfinished, self.start_anyway, self.cancel), strict=True):
                self.add_button(manager, pygame.Rect(x, y, bw, bh), label, action)
                y += bh + gap
            return
        self.autosave = latest_autosave(self.host.options.save_dir)
        joined = self.host.options.classroom is not None  # joined already (--join, or the join screen): no second class
        # a joined team's one run is its class's: Start training goes on with it, and another saved session
        # (perhaps of another scenario) is not offered, since playing it would report it to the host
        shown = [labels[0], *([labels[1]] if self.autosave is not None and not joined else []), *([labels[2]] if not joined else []), labels[3]]
        field_h = p.line_h(15) + p.px(14)
        below = field_h + gap + len(shown) * (bh + gap)
        head = [
            ("cxsim", 64, ui.SKY, True),
            ("Customer service fixes the problem in front of you.", 22, ui.TEXT, False),
            ("Customer experience designs the whole journey, and is remembered for months.", 22, ui.TEXT, False),
            ("moods", 0, ui.TEXT, False),
            ("Your name goes on your results (Enter or Tab when done)", 13, ui.MUTED, False),
        ]
        y = self.column(head, width, margin, bottom - below)
        self.name_entry = pygame_gui.elements.UITextEntryLine(pygame.Rect(x, y, bw, field_h), manager,
                                                              placeholder_text="your name (optional)")  # fmt: skip
        self.name_entry.set_text(self.host.options.trainee)
        self.name_entry.set_text_length_limit(40)
        y += field_h + gap
        actions = {labels[0]: self.start, labels[1]: self.resume, labels[2]: self.join, labels[3]: lambda: self.host.quit(0)}
        for label in shown:
            self.add_button(manager, pygame.Rect(x, y, bw, bh), label, actions[label])
            y += bh + gap

    def column(self, items: list[tuple[str, int, tuple[int, int, int], bool]], width: int, top: int, limit: int) -> int:
        """Lay ``items`` out from ``top``, wrapped, leaving out the first (the headline) and the moods if short of room."""
        p = self.host.painter

        def height(kept: list[tuple[str, int, tuple[int, int, int], bool]]) -> int:
            return sum(
                p.px(30) if t == "moods" else len(p.lines(t, b, width, bold)) * p.line_h(b, bold) for t, b, _, bold in kept
            )

        kept = list(items)
        for optional in ("moods", "cxsim"):
            if top + height(kept) + p.px(10) > limit:
                kept = [item for item in kept if item[0] != optional]
        y = top + max(0, (limit - top - height(kept)) // 3)  # some air above when there is room
        for text, base, colour, bold in kept:
            if text == "moods":
                self.moods_y = y + p.px(4)
                y += p.px(30)
                continue
            for line in p.lines(text, base, width, bold):
                self.text_lines.append((line, base, colour, bold, y))
                y += p.line_h(base, bold)
        return y + p.px(10)

    def footer(self) -> str:
        if self.unfinished is not None:
            return "Keyboard: Tab / arrows move, Enter selects, Esc goes back."
        return (
            "Keyboard: Tab / arrows move (the name field too), Enter selects, Esc goes back. F11 full screen, Ctrl +/- text size."
        )

    def confirm_text(self) -> list[tuple[str, int, tuple[int, int, int], bool]]:
        """The confirm step's text: whose session, of what, saved when."""
        assert self.unfinished is not None
        path, record = self.unfinished
        who = record.trainee or "Someone without a name"
        return [
            ("An unfinished session is saved", 30, ui.SKY, True),
            (f"{who}: {record.scenario_title}, stopped at {format_time(record.sim_minutes)}", 20, ui.TEXT, False),
            (f"in {path}", 13, ui.MUTED, False),
            ("Continue it, or start a new session? A new one is saved beside it: nothing is replaced.", 16, ui.TEXT, False),
        ]

    def trainee(self) -> str:
        return self.name_entry.get_text().strip() if self.name_entry is not None else self.host.options.trainee

    def start(self) -> None:
        """Start training; if this name has an unfinished session, ask first (the confirm step).

        A team in a class plays one run for the host: with an unfinished session of the class it
        goes on with it (``launch.continue_class``), never a second run from the first minute,
        which would send the host the same decisions again and its clock back to the start.
        """
        options = self.host.options
        options.trainee = self.trainee()
        if options.classroom is not None and launch.continue_class(self.host):
            return
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

    def cancel(self) -> None:
        """Back from the confirm step to the name and the start button."""
        self.unfinished = None
        self.focus = 0
        self.host.rebuild()

    def join(self) -> None:
        """The join screen (game/scenes/join.py); the name typed here stays the trainee's, the team's name is asked there."""
        self.host.options.trainee = self.trainee()
        self.host.push("join")

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
        if entry is not None and ((intent.kind is Kind.TEXT_DONE and intent.element is entry) or intent.kind is Kind.LEAVE_FIELD):
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
        for line, base, colour, bold, y in self.text_lines:
            p.text(surface, line, (w // 2, y), base, colour, bold=bold, anchor="midtop")
        y = h - p.px(20) - len(self.foot) * p.line_h(13)
        if self.error:
            error = p.fitting(self.error, 14, w - p.px(40))
            p.text(surface, error, (w // 2, y - p.line_h(14)), 14, ui.VERMILION, anchor="midtop")
        for line in self.foot:
            p.text(surface, line, (w // 2, y), 13, ui.MUTED, anchor="midtop")
            y += p.line_h(13)
        if self.moods_y is not None:  # the five moods, as a reminder that shape and colour both carry meaning
            size = p.px(22)
            x = w // 2 - (5 * size + 4 * p.px(22)) // 2
            for mood in sorted(ui.MOOD_SHAPES):
                surface.blit(p.mood_sprite(mood, size), (x, self.moods_y))
                x += size + p.px(22)
