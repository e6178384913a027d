"""The host's web application (FastAPI on uvicorn): teams join and report, the facilitator watches and steers.

Routes, and who may call them:

- ``POST /join/CODE`` (anyone with the join code, rate-limited per address): a team joins and
  gets the scenario text, seed, policy and horizon, and a token; ``GET /join/CODE`` says how.
- ``POST /api/teams/ID/batch`` (the team's token, ``Authorization: Bearer``): decisions and KPI
  snapshots, idempotent by sequence number; the answer carries the session's state, which is
  how games learn that the facilitator paused, released the debrief or ended the session.
- ``GET /dashboard`` (anyone: a static page with no data) and, with the facilitator key in the
  ``X-Facilitator-Key`` header, ``GET /api/board``, ``POST /api/control``, ``GET /api/teams.csv``;
  ``/ws`` pushes the board to a dashboard whose first message is ``{"key": KEY}``.
- The joint debrief, with the facilitator key: ``GET /api/debrief`` (JSON), ``/api/debrief/chart.svg?kpi=KEY``,
  ``/api/debrief/timeline.svg``, ``/api/debrief.csv``, ``/api/summary.html`` (the class's printable
  summary), ``/api/teams/ID/summary.html`` (one team's), and ``POST /api/names`` (show the teams'
  names or "Team 1..N"). The replays behind it run in a background thread (``sim.classroom.replays``).

Every body is read with a size limit before it is parsed, and parsed with ``sim.classroom.protocol``.
"""

from __future__ import annotations

import asyncio
import csv
import hmac
import io
import json
import time
from collections import deque
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from importlib import resources
from typing import Any, TypeVar

from fastapi import FastAPI, HTTPException, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ValidationError

from sim.classroom.board import board
from sim.classroom.debrief import SCORE, chart_svg, debrief, replay_plan, timeline_svg
from sim.classroom.protocol import (
    MAX_BODY_BYTES,
    Batch,
    BatchReply,
    Control,
    Decision,
    JoinReply,
    JoinRequest,
    NamesChoice,
    Snapshot,
)
from sim.classroom.replays import ReplayWorker
from sim.classroom.store import JoinRefused, SessionRow, Store
from sim.classroom.summary import SUMMARY_CSP, class_summary, debrief_csv, team_summary
from sim.lms.statements import class_registration
from sim.scenario.schema import Scenario
from sim.scenario.scorecard import Scorecard
from sim.textsafe import csv_text

M = TypeVar("M", bound=BaseModel)

PUSH_EVERY_S = 0.1  # changes are pushed to the dashboards at most this often (coalesced)
REFRESH_S = 2.0  # and at least this often (teams going offline show without a message)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {  # action: (states it applies in, the state it leads to)
    "start": (("lobby", "paused"), "running"),
    "pause": (("running",), "paused"),
    "resume": (("paused",), "running"),
    "release": (("lobby", "running", "paused"), "debrief"),
    "end": (("lobby", "running", "paused", "debrief"), "ended"),
}
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self';"
    " base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
ASSETS = {"dashboard.js": "text/javascript", "dashboard.css": "text/css"}
SUMMARY_HEADERS = {**SECURITY_HEADERS, "Content-Security-Policy": SUMMARY_CSP}  # a printable page: its own style, no script
DEBRIEF_WAIT_S = 5.0  # the debrief JSON waits this long for fresh replays (the page asks again while they run)
EXPORT_WAIT_S = 60.0  # an export waits this long for them


class RateLimit:
    """At most ``limit`` events per ``window_s`` seconds per client address (a sliding window).

    Joins are limited, wrong join codes included, so a code cannot be guessed by trying many.
    """

    def __init__(self, limit: int, window_s: float, max_clients: int = 10_000) -> None:
        self.limit, self.window_s, self.max_clients = limit, window_s, max_clients
        self.seen: dict[str, deque[float]] = {}

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        if client not in self.seen and len(self.seen) >= self.max_clients:
            self.seen.pop(next(iter(self.seen)))  # the oldest address makes room: memory stays bounded
        times = self.seen.setdefault(client, deque())
        while times and now - times[0] > self.window_s:
            times.popleft()
        if len(times) >= self.limit:
            return False
        times.append(now)
        return True


