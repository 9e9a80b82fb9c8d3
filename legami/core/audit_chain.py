"""The audit log's hash chains: how an event is sealed, and how a chain is verified.

Each network has one chain (events with no network share the "platform" chain). An event is sealed at
append time (legami.core.audit.append) with:

- `content_digest`: sha256 of a canonical JSON of its personal content (who acted, the object's label,
  before, after, note) and a random per-event `salt`;
- `entry_hash`: sha256 of a canonical JSON of the chain key, the time, the action, the object's type and id,
  the data class, the content digest and `prev_hash`, the hash of the event before it in the chain.

Erasing an event's personal content (GDPR) blanks the content and the salt and keeps both digests: the links
still verify, the content of an erased event no longer can (and the digest cannot be used to test a guess).
Someone with write access to the database AND this code can rebuild a whole chain: the chain proves that the
log was not edited by someone who could not, and shows where an edit was made.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

GENESIS = "0" * 64
PLATFORM_CHAIN = "platform"
VERSION = 1
# The columns the content digest covers: what erasure blanks.
PERSONAL_FIELDS = ("object_repr", "before", "after", "note")
# The columns each verification reads.
VERIFIED_FIELDS = (
    "id",
    "chain",
    "sequence",
    "salt",
    "content_digest",
    "prev_hash",
    "entry_hash",
    "erased_at",
    "created_at",
    "actor_label",
    "action",
    "object_type",
    "object_id",
    "data_class",
    "network_id",
    *PERSONAL_FIELDS,
)


def chain_key(network_id: int | None) -> str:
    """The chain an event of this network (None: no network) belongs to."""
    return f"network:{network_id}" if network_id is not None else PLATFORM_CHAIN


def new_salt() -> str:
    return secrets.token_hex(16)


def canonical(value: Any) -> bytes:
    """One byte string per JSON value, whatever the key order or the database's JSON type."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def normalise_json(value: Any) -> Any:
    """`value` as the database gives it back (tuples become lists, keys strings): the hash is of that."""
    return None if value is None else json.loads(json.dumps(value))


