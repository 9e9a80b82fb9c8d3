"""Permission-matrix rows of cases, their team and assessments (read by legami/core/tests/test_permission_matrix.py).

A case is its team's (the cast's case manager, its manager, and partner staff, a member) and the privacy
officer's, who reads it and changes nothing. The coordinator, the community worker and the district case manager
hold pacts.work_on_cases but are not on the team: for them the case does not exist (404). Opening a case asks for
pacts.open_cases; taking in charge from a referral for referrals.triage_referrals too (the referral lies in
Cremona, within the district case manager's district).
"""

from legami.core.tests.matrix import Row

WORK = "pacts.work_on_cases"
OPEN = "pacts.open_cases"
NOT_ON_TEAM = dict.fromkeys(("coordinator", "community_worker", "district_case_manager"), 404)
READS = {**NOT_ON_TEAM, "privacy_officer": 200}
# Only the case manager closes or reopens: a member and the privacy officer are refused.
MANAGER_ONLY = {**NOT_ON_TEAM, "partner_staff": 403, "privacy_officer": 403}

ROUTES: dict[str, Row] = {
    "pacts:cases": Row(WORK, overrides={"privacy_officer": 200}),
    "pacts:case_create": Row(OPEN),
    "pacts:case_from_referral": Row(OPEN, obj="pacts_referral_open"),
    "pacts:case": Row(WORK, obj="pacts_case", overrides=READS),
    "pacts:case_team": Row(WORK, obj="pacts_case", overrides=READS),
    "pacts:case_move": Row(WORK, obj="pacts_case", kwargs={"move": "close"}, overrides=MANAGER_ONLY),
    "pacts:assessment_create": Row(WORK, obj="pacts_case", overrides=NOT_ON_TEAM),
    "pacts:assessment": Row(WORK, obj="pacts_assessment", overrides=READS),
}


def objects(cast) -> dict:
    """A case of a person in Cremona (team: the case manager and partner staff) with a baseline assessment, and
    an open referral in Cremona."""
    from legami.pacts.models import Assessment, AssessmentKind, AssessmentScore, Domain
    from legami.pacts.tests.factories import open_case
    from legami.referrals.tests.factories import in_cremona

    case = open_case(cast)
    assessment = Assessment.objects.create(
        network=cast.network,
        case=case,
        kind=AssessmentKind.BASELINE,
        assessed_on=case.opened_on,
        assessed_by=cast.case_manager,
    )
    AssessmentScore.objects.bulk_create(
        AssessmentScore(assessment=assessment, domain=domain, score=2) for domain in Domain.values
    )
    return {"pacts_case": case, "pacts_assessment": assessment, "pacts_referral_open": in_cremona(cast)}
