"""Permission-matrix rows of a pact's pages (read by legami/core/tests/test_permission_matrix.py).

The case's team is the cast's case manager (manager) and partner staff (member). The coordinator, the community
worker and the district case manager hold pacts.work_on_cases but are not on the team: for them the pact does not
exist (404). The privacy officer reads every pact (200 on the read pages) and writes nothing (403). Writing the
content asks for pacts.work_on_cases on the team; creating, signing, new versions and reviews for pacts.open_cases
(the case manager). The moves are POST only: whoever passes the capability check is told 405 on a GET.
"""

from legami.core.tests.matrix import Row

WORK = "pacts.work_on_cases"
OPEN = "pacts.open_cases"
NOT_ON_TEAM = dict.fromkeys(("coordinator", "community_worker", "district_case_manager"), 404)
READ = {**NOT_ON_TEAM, "privacy_officer": 200}
MANAGE = {"coordinator": 404, "district_case_manager": 404}
POST_ONLY = dict.fromkeys(
    ("case_manager", "partner_staff", "coordinator", "community_worker", "district_case_manager"), 405
)

ROUTES: dict[str, Row] = {
    "pacts:pact_create": Row(OPEN, obj="pacts_pact_case", overrides=MANAGE),
    "pacts:pact": Row(WORK, obj="pacts_pact", overrides=READ),
    "pacts:pact_edit": Row(WORK, obj="pacts_pact", overrides=NOT_ON_TEAM),
    "pacts:pact_move": Row(WORK, obj="pacts_pact", overrides=POST_ONLY, kwargs={"move": "propose"}),
    "pacts:pact_signature": Row(OPEN, obj="pacts_pact", overrides=MANAGE),
    "pacts:pact_signature_scan": Row(WORK, obj="pacts_version", overrides=READ),
    "pacts:version_create": Row(OPEN, obj="pacts_signed_pact", overrides=MANAGE),
    "pacts:pact_versions": Row(WORK, obj="pacts_signed_pact", overrides=READ),
    "pacts:pact_version": Row(WORK, obj="pacts_version", overrides=READ),
    "pacts:pact_diff": Row(WORK, obj="pacts_signed_pact", overrides=READ),
    "pacts:pact_pdf": Row(WORK, obj="pacts_signed_pact", overrides=READ),
    "pacts:review": Row(WORK, obj="pacts_review", overrides=READ),
    "pacts:review_hold": Row(OPEN, obj="pacts_review", overrides=MANAGE),
}


def objects(cast) -> dict:
    """A draft pact, a signed one (its version 1 with a scan on file) and a review of the signed one, due today."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from legami.pacts.models import Review
    from legami.pacts.tests.factories import draft_pact, open_case, signed_pact

    pact = draft_pact(open_case(cast))
    signed = signed_pact(open_case(cast))
    version = signed.current_version
    version.signature_scan.save("matrice.pdf", ContentFile(b"%PDF-1.4\n% matrice\n"), save=True)
    review = Review.objects.create(network=cast.network, pact=signed, version=version, due_on=timezone.localdate())
    return {
        "pacts_pact_case": open_case(cast),
        "pacts_pact": pact,
        "pacts_signed_pact": signed,
        "pacts_version": version,
        "pacts_review": review,
    }
