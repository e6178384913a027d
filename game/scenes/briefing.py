"""The briefing: the story, the learning objectives, what the trainee controls, then play."""

from __future__ import annotations

from pathlib import Path

import pygame
import pygame_gui

from game import ui
from game.app import App, Scene
from game.live_view import LiveView
from game.session import Session
from sim.errors import SimError
from sim.scenario.loader import LoadedScenario, read_scenario
from sim.session.file import read_session, resolve_scenario_path


def start_session(app: App, loaded: LoadedScenario, **resume: object) -> None:
    """Open the play screen on a new (or resumed) session."""
    from .play import PlayScene

    view = LiveView(loaded.scenario)
    opts = app.options
    session = Session(
        loaded,
        folder=opts.save_dir,
        trainee=str(resume.pop("trainee", opts.trainee)),
        policy=resume.pop("policy", opts.policy),  # type: ignore[arg-type]
        seed=resume.pop("seed", opts.seed),  # type: ignore[arg-type]
        observers=[view],
        horizon_days=resume.pop("horizon_days", opts.days),  # type: ignore[arg-type]
        **resume,  # type: ignore[arg-type]
    )
    app.session = session
    session.autosave()
    app.replace(PlayScene(app, session, view))


def resume_session(app: App, path: Path) -> str | None:
    """Continue an autosaved session; returns an error line if it cannot be resumed."""
    try:
        rec = read_session(path)
        scenario_path = resolve_scenario_path(path, rec.scenario_file)
        loaded = read_scenario(scenario_path)
    except SimError as exc:
        problems = getattr(exc, "problems", None) or [exc]
        return str(problems[0])
    if rec.scenario_sha256 and loaded.sha256 != rec.scenario_sha256:
        return f"{path}: scenario.sha256: {scenario_path} changed since this session was saved; it cannot be replayed exactly"
    start_session(
        app, loaded, trainee=rec.trainee, policy=rec.policy, seed=rec.seed, horizon_days=rec.horizon_days,
        commands=rec.commands, resume_to=rec.sim_minutes,
    )  # fmt: skip
    return None


class BriefingScene(Scene):
    name = "briefing"

    def __init__(self, app: App, loaded: LoadedScenario) -> None:
        super().__init__(app)
        self.loaded = loaded
        self.scenario = loaded.scenario

    def build(self, manager: pygame_gui.UIManager, size: tuple[int, int]) -> None:
        p = self.app.painter
        w, h = size
        s = self.scenario
        objectives = "".join(f"<br>  - {_esc(o)}" for o in s.learning_objectives)
        n = len(s.decisions)
        controls = (
            f"You decide how the brand responds at {n} moment{'s' if n != 1 else ''}; the customers, queues and failures "
            "run by themselves. Between decisions, watch the journey: who is waiting, who hit a failure, who was reached first."
            if n
            else "This scenario has no decision points: watch the journey under its policy."
        )
        days = self.app.options.days or s.horizon_days
        html = (
            f"{_esc(s.description.strip())}<br><br><b>What you will learn</b>{objectives}<br><br>"
            f"<b>What you control</b><br>{_esc(controls)}<br><br><b>How long</b><br>{days:g} days of business, "
            "played at your pace: Space pauses, keys 1-5 set the speed, End fast-forwards (a decision still stops time)."
        )
        box = pygame.Rect(p.px(60), p.px(90), w - p.px(120), h - p.px(200))
        self.text_box = pygame_gui.elements.UITextBox(html, box, manager)
        bw = p.px(280)
        self.add_button(manager, pygame.Rect(w // 2 - bw - p.px(10), h - p.px(90), bw, p.px(50)), "Play  (Enter)", self.play)
        self.add_button(manager, pygame.Rect(w // 2 + p.px(10), h - p.px(90), bw, p.px(50)), "Back  (Esc)", self.app.pop)

    def play(self) -> None:
        start_session(self.app, self.loaded)

    def handle(self, event: pygame.event.Event) -> bool:
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.pop()
            return True
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEDOWN, pygame.K_PAGEUP) and self.text_box.scroll_bar:
            bar = self.text_box.scroll_bar
            bar.set_scroll_from_start_percentage(
                min(1.0, max(0.0, bar.start_percentage + (0.2 if event.key == pygame.K_PAGEDOWN else -0.2)))
            )
            return True
        return self.focus_keys(event)

    def autoplay(self) -> None:
        if self.frames_shown >= 4:
            self.play()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.app.painter
        w, _h = surface.get_size()
        p.text(surface, self.scenario.title, (w // 2, p.px(48)), 28, bold=True, anchor="center")
        p.text(surface, "Page Up / Page Down scroll the text", (w - p.px(60), p.px(80)), 12, ui.MUTED, anchor="bottomright")

    def visible_text(self) -> list[str]:
        return [*super().visible_text(), self.scenario.title, self.scenario.description, *self.scenario.learning_objectives]


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n\n", "<br><br>").replace("\n", " ")
