"""Co-programming pages through the client: list, opening, contributing with files, closing, the outcome PDF."""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.responses.models import Contribution, CoProgramming, CoProgrammingStatus
from legami.responses.services.common import MAX_UPLOAD_BYTES
from legami.responses.services.coprogramming import territorial_figures
from legami.responses.tests.factories_codesign import RoundFactory, public_body, today

S = CoProgrammingStatus


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


def make_round(cast, **kwargs):
    return RoundFactory(network=cast.network, public_body=public_body(cast.network), lead=cast.organization, **kwargs)


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_list_runs_a_constant_number_of_queries(cast, login, django_assert_max_num_queries):
    client = login(cast.partner_staff)
    make_round(cast)
    with django_assert_max_num_queries(12) as few:
        assert client.get(url(cast, "coprogramming")).status_code == 200
    for _ in range(6):
        make_round(cast)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(url(cast, "coprogramming")).content.decode()
    assert page.count("Co-programmazione politiche giovanili") == 7


def test_a_coordinator_opens_a_round_through_the_form(cast, login):
    body = public_body(cast.network)
    client = login(cast.coordinator)
    assert client.get(url(cast, "coprogramming_create")).status_code == 200
    response = client.post(
        url(cast, "coprogramming_create"),
        {
            "title": "Anziani 2027",
            "public_body": body.pk,
            "lead": cast.organization.pk,
            "analysis": "Analisi",
            "opens_on": today().isoformat(),
            "closes_on": (today() + timedelta(days=10)).isoformat(),
        },
    )
    round_ = CoProgramming.objects.get()
    assert response.status_code == 302 and response.url == url(cast, "coprogramming_detail", round_.pk)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"public_body": "lead"}, "Select a valid choice."),
        ({"closes_on": (today() - timedelta(days=1)).isoformat()}, "Contributions close before the round opens."),
        ({"opens_on": "ieri"}, "Enter a valid date."),
    ],
)
def test_bad_round_input_shows_the_errors(cast, login, changes, message):
    body = public_body(cast.network)
    data = {
        "title": "Anziani",
        "public_body": body.pk,
        "lead": cast.organization.pk,
        "analysis": "Analisi",
        "opens_on": today().isoformat(),
        "closes_on": (today() + timedelta(days=10)).isoformat(),
    }
    if changes.get("public_body") == "lead":
        changes = {"public_body": cast.organization.pk}  # not a public body: not among the choices
    response = login(cast.coordinator).post(url(cast, "coprogramming_create"), data | changes)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and "legami-error-summary" in page
    assert not CoProgramming.objects.exists()


@pytest.mark.parametrize(("people", "hidden"), [(4, True), (5, False)])
def test_figures_follow_the_small_numbers_rule(cast, login, people, hidden):
    area = NeedAreaFactory(network=cast.network, name="Solitudine")
    big = NeedAreaFactory(network=cast.network, name="Casa")
    NeedFactory.create_batch(people, network=cast.network, area=area)
    NeedFactory.create_batch(9, network=cast.network, area=big)
    round_ = make_round(cast)
    round_.figures = territorial_figures(cast.network, round_.public_body)
    round_.save()
    staff_page = login(cast.partner_staff).get(url(cast, "coprogramming_detail", round_.pk)).content.decode()
    assert ("fewer than 5 people: hidden" in staff_page) is hidden
    if hidden:  # one hidden area alone would be the total minus the others: the next one is hidden too
        assert staff_page.count("fewer than 5 people: hidden") == 2 and ">9<" not in staff_page
    coordinator_page = login(cast.coordinator).get(url(cast, "coprogramming_detail", round_.pk)).content.decode()
    assert "people: hidden" not in coordinator_page and f">{people}<" in coordinator_page


def test_partner_staff_contribute_with_a_file_and_it_comes_back_as_a_download(cast, login):
    round_ = make_round(cast)
    client = login(cast.partner_staff)
    page = client.get(url(cast, "coprogramming_contribute", round_.pk)).content.decode()
    assert 'name="organization"' not in page and 'enctype="multipart/form-data"' in page
    upload = SimpleUploadedFile("dati.csv", b"comune;bisogni\nCremona;12\n")
    response = client.post(
        url(cast, "coprogramming_contribute", round_.pk),
        {"kind": "data", "title": "I numeri", "body": "Ecco i dati", "file": upload},
    )
    assert response.status_code == 302
    item = Contribution.objects.get()
    assert item.organization == cast.organization
    download = login(cast.funder).get(url(cast, "contribution_file", item.pk))
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content).startswith(b"comune;bisogni")
    assert login(cast.citizen).get(url(cast, "contribution_file", item.pk)).status_code == 403


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("script.exe", b"MZ\x90"), "Attach a PDF, ODT, DOCX, XLSX, CSV, PNG or JPG file."),
        (SimpleUploadedFile("finto.pdf", b"GIF89a"), "The file&#x27;s content is not a PDF file."),
        (SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES), "The file is larger than 10 MB."),
    ],
)
def test_bad_files_are_refused_on_the_form(cast, login, upload, message):
    round_ = make_round(cast)
    response = login(cast.partner_staff).post(
        url(cast, "coprogramming_contribute", round_.pk),
        {"kind": "data", "title": "I numeri", "body": "Ecco", "file": upload},
    )
    assert response.status_code == 400 and message in response.content.decode()
    assert not Contribution.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "poesia", "title": "T", "body": "B"}, "Select a valid choice."),
        ({"kind": "data", "title": "", "body": "B"}, "This field is required."),
        ({"kind": "data", "title": "T", "body": ""}, "This field is required."),
    ],
)
def test_bad_contribution_input_shows_the_errors(cast, login, data, message):
    response = login(cast.partner_staff).post(url(cast, "coprogramming_contribute", make_round(cast).pk), data)
    assert response.status_code == 400 and message in response.content.decode()


