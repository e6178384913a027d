"""Typed records of what happened in a run, in the past tense, each stamped with sim time.

The engine emits records to observers (metrics, logs, the game view) and never reads them
back. "Event" is reserved for SimPy's scheduling objects; these are records. Records are
slotted dataclasses and read-only by contract: observers must never change one. They are
not ``frozen=True`` because that triples their construction cost, and a run makes millions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

_REC = {"slots": True, "kw_only": True}


@dataclass(**_REC)
class Record:
    """Base of all records: ``time`` is sim minutes."""

    time: float

    @property
    def kind(self) -> str:
        """Snake-case name of the record type, as used in logs and JSON."""
        return _KIND[type(self)]

    def to_dict(self) -> dict[str, Any]:
        """Plain-data form for JSON lines logs."""
        return {"record": self.kind, **asdict(self)}


@dataclass(**_REC)
class CustomerArrived(Record):
    """A customer started a journey: a new prospect, a referral, or a returning customer."""

    customer: int
    segment: str
    source: Literal["new", "referral", "returning"]
    journey: int


@dataclass(**_REC)
class ProspectDeterred(Record):
    """A prospect heard negative word of mouth and never came."""

    segment: str


@dataclass(**_REC)
class TouchpointVisited(Record):
    """A customer finished a self-service step; ``outcome`` says how it went."""

    customer: int
    touchpoint: str
    duration_min: float
    outcome: Literal["ok", "failed", "incident"]


@dataclass(**_REC)
class ContactQueued(Record):
    """A customer found every agent busy and joined the queue."""

    customer: int
    touchpoint: str
    queue_length: int


@dataclass(**_REC)
class ContactBalked(Record):
    """A customer found the queue too long (or the channel down, or closed) and left at once."""

    customer: int
    touchpoint: str
    reason: Literal["queue_full", "incident", "closed"]


@dataclass(**_REC)
class ServiceStarted(Record):
    """An agent took a customer; ``since`` is when the customer joined the channel."""

    customer: int
    touchpoint: str
    since: float
    wait_min: float
    callback: bool
    queued: bool


@dataclass(**_REC)
class ContactServed(Record):
    """An agent finished with a customer; ``resolved`` is first-contact resolution."""

    customer: int
    touchpoint: str
    since: float
    wait_min: float
    handle_min: float
    resolved: bool
    callback: bool


@dataclass(**_REC)
class ContactAbandoned(Record):
    """A waiting customer ran out of patience and left the queue."""

    customer: int
    touchpoint: str
    since: float
    wait_min: float


@dataclass(**_REC)
class CallbackAccepted(Record):
    """A waiting customer left the live queue for a call-back."""

    customer: int
    touchpoint: str
    since: float
    wait_min: float


@dataclass(**_REC)
class OrderPlaced(Record):
    """A customer ordered; ``value`` in the scenario currency.

    ``recovered_from`` names the failure that had lost the order when an agent completed it
    during a contact (``touchpoint`` is then the staffed touchpoint); None for an ordinary order.
    """

    customer: int
    touchpoint: str
    value: float
    recovered_from: str | None = None


@dataclass(**_REC)
class OrderLost(Record):
    """An order was lost to a failure; ``value`` is the revenue that did not happen."""

    customer: int
    touchpoint: str
    value: float
    failure: str


@dataclass(**_REC)
class CustomerAffected(Record):
    """A customer ran into a failure."""

    customer: int
    failure: str
    touchpoint: str
    severity: float


@dataclass(**_REC)
class FailureStarted(Record):
    """A touchpoint started failing."""

    failure: str
    touchpoint: str
    effect: str
    severity: float


@dataclass(**_REC)
class FailureEnded(Record):
    """A touchpoint works again; ``affected`` customers ran into it meanwhile."""

    failure: str
    touchpoint: str
    duration_min: float
    affected: int
    fixed: bool


@dataclass(**_REC)
class ResponseApplied(Record):
    """The brand applied a response (by policy, decision or command); ``cost`` is its fixed cost."""

    response: str
    effect: str
    failure: str | None
    cost: float


@dataclass(**_REC)
class RecoveryDelivered(Record):
    """A customer affected by a failure received the brand's response, first (proactive) or on contact."""

    customer: int
    failure: str
    responses: tuple[str, ...]
    proactive: bool
    cost: float
    compensation: float
    quality: float


@dataclass(**_REC)
class TouchDelivered(Record):
    """An experience touch (a handwritten note, eco packaging, early access) reached a customer; ``cost`` in currency."""

    customer: int
    touchpoint: str
    response: str
    affect: float
    cost: float


@dataclass(**_REC)
class StaffingChanged(Record):
    """The number of agents on duty at a staffed touchpoint changed."""

    touchpoint: str
    agents: int


@dataclass(**_REC)
class DecisionRequested(Record):
    """A decision point came up and waits for a choice."""

    decision: str
    options: tuple[str, ...]
    pause: bool


@dataclass(**_REC)
class DecisionMade(Record):
    """A decision was taken: by the policy, by a trainee's command, or by default when time ran out."""

    decision: str
    option: str
    by: Literal["policy", "command", "timeout"]


@dataclass(**_REC)
class NoticeSent(Record):
    """A proactive notice reached a customer (affected, or needlessly)."""

    customer: int
    failure: str
    notice: Literal["clear", "vague", "needless"]


@dataclass(**_REC)
class JourneyRemembered(Record):
    """A journey's memory settled: the survey answers and what the customer does next."""

    customer: int
    segment: str
    journey: int
    started: float  # sim minute the journey began (warm-up journeys are left out of results)
    affected: bool
    contacted: bool
    contacts: int  # contacts with service (staffed touchpoints of the service stage) this journey, blocked ones too; a transfer is not a new one
    switches: int  # channel switches this journey
    recovered: bool  # every failure of the journey was answered by the brand
    reached_first: bool  # at least one failure was answered proactively, before the customer called
    thanked: bool
    memory: float
    attitude: float
    trust: float
    effort: int
    ces: float
    csat: int
    ltr: int
    repeat_probability: float
    returns: bool
    review_stars: int
    referrals: int
    nwom: bool
    lifetime_value: float


@dataclass(**_REC)
class ReviewPosted(Record):
    """A customer posted a review; ``answered`` if the brand replied, at ``cost`` (currency)."""

    customer: int
    segment: str
    stars: int
    answered: bool
    cost: float
    touchpoint: str | None = None  # the touchpoint with posts_reviews = true, if the scenario has one


@dataclass(**_REC)
class JourneyEnded(Record):
    """A customer's journey is over; ``stages`` and ``visited`` list what they reached, in order."""

    customer: int
    segment: str
    ordered: bool
    steps: int
    stages: Sequence[str]
    visited: Sequence[str]
    affected: int
    arrived: float


Observer = Callable[[Record], None]

_KIND: dict[type, str] = {}


def _snake(name: str) -> str:
    return "".join("_" + c.lower() if c.isupper() else c for c in name).lstrip("_")


for _cls in [v for v in list(globals().values()) if isinstance(v, type) and issubclass(v, Record)]:
    _KIND[_cls] = _snake(_cls.__name__)

RECORD_TYPES: tuple[type[Record], ...] = tuple(c for c in _KIND if c is not Record)
