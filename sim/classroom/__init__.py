"""Classroom sessions: a facilitator's host (``cxsim host``) and the teams' games that join it.

The host does not simulate. It hands every team the same scenario text, seed, policy and
horizon when it joins; each team's game runs the engine locally on them, so every team faces
the identical customer stream and differences come only from their decisions. The games send
each decision and a KPI snapshot about every second; the host keeps them in SQLite and pushes a
live leaderboard to the facilitator's dashboard.

- ``protocol``: the messages, as pydantic models with bounded sizes (what the host accepts).
- ``store``: the session on disk (SQLite, WAL), so a restarted host keeps it.
- ``board``: what the dashboard shows, built from the store and the scorecard.
- ``server``: the FastAPI application (join, batches, dashboard, controls, websocket).
- ``host``: ``cxsim host``: bind, print the URLs, serve.
- ``outbox`` and ``client``: the team's side: an on-disk outbox and the link the game calls.

The engine never imports this package, and this package never imports pygame or the game.
"""