class Hub:
    """The open dashboards, and the task that pushes the board to them when something changed."""

    def __init__(self, build: Callable[[], dict[str, Any]]) -> None:
        self.build = build
        self.sockets: set[WebSocket] = set()
        self.dirty = asyncio.Event()

    def changed(self) -> None:
        self.dirty.set()

    async def run(self) -> None:
        while True:
            with suppress(TimeoutError):
                await asyncio.wait_for(self.dirty.wait(), timeout=REFRESH_S)
            self.dirty.clear()
            if self.sockets:
                await self.push(json.dumps(self.build()))
            await asyncio.sleep(PUSH_EVERY_S)

    async def push(self, text: str) -> None:
        for ws in list(self.sockets):
            try:
                await asyncio.wait_for(ws.send_text(text), timeout=2.0)
            except Exception:  # a closed or stuck dashboard is dropped; it reconnects by itself
                self.sockets.discard(ws)


def error(status: int, message: str) -> HTTPException:
    """An HTTP error whose body is ``{"detail": message}`` (the game shows it as one line)."""
    return HTTPException(status_code=status, detail=message)


async def read_model(request: Request, model: type[M]) -> M:
    """The request body as ``model``: refused above ``MAX_BODY_BYTES`` (413) or when invalid (422, one short line)."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY_BYTES):
        raise error(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise error(413, f"the body is larger than {MAX_BODY_BYTES} bytes")
    try:
        return model.model_validate_json(bytes(body))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise error(422, f"{where}: {first.get('msg', 'invalid')}"[:200]) from None


def create_app(
    store: Store,
    session: SessionRow,
    scenario: Scenario,
    scorecard: Scorecard,
    *,
    join_url: str,
    join_limit: tuple[int, float] = (30, 60.0),
    on_ready: Callable[[], None] | None = None,
    on_end: Callable[[dict[str, Any]], None] | None = None,
) -> FastAPI:
    """The host's application for one session (its rows are read from ``store`` on every request).

    ``on_end`` is called with the final board when the facilitator ends the session (the host's
    LMS reporting sends the class scorecard from it).
    """
    session_id = session.id
    limiter = RateLimit(*join_limit)
    allowed_kpis = set(scorecard.kpis)

    def current() -> SessionRow:
        return store.session(session_id)

    def build() -> dict[str, Any]:
        return board(store, current(), scenario, scorecard, join_url=join_url)

    hub = Hub(build)
    worker = ReplayWorker(scenario)

    async def joint_debrief(wait: float) -> dict[str, Any]:
        """The debrief now: the replays of the teams' current decisions if they finish within ``wait`` seconds, else the last ones."""
        row = current()
        replays, state = await worker.wait(replay_plan(store, row), wait)
        return debrief(store, row, scenario, scorecard, replays, state)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        task = asyncio.create_task(hub.run())
        if on_ready is not None:
            on_ready()
        try:
            yield
        finally:
            task.cancel()
            worker.close()

    app = FastAPI(title="cxsim classroom host", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=SECURITY_HEADERS)

    def facilitator(request: Request) -> None:
        key = request.headers.get("x-facilitator-key", "")
        if not hmac.compare_digest(key.encode(), current().facilitator_key.encode()):
            raise error(403, "the facilitator key is missing or wrong (open the dashboard URL cxsim host printed)")

    def check_code(request: Request, code: str) -> None:
        client = request.client.host if request.client else "?"
        if not limiter.allow(client):
            raise error(429, "too many join attempts from this address; wait a minute")
        if not hmac.compare_digest(code.encode(), current().code.encode()):
            raise error(404, "no session has this join code (check the join URL)")

    @app.get("/", response_class=PlainTextResponse)
    async def index() -> PlainTextResponse:
        text = "cxsim classroom host.\nTeams: cxsim play --join JOIN-URL --team NAME\nFacilitator: the dashboard URL cxsim host printed.\n"
        return PlainTextResponse(text, headers=SECURITY_HEADERS)

    @app.get("/join/{code}", response_class=PlainTextResponse)
    async def join_help(request: Request, code: str) -> PlainTextResponse:
        check_code(request, code)
        text = f"A cxsim classroom session: {scenario.title}\nJoin it from the game: cxsim play --join {join_url} --team NAME\n"
        return PlainTextResponse(text, headers=SECURITY_HEADERS)

    @app.post("/join/{code}")
    async def join(request: Request, code: str) -> JSONResponse:
        check_code(request, code)
        ask = await read_model(request, JoinRequest)
        row = current()
        try:
            team, token = store.join(session_id, ask.team, ask.token)
        except JoinRefused as exc:
            raise error(409, str(exc)) from None
        hub.changed()
        reply = JoinReply(
            team_id=team.id, team=team.name, token=token, session=row.code, state=row.state, scenario_name=row.scenario_name,
            scenario_toml=row.scenario_toml, scenario_sha256=row.sha256, seed=row.seed, policy=row.policy,
            horizon_days=row.horizon_days, kpis=scorecard.kpis, batch_url=f"/api/teams/{team.id}/batch",
            registration=class_registration(row.code, row.sha256, row.created_at), team_account=f"{row.code}/{team.id}",
        )  # fmt: skip
        return JSONResponse(reply.model_dump(), headers=SECURITY_HEADERS)

    @app.post("/api/teams/{team_id}/batch")
    async def batch(request: Request, team_id: int) -> JSONResponse:
        auth = request.headers.get("authorization", "")
        token = auth[7:] if auth.startswith("Bearer ") else ""
        if not token or not store.authorised(session_id, team_id, token):
            raise error(401, "unknown team or wrong token (join again)")
        sent = await read_model(request, Batch)
        kept: list[Decision | Snapshot] = []
        for m in sent.messages:
            if isinstance(m, Decision):
                spec = scenario.decisions.get(m.decision)
                if spec is None or m.option not in spec.options:
                    raise error(422, f"message {m.seq}: no decision '{m.decision}' with option '{m.option}' in this scenario")
                kept.append(m)
            else:
                kept.append(m.model_copy(update={"kpis": {k: v for k, v in m.kpis.items() if k in allowed_kpis}}))
        acked = store.record(team_id, kept)
        hub.changed()
        return JSONResponse(BatchReply(acked=acked, state=current().state).model_dump(), headers=SECURITY_HEADERS)

    @app.get("/dashboard")
    async def dashboard() -> Response:
        return Response(_asset("index.html"), media_type="text/html; charset=utf-8", headers=SECURITY_HEADERS)

    @app.get("/dashboard/{name}")
    async def asset(name: str) -> Response:
        if name not in ASSETS:  # a fixed set of files: no path from the request is ever opened
            raise error(404, "no such file")
        return Response(_asset(name), media_type=f"{ASSETS[name]}; charset=utf-8", headers=SECURITY_HEADERS)

    @app.get("/api/board")
    async def get_board(request: Request) -> JSONResponse:
        facilitator(request)
        return JSONResponse(build(), headers=SECURITY_HEADERS)

    @app.post("/api/control")
    async def control(request: Request) -> JSONResponse:
        facilitator(request)
        action = (await read_model(request, Control)).action
        state = current().state
        allowed, target = TRANSITIONS[action]
        if state not in allowed:
            raise error(409, f"cannot {action}: the session is in the {state} state")
        store.set_state(session_id, target)
        if target in ("debrief", "ended"):
            worker.get(replay_plan(store, current()))  # the replays start now, in the background
        hub.changed()
        data = build()
        if target == "ended" and on_end is not None:
            on_end(data)
        return JSONResponse(data, headers=SECURITY_HEADERS)

    @app.post("/api/names")
    async def names(request: Request) -> JSONResponse:
        facilitator(request)
        choice = (await read_model(request, NamesChoice)).names
        store.set_names(session_id, choice)
        hub.changed()
        return JSONResponse({"names": choice}, headers=SECURITY_HEADERS)

    @app.get("/api/debrief")
    async def get_debrief(request: Request) -> JSONResponse:
        facilitator(request)
        return JSONResponse(await joint_debrief(DEBRIEF_WAIT_S), headers=SECURITY_HEADERS)

    @app.get("/api/debrief/chart.svg")
    async def get_chart(request: Request, kpi: str = SCORE) -> Response:
        facilitator(request)
        if kpi != SCORE and kpi not in scorecard.kpis:
            raise error(404, f"no chart of '{kpi[:60]}': the chart draws 'score' or a scorecard KPI ({', '.join(scorecard.kpis)})")
        svg = chart_svg(store, await joint_debrief(0.0), scorecard, kpi)
        return Response(svg, media_type="image/svg+xml; charset=utf-8", headers=SECURITY_HEADERS)

    @app.get("/api/debrief/timeline.svg")
    async def get_timeline(request: Request) -> Response:
        facilitator(request)
        return Response(timeline_svg(await joint_debrief(0.0)), media_type="image/svg+xml; charset=utf-8", headers=SECURITY_HEADERS)

    @app.get("/api/debrief.csv")
    async def get_debrief_csv(request: Request) -> Response:
        facilitator(request)
        return Response(
            debrief_csv(await joint_debrief(EXPORT_WAIT_S)), media_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{current().code}-debrief.csv"'},
        )  # fmt: skip

    @app.get("/api/summary.html")
    async def get_class_summary(request: Request) -> Response:
        facilitator(request)
        page = class_summary(store, await joint_debrief(EXPORT_WAIT_S), scorecard)
        return Response(page, media_type="text/html; charset=utf-8", headers=SUMMARY_HEADERS)

    @app.get("/api/teams/{team_id}/summary.html")
    async def get_team_summary(request: Request, team_id: int) -> Response:
        facilitator(request)
        page = team_summary(store, await joint_debrief(EXPORT_WAIT_S), scorecard, team_id)
        if page is None:
            raise error(404, f"no team {team_id} in this session")
        return Response(page, media_type="text/html; charset=utf-8", headers=SUMMARY_HEADERS)

    @app.get("/api/teams.csv")
    async def teams_csv(request: Request) -> Response:
        facilitator(request)
        return Response(
            teams_table(build()), media_type="text/csv; charset=utf-8",
            headers={**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="{current().code}-teams.csv"'},
        )  # fmt: skip

    @app.websocket("/ws")
    async def live(ws: WebSocket) -> None:
        await ws.accept()
        try:
            first = await asyncio.wait_for(ws.receive_text(), timeout=10.0)
            key = json.loads(first).get("key", "") if len(first) < 1024 else ""
        except (TimeoutError, WebSocketDisconnect, ValueError, AttributeError):
            await _close(ws, 4400)
            return
        if not isinstance(key, str) or not hmac.compare_digest(key.encode(), current().facilitator_key.encode()):
            await _close(ws, 4403)
            return
        await ws.send_text(json.dumps(build()))
        hub.sockets.add(ws)
        try:
            while True:  # the page sends nothing more; this notices it leave
                await ws.receive_text()
        except WebSocketDisconnect:
            pass
        finally:
            hub.sockets.discard(ws)

    app.state.hub = hub
    return app


def teams_table(data: dict[str, Any]) -> str:
    """The leaderboard as CSV: rank, team, clock, finished, score and each measure's value; team names guarded."""
    measures = [m["label"] for m in data["scorecard"]["measures"]]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "team", "sim_minutes", "finished", "decisions", "score", *(csv_text(m) for m in measures)])
    for t in data["teams"]:
        values = ["" if v is None else f"{v:.6g}" for v in t["values"]]
        score = "" if t["score"] is None else f"{t['score']:.4f}"
        writer.writerow([t["rank"] or "", csv_text(t["name"]), f"{t['sim_minutes']:g}", t["finished"], t["decisions"], score, *values])
    return buf.getvalue()


def _asset(name: str) -> bytes:
    return resources.files("sim.classroom").joinpath("dashboard", name).read_bytes()


async def _close(ws: WebSocket, code: int) -> None:
    with suppress(RuntimeError):
        await ws.close(code=code)