def _moment(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_digest(event: Mapping[str, Any]) -> str:
    """The digest of an event's personal content with its salt."""
    body = {"salt": event["salt"], **{name: event[name] for name in PERSONAL_FIELDS}}
    return hashlib.sha256(canonical(body)).hexdigest()


def entry_hash(event: Mapping[str, Any]) -> str:
    """The event's link: its non-personal fields, its content digest and the previous event's hash."""
    body = {
        "v": VERSION,
        "chain": event["chain"],
        "created_at": _moment(event["created_at"]),
        "actor_label": event["actor_label"],
        "action": str(event["action"]),
        "object_type": event["object_type"],
        "object_id": event["object_id"],
        "data_class": str(event["data_class"]),
        "content": event["content_digest"],
        "prev": event["prev_hash"],
    }
    return hashlib.sha256(canonical(body)).hexdigest()


# --- verification -------------------------------------------------------------------------------------


class Problem:
    """What is wrong at the first broken link (the codes are stable; the command prints them)."""

    CONTENT_CHANGED = "content_changed"
    LINK_BROKEN = "link_broken"
    MISSING = "event_missing"
    INSERTED = "event_inserted"
    OUT_OF_ORDER = "out_of_order"


@dataclass(frozen=True)
class Break:
    """The first broken link of a chain: where (sequence, event id) and what is wrong."""

    problem: str
    sequence: int | None
    event_id: int | None
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {"problem": self.problem, "sequence": self.sequence, "event_id": self.event_id, "detail": self.detail}


@dataclass(frozen=True)
class ChainResult:
    """The verification of one chain: how many events were checked, and its first broken link if any."""

    chain: str
    network_id: int | None
    network_label: str
    checked: int
    last_sequence: int
    last_hash: str
    broken: Break | None = None
    erased: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.broken is None

    def as_dict(self) -> dict[str, Any]:
        """What a verification event records."""
        return {
            "chain": self.chain,
            "ok": self.ok,
            "checked": self.checked,
            "erased": self.erased,
            "last_sequence": self.last_sequence,
            "last_hash": self.last_hash,
            "broken": self.broken.as_dict() if self.broken else None,
        }


def _personal_blank(row: Mapping[str, Any]) -> bool:
    return (
        not row["salt"]
        and not row["object_repr"]
        and row["before"] is None
        and row["after"] is None
        and not row["note"]
    )


_FOREIGN = "it does not belong to the chain: the events around it link to each other"
_NO_LINK = "its link does not lead to the event before it: an event was removed there or the link was altered"


class _Walk:
    """The state of one walk along a chain: what was checked, and the hashes just behind the current event."""

    def __init__(self) -> None:
        self.checked = 0
        self.erased = 0
        self.expected = 1  # the sequence the next event must have
        self.prev_hash = GENESIS  # the stored hash of the event before the current one
        self.before_prev: tuple[str, int] | None = None  # the hash before that, and the previous event's id
        self.pending: dict[str, Any] | None = None  # an event whose link is wrong, judged by the next one

    def step(self, row: dict[str, Any], *, head_sequence: int, hash_exists: Any) -> Break | None:
        sequence = row["sequence"]
        if self.pending is not None:
            pending = self.pending
            # If this event links to the one before the pending one, the pending one was put in between.
            problem, detail = (
                (Problem.INSERTED, _FOREIGN) if row["prev_hash"] == self.prev_hash else (Problem.LINK_BROKEN, _NO_LINK)
            )
            return Break(problem, pending["sequence"], pending["id"], detail)
        if sequence is None or sequence < self.expected:
            return Break(Problem.INSERTED, sequence, row["id"], "a second event with this sequence")
        if sequence > head_sequence:
            return Break(Problem.INSERTED, sequence, row["id"], "beyond the last event the chain recorded")
        if sequence > self.expected:
            detail = f"sequence {self.expected} is missing (the next event is {sequence}, id {row['id']})"
            return Break(Problem.MISSING, self.expected, None, detail)
        if row["prev_hash"] != self.prev_hash:
            if self.before_prev is not None and row["prev_hash"] == self.before_prev[0]:
                # It links over the previous event: that one was slipped in.
                return Break(Problem.INSERTED, sequence - 1, self.before_prev[1], _FOREIGN)
            if hash_exists(row["prev_hash"]):
                return Break(Problem.OUT_OF_ORDER, sequence, row["id"], "it links to an event elsewhere in the chain")
            self.pending = row
            return None
        if row["erased_at"] is not None:
            if not _personal_blank(row):
                return Break(Problem.CONTENT_CHANGED, sequence, row["id"], "marked erased, yet it has content")
            self.erased += 1
        elif content_digest(row) != row["content_digest"]:
            return Break(Problem.CONTENT_CHANGED, sequence, row["id"], "its content differs from what was sealed")
        if entry_hash(row) != row["entry_hash"]:
            return Break(Problem.CONTENT_CHANGED, sequence, row["id"], "its fields differ from what was sealed")
        self.before_prev = (self.prev_hash, row["id"])
        self.prev_hash = row["entry_hash"]
        self.checked += 1
        self.expected += 1
        return None

    def end(self, *, head_sequence: int, head_hash: str) -> Break | None:
        if self.pending is not None:
            return Break(Problem.LINK_BROKEN, self.pending["sequence"], self.pending["id"], _NO_LINK)
        last = self.expected - 1
        if head_sequence > last:
            detail = f"the chain recorded {head_sequence} events: the last {head_sequence - last} are missing"
            return Break(Problem.MISSING, last + 1, None, detail)
        if head_hash != self.prev_hash:
            return Break(Problem.LINK_BROKEN, last, None, "the last event is not the one the chain recorded")
        return None


def walk(
    rows: Iterable[dict[str, Any]], *, head_sequence: int, head_hash: str, hash_exists: Any
) -> tuple[int, int, Break | None]:
    """Check `rows` (one chain, by sequence): returns (events checked, erased events, the first broken link).

    `hash_exists(h)` tells whether some event of the chain has the entry hash `h`; it is asked only after a
    break, to tell an event out of order from a broken link.
    """
    state = _Walk()
    for row in rows:
        broken = state.step(row, head_sequence=head_sequence, hash_exists=hash_exists)
        if broken is not None:
            return state.checked, state.erased, broken
    return state.checked, state.erased, state.end(head_sequence=head_sequence, head_hash=head_hash)


def _verify_key(key: str, *, network_id: int | None, network_label: str) -> ChainResult:
    from legami.core.models import AuditChain, AuditEvent

    head = AuditChain.objects.filter(key=key).first()
    head_sequence = head.last_sequence if head else 0
    head_hash = head.last_hash if head else GENESIS
    events = AuditEvent._base_manager.filter(chain=key)
    rows = events.order_by("sequence", "id").values(*VERIFIED_FIELDS).iterator(chunk_size=2000)
    checked, erased, broken = walk(
        rows,
        head_sequence=head_sequence,
        head_hash=head_hash,
        hash_exists=lambda value: events.filter(entry_hash=value).exists(),
    )
    if broken is None and network_id is not None:
        # An event of this network written outside its chain (by hand, in the database).
        stray = AuditEvent._base_manager.filter(network_id=network_id).exclude(chain=key).order_by("id").first()
        if stray is not None:
            broken = Break(Problem.INSERTED, stray.sequence, stray.pk, "an event of this network outside its chain")
    return ChainResult(
        chain=key,
        network_id=network_id,
        network_label=network_label,
        checked=checked,
        last_sequence=head_sequence,
        last_hash=head_hash,
        broken=broken,
        erased=erased,
    )


def verify_chain(network: Any) -> ChainResult:
    """Verify the chain of `network` (None: the chain of events with no network)."""
    network_id = getattr(network, "pk", network)
    label = getattr(network, "slug", "") if network is not None else PLATFORM_CHAIN
    return _verify_key(chain_key(network_id), network_id=network_id, network_label=label)


def verify_chains() -> list[ChainResult]:
    """Verify every chain: those with a head (a deleted network's chain included) and any chain key without one."""
    from legami.core.models import AuditChain, AuditEvent

    heads = {head.key: head for head in AuditChain.objects.select_related("network")}
    keys = set(heads) | set(AuditEvent._base_manager.values_list("chain", flat=True).distinct())
    results = []
    for key in sorted(keys):
        head = heads.get(key)
        network = head.network if head else None
        if network is not None:
            results.append(_verify_key(key, network_id=network.pk, network_label=network.slug))
        else:
            results.append(_verify_key(key, network_id=None, network_label=key))
    return results
