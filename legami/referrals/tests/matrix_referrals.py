"""Permission-matrix rows of referrals (read by legami/core/tests/test_permission_matrix.py).

Filing and one's own list ask for FILE_REFERRALS (the operators, partner staff and sentinels). A referral's
confirmation and its reporter's page are its reporter's alone (the cast's sentinel): for every other holder of the
capability it does not exist (404). The queue and the triage page ask for TRIAGE_REFERRALS (coordinators and case
managers); the referral lies in Cremona, in the district-limited case manager's district, so they see it too.
The moves are POST only: whoever may triage and opens one with GET is told so (405).
"""

from legami.core.tests.matrix import Row

FILE = "referrals.file_referrals"
TRIAGE = "referrals.triage_referrals"
NOT_THE_REPORTER = dict.fromkeys(
    ("coordinator", "case_manager", "community_worker", "partner_staff", "district_case_manager"), 404
)
GET_NOT_ALLOWED = dict.fromkeys(("coordinator", "case_manager", "district_case_manager"), 405)

ROUTES: dict[str, Row] = {
    "referrals:file": Row(FILE),
    "referrals:filed": Row(FILE, obj="referrals_referral", overrides=NOT_THE_REPORTER),
    "referrals:mine": Row(FILE),
    "referrals:mine_detail": Row(FILE, obj="referrals_referral", overrides=NOT_THE_REPORTER),
    "referrals:queue": Row(TRIAGE),
    "referrals:detail": Row(TRIAGE, obj="referrals_referral"),
    "referrals:move": Row(TRIAGE, obj="referrals_referral", kwargs={"move": "close"}, overrides=GET_NOT_ALLOWED),
}


def objects(cast) -> dict:
    """A referral filed by the cast's sentinel about someone in Cremona."""
    from legami.referrals.tests.factories import in_cremona

    return {"referrals_referral": in_cremona(cast)}
