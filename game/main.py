"""Start the game: open the window on the title screen (or resume a session) and run the loop."""

from __future__ import annotations

import logging

from .app import App, GameOptions


def run_game(options: GameOptions) -> int:
    """Run the game until the trainee quits (or autoplay finishes); returns the exit status."""
    logging.basicConfig(level=logging.WARNING, format="cxsim game: %(message)s")
    app = App(options)
    from .scenes.title import TitleScene

    app.push(TitleScene(app))
    if options.resume is not None:
        from .scenes.briefing import resume_session

        error = resume_session(app, options.resume)
        if error:
            app.top.error = error  # type: ignore[attr-defined]
    return app.run()
