"""Pages of a pact: the team reads and writes, the privacy officer reads (no write buttons), anyone else gets 404;
the edit page's small forms, the moves, the signature with its scan, versions, the diff, the PDF and reviews."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from legami.core.models import AuditEvent
from legami.pacts.models import BudgetLine, Commitment, Objective, Pact, PactStatus, PactVersion, Review
from legami.pacts.services import pacts as services
from legami.pacts.tests.factories import draft_pact, open_case, signed_pact

TODAY = timezone.localdate()
PDF = b"%PDF-1.4\n% firmato\n"


def url(name, cast, *args):
    return reverse(f"pacts:{name}", args=[cast.network.slug, *args])


@pytest.fixture
def pact(cast):
    return draft_pact(open_case(cast))


def test_the_case_manager_creates_a_pact(cast, login):
    case = open_case(cast)
    client = login(cast.case_manager)
    assert client.get(url("pact_create", cast, case.pk)).status_code == 200
    response = client.post(
        url("pact_create", cast, case.pk),
        {"summary": "Lavoro", "starts_on": TODAY.isoformat(), "ends_on": "01/01/2020", "review_every_weeks": "12"},
    )
    assert response.status_code == 400 and not Pact.objects.filter(case=case).exists()
    response = client.post(
        url("pact_create", cast, case.pk),
        {"summary": "Lavoro", "starts_on": TODAY.isoformat(), "ends_on": "31/12/2099", "review_every_weeks": "12"},
    )
    pact = Pact.objects.get(case=case)
    assert response.status_code == 302 and response.url == url("pact_edit", cast, pact.pk)


def test_the_pact_page_for_the_team_the_privacy_officer_and_others(cast, login, pact):
    page = url("pact", cast, pact.pk)
    body = login(cast.case_manager).get(page).content.decode()
    assert "Trovare un lavoro part-time" in body and 'id="move-propose"' in body
    assert url("pact_edit", cast, pact.pk) in body
    officer = login(cast.privacy_officer).get(page)
    assert officer.status_code == 200 and "Trovare un lavoro part-time" in officer.content.decode()
    assert (
        'id="move-propose"' not in officer.content.decode()
        and url("pact_edit", cast, pact.pk) not in officer.content.decode()
    )
    for persona in ("coordinator", "community_worker", "district_case_manager", "outsider"):
        assert login(getattr(cast, persona)).get(page).status_code == 404
    assert AuditEvent.objects.filter(action="read", object_type="pacts.pact", object_id=str(pact.pk)).count() == 2


def test_the_edit_page_adds_changes_and_removes_rows_without_javascript(cast, login, pact):
    client = login(cast.partner_staff)
    page = url("pact_edit", cast, pact.pk)
    assert client.get(page).status_code == 200
    response = client.post(page, {"form": "budget-new", "budget-new-category": "food", "budget-new-amount": "1.200,50"})
    assert response.status_code == 302
    line = BudgetLine.objects.get(version__pact=pact, category="food")
    assert str(line.amount) == "1200.50"
    response = client.post(page, {"form": "budget-new", "budget-new-category": "food", "budget-new-amount": "0"})
    assert response.status_code == 400 and "budget-new-amount_error" in response.content.decode()
    response = client.post(
        page,
        {
            "form": f"commitment-{Commitment.objects.get(version__pact=pact, is_give_back=True).pk}",
            f"commitment-{Commitment.objects.get(version__pact=pact, is_give_back=True).pk}-party": "person",
            f"commitment-{Commitment.objects.get(version__pact=pact, is_give_back=True).pk}-what": "Doposcuola",
            f"commitment-{Commitment.objects.get(version__pact=pact, is_give_back=True).pk}-is_give_back": "on",
        },
    )
    assert response.status_code == 400  # a give-back commitment without hours
    objective = Objective.objects.get(version__pact=pact)
    response = client.post(page, {"form": f"objective-{objective.pk}", "action": "remove"})
    assert response.status_code == 302 and not Objective.objects.filter(pk=objective.pk).exists()
    response = client.post(
        page,
        {
            "form": "version",
            "version-starts_on": TODAY.isoformat(),
            "version-ends_on": TODAY.isoformat(),
            "version-review_every_weeks": "4",
        },
    )
    assert response.status_code == 302 and PactVersion.objects.get(pact=pact).review_every_weeks == 4
    assert login(cast.coordinator).get(page).status_code == 404
    assert login(cast.privacy_officer).get(page).status_code == 403


def test_moves_are_posted_from_the_pact_page(cast, login, pact):
    client = login(cast.case_manager)
    assert client.get(url("pact_move", cast, pact.pk, "propose")).status_code == 405
    assert client.post(url("pact_move", cast, pact.pk, "propose")).status_code == 302
    assert Pact.objects.get(pk=pact.pk).status == PactStatus.PROPOSED
    client.post(url("pact_move", cast, pact.pk, "interrupt"), {"interrupt_reason": ""})
    assert Pact.objects.get(pk=pact.pk).status == PactStatus.PROPOSED
    assert login(cast.coordinator).post(url("pact_move", cast, pact.pk, "redraft")).status_code == 404
    client = login(cast.case_manager)
    client.post(url("pact_move", cast, pact.pk, "interrupt"), {"interrupt_reason": "moved"})
    assert Pact.objects.get(pk=pact.pk).status == PactStatus.INTERRUPTED


def test_the_signature_and_its_scan(cast, login, pact, settings, tmp_path):
    settings.LEGAMI_PRIVATE_ROOT = tmp_path / "private"
    services.propose_pact(actor=cast.case_manager, pact=pact)
    client = login(cast.case_manager)
    page = url("pact_signature", cast, pact.pk)
    assert client.get(page).status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = client.post(page, {"signed_on": TODAY.isoformat(), "signature_method": "paper"})
    assert bad.status_code == 400
    fake = SimpleUploadedFile("firmato.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    assert (
        client.post(page, {"signed_on": TODAY.isoformat(), "signature_method": "paper", "scan": fake}).status_code
        == 400
    )
    scan = SimpleUploadedFile("firmato.pdf", PDF, content_type="application/pdf")
    response = client.post(page, {"signed_on": TODAY.isoformat(), "signature_method": "paper", "scan": scan})
    assert response.status_code == 302
    version = PactVersion.objects.get(pact=pact)
    assert Pact.objects.get(pk=pact.pk).status == PactStatus.SIGNED
    download = client.get(url("pact_signature_scan", cast, version.pk))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert login(cast.privacy_officer).get(url("pact_signature_scan", cast, version.pk)).status_code == 200
    for persona in ("coordinator", "community_worker", "outsider"):
        assert login(getattr(cast, persona)).get(url("pact_signature_scan", cast, version.pk)).status_code == 404
    assert login(cast.partner_staff).get(page).status_code == 403


def test_versions_the_diff_and_a_new_version(cast, login):
    pact = signed_pact(open_case(cast))
    client = login(cast.case_manager)
    closed = client.get(url("version_create", cast, pact.pk))
    assert closed.status_code == 200 and 'id="version-create-form"' not in closed.content.decode()
    services.open_review(actor=cast.case_manager, pact=pact)
    assert client.post(url("version_create", cast, pact.pk), {"change_note": ""}).status_code == 400
    response = client.post(url("version_create", cast, pact.pk), {"change_note": "Più ore"})
    assert response.status_code == 302
    v2 = PactVersion.objects.get(pact=pact, number=2)
    line = BudgetLine.objects.get(version=v2)
    client.post(
        url("pact_edit", cast, pact.pk),
        {"form": f"budget-{line.pk}", f"budget-{line.pk}-category": "training", f"budget-{line.pk}-amount": "750"},
    )
    assert str(BudgetLine.objects.get(pk=line.pk).amount) == "750.00"
    versions = client.get(url("pact_versions", cast, pact.pk))
    assert versions.status_code == 200 and "Più ore" in versions.content.decode()
    diff = client.get(url("pact_diff", cast, pact.pk) + "?from=1&to=2")
    body = diff.content.decode()
    assert diff.status_code == 200 and "600" in body and "750" in body
    assert client.get(url("pact_diff", cast, pact.pk) + "?from=1&to=9").status_code == 404
    assert client.get(url("pact_version", cast, v2.pk)).status_code == 200
    assert login(cast.community_worker).get(url("pact_version", cast, v2.pk)).status_code == 404


def test_the_pdf(cast, login):
    pact = signed_pact(open_case(cast))
    response = login(cast.case_manager).get(url("pact_pdf", cast, pact.pk) + "?version=1")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    for words in (
        "Trovare un lavoro part-time",
        "600,00",
        "2 ore alla settimana",
        "Come usiamo i tuoi dati",
        "Rete di prova",
    ):
        assert words in text.replace("\n", " ")
    assert AuditEvent.objects.filter(action="read", note="pact_pdf").exists()
    assert login(cast.privacy_officer).get(url("pact_pdf", cast, pact.pk)).status_code == 200
    for persona in ("coordinator", "community_worker", "district_case_manager", "outsider"):
        assert login(getattr(cast, persona)).get(url("pact_pdf", cast, pact.pk)).status_code == 404
    assert login(cast.evaluator).get(url("pact_pdf", cast, pact.pk)).status_code == 403


def test_a_review_is_opened_held_and_shown(cast, login):
    pact = signed_pact(open_case(cast))
    client = login(cast.case_manager)
    response = client.post(url("pact_move", cast, pact.pk, "review"))
    review = Review.objects.get(pact=pact)
    assert response.status_code == 302 and response.url == url("review", cast, review.pk)
    page = client.get(url("review", cast, review.pk)).content.decode()
    assert "Aiuto al doposcuola del quartiere" in page and 'id="review-give-back"' in page
    hold = url("review_hold", cast, review.pk)
    assert client.get(hold).status_code == 200
    assert client.post(hold, {"held_on": TODAY.isoformat(), "outcome": "continue"}).status_code == 400
    data = {"held_on": TODAY.isoformat(), "outcome": "continue", "notes": "Bene"}
    for row in list(Objective.objects.filter(version=review.version)) + list(
        Commitment.objects.filter(version=review.version)
    ):
        data[f"rating_{row.key}"] = "met"
    assert client.post(hold, data).status_code == 302
    assert Pact.objects.get(pk=pact.pk).status == PactStatus.ACTIVE
    assert login(cast.privacy_officer).get(url("review", cast, review.pk)).status_code == 200
    assert login(cast.privacy_officer).get(hold).status_code == 403
    assert login(cast.coordinator).get(url("review", cast, review.pk)).status_code == 404
    assert pact.next_review_on + datetime.timedelta(weeks=12) == Pact.objects.get(pk=pact.pk).next_review_on
