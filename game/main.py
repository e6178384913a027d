"""Start the game: open the window on the title screen (or resume a session) and run the loop."""

from __future__ import annotations

import logging

from .app import App
from .launch import continue_class, resume_saved
from .options import GameOptions


def run_game(options: GameOptions) -> int:
    """Run the game until the trainee quits (or autoplay finishes); returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="cxsim game: %(message)s")
    app = App(options)
    app.push("title")
    if options.resume is None:
        continue_class(app)  # joined again (--join) after the game was closed: the team's run goes on
    else:
        error = resume_saved(app, options.resume)
        if error:
            app.replace("title", error=error)
    return app.run()
