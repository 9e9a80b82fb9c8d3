"""Permission-matrix rows of offers and matching (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PERSONAS, PUBLIC, Row

OWN = "exchange.offer_own"
MANAGE_OFFERS = "exchange.manage_offers"
MATCHES = "exchange.manage_matches"
# Who holds offer_own: POST-only actions opened with GET are told the method is not allowed.
OWN_POST_ONLY = dict.fromkeys(
    ("coordinator", "case_manager", "community_worker", "district_case_manager", "partner_staff", "citizen"), 405
)
MATCHES_POST_ONLY = dict.fromkeys(("coordinator", "case_manager", "community_worker", "district_case_manager"), 405)
# The planted offer and match are nobody's own: a citizen or partner staff (who see their own only) find nothing.
NOT_THEIRS = {"citizen": 404, "partner_staff": 404}

ROUTES: dict[str, Row] = {
    "exchange:offers": Row(OWN),
    "exchange:offer_create": Row(OWN),
    "exchange:offer_detail": Row(OWN, obj="exchange_offer", overrides=NOT_THEIRS),
    "exchange:offer_update": Row(OWN, obj="exchange_offer", overrides=NOT_THEIRS),
    "exchange:offer_status": Row(OWN, obj="exchange_offer", overrides=OWN_POST_ONLY),
    "exchange:offers_import": Row(MANAGE_OFFERS),
    "exchange:offers_import_template": Row(MANAGE_OFFERS),
    "exchange:offers_import_job": Row(MANAGE_OFFERS, obj="exchange_offers_job"),
    "exchange:offers_export": Row(MANAGE_OFFERS),
    # The public offer form: anyone, logged in or not, from any network.
    "exchange:offer_public": Row(PUBLIC, overrides=dict.fromkeys(PERSONAS, 200)),
    "exchange:offer_thanks": Row(PUBLIC),
    "exchange:matching": Row(MATCHES),
    # A queued run's page (its progress, then its outcome): who runs matching, as the run's own page.
    "exchange:matching_job": Row(MATCHES, obj="exchange_matching_job"),
    "exchange:run_detail": Row(MATCHES, obj="exchange_run"),
    "exchange:matches": Row(MATCHES),
    "exchange:match_create": Row(MATCHES, overrides=MATCHES_POST_ONLY),
    "exchange:my_matches": Row(OWN),
    "exchange:match_detail": Row(OWN, obj="exchange_match", overrides=NOT_THEIRS),
    "exchange:match_action": Row(OWN, obj="exchange_match", kwargs={"action": "accept"}, overrides=OWN_POST_ONLY),
}


def objects(cast) -> dict:
    """An open offer in Cremona, a need it matches, their proposed match, a run of the engine (and the job that wrote
    it) and an import job."""
    from legami.core.models import Job
    from legami.exchange.models import MATCHING_JOB_KIND, MatchingRun
    from legami.exchange.tests.factories_offers import area, need, offer, proposed

    network = cast.network
    casa = area(cast, code="x-casa")
    made = offer(cast, [casa], title="Spesa a domicilio")
    run = MatchingRun.objects.create(network=network, needs_considered=1, offers_considered=1, proposed=1)
    return {
        "exchange_offer": made,
        "exchange_match": proposed(cast, need(cast, casa), made, run=run),
        "exchange_run": run,
        "exchange_matching_job": Job.objects.create(
            network=network,
            kind=MATCHING_JOB_KIND,
            actor=cast.coordinator,
            status=Job.Status.SUCCEEDED,
            processed=3,
            total=3,
            result={"filters": {"area": casa.pk}, "run": run.pk, "proposed": 1, "needs": 1, "offers": 1},
        ),
        "exchange_offers_job": Job.objects.create(
            network=network,
            kind="offers_import",
            actor=cast.coordinator,
            status=Job.Status.SUCCEEDED,
            original_name="offerte.csv",
        ),
    }