def test_a_closed_round_refuses_contributions_on_the_form(cast, login):
    round_ = make_round(cast, status=S.CLOSED, priorities="1. X")
    client = login(cast.partner_staff)
    assert (
        url(cast, "coprogramming_contribute", round_.pk)
        not in client.get(url(cast, "coprogramming_detail", round_.pk)).content.decode()
    )
    response = client.post(
        url(cast, "coprogramming_contribute", round_.pk), {"kind": "data", "title": "T", "body": "B"}
    )
    assert response.status_code == 400 and "accepts no more contributions" in response.content.decode()


def test_the_coordinator_contributes_for_a_chosen_organisation(cast, login):
    round_ = make_round(cast)
    other = f.OrganizationFactory(network=cast.network, name="Caritas")
    response = login(cast.coordinator).post(
        url(cast, "coprogramming_contribute", round_.pk),
        {"organization": other.pk, "kind": "proposal", "title": "T", "body": "B"},
    )
    assert response.status_code == 302 and Contribution.objects.get().organization == other


def test_closing_asks_to_sign_for_the_lead_then_the_pdf_carries_the_priorities(cast, login):
    round_ = make_round(cast, title="Anziani soli 2027")
    Contribution.objects.create(
        network=cast.network,
        coprogramming=round_,
        organization=cast.organization,
        kind="proposal",
        title="Centro diurno",
        body="Proposta",
    )
    client = login(cast.coordinator)
    response = client.post(url(cast, "coprogramming_close", round_.pk), {"priorities": "Compagnia agli anziani"})
    assert response.status_code == 400 and "confirm that you sign off on its behalf" in response.content.decode()
    response = client.post(url(cast, "coprogramming_close", round_.pk), {"priorities": ""})
    assert response.status_code == 400
    response = client.post(
        url(cast, "coprogramming_close", round_.pk), {"priorities": "Compagnia agli anziani", "for_lead": "on"}
    )
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.status == S.CLOSED
    pdf = login(cast.partner_staff).get(url(cast, "coprogramming_pdf", round_.pk))
    assert pdf["Content-Type"] == "application/pdf" and pdf["Content-Disposition"].startswith("attachment;")
    text = pdf_text(pdf.content)
    for expected in (
        "Anziani soli 2027",
        "Compagnia agli anziani",
        "Centro diurno",
        "Cooperativa Il Ponte",
        "Sottoscritto",
    ):
        assert expected in text


def test_another_networks_round_does_not_exist_here(cast, login):
    other = RoundFactory(
        network=cast.other_network, public_body=public_body(cast.other_network), lead=public_body(cast.other_network)
    )
    assert login(cast.coordinator).get(url(cast, "coprogramming_detail", other.pk)).status_code == 404
    assert login(cast.coordinator).get(url(cast, "coprogramming_pdf", other.pk)).status_code == 404


def test_user_text_is_escaped(cast, login):
    round_ = make_round(cast, title="<script>alert(1)</script>", analysis="<b>grassetto</b>")
    page = login(cast.coordinator).get(url(cast, "coprogramming_detail", round_.pk)).content.decode()
    assert "<script>alert(1)</script>" not in page and "<b>grassetto</b>" not in page


def test_the_pages_speak_italian(cast, login):
    round_ = make_round(cast)
    client = login(cast.coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "it"
    page = client.get(url(cast, "coprogramming")).content.decode()
    assert "Apri un percorso" in page and "1 percorso trovato." in page
    page = client.get(url(cast, "coprogramming_detail", round_.pk)).content.decode()
    assert "Analisi condivisa" in page and "Chiudi e sottoscrivi" in page and "Documento di esito (PDF)" in page
    assert "Priorità condivise" in client.get(url(cast, "coprogramming_close", round_.pk)).content.decode()
