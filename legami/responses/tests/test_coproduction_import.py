"""The co-production import: each bad cell named by row and column, all or nothing, the ledger's own rules (partners
of the response, partner staff for their own organisation, citizens by those who run responses), the pages, the
command and the export that imports back."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from legami.core.models import AuditEvent, Job
from legami.core.tests import factories as f
from legami.responses.models import ContributorKind, CoProduction, CoProductionKind, ResponseStatus
from legami.responses.services.imports import COPRODUCTION_IMPORT_COLUMNS, import_coproduction_file
from legami.responses.tests.factories_responses import CoProductionFactory, PartnerFactory, active_response

HEADER = COPRODUCTION_IMPORT_COLUMNS


def csv_file(rows, header=HEADER, sep=";"):
    lines = [sep.join(header)]
    for row in rows:
        lines.append(sep.join(str(row.get(name, "")) for name in header))
    return io.BytesIO(("\n".join(lines) + "\n").encode("utf-8-sig"))


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


@pytest.fixture
def response(cast):
    cast.organization.tax_code = "01234567890"
    cast.organization.save()
    return active_response(cast.network, cast.organization, title="Portierato sociale")


def partner_row(response, **changes):
    row = {
        "risposta": response.pk,
        "ente": "Cooperativa Il Ponte",
        "chi": "partner",
        "cosa": "ore",
        "quantita": "12,5",
        "data": "14/03/2025",
        "descrizione": "Apertura del doposcuola",
    }
    return row | changes


def citizens_row(response, **changes):
    row = {"risposta": response.pk, "chi": "cittadini", "cosa": "beni", "quantita": "150.00", "persone": "8"}
    return row | {"data": "2025-03-20"} | changes


def run(cast, actor, rows, **kwargs):
    return import_coproduction_file(
        actor=actor, network=cast.network, file=csv_file(rows, **kwargs), file_name="coproduzione.csv"
    )


def problems(outcome):
    return [(e.row, e.column, e.message) for e in outcome.errors]


def test_a_good_file_records_every_row_with_the_importer_as_recorder_and_audits(cast, response):
    rows = [
        partner_row(response),
        partner_row(response, ente="01234567890", cosa="Uso di uno spazio (ore)", quantita="3"),
        partner_row(response, ente="cooperativa il ponte", cosa="money", quantita="1.500,00".replace(".", "")),
        citizens_row(response),
        citizens_row(response, cosa="Ore di lavoro", quantita="6", persone="3", descrizione=""),
    ]
    outcome = run(cast, cast.coordinator, rows)
    assert outcome.ok, problems(outcome)
    assert outcome.created == 5
    entries = list(CoProduction.objects.order_by("id"))
    assert [(e.contributor, e.kind, e.quantity, e.people) for e in entries] == [
        (ContributorKind.PARTNER, CoProductionKind.HOURS, Decimal("12.50"), 0),
        (ContributorKind.PARTNER, CoProductionKind.SPACE, Decimal("3.00"), 0),
        (ContributorKind.PARTNER, CoProductionKind.MONEY, Decimal("1500.00"), 0),
        (ContributorKind.CITIZENS, CoProductionKind.GOODS, Decimal("150.00"), 8),
        (ContributorKind.CITIZENS, CoProductionKind.HOURS, Decimal("6.00"), 3),
    ]
    assert {e.recorded_by for e in entries} == {cast.coordinator}
    assert {e.response for e in entries} == {response}
    assert entries[0].organization == cast.organization and entries[3].organization is None
    assert entries[0].on_date == datetime.date(2025, 3, 14) and entries[0].description == "Apertura del doposcuola"
    creates = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE, object_type="responses.coproduction")
    assert creates.count() == 5 and {e.actor_id for e in creates} == {cast.coordinator.pk}
    imported = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert imported.object_type == "responses.coproduction" and imported.after["created"] == 5


def test_english_headers_are_accepted(cast, response):
    english = ("response", "organization", "contributor", "kind", "quantity", "people", "date", "description")
    row = dict(
        zip(english, (response.pk, "Cooperativa Il Ponte", "partner", "hours", "2", "", "2025-01-02", "x"), strict=True)
    )
    outcome = run(cast, cast.coordinator, [row], header=english)
    assert outcome.ok, problems(outcome)
    assert CoProduction.objects.get().quantity == Decimal("2.00")


def test_each_bad_cell_is_named_by_row_and_column_and_nothing_is_written(cast, response):
    f.OrganizationFactory(network=cast.network, name="Associazione Auser")  # of the network, not a partner
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    rows = [
        partner_row(response),  # row 2 is good
        partner_row(response, ente="Nessuno"),
        partner_row(response, ente="Associazione Auser"),
        citizens_row(response, ente="Cooperativa Il Ponte"),
        partner_row(response, ente=""),
        partner_row(response, cosa="tempo"),
        partner_row(response, quantita="0"),
        partner_row(response, quantita="-3"),
        partner_row(response, quantita="tanto"),
        partner_row(response, data=tomorrow),
        partner_row(response, data="31/02/2025"),
        partner_row(response, descrizione="x" * 301),
        partner_row(response, chi="volontari"),
        partner_row(response, risposta="999999"),
        citizens_row(response, persone=""),
    ]
    outcome = run(cast, cast.coordinator, rows)
    assert not outcome.ok and outcome.created == 0
    found = {(row, column): message for row, column, message in problems(outcome)}
    assert found == {
        (3, "ente"): "No organisation of the network has this name or codice fiscale.",
        (4, "ente"): "This organisation is not a partner of the response.",
        (5, "ente"): "Citizens' contributions name no organisation.",
        (6, "ente"): "Choose the partner that contributed.",
        (7, "cosa"): "Write ore, spazio, denaro or beni.",
        (8, "quantita"): "The quantity must be more than zero.",
        (9, "quantita"): "The quantity must be more than zero.",
        (10, "quantita"): found[(10, "quantita")],
        (11, "data"): "The date cannot be in the future.",
        (12, "data"): "Enter a valid date.",
        (13, "descrizione"): "At most 300 characters.",
        (14, "chi"): "Write partner or cittadini.",
        (15, "risposta"): "No response of the network has this number.",
        (16, "persone"): "Say how many people contributed.",
    }
    assert found[(10, "quantita")]  # "tanto" is not a number
    assert [str(e) for e in outcome.errors][0].startswith("row 3, column ente:")
    assert not CoProduction.objects.exists()
    assert not AuditEvent.objects.filter(object_type="responses.coproduction").exists()


def test_a_cancelled_response_takes_no_rows(cast, response):
    response.status = ResponseStatus.CANCELLED
    response.save()
    outcome = run(cast, cast.coordinator, [partner_row(response)])
    assert problems(outcome) == [(2, "risposta", "A cancelled response takes no more contributions.")]


def test_persone_on_a_partner_row_is_ignored_as_the_form_does(cast, response):
    outcome = run(cast, cast.coordinator, [partner_row(response, persone="4")])
    assert outcome.ok and CoProduction.objects.get().people == 0


def test_partner_staff_import_their_own_organisation_only(cast, response):
    other = f.OrganizationFactory(network=cast.network, name="Associazione Auser")
    PartnerFactory(response=response, organization=other)
    refused = run(
        cast,
        cast.partner_staff,
        [partner_row(response), partner_row(response, ente="Associazione Auser"), citizens_row(response)],
    )
    assert problems(refused) == [
        (3, "ente", "You can record contributions of your own organisation only."),
        (4, "chi", "Citizens' contributions are recorded by those who run the response."),
    ]
    assert not CoProduction.objects.exists()
    ok = run(cast, cast.partner_staff, [partner_row(response), partner_row(response, cosa="denaro", quantita="50")])
    assert ok.ok and CoProduction.objects.filter(recorded_by=cast.partner_staff).count() == 2


def test_the_export_imports_back(cast, response, login):
    CoProductionFactory(
        response=response,
        organization=cast.organization,
        kind=CoProductionKind.SPACE,
        quantity=Decimal("4.50"),
        on_date=datetime.date(2025, 2, 3),
        description="Sala riunioni; il martedì",
    )
    CoProductionFactory(
        response=response,
        contributor=ContributorKind.CITIZENS,
        organization=None,
        kind=CoProductionKind.GOODS,
        quantity=Decimal("80"),
        people=5,
        on_date=datetime.date(2025, 2, 4),
    )
    client = login(cast.coordinator)
    for fmt in ("csv", "xlsx"):
        exported = client.get(url(cast, "coproduction_export") + f"?response={response.pk}&format={fmt}")
        assert exported.status_code == 200
        body = b"".join(exported.streaming_content) if exported.streaming else exported.content
        if fmt == "csv":
            assert body.decode("utf-8-sig").splitlines()[0].split(",")[:3] == list(HEADER[:3])
        before = sorted(
            CoProduction.objects.values_list("contributor", "organization", "kind", "quantity", "people", "on_date")
        )
        outcome = import_coproduction_file(
            actor=cast.coordinator, network=cast.network, file=io.BytesIO(body), file_name=f"export.{fmt}"
        )
        assert outcome.ok, problems(outcome)
        assert outcome.created == len(before)
        after = list(
            CoProduction.objects.order_by("-id")[: len(before)].values_list(
                "contributor", "organization", "kind", "quantity", "people", "on_date"
            )
        )
        assert sorted(after) == before
        CoProduction.objects.filter(recorded_by=cast.coordinator).delete()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, object_type="responses.coproduction").count() == 2


def test_partner_staff_export_only_their_own_organisation(cast, response, login):
    other = f.OrganizationFactory(network=cast.network, name="Associazione Auser")
    PartnerFactory(response=response, organization=other)
    CoProductionFactory(response=response, organization=cast.organization, description="nostro")
    CoProductionFactory(response=response, organization=other, description="loro")
    CoProductionFactory(
        response=response, contributor=ContributorKind.CITIZENS, organization=None, people=2, description="cittadini"
    )
    body = b"".join(login(cast.partner_staff).get(url(cast, "coproduction_export")).streaming_content).decode()
    assert "nostro" in body and "loro" not in body and "cittadini" not in body.splitlines()[1]


def test_the_ledger_links_to_the_import_for_who_may_record(cast, response, login):
    import_url = url(cast, "coproduction_import")
    assert import_url in login(cast.partner_staff).get(url(cast, "coproduction", response.pk)).content.decode()
    assert import_url not in login(cast.funder).get(url(cast, "coproduction", response.pk)).content.decode()


def test_the_pages_run_the_import_and_refuse_who_may_not_record(
    cast, response, login, django_capture_on_commit_callbacks
):
    client = login(cast.coordinator)
    page = client.get(url(cast, "coproduction_import")).content.decode()
    assert "<code>risposta</code>" in page and "<code>quantita</code>" in page
    template = client.get(url(cast, "coproduction_import_template") + "?format=csv")
    lines = b"".join(template.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(HEADER) and len(lines) == 3
    upload = SimpleUploadedFile("coproduzione.csv", csv_file([partner_row(response), citizens_row(response)]).read())
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(url(cast, "coproduction_import"), {"file": upload})
    job = Job.objects.get(kind="coproduction_import")
    assert posted.status_code == 302 and posted["Location"] == url(cast, "coproduction_import_job", job.pk)
    assert job.status == Job.Status.SUCCEEDED and CoProduction.objects.count() == 2
    assert "2 contributions recorded." in client.get(posted["Location"]).content.decode()
    for persona in (cast.funder, cast.evaluator, cast.case_manager):
        refused = login(persona)
        assert refused.get(url(cast, "coproduction_import")).status_code == 403
        assert refused.get(url(cast, "coproduction_import_template")).status_code == 403
        assert refused.get(url(cast, "coproduction_import_job", job.pk)).status_code == 403
        assert refused.get(url(cast, "coproduction_export")).status_code == 403


def test_the_command_imports_under_the_actor_and_refuses_without_one(cast, response, tmp_path):
    path = tmp_path / "coproduzione.csv"
    path.write_bytes(csv_file([partner_row(response)]).read())
    with pytest.raises(CommandError):
        call_command("import_coproduction", network=cast.network.slug, file=str(path), stderr=io.StringIO())
    assert not CoProduction.objects.exists()
    out = io.StringIO()
    call_command(
        "import_coproduction",
        network=cast.network.slug,
        file=str(path),
        actor=cast.partner_staff.email,
        stdout=out,
        stderr=io.StringIO(),
    )
    assert "Recorded 1 contributions" in out.getvalue()
    assert CoProduction.objects.get().recorded_by == cast.partner_staff
