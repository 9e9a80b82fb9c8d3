"""Reading a pact's reviews: only through the pacts the viewer may see (the case team, the privacy officer)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from legami.core.audit import record_read
from legami.network.models import Network
from legami.pacts.models import Pact, Review, ReviewItem
from legami.pacts.selectors.access import pacts_for
from legami.pacts.services.reviews import review_items


def review_for(viewer: Any, network: Network, pk: Any, *, purpose: str) -> Review:
    """The review `pk` when `viewer` may see its pact (audited read of the pact), else Http404."""
    review = (
        Review.objects.filter(network=network, pact__in=pacts_for(viewer, network).values("pk"), pk=pk)
        .select_related("pact", "pact__case", "pact__case__person", "pact__network", "version", "held_by", "assessment")
        .first()
    )
    if review is None:
        raise Http404
    record_read(actor=viewer, obj=review.pact, purpose=purpose, network=network)
    return review


def reviews_of(pact: Pact) -> QuerySet[Review]:
    """The pact's reviews, in the order they fall due."""
    return Review.objects.filter(pact=pact).select_related("version", "held_by").order_by("due_on", "id")


def rated_items(review: Review) -> list[dict[str, Any]]:
    """Each objective and commitment of the version reviewed with its rating and note (when the review was held)."""
    held = {(item.kind, item.item_key): item for item in ReviewItem.objects.filter(review=review)}
    rows = []
    for kind, row in review_items(review):
        item = held.get((kind, row.key))
        rows.append({"kind": kind, "row": row, "item": item})
    return rows
