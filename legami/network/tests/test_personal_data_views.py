"""The pages of a person's rights: the data export, the anonymisation page and who consents to a processing."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Person
from legami.network.tests.test_personal_data_services import MARKERS, SECTIONS, _planted

OTHERS = [
    "coordinator",
    "case_manager",
    "community_worker",
    "district_case_manager",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
]


def url(name, cast, *args, network=None):
    return reverse(f"network:{name}", args=[(network or cast.network).slug, *args])


def _status_for(persona, allowed):
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "platform_admin"):
        return 404
    return 200 if persona in allowed else 403


@pytest.fixture
def english_client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


# --- the data export ---


@pytest.mark.parametrize("persona", ["privacy_officer", *OTHERS, "outsider", "platform_admin", "anonymous"])
def test_export_access(cast, login, persona):
    person = _planted(cast)
    response = login(getattr(cast, persona)).get(url("person_data_export", cast, person.pk))
    assert response.status_code == _status_for(persona, {"privacy_officer"})
    exported = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()
    assert exported == (persona == "privacy_officer")


def test_export_is_a_zip_of_every_section_with_the_markers_in_clear(cast, login):
    person = _planted(cast)
    response = login(cast.privacy_officer).get(url("person_data_export", cast, person.pk))
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    assert f'filename="rete-prova-persona-{person.pk}-' in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert set(json.loads(archive.read("data.json"))["sections"]) == SECTIONS
    text = archive.read("data.json").decode()
    for field, marker in MARKERS.items():
        assert marker in text, field


def test_export_of_an_unknown_person_or_of_another_network_is_404(cast, login):
    client = login(cast.privacy_officer)
    stranger = f.PersonFactory(network=cast.other_network)
    assert client.get(url("person_data_export", cast, 999999)).status_code == 404
    assert client.get(url("person_data_export", cast, stranger.pk)).status_code == 404
    # the other network's address is not theirs either
    assert client.get(url("person_data_export", cast, stranger.pk, network=cast.other_network)).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).exists()


def test_export_refuses_post(cast, login):
    person = _planted(cast)
    assert login(cast.privacy_officer).post(url("person_data_export", cast, person.pk)).status_code == 405


def test_the_person_page_shows_the_buttons_to_the_privacy_officer_only(cast, login):
    person = _planted(cast)
    export, anonymise = url("person_data_export", cast, person.pk), url("person_anonymise", cast, person.pk)
    page = login(cast.privacy_officer).get(url("person_detail", cast, person.pk)).content.decode()
    assert export in page and anonymise in page
    page = login(cast.coordinator).get(url("person_detail", cast, person.pk)).content.decode()
    assert export not in page and anonymise not in page


# --- anonymisation ---


@pytest.mark.parametrize("persona", ["privacy_officer", *OTHERS, "outsider", "platform_admin", "anonymous"])
def test_anonymise_access(cast, login, persona):
    person = _planted(cast)
    client = login(getattr(cast, persona))
    assert client.get(url("person_anonymise", cast, person.pk)).status_code == _status_for(persona, {"privacy_officer"})
    response = client.post(url("person_anonymise", cast, person.pk))
    assert response.status_code == (302 if persona == "privacy_officer" else _status_for(persona, set()))
    person.refresh_from_db()
    assert (person.anonymised_at is not None) == (persona == "privacy_officer")


def test_anonymise_confirms_then_anonymises_and_says_so(cast, english_login):
    person = _planted(cast)
    client = english_login(cast.privacy_officer)
    page = client.get(url("person_anonymise", cast, person.pk)).content.decode()
    assert "It cannot be undone." in page and "Yes, anonymise this person" in page
    response = client.post(url("person_anonymise", cast, person.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("person_detail", cast, person.pk)
    page = response.content.decode()
    assert "The person has been anonymised" in page and "This person was anonymised on" in page
    assert MARKERS["first_name"] not in page and MARKERS["email"] not in page
    assert url("person_anonymise", cast, person.pk) not in page  # no button for what is done
    page = english_login(cast.coordinator).get(url("person_detail", cast, person.pk)).content.decode()
    assert url("person_update", cast, person.pk) not in page  # nor for changing who is nobody now
    client = english_login(cast.coordinator)
    response = client.post(url("person_update", cast, person.pk), {"first_name": "Di nuovo"}, follow=True)
    assert response.redirect_chain[-1][0] == url("person_detail", cast, person.pk)
    assert "their record can no longer be changed" in response.content.decode()
    person.refresh_from_db()
    assert person.first_name == ""


def test_anonymising_an_anonymised_person_is_refused_with_a_clear_message(cast, english_login):
    person = _planted(cast)
    client = english_login(cast.privacy_officer)
    client.post(url("person_anonymise", cast, person.pk))
    page = client.get(url("person_anonymise", cast, person.pk)).content.decode()
    assert "This person was already anonymised on" in page and "Yes, anonymise this person" not in page
    events = AuditEvent.objects.count()
    response = client.post(url("person_anonymise", cast, person.pk))
    assert response.status_code == 409
    assert "already anonymised" in response.content.decode()
    assert AuditEvent.objects.count() == events


def test_anonymise_of_an_unknown_person_or_of_another_network_is_404(cast, login):
    client = login(cast.privacy_officer)
    stranger = f.PersonFactory(network=cast.other_network, first_name="Straniero")
    for pk in (999999, stranger.pk):
        assert client.get(url("person_anonymise", cast, pk)).status_code == 404
        assert client.post(url("person_anonymise", cast, pk)).status_code == 404
    assert Person.objects.get(pk=stranger.pk).anonymised_at is None


def test_anonymise_refuses_other_methods(cast, login):
    person = _planted(cast)
    assert login(cast.privacy_officer).put(url("person_anonymise", cast, person.pk)).status_code == 405


# --- who consents now ---


@pytest.mark.parametrize("persona", ["privacy_officer", *OTHERS, "outsider", "platform_admin", "anonymous"])
def test_consenting_access(cast, login, persona):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    response = login(getattr(cast, persona)).get(url("processing_consenting", cast, newsletter.pk))
    assert response.status_code == _status_for(persona, {"privacy_officer", "coordinator"})


def test_consenting_csv_lists_who_consents_now_and_drops_a_withdrawal(cast, login):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    stays = f.PersonFactory(network=cast.network, first_name="=Resta", last_name="Qui")
    leaves = f.PersonFactory(network=cast.network, first_name="Revoca", last_name="Ora")
    f.ConsentFactory(person=stays, processing=newsletter, given=True)
    f.ConsentFactory(person=leaves, processing=newsletter, given=False)
    response = login(cast.privacy_officer).get(url("processing_consenting", cast, newsletter.pk))
    assert response["Content-Type"].startswith("text/csv") and "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffid,nome,cognome,email,telefono,consenso_dato_il")
    assert "'=Resta" in body and "Revoca" not in body


def test_consenting_of_a_processing_not_based_on_consent_says_why(cast, english_login):
    register = f.ProcessingFactory(network=cast.network, legal_basis="public_task", name="Registro")
    response = english_login(cast.privacy_officer).get(url("processing_consenting", cast, register.pk), follow=True)
    assert response.redirect_chain[-1][0] == url("processings", cast)
    assert "“Registro” does not rest on consent" in response.content.decode()


def test_consenting_of_an_unknown_processing_or_of_another_network_is_404(cast, login):
    elsewhere = f.ProcessingFactory(network=cast.other_network, legal_basis="consent")
    client = login(cast.privacy_officer)
    assert client.get(url("processing_consenting", cast, 999999)).status_code == 404
    assert client.get(url("processing_consenting", cast, elsewhere.pk)).status_code == 404
    assert client.post(url("processing_consenting", cast, elsewhere.pk)).status_code == 405


def test_the_register_links_the_consenting_list_of_consent_based_processings(cast, login):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    register = f.ProcessingFactory(network=cast.network, legal_basis="public_task")
    page = login(cast.privacy_officer).get(url("processings", cast)).content.decode()
    assert url("processing_consenting", cast, newsletter.pk) in page
    assert url("processing_consenting", cast, register.pk) not in page


# --- the retention in the register's form ---


def test_the_processing_form_saves_a_retention_in_months(cast, login):
    processing = f.ProcessingFactory(network=cast.network, legal_basis="public_task")
    data = {"name": processing.name, "purpose": "Registro", "legal_basis": "public_task", "retention_months": "60"}
    response = login(cast.privacy_officer).post(url("processing_update", cast, processing.pk), data)
    assert response.status_code == 302
    processing.refresh_from_db()
    assert processing.retention_months == 60


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "The retention is at least one month"),
        ("-3", "The retention is at least one month"),
        ("1201", "at most 1200 months"),
        ("sei", "Write the retention as a whole number of months"),
        ("2.5", "Write the retention as a whole number of months"),
    ],
)
def test_the_processing_form_refuses_a_bad_retention(cast, english_login, value, message):
    processing = f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    data = {"name": processing.name, "purpose": "Registro", "legal_basis": "public_task", "retention_months": value}
    response = english_login(cast.privacy_officer).post(url("processing_update", cast, processing.pk), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    processing.refresh_from_db()
    assert processing.retention_months == 12


def test_an_empty_retention_clears_it(cast, login):
    processing = f.ProcessingFactory(network=cast.network, legal_basis="public_task", retention_months=12)
    data = {"name": processing.name, "purpose": "Registro", "legal_basis": "public_task", "retention_months": ""}
    assert login(cast.privacy_officer).post(url("processing_update", cast, processing.pk), data).status_code == 302
    processing.refresh_from_db()
    assert processing.retention_months is None
