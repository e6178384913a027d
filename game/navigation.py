"""Every screen of the game by name: the app builds a screen from here when another asks for it.

Screens never import each other: the title asks its host for ``push("picker")``, the play
screen for ``push("decision", session=..., pending=..., run_time=...)`` or
``replace("debrief", ...)``, and the keyword arguments go to the screen's constructor.
"""

from __future__ import annotations

from collections.abc import Mapping

from .scene import Scene
from .scenes.briefing import BriefingScene
from .scenes.debrief import DebriefScene
from .scenes.decision import DecisionScene
from .scenes.join import JoinScene
from .scenes.pause import PauseScene
from .scenes.picker import PickerScene
from .scenes.play import PlayScene
from .scenes.results import ResultsScene
from .scenes.title import TitleScene

SCENES: Mapping[str, type[Scene]] = {
    "title": TitleScene,  # name, start, continue a saved session
    "picker": PickerScene,  # the bundled scenarios or a file (loaded)
    "join": JoinScene,  # join a classroom session: the join URL and a team name (url=, team=, error= to start with)
    "briefing": BriefingScene,  # loaded=LoadedScenario
    "play": PlayScene,  # session=Session, view=LiveView
    "decision": DecisionScene,  # session=, pending=PendingDecision, run_time=the play screen's update (overlay)
    "pause": PauseScene,  # the Esc menu (overlay)
    "debrief": DebriefScene,  # session=, view=, results_path=Path
    "results": ResultsScene,  # session=, path=Path
}
