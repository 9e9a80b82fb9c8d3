"""Permission-matrix rows of shared spaces and bookings (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PUBLIC, Row

VIEW = "exchange.view_spaces"
BOOK = "exchange.book_spaces"
MANAGE = "exchange.manage_spaces"
USAGE = "exchange.space_usage"

# Every member who sees the spaces reaches the move's URL, which answers a GET with 405 (it takes a POST).
POST_ONLY = {
    persona: 405
    for persona in (
        "coordinator",
        "case_manager",
        "community_worker",
        "partner_staff",
        "evaluator",
        "funder",
        "citizen",
        "sentinel",
        "district_case_manager",
    )
}

ROUTES: dict[str, Row] = {
    "exchange:spaces": Row(VIEW),
    "exchange:space_create": Row(MANAGE),
    "exchange:space_detail": Row(VIEW, obj="exchange_space"),
    "exchange:space_month": Row(VIEW, obj="exchange_space"),
    # The planted space is managed by the cast's organisation, whose partner staff may edit it.
    "exchange:space_update": Row(MANAGE, obj="exchange_space"),
    "exchange:booking_create": Row(BOOK, obj="exchange_space"),
    # A public space's feed is open to anyone (only "taken" and public events' titles are in it).
    "exchange:space_feed": Row(PUBLIC, obj="exchange_public_space"),
    "exchange:space_public": Row(PUBLIC, obj="exchange_public_space"),
    # Renewing the feed's key takes a POST: its managers reach it (405 to a GET), the others are refused.
    "exchange:space_renew_feed": Row(
        MANAGE, obj="exchange_space", overrides=dict.fromkeys(("coordinator", "community_worker", "partner_staff"), 405)
    ),
    "exchange:my_bookings": Row(BOOK),
    "exchange:booking_queue": Row(MANAGE),
    # The planted booking is the citizen's: its booker, the space's managers and the operators read it; evaluators
    # funders and sentinels see the spaces but not who booked (404, the booking does not exist for them).
    "exchange:booking_detail": Row(
        VIEW, obj="exchange_booking", overrides={"evaluator": 404, "funder": 404, "sentinel": 404}
    ),
    "exchange:booking_move": Row(VIEW, obj="exchange_booking", kwargs={"transition": "cancel"}, overrides=POST_ONLY),
    "exchange:space_usage": Row(USAGE),
}


def objects(cast) -> dict:
    """A space of the cast's organisation in Cremona with a citizen's request, and a public space."""
    from legami.exchange.models import BookingStatus
    from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory

    cremona = cast.municipalities[0]
    space = SpaceFactory(
        network=cast.network, manager_organization=cast.organization, place__municipality=cremona, name="Sala grande"
    )
    public = SpaceFactory(network=cast.network, is_public=True, place__municipality=cremona, name="Cortile")
    booking = BookingFactory(space=space, status=BookingStatus.REQUESTED, booked_by=cast.citizen, title="Compleanno")
    return {"exchange_space": space, "exchange_public_space": public, "exchange_booking": booking}
