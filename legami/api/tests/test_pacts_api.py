"""The API of cases and pacts: case data only to the case team's tokens (and read-only to the privacy officer); a
case outside the caller's team answers 404 exactly as a missing id; every read audited; amounts as decimal strings."""

import pytest

from legami.api.tests.helpers import network_url
from legami.core.models import AuditEvent
from legami.pacts.models import Assessment, AssessmentScore, Case
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact

pytestmark = pytest.mark.django_db

# Hold pacts.work_on_cases but are not on the team of open_case(cast).
NOT_ON_TEAM = ("coordinator", "community_worker", "district_case_manager")
# Members of the network without the capability to read cases.
NO_CAPABILITY = ("evaluator", "funder", "citizen", "sentinel")


def url(cast, *parts):
    return network_url(cast.network, *parts)


@pytest.fixture
def case(cast):
    case = open_case(cast)
    assessment = Assessment.objects.create(
        network=cast.network, case=case, kind="baseline", assessed_on=case.opened_on, note="Prima valutazione"
    )
    AssessmentScore.objects.create(assessment=assessment, domain="housing", score=2, notes="Sfratto", evidence="")
    return case


@pytest.fixture
def pact(case):
    return signed_pact(case)


def _reads(cast, model, pk):
    return AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_type=model, object_id=str(pk)).count()


# --- cases -------------------------------------------------------------------------------------------------------


def test_the_team_lists_its_cases_and_the_privacy_officer_every_case(cast, api_as, case):
    other = open_case(cast, manager=cast.coordinator, members=())
    [mine] = api_as(cast.case_manager).get(url(cast, "cases")).json()["items"]
    assert mine["id"] == case.pk and mine["my_role"] == "manager" and mine["person"]["name"] == case.person.full_name
    [member] = api_as(cast.partner_staff).get(url(cast, "cases")).json()["items"]
    assert member["my_role"] == "member"
    every = api_as(cast.privacy_officer).get(url(cast, "cases")).json()
    assert {c["id"] for c in every["items"]} == {case.pk, other.pk} and every["items"][0]["my_role"] is None
    assert api_as(cast.community_worker).get(url(cast, "cases")).json()["count"] == 0


def test_the_case_list_runs_a_constant_number_of_queries(cast, api_as, case, django_assert_max_num_queries):
    client = api_as(cast.case_manager)
    client.get(url(cast, "cases"))
    for _ in range(5):
        open_case(cast)
    with django_assert_max_num_queries(12):
        assert client.get(url(cast, "cases")).json()["count"] == 6


@pytest.mark.parametrize("persona", NO_CAPABILITY)
def test_roles_without_the_capability_get_403(cast, api_as, case, persona):
    assert api_as(getattr(cast, persona)).get(url(cast, "cases")).status_code == 403
    assert api_as(getattr(cast, persona)).get(url(cast, "cases", case.pk)).status_code == 403


def test_an_outsider_gets_404(cast, api_as, case):
    assert api_as(cast.outsider).get(url(cast, "cases")).status_code == 404
    assert api_as(cast.outsider).get(url(cast, "cases", case.pk)).status_code == 404


def test_the_team_reads_a_case_with_its_assessments_and_pacts(cast, api_as, case, pact):
    before = _reads(cast, "pacts.case", case.pk)
    body = api_as(cast.partner_staff).get(url(cast, "cases", case.pk)).json()
    assert body["summary"] == case.summary and body["my_role"] == "member"
    assert {(m["user"]["id"], m["role"]) for m in body["team"]} == {
        (cast.case_manager.pk, "manager"),
        (cast.partner_staff.pk, "member"),
    }
    [assessment] = body["assessments"]
    assert assessment["scores"] == [{"domain": "housing", "score": 2, "notes": "Sfratto", "evidence": ""}]
    assert body["pacts"] == [
        {"id": pact.pk, "status": "active", "version_in_force": 1, "next_review_on": str(pact.next_review_on)}
    ]
    assert body["processing"]["legal_basis"] == "public_task" and body["consent_withdrawn"] is False
    assert _reads(cast, "pacts.case", case.pk) == before + 1


