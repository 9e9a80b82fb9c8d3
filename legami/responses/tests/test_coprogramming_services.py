"""Co-programming rounds: opening, contributions (who, when, which files), closing and the sign-off."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from legami.aggregation.models import AggregatedDemand, DemandStatus
from legami.core.models import AuditEvent
from legami.core.roles import Role
from legami.core.tests import factories as f
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory
from legami.responses.models import Contribution, CoProgrammingEvent, CoProgrammingStatus
from legami.responses.services.common import MAX_UPLOAD_BYTES, check_upload
from legami.responses.services.coprogramming import (
    COPROGRAMMING_WORKFLOW,
    add_contribution,
    close_round,
    open_round,
)
from legami.responses.tests.factories_codesign import RoundFactory, public_body, today

S = CoProgrammingStatus


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def round_data(cast, **changes):
    data = {
        "title": "Politiche per gli anziani 2027",
        "public_body": changes.pop("public_body") if "public_body" in changes else public_body(cast.network),
        "lead": cast.organization,
        "analysis": "Gli anziani soli crescono.",
        "opens_on": today(),
        "closes_on": today() + timedelta(days=30),
    }
    return data | changes


def make_round(cast, **kwargs):
    body = kwargs.pop("public_body", None) or public_body(cast.network)
    return RoundFactory(network=cast.network, public_body=body, lead=cast.organization, **kwargs)


def test_a_coordinator_opens_a_round_with_figures_demands_and_history(cast):
    area = NeedAreaFactory(network=cast.network, name="Solitudine")
    NeedFactory.create_batch(3, network=cast.network, area=area, municipality=cast.municipalities[0])
    demand = AggregatedDemand.objects.create(
        network=cast.network,
        title="Compagnia",
        summary="s",
        area=area,
        target_group="elderly",
        need_count=3,
        people_count=3,
        status=DemandStatus.ACCEPTED,
    )
    round_ = open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, demands=[demand.pk]))
    assert round_.status == S.OPEN and list(round_.demands.all()) == [demand]
    assert round_.figures["needs"] == 3 and round_.figures["areas"][0]["name"] == "Solitudine"
    assert CoProgrammingEvent.objects.get(coprogramming=round_).from_status == ""
    assert AuditEvent.objects.filter(object_type="responses.coprogramming", action="create").exists()


def test_figures_of_a_comune_count_only_its_needs(cast):
    cremona, crema = cast.municipalities
    NeedFactory(network=cast.network, municipality=cremona)
    NeedFactory(network=cast.network, municipality=crema)
    body = public_body(cast.network, municipality=cremona)
    round_ = open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, public_body=body))
    assert round_.figures["needs"] == 1 and round_.figures["territory"] == "Cremona"


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"title": " "}, "title", "required"),
        ({"analysis": ""}, "analysis", "required"),
        ({"closes_on": today() - timedelta(days=1)}, "closes_on", "dates_order"),
        ({"public_body": None}, "public_body", "required"),
        ({"lead": None}, "lead", "required"),
        ({"opens_on": "31/02/2027"}, "opens_on", "invalid"),
    ],
)
def test_bad_round_input_is_refused(cast, changes, field, code):
    with pytest.raises(ValidationError) as exc:
        open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, **changes))
    assert exc.value.error_dict[field][0].code == code


def test_the_round_is_opened_by_a_public_body_of_the_network(cast):
    with pytest.raises(ValidationError) as exc:
        open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, public_body=cast.organization))
    assert exc.value.error_dict["public_body"][0].code == "not_public_body"
    other = public_body(cast.other_network)
    with pytest.raises(ValidationError) as exc:
        open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, public_body=other))
    assert exc.value.error_dict["public_body"][0].code == "invalid_choice"


def test_only_accepted_demands_are_linked(cast):
    area = NeedAreaFactory(network=cast.network)
    candidate = AggregatedDemand.objects.create(
        network=cast.network, title="c", summary="s", area=area, target_group="elderly", status=DemandStatus.CANDIDATE
    )
    with pytest.raises(ValidationError) as exc:
        open_round(actor=cast.coordinator, network=cast.network, data=round_data(cast, demands=[candidate.pk]))
    assert exc.value.error_dict["demands"][0].code == "invalid_choice"


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "evaluator", "funder", "outsider"])
def test_only_the_coordinator_opens_a_round(cast, persona):
    with pytest.raises(PermissionDenied):
        open_round(actor=getattr(cast, persona), network=cast.network, data=round_data(cast))


# --- contributions ---------------------------------------------------------------------------------------


def contribution(**changes):
    return {"kind": "proposal", "title": "Un centro diurno", "body": "Proponiamo un centro diurno."} | changes


def test_partner_staff_contribute_for_their_own_organisation(cast):
    round_ = make_round(cast)
    item = add_contribution(actor=cast.partner_staff, coprogramming=round_, data=contribution())
    assert item.organization == cast.organization and item.author == cast.partner_staff


def test_partner_staff_cannot_contribute_for_another_organisation(cast):
    other = f.OrganizationFactory(network=cast.network, name="Altra")
    with pytest.raises(ValidationError) as exc:
        add_contribution(
            actor=cast.partner_staff, coprogramming=make_round(cast), data=contribution(organization=other)
        )
    assert exc.value.error_dict["organization"][0].code == "not_own"


def test_partner_staff_without_organisation_are_refused(cast):
    user = f.UserFactory(email="free@example.org")
    f.MembershipFactory(network=cast.network, user=user, role=Role.PARTNER_STAFF)
    with pytest.raises(ValidationError) as exc:
        add_contribution(actor=user, coprogramming=make_round(cast), data=contribution())
    assert exc.value.code == "no_organization"


def test_a_coordinator_chooses_the_organisation(cast):
    round_ = make_round(cast)
    with pytest.raises(ValidationError) as exc:
        add_contribution(actor=cast.coordinator, coprogramming=round_, data=contribution())
    assert exc.value.error_dict["organization"][0].code == "required"
    item = add_contribution(
        actor=cast.community_worker, coprogramming=round_, data=contribution(organization=cast.organization.pk)
    )
    assert item.organization == cast.organization


@pytest.mark.parametrize("persona", ["evaluator", "funder", "case_manager", "citizen"])
def test_roles_without_contribute_are_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        add_contribution(actor=getattr(cast, persona), coprogramming=make_round(cast), data=contribution())


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"kind": "poesia"}, "kind", "invalid_choice"),
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 201}, "title", "max_length"),
        ({"body": ""}, "body", "required"),
    ],
)
def test_bad_contribution_input_is_refused(cast, changes, field, code):
    with pytest.raises(ValidationError) as exc:
        add_contribution(actor=cast.partner_staff, coprogramming=make_round(cast), data=contribution(**changes))
    assert exc.value.error_dict[field][0].code == code


def test_no_contribution_after_the_closing_day_before_the_opening_or_once_closed(cast):
    late = make_round(cast, opens_on=today() - timedelta(days=9), closes_on=today() - timedelta(days=1))
    early = make_round(cast, opens_on=today() + timedelta(days=1), closes_on=today() + timedelta(days=9))
    closed = make_round(cast, status=S.CLOSED)
    for round_ in (late, early, closed):
        with pytest.raises(ValidationError) as exc:
            add_contribution(actor=cast.partner_staff, coprogramming=round_, data=contribution())
        assert exc.value.code == "closed"
    last_day = make_round(cast, opens_on=today() - timedelta(days=9), closes_on=today())
    add_contribution(actor=cast.partner_staff, coprogramming=last_day, data=contribution())
    assert Contribution.objects.count() == 1


def pdf_file(name="analisi.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", content_type="application/pdf")


def zip_file(name, members, first=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(zipfile.ZipInfo(first[0]), first[1])
        for member in members:
            archive.writestr(member, "<x/>")
    return SimpleUploadedFile(name, buffer.getvalue())


GOOD_FILES = [
    lambda: pdf_file(),
    lambda: SimpleUploadedFile("dati.csv", b"comune;bisogni\nCremona;12\n"),
    lambda: SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
    lambda: SimpleUploadedFile("foto.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 20),
    lambda: zip_file("doc.docx", ["word/document.xml"]),
    lambda: zip_file("dati.xlsx", ["xl/workbook.xml"]),
    lambda: zip_file("testo.odt", ["content.xml"], first=("mimetype", "application/vnd.oasis.opendocument.text")),
]


@pytest.mark.parametrize("make", GOOD_FILES)
def test_accepted_files(make):
    check_upload(make())


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00"), "file_type"),
        (SimpleUploadedFile("pagina.html", b"<html>"), "file_type"),
        (SimpleUploadedFile("senza", b"%PDF-1.7"), "file_type"),
        (SimpleUploadedFile("finto.pdf", b"MZ\x90\x00 not a pdf"), "file_content"),
        (SimpleUploadedFile("finto.png", b"%PDF-1.7"), "file_content"),
        (SimpleUploadedFile("finto.docx", b"PK\x03\x04garbage"), "file_content"),
        (SimpleUploadedFile("binario.csv", b"a,b\x00\x01\x02"), "file_content"),
        (SimpleUploadedFile("vuoto.pdf", b""), "file_empty"),
    ],
)
def test_refused_files(upload, code):
    with pytest.raises(ValidationError) as exc:
        check_upload(upload)
    assert exc.value.error_dict["file"][0].code == code


def test_a_file_over_10_mb_is_refused(cast):
    big = SimpleUploadedFile("grande.pdf", b"%PDF-" + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError) as exc:
        add_contribution(actor=cast.partner_staff, coprogramming=make_round(cast), data=contribution(file=big))
    assert exc.value.error_dict["file"][0].code == "file_size"
    assert not Contribution.objects.exists()


def test_a_contribution_keeps_its_file(cast):
    item = add_contribution(
        actor=cast.partner_staff, coprogramming=make_round(cast), data=contribution(file=pdf_file())
    )
    assert item.file.name.endswith(".pdf") and item.file.read().startswith(b"%PDF")


# --- closing and the sign-off ----------------------------------------------------------------------------------


def test_the_workflow_table():
    assert COPROGRAMMING_WORKFLOW.table() == {S.OPEN: frozenset({S.CLOSED}), S.CLOSED: frozenset()}


def test_a_coordinator_of_the_lead_signs_as_the_lead_partner(cast):
    round_ = make_round(cast)
    f.MembershipFactory(
        network=cast.network, user=cast.coordinator, role=Role.COMMUNITY_WORKER, organization=cast.organization
    )
    closed = close_round(actor=cast.coordinator, coprogramming=round_, priorities="1. Compagnia\n2. Trasporti")
    assert closed.status == S.CLOSED and closed.signed_off_by == cast.coordinator and closed.signed_off_at
    assert "Signed off by the lead partner Cooperativa Il Ponte" in closed.events.last().note


def test_a_coordinator_outside_the_lead_must_confirm_signing_on_its_behalf(cast):
    round_ = make_round(cast)
    with pytest.raises(ValidationError) as exc:
        close_round(actor=cast.coordinator, coprogramming=round_, priorities="1. Compagnia")
    assert exc.value.error_dict["for_lead"][0].code == "sign_for_lead"
    round_.refresh_from_db()
    assert round_.status == S.OPEN and not round_.priorities
    closed = close_round(actor=cast.coordinator, coprogramming=round_, priorities="1. Compagnia", for_lead=True)
    assert "on behalf of the lead partner" in closed.events.last().note


def test_closing_needs_the_priorities(cast):
    with pytest.raises(ValidationError) as exc:
        close_round(actor=cast.coordinator, coprogramming=make_round(cast), priorities="  ", for_lead=True)
    assert exc.value.error_dict["priorities"][0].code == "required"


@pytest.mark.parametrize("persona", ["community_worker", "partner_staff", "evaluator"])
def test_only_the_coordinator_closes(cast, persona):
    with pytest.raises(PermissionDenied):
        close_round(actor=getattr(cast, persona), coprogramming=make_round(cast), priorities="x", for_lead=True)


def test_a_closed_round_cannot_close_again_nor_take_contributions(cast):
    round_ = make_round(cast, status=S.CLOSED)
    with pytest.raises(ValidationError) as exc:
        close_round(actor=cast.coordinator, coprogramming=round_, priorities="x", for_lead=True)
    assert exc.value.code == "transition"
    with pytest.raises(ValidationError):
        add_contribution(actor=cast.partner_staff, coprogramming=round_, data=contribution())
