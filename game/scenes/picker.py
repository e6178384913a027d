"""The scenario picker: the bundled scenarios, or a file of the trainer's own."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pygame
import pygame_gui

from game import launch, ui
from game.input import Intent, Keymap, Kind
from game.scene import Host, Scene
from sim.errors import SimError
from sim.scenario.loader import read_scenario

BUNDLED = Path(__file__).resolve().parent.parent.parent / "scenarios"


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

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.host.painter
        w, _h = size
        bw, bh = min(w - p.px(80), p.px(720)), p.px(46)
        x = w // 2 - bw // 2
        y = p.px(120)
        for path, title in self.scenarios:
            self.add_button(manager, pygame.Rect(x, y, bw, bh), title, lambda q=path: self.pick(q), tooltip=str(path))
            y += bh + p.px(8)
        self.add_button(manager, pygame.Rect(x, y + p.px(10), bw, bh), "Open a scenario file...", self.open_dialog)
        self.add_button(manager, pygame.Rect(x, y + p.px(10) + bh + p.px(8), bw, bh), "Back  (Esc)", self.host.pop)
        self.dialog = None

    def open_dialog(self) -> None:
        size = self.host.size
        rect = pygame.Rect(0, 0, min(size[0] - 40, 700), min(size[1] - 40, 500))
        rect.center = (size[0] // 2, size[1] // 2)
        self.dialog = pygame_gui.windows.UIFileDialog(rect, self.host.manager, "Open a cxsim scenario (.toml)",
                                                      initial_file_path=str(BUNDLED), allow_picking_directories=False)  # fmt: skip

    def pick(self, path: Path) -> None:
        self.error = launch.brief(self.host, path)

    def dialog_open(self) -> bool:
        return self.dialog is not None and self.dialog.alive()

    def keymaps(self) -> Sequence[Keymap]:
        return () if self.dialog_open() else self.keys  # the file dialog has the keyboard

    def handle(self, intent: Intent) -> bool:
        if intent.kind is Kind.FILE_PICKED:
            self.pick(Path(intent.text))
            return True
        if self.dialog_open():
            return False
        if intent.kind is Kind.BACK:
            self.host.pop()
            return True
        return super().handle(intent)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            target = self.host.options.scenario
            self.pick(target if target is not None else self.scenarios[0][0])

    def draw(self, surface: pygame.Surface) -> None:
        p = self.host.painter
        w, h = surface.get_size()
        p.text(surface, "Choose a scenario", (w // 2, p.px(50)), 30, bold=True, anchor="center")
        p.text(surface, "Each one teaches one difference between customer service and customer experience.",
               (w // 2, p.px(86)), 15, ui.MUTED, anchor="center")  # fmt: skip
        if self.error:
            p.wrapped(surface, self.error, pygame.Rect(p.px(40), h - p.px(90), w - p.px(80), p.px(80)), 14, ui.VERMILION)
