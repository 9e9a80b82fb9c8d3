"""Pages of assessments: the form (any team member), one assessment beside the previous, the chart on the case."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.pacts.models import Assessment, Domain
from legami.pacts.services.assessments import record_assessment
from legami.pacts.tests.factories import open_case
from legami.pacts.tests.test_assessments_services import assessment_data


def _url(cast, name, pk):
    return reverse(f"pacts:{name}", args=[cast.network.slug, pk])


def _post_data(**extra):
    data = assessment_data()
    data["assessed_on"] = data["assessed_on"].isoformat()
    return {k: ("" if v is None else v) for k, v in (data | extra).items()}


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff"])
def test_a_team_member_records_an_assessment(client, cast, persona):
    case = open_case(cast)
    client.force_login(getattr(cast, persona))
    page = client.get(_url(cast, "assessment_create", case.pk)).content.decode()
    assert page.count('type="radio"') == 5 * len(Domain.values) and "difficoltà grave" in page
    response = client.post(_url(cast, "assessment_create", case.pk), _post_data())
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == _url(cast, "assessment", assessment.pk)


def test_bad_input_is_shown_on_the_form(client, cast):
    case = open_case(cast)
    client.force_login(cast.case_manager)
    day = (case.opened_on - datetime.timedelta(days=1)).isoformat()
    response = client.post(_url(cast, "assessment_create", case.pk), _post_data(assessed_on=day))
    assert response.status_code == 400 and "precedente all" in response.content.decode()
    assert not Assessment.objects.exists()
    response = client.post(_url(cast, "assessment_create", case.pk), _post_data(score_housing=""))
    assert response.status_code == 400 and not Assessment.objects.exists()


@pytest.mark.parametrize(("persona", "status"), [("privacy_officer", 403), ("coordinator", 404), ("evaluator", 403)])
def test_others_cannot_record(client, cast, persona, status):
    case = open_case(cast)
    client.force_login(getattr(cast, persona))
    assert client.post(_url(cast, "assessment_create", case.pk), _post_data()).status_code == status
    assert not Assessment.objects.exists()


def test_the_assessment_page_compares_with_the_previous_one(client, cast):
    case = open_case(cast)
    today = timezone.localdate()
    record_assessment(
        actor=cast.case_manager, case=case, data=assessment_data(today - datetime.timedelta(days=30), score=2)
    )
    latest = record_assessment(
        actor=cast.case_manager, case=case, data=assessment_data(today, kind="review", score=4, score_work=1)
    )
    client.force_login(cast.partner_staff)
    body = client.get(_url(cast, "assessment", latest.pk)).content.decode()
    assert "+2" in body and "-1" in body and "Note housing" in body
    assert AuditEvent.objects.filter(action="read", object_type="pacts.assessment", object_id=str(latest.pk)).exists()
    # The case page charts the first against the latest, with its table.
    body = client.get(_url(cast, "case", case.pk)).content.decode()
    assert 'class="legami-chart" role="img"' in body and "Valutazione: prima e ultima" in body


def test_the_privacy_officer_reads_an_assessment_and_others_get_404(client, cast):
    case = open_case(cast, members=())
    assessment = record_assessment(actor=cast.case_manager, case=case, data=assessment_data())
    client.force_login(cast.privacy_officer)
    assert client.get(_url(cast, "assessment", assessment.pk)).status_code == 200
    client.force_login(cast.partner_staff)
    assert client.get(_url(cast, "assessment", assessment.pk)).status_code == 404
