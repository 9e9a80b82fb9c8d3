"""Reads of proposals: the list of a process (search, filters, sort) and a proposal's page with its threaded
comments, supports, answer and history.

Proposals are public. Hidden proposals are left out of the list for everyone but the moderators, who see them
marked; a hidden proposal's or comment's words are read by the moderators only, everyone else reads the
moderators' reason in their place. List pages run a constant number of queries whatever their size: the
author, organisation and area are joined, and whether the viewer supports each proposal is one EXISTS
annotation of the same query (never a query per row).

The search is `icontains` over title and body: the same on SQLite and PostgreSQL (case-insensitive, accents
as typed), with no index behind it; enough for a process's few thousand proposals.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Exists, F, OuterRef, Q, QuerySet, TextField, Value
from django.db.models.functions import Coalesce, Concat, Mod, NullIf, Trim
from django.http import Http404
from django.utils.translation import gettext

from legami.core.permissions import can
from legami.network.models import Network
from legami.participation.capabilities import MODERATE
from legami.participation.models import Comment, Process, ProcessStatus, Proposal, ProposalEvent, Support
from legami.participation.selectors.processes import sees_drafts

SORTS = ("newest", "most_supported", "most_commented", "random")
_ORDER = {
    "newest": ("-created_at", "-id"),
    "most_supported": ("-support_count", "-created_at", "-id"),
    "most_commented": ("-comment_count", "-created_at", "-id"),
}
# A prime larger than any id multiplier: (id * seed) mod it shuffles the ids, the same way for the same seed.
_SHUFFLE_PRIME = 2_147_483_629
# A search finds the proposals holding every word, in the title or the text; words past these are ignored.
MAX_SEARCH_TERMS = 8


def search_expression() -> Concat:
    """What a search reads: the title and the text as one string. PostgreSQL answers `UPPER(...) LIKE '%WORD%'` on
    it from a trigram index (migration 0002_proposal_search_trgm, which copies this expression)."""
    return Concat("title", Value(" "), "body", output_field=TextField())


def apply_search(proposals: QuerySet[Proposal], search: str) -> QuerySet[Proposal]:
    """The proposals holding every word of `search` in their title or text (case-insensitive)."""
    terms = (search or "").split()[:MAX_SEARCH_TERMS]
    if not terms:
        return proposals
    found = proposals.alias(_search=search_expression())
    for term in terms:
        found = found.filter(_search__icontains=term)
    return found


def public_name(user: Any) -> str:
    """How an author or an actor is named on public pages: their full name, never their e-mail."""
    if user is None:
        return gettext("A former participant")
    name = (getattr(user, "full_name", "") or user.get_full_name() or "").strip()
    return name or gettext("A participant")


def moderates(viewer: Any, network: Network) -> bool:
    """Whether `viewer` reads hidden proposals and comments (the moderators)."""
    return can(viewer, MODERATE, network)


def random_seed(viewer: Any, day: datetime.date) -> int:
    """The seed of the "random" order: the same for one viewer all day (stable across pages), new each day."""
    return (day.toordinal() * 7919 + (getattr(viewer, "pk", None) or 0) * 104_729) % 1_000_003 + 1


def proposals_for(
    viewer: Any,
    process: Process,
    *,
    search: str = "",
    area: Any = None,
    status: str = "",
    sort: str = "newest",
    seed: int = 1,
) -> QuerySet[Proposal]:
    """The proposals of `process` `viewer` may see, filtered and sorted, with `supported` (by the viewer),
    `is_hidden` and `author_name` (the public name) annotated; hidden ones only for the moderators."""
    proposals = proposals_matching(viewer, process, search=search, area=area, status=status)
    if getattr(viewer, "is_authenticated", False):
        supported: Any = Exists(Support.objects.filter(proposal=OuterRef("pk"), user=viewer))
    else:
        supported = Value(False, output_field=BooleanField())
    # The author's public name, computed by the database (never the e-mail, as User.display_name would).
    author_name = Coalesce(NullIf(Trim("author__full_name"), Value("")), Value(gettext("A participant")))
    proposals = proposals.select_related("author", "organization", "area").annotate(
        supported=supported, is_hidden=Q(hidden_at__isnull=False), author_name=author_name
    )
    if sort == "random":
        return proposals.annotate(shuffle=Mod(F("id") * seed, _SHUFFLE_PRIME)).order_by("shuffle", "id")
    return proposals.order_by(*_ORDER.get(sort, _ORDER["newest"]))


def proposals_matching(
    viewer: Any, process: Process, *, search: str = "", area: Any = None, status: str = ""
) -> QuerySet[Proposal]:
    """The proposals of `process` `viewer` may see that match the filters: no order, join or computed column
    (what a list counts)."""
    proposals = Proposal.objects.filter(process=process)
    if not moderates(viewer, process.network):
        proposals = proposals.filter(hidden_at__isnull=True)
    proposals = apply_search(proposals, search)
    if area is not None:
        proposals = proposals.filter(area=area)
    if status:
        proposals = proposals.filter(status=status)
    return proposals


# The columns a proposal's card never shows: the list leaves them in the database (at 10,000 proposals a page
# sorted by a computed order no longer sorts every row's full text).
CARD_DEFERRED = ("body", "answer", "hidden_reason", "author__password", "author__email")


def proposal_cards(viewer: Any, process: Process, **filters: Any) -> QuerySet[Proposal]:
    """`proposals_for`, loading only what the list's cards show."""
    return proposals_for(viewer, process, **filters).defer(*CARD_DEFERRED)


