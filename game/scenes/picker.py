"""The scenario picker: the bundled scenarios, or a file of the trainer's own."""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui

from game import ui
from game.app import App, Scene
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

    def __init__(self, app: App) -> None:
        super().__init__(app)
        self.scenarios = bundled_scenarios()
        self.error: str | None = None
        self.dialog: pygame_gui.windows.UIFileDialog | None = None

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.app.painter
        w, _h = size
        bw, bh = min(w - p.px(80), p.px(720)), p.px(46)
        x = w // 2 - bw // 2
        y = p.px(120)
        for path, title in self.scenarios:
            self.add_button(manager, pygame.Rect(x, y, bw, bh), title, lambda q=path: self.pick(q), tooltip=str(path))
            y += bh + p.px(8)
        self.add_button(manager, pygame.Rect(x, y + p.px(10), bw, bh), "Open a scenario file...", self.open_dialog)
        self.add_button(manager, pygame.Rect(x, y + p.px(10) + bh + p.px(8), bw, bh), "Back  (Esc)", self.app.pop)
        self.dialog = None

    def open_dialog(self) -> None:
        size = self.app.screen.get_size()
        rect = pygame.Rect(0, 0, min(size[0] - 40, 700), min(size[1] - 40, 500))
        rect.center = (size[0] // 2, size[1] // 2)
        self.dialog = pygame_gui.windows.UIFileDialog(rect, self.app.manager, "Open a cxsim scenario (.toml)",
                                                      initial_file_path=str(BUNDLED), allow_picking_directories=False)  # fmt: skip

    def pick(self, path: Path) -> None:
        from .briefing import BriefingScene

        try:
            loaded = read_scenario(path)
        except SimError as exc:
            problems = getattr(exc, "problems", None) or [exc]
            self.error = str(problems[0])
            return
        self.error = None
        self.app.push(BriefingScene(self.app, loaded))

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame_gui.UI_FILE_DIALOG_PATH_PICKED:
            self.pick(Path(event.text))
            return True
        if self.dialog is not None and self.dialog.alive():
            return False
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()
            return True
        return self.focus_keys(event)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            target = self.app.options.scenario
            self.pick(target if target is not None else self.scenarios[0][0])

    def draw(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, h = surface.get_size()
        p.text(surface, "Choose a scenario", (w // 2, p.px(50)), 30, bold=True, anchor="center")
        p.text(surface, "Each one teaches one difference between customer service and customer experience.",
               (w // 2, p.px(86)), 15, ui.MUTED, anchor="center")  # fmt: skip
        if self.error:
            p.wrapped(surface, self.error, pygame.Rect(p.px(40), h - p.px(90), w - p.px(80), p.px(80)), 14, ui.VERMILION)