@pytest.mark.parametrize("persona", NOT_ON_TEAM)
def test_a_capability_holder_not_on_the_team_gets_404_as_for_a_missing_case(cast, api_as, case, pact, persona):
    client = api_as(getattr(cast, persona))
    missing = client.get(url(cast, "cases", 999_999))
    refused = client.get(url(cast, "cases", case.pk))
    assert refused.status_code == missing.status_code == 404 and refused.json() == missing.json()
    assert client.get(url(cast, "pacts", pact.pk)).status_code == 404
    assert client.get(url(cast, "pacts", pact.pk, "versions")).status_code == 404
    assert client.get(url(cast, "pacts", pact.pk, "versions", 1)).status_code == 404


def test_partner_staff_not_on_this_team_gets_404(cast, api_as):
    alone = open_case(cast, members=())
    assert api_as(cast.partner_staff).get(url(cast, "cases", alone.pk)).status_code == 404


def test_a_removed_member_loses_access_at_once(cast, api_as, case):
    client = api_as(cast.partner_staff)
    assert client.get(url(cast, "cases", case.pk)).status_code == 200
    case.members.filter(user=cast.partner_staff).delete()
    assert client.get(url(cast, "cases", case.pk)).status_code == 404


def test_the_privacy_officer_reads_a_case_and_the_read_is_audited(cast, api_as, case):
    body = api_as(cast.privacy_officer).get(url(cast, "cases", case.pk)).json()
    assert body["id"] == case.pk and body["my_role"] is None
    event = AuditEvent.objects.filter(action=AuditEvent.Action.READ, object_id=str(case.pk)).latest("id")
    assert event.actor == cast.privacy_officer and event.data_class == "case"


def test_a_case_of_another_network_does_not_exist(cast, api_as):
    foreign = Case.objects.create(
        network=cast.other_network,
        person=open_case(cast).person,
        processing=open_case(cast).processing,
        opened_on=open_case(cast).opened_on,
    )
    assert api_as(cast.privacy_officer).get(url(cast, "cases", foreign.pk)).status_code == 404


# --- pacts -------------------------------------------------------------------------------------------------------


def test_the_team_reads_a_pact_with_its_version_in_force(cast, api_as, pact):
    before = _reads(cast, "pacts.pact", pact.pk)
    body = api_as(cast.case_manager).get(url(cast, "pacts", pact.pk)).json()
    assert body["status"] == "active" and body["draft"] is None
    version = body["version_in_force"]
    assert version["number"] == 1 and version["in_force"] is True
    [line] = version["budget_lines"]
    assert line["amount"] == "600.00" and isinstance(line["amount"], str)
    give_back = next(c for c in version["commitments"] if c["is_give_back"])
    assert give_back["hours_per_week"] == "2.00" and give_back["hours_total"] is None
    assert version["objectives"][0]["results"][0]["indicator"] == "Colloqui di lavoro sostenuti"
    assert version["budget_lines"][0]["support"] == version["supports"][0]["key"]
    assert _reads(cast, "pacts.pact", pact.pk) == before + 1


def test_a_draft_pact_shows_its_draft_and_no_version_in_force(cast, api_as, case):
    pact = draft_pact(case)
    body = api_as(cast.privacy_officer).get(url(cast, "pacts", pact.pk)).json()
    assert body["version_in_force"] is None and body["draft"]["number"] == 1 and body["draft"]["signed_on"] is None


def test_the_versions_and_one_version(cast, api_as, pact):
    client = api_as(cast.partner_staff)
    [first] = client.get(url(cast, "pacts", pact.pk, "versions")).json()
    assert first["number"] == 1 and first["in_force"] and first["signature_method"] == "witnessed"
    one = client.get(url(cast, "pacts", pact.pk, "versions", 1)).json()
    assert one["number"] == 1 and len(one["commitments"]) == 2
    assert client.get(url(cast, "pacts", pact.pk, "versions", 2)).status_code == 404


def test_bad_ids_answer_422_naming_them(cast, api_as, pact):
    response = api_as(cast.case_manager).get(url(cast, "pacts", pact.pk, "versions", 0))
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "number"