def supports_left(viewer: Any, process: Process) -> int | None:
    """How many more proposals of `process` `viewer` may support; None when there is no limit (or no viewer)."""
    if not process.support_limit or not getattr(viewer, "is_authenticated", False):
        return None
    used = Support.objects.filter(user=viewer, proposal__process=process).count()
    return max(process.support_limit - used, 0)


def get_proposal_for(viewer: Any, network: Network, pk: int) -> Proposal:
    """One proposal of a process `viewer` may see (404 for another network's, or a draft process's to those
    who do not run processes); a hidden one is returned too, its page shows the reason instead."""
    proposals = Proposal.objects.filter(network=network).select_related(
        "network", "process__current_phase", "process__network", "author", "organization", "area", "answered_by"
    )
    if not sees_drafts(viewer, network):
        proposals = proposals.exclude(process__status=ProcessStatus.DRAFT)
    proposal = proposals.filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def get_comment_for(viewer: Any, network: Network, pk: int) -> Comment:
    """One comment of a proposal `viewer` may see (404 otherwise)."""
    comments = Comment.objects.filter(proposal__network=network).select_related(
        "proposal__network", "proposal__process", "author"
    )
    if not sees_drafts(viewer, network):
        comments = comments.exclude(proposal__process__status=ProcessStatus.DRAFT)
    found = comments.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def is_supported_by(viewer: Any, proposal: Proposal) -> bool:
    """Whether `viewer` supports `proposal`."""
    if not getattr(viewer, "is_authenticated", False):
        return False
    return Support.objects.filter(proposal=proposal, user=viewer).exists()


@dataclass
class ThreadItem:
    """A comment as its page shows it: its words only when the viewer may read them, and its replies."""

    comment: Comment
    author: str
    text: str | None
    replies: list[ThreadItem] = field(default_factory=list)

    @property
    def hidden(self) -> bool:
        return self.comment.hidden_at is not None


def comments_for(viewer: Any, proposal: Proposal, *, moderator: bool | None = None) -> QuerySet[Comment]:
    """The proposal's comments `viewer` may list, oldest first (a reply always after what it answers), with their
    authors: none of a hidden proposal's for anyone but the moderators, as its comments may quote it
    (`moderator`: whether `viewer` moderates, when the caller already knows)."""
    comments = Comment.objects.filter(proposal=proposal).select_related("author").order_by("created_at", "id")
    if moderator is None:
        moderator = moderates(viewer, proposal.network)
    if proposal.hidden_at is not None and not moderator:
        return comments.none()
    return comments


def comment_readable(comment: Comment, *, moderator: bool) -> bool:
    """Whether a comment's words may be read: when it is not hidden, or by the moderators (`moderates`)."""
    return comment.hidden_at is None or moderator


def comment_thread(viewer: Any, proposal: Proposal) -> list[ThreadItem]:
    """The proposal's comments as threads, oldest first, in one query; a hidden comment's words only for the
    moderators (everyone reads the reason)."""
    reader = moderates(viewer, proposal.network)
    items: dict[int, ThreadItem] = {}
    roots: list[ThreadItem] = []
    for row in comments_for(viewer, proposal, moderator=reader):
        visible = comment_readable(row, moderator=reader)
        item = ThreadItem(comment=row, author=public_name(row.author), text=row.body if visible else None)
        items[row.pk] = item
        parent = items.get(row.parent_id) if row.parent_id else None
        (parent.replies if parent is not None else roots).append(item)
    return roots


@dataclass
class HistoryItem:
    event: ProposalEvent
    actor: str


def proposal_history(proposal: Proposal) -> list[HistoryItem]:
    """The proposal's history, oldest first, each step with its actor's public name."""
    return [
        HistoryItem(event=event, actor=public_name(event.actor) if event.actor_id else "")
        for event in proposal.events.select_related("actor").order_by("created_at", "id")
    ]
