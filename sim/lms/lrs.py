"""Send statements to an LRS: ``PUT /statements?statementId=ID``, one by one, with the stdlib only.

PUT with the client-set id is idempotent by the spec (xAPI 1.0.3, Communication 2.1.1): an LRS
answers 204 when it stores the statement or already has that same statement, and 409 when a
different statement holds the id, without changing anything. Both mean "the LRS has this id and
re-sending cannot change that", so both take the statement out of the outbox; only a 409 is
counted apart, as a conflict. What the LRS could not take stays queued: an unreachable server
(refused, timed out, 5xx, 429) or refused credentials stop the flush at once, so a queue of a
hundred statements fails in one request, not a hundred; a statement the LRS rejects (400) stays
queued with the reason, and the next ones are still tried.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from urllib.parse import quote

from sim import __version__
from sim.lms.config import LrsConfig
from sim.lms.outbox import Outbox
from sim.lms.statements import XAPI_VERSION


class Delivery(Enum):
    """What the LRS said about one statement."""

    STORED = "stored"  # 2xx: stored now, or the same statement was already there
    CONFLICT = "conflict"  # 409: a different statement has this id; the LRS keeps its own
    REJECTED = "rejected"  # 4xx: the LRS will not take this statement as it is


class LrsUnavailable(Exception):
    """Nothing more can be sent now (``reason`` is one line for a person); the outbox keeps the rest.

    ``config_problem``: the credentials or the endpoint are wrong (fix the config), else the
    server could not be reached (try again later).
    """

    def __init__(self, reason: str, *, config_problem: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.config_problem = reason, config_problem


@dataclass
class FlushReport:
    """How a flush went: counts, the rejected statements' reasons, and why it stopped (if it did)."""

    stored: int = 0
    conflicts: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    remaining: int = 0
    stopped: LrsUnavailable | None = None


def _detail(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read(2000).decode("utf-8", "replace")
    except OSError:
        return exc.reason if isinstance(exc.reason, str) else ""
    try:
        data = json.loads(body)
        text = data.get("detail", body) if isinstance(data, dict) else body
    except json.JSONDecodeError:
        text = body
    text = " ".join(str(text).split())
    return text[:200] + ("..." if len(text) > 200 else "")


def request(config: LrsConfig, method: str, resource: str, body: dict[str, Any] | None = None) -> urllib.request.Request:
    """An xAPI request: the version header, JSON, and basic auth when credentials are configured."""
    headers = {"X-Experience-API-Version": XAPI_VERSION, "User-Agent": f"cxsim/{__version__}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")
        headers["Content-Type"] = "application/json; charset=utf-8"
    if config.username:
        token = base64.b64encode(f"{config.username}:{config.password}".encode()).decode("ascii")
        headers["Authorization"] = f"Basic {token}"
    return urllib.request.Request(config.endpoint + resource, data=data, headers=headers, method=method)


def put_statement(config: LrsConfig, statement: dict[str, Any]) -> tuple[Delivery, str]:
    """Send one statement; ``(delivery, detail)``, or ``LrsUnavailable`` if the LRS cannot take any now."""
    resource = "statements?statementId=" + quote(str(statement["id"]), safe="")
    try:
        with urllib.request.urlopen(request(config, "PUT", resource, statement), timeout=config.timeout_s) as response:
            response.read()
            return Delivery.STORED, str(response.status)
    except urllib.error.HTTPError as exc:
        detail = _detail(exc)
        if exc.code == 409:
            return Delivery.CONFLICT, detail
        if exc.code in (401, 403):
            raise LrsUnavailable(
                f"the LRS at {config.endpoint} refused the credentials (HTTP {exc.code}: {detail or exc.reason})",
                config_problem=True,
            ) from exc
        if exc.code == 404 or 300 <= exc.code < 400:
            raise LrsUnavailable(
                f"{config.endpoint} is not an xAPI endpoint (HTTP {exc.code} for /statements): check endpoint", config_problem=True
            ) from exc
        if exc.code == 429 or exc.code >= 500:
            raise LrsUnavailable(f"the LRS at {config.endpoint} cannot take statements now (HTTP {exc.code}: {detail})") from exc
        return Delivery.REJECTED, f"HTTP {exc.code}: {detail}"
    except (urllib.error.URLError, TimeoutError, OSError) as exc:  # refused, reset, timed out, no route
        reason = getattr(exc, "reason", exc)
        text = getattr(reason, "strerror", None) or str(reason)
        raise LrsUnavailable(f"cannot reach the LRS at {config.endpoint} ({text})") from exc


def flush(outbox: Outbox, config: LrsConfig) -> FlushReport:
    """Send every queued statement in order, removing each one the LRS has; never raises for the LRS's answers."""
    report = FlushReport()
    for item in outbox.pending():
        try:
            delivery, detail = put_statement(config, item.statement)
        except LrsUnavailable as exc:
            outbox.note_failure(item.id, exc.reason)
            report.stopped = exc
            break
        if delivery is Delivery.REJECTED:
            outbox.note_failure(item.id, detail)
            report.rejected.append((item.id, detail))
            continue
        outbox.remove([item.id])
        if delivery is Delivery.CONFLICT:
            report.conflicts += 1
        else:
            report.stored += 1
    report.remaining = len(outbox)
    return report


def get_statements(config: LrsConfig, **params: str) -> dict[str, Any]:
    """``GET /statements`` with query parameters (for checks and the tests): the StatementResult."""
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in params.items())
    with urllib.request.urlopen(request(config, "GET", "statements" + (f"?{query}" if query else "")), timeout=config.timeout_s) as r:
        data: dict[str, Any] = json.loads(r.read().decode("utf-8"))
    return data
