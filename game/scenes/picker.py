"""The scenario picker: the bundled scenarios, or a file of the trainer's own.

The file dialog works by keyboard as well as by mouse: while it is open the picker moves a focus
ring over its controls (the file list, the path field, OK, Cancel, the folder up) with Tab and
Shift+Tab, Up and Down move in the list, Enter opens the folder or the scenario under the ring
(or the path typed in the field), and Esc closes the dialog. The keyboard never gets stuck in it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pygame
import pygame_gui

from game import launch, ui
from game.input import DIALOG, TEXT_FIELD, Intent, Keymap, Kind
from game.scene import Host, Scene
from sim.errors import SimError
from sim.scenario.loader import read_scenario

BUNDLED = Path(__file__).resolve().parent.parent.parent / "scenarios"
SUBTITLE = "Each one teaches one difference between customer service and customer experience."


def bundled_scenarios() -> list[tuple[Path, str]]:
    """Every valid scenario in scenarios/, with its title (a broken one is listed by file name)."""
    out = []
    for path in sorted(BUNDLED.glob("*.toml")):
        try:
            title = read_scenario(path).scenario.title
        except SimError:
            title = f"{path.name} (has errors)"
        out.append((path, title))
    hike = [x for x in out if x[0].name == "hike-launch.toml"]
    return hike + [x for x in out if x[0].name != "hike-launch.toml"]


class PickerScene(Scene):
    name = "picker"

    def __init__(self, host: Host) -> None:
        super().__init__(host)
        self.scenarios = bundled_scenarios()
        self.error: str | None = None
        self.dialog: pygame_gui.windows.UIFileDialog | None = None
        self.slot = 0  # the dialog's control under the focus ring (DIALOG_SLOTS)
        self.item = 0  # the file list's entry under the ring

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        """The heading, then one button per scenario: one column, or two when the window is too short for one."""
        p = self.host.painter
        w, h = size
        margin = p.px(20)
        self.head = [(line, 30, True) for line in p.lines("Choose a scenario", 30, w - 2 * margin, True)]
        self.head += [(line, 15, False) for line in p.lines(SUBTITLE, 15, w - 2 * margin)]
        top = margin + sum(p.line_h(base, bold) for _, base, bold in self.head) + p.px(12)
        entries = [(title, lambda q=path: self.pick(q), str(path)) for path, title in self.scenarios]
        entries += [("Open a scenario file...", self.open_dialog, None), ("Back  (Esc)", self.host.pop, None)]
        bh, gap = p.line_h(15) + p.px(12), p.px(6)
        room = h - top - margin - (3 * p.line_h(14) if self.error else 0)
        columns = 1 if len(entries) * (bh + gap) <= room else 2
        rows = -(-len(entries) // columns)
        bw = min((w - 2 * margin - (columns - 1) * gap) // columns, p.px(720))
        left = w // 2 - (columns * bw + (columns - 1) * gap) // 2
        for i, (title, action, tip) in enumerate(entries):
            col, row = divmod(i, rows)
            rect = pygame.Rect(left + col * (bw + gap), top + row * (bh + gap), bw, bh)
            shown = p.fitting(title, 15, bw - p.px(24), end=False)  # a title too long for the window ends in "..."
            self.add_button(manager, rect, shown, action, tooltip=tip if shown == title else f"{title}\n{tip or ''}".strip())
        self.error_top = top + rows * (bh + gap)
        self.dialog = None

    def open_dialog(self) -> None:
        size = self.host.size
        rect = pygame.Rect(0, 0, min(size[0] - 40, 700), min(size[1] - 40, 500))
        rect.center = (size[0] // 2, size[1] // 2)
        self.dialog = pygame_gui.windows.UIFileDialog(rect, self.host.manager, "Open a cxsim scenario (.toml)",
                                                      initial_file_path=str(BUNDLED), allow_picking_directories=False)  # fmt: skip
        self.slot, self.item = 0, 0

    def close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.kill()
        self.dialog = None
        self.focus = len(self.scenarios)  # back on "Open a scenario file..."

    def pick(self, path: Path) -> None:
        self.error = launch.brief(self.host, path)

    def dialog_open(self) -> bool:
        return self.dialog is not None and self.dialog.alive()

    def typing_path(self) -> bool:
        return self.dialog_open() and self.dialog is not None and self.dialog.file_path_text_line.is_focused

    def keymaps(self) -> Sequence[Keymap]:
        if self.dialog_open():
            return (TEXT_FIELD,) if self.typing_path() else (DIALOG,)  # typing a path: keys are letters
        return self.keys

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.FILE_PICKED:
            self.pick(Path(intent.text))
            return True
        if self.dialog_open():
            return self.dialog_intent(intent)
        if intent.kind is Kind.BACK:
            self.host.pop()
            return True
        return super().handle(intent)

    # --- the file dialog by keyboard ----------------------------------------------------------------

    def controls(self) -> list[pygame_gui.core.UIElement]:
        """The dialog's controls in focus order: the file list, the path, OK, Cancel, the folder up."""
        d = self.dialog
        assert d is not None
        return [d.file_selection_list, d.file_path_text_line, d.ok_button, d.cancel_button, d.parent_directory_button]

    def entries(self) -> list[str]:
        """The names in the dialog's file list, folders first, as it shows them."""
        d = self.dialog
        return [str(entry[0] if isinstance(entry, tuple) else entry) for entry in (d.current_file_list if d else []) or []]

    def dialog_intent(self, intent: Intent) -> bool:
        d = self.dialog
        assert d is not None
        kind = intent.kind
        manager = self.host.manager
        if kind is Kind.BACK:
            self.close_dialog()
        elif kind is Kind.LEAVE_FIELD or (kind is Kind.TEXT_DONE and intent.element is d.file_path_text_line):
            manager.set_focus_set(None)
            d.file_path_text_line.unfocus()
            typed = Path(d.file_path_text_line.get_text()).expanduser()
            if kind is Kind.TEXT_DONE and typed.is_file():  # Enter on a typed scenario file opens it
                self.open_file(typed)
            elif kind is Kind.LEAVE_FIELD:
                self.slot = 2
        elif kind in (Kind.FOCUS_NEXT, Kind.FOCUS_PREV):
            self.slot = (self.slot + (1 if kind is Kind.FOCUS_NEXT else -1)) % len(self.controls())
        elif kind in (Kind.MOVE_UP, Kind.MOVE_DOWN):
            if self.slot == 0 and self.entries():
                self.item = (self.item + (1 if kind is Kind.MOVE_DOWN else -1)) % len(self.entries())
                self.select_item()
            else:
                self.slot = (self.slot + (1 if kind is Kind.MOVE_DOWN else -1)) % len(self.controls())
        elif kind is Kind.ACTIVATE:
            self.activate_control()
        else:
            return False
        return True

    def select_item(self) -> None:
        """Select the entry under the ring as a click would (the dialog shows it in its path field)."""
        d = self.dialog
        names = self.entries()
        if d is not None and names:
            event = {"text": names[self.item], "ui_element": d.file_selection_list}
            pygame.event.post(pygame.event.Event(pygame_gui.UI_SELECTION_LIST_NEW_SELECTION, event))

    def activate_control(self) -> None:
        d = self.dialog
        assert d is not None
        control = self.controls()[self.slot]
        if control is d.file_selection_list:
            names = self.entries()
            if not names:
                return
            path = Path(d.current_directory_path) / names[self.item]
            if path.is_dir():  # into the folder, as a double click does
                event = {"text": names[self.item], "ui_element": d.file_selection_list}
                pygame.event.post(pygame.event.Event(pygame_gui.UI_SELECTION_LIST_DOUBLE_CLICKED_SELECTION, event))
                self.item = 0
            else:
                self.open_file(path)
        elif control is d.file_path_text_line:
            self.host.manager.set_focus_set(d.file_path_text_line)
        elif control is d.cancel_button:
            self.close_dialog()
        elif control.is_enabled:  # OK, the folder up: as a click does
            pygame.event.post(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, {"ui_element": control}))
            if control is d.parent_directory_button:
                self.item = 0

    def open_file(self, path: Path) -> None:
        self.close_dialog()
        self.pick(path)

    def draw_focus(self, surface: pygame.Surface) -> None:
        if not self.dialog_open():
            super().draw_focus(surface)
            return
        d = self.dialog
        assert d is not None
        rect = self.controls()[self.slot].get_abs_rect()
        if self.slot == 0 and self.entries():  # the entry under the ring, when the list shows it
            for entry in d.file_selection_list.item_list:
                button = entry.get("button_element")
                if entry.get("text") == self.entries()[self.item] and button is not None and button.visible:
                    rect = button.get_abs_rect()
        pygame.draw.rect(surface, ui.FOCUS, rect.inflate(4, 4), 3, border_radius=6)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            target = self.host.options.scenario
            self.pick(target if target is not None else self.scenarios[0][0])

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        y = p.px(20)
        for line, base, bold in self.head:
            p.text(surface, line, (w // 2, y), base, ui.TEXT if bold else ui.MUTED, bold=bold, anchor="midtop")
            y += p.line_h(base, bold)
        if self.error:
            top = self.error_top + p.px(6)
            p.wrapped(surface, self.error, pygame.Rect(p.px(20), top, w - p.px(40), h - top - p.px(10)), 14, ui.VERMILION)
