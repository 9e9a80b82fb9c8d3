"""Pages of the person registry: who may see and change what, filters, query counts, forms."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from legami.core.models import AuditEvent, Consent
from legami.core.tests import factories as f
from legami.network.models import Person

VIEWERS = ["coordinator", "case_manager", "community_worker", "privacy_officer", "district_case_manager"]
EDITORS = ["coordinator", "case_manager", "community_worker"]
NO_ACCESS = ["partner_staff", "evaluator", "funder", "citizen"]
MARIO_CF = "RSSMRA80C15D150B"


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


@pytest.fixture
def mario(cast):
    return f.PersonFactory(
        network=cast.network,
        first_name="Mario",
        last_name="Rossi",
        email="mario.rossi@example.org",
        tax_code=MARIO_CF,
        municipality=cast.municipalities[0],
    )


@pytest.fixture
def giulia(cast):
    return f.PersonFactory(
        network=cast.network, first_name="Giulia", last_name="Verdi", municipality=cast.municipalities[1]
    )


def expected_status(persona, allowed):
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "platform_admin"):
        return 404
    return 200 if persona in allowed else 403


ALL = VIEWERS + NO_ACCESS + ["outsider", "platform_admin", "anonymous"]


@pytest.mark.parametrize("persona", ALL)
def test_list_and_detail_access(cast, login, mario, persona):
    client = login(getattr(cast, persona))
    status = expected_status(persona, VIEWERS)
    response = client.get(url("people", cast))
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(url("person_detail", cast, mario.pk)).status_code == status
    if status == 200:
        assert "Rossi" in client.get(url("people", cast)).content.decode()


@pytest.mark.parametrize("persona", ALL)
def test_create_edit_delete_access(cast, login, mario, persona):
    client = login(getattr(cast, persona))
    status = expected_status(persona, EDITORS + ["district_case_manager"])
    for name, args in [
        ("person_create", ()),
        ("person_update", (mario.pk,)),
        ("person_delete", (mario.pk,)),
    ]:
        assert client.get(url(name, cast, *args)).status_code == status, name
    # Consents are read by whoever may see the person; recording one needs change_people.
    assert client.get(url("person_consents", cast, mario.pk)).status_code == expected_status(persona, VIEWERS)
    consent_post = client.post(url("person_consents", cast, mario.pk), {"given": "maybe"})
    assert consent_post.status_code == (200 if status == 200 else status)
    for name, args in [("person_update", (mario.pk,)), ("person_delete", (mario.pk,))]:
        response = client.post(url(name, cast, *args), {"first_name": "X"})
        assert response.status_code in ((status,) if status != 200 else (200, 302)), name
    assert Person.objects.filter(pk=mario.pk).exists() == (persona not in EDITORS + ["district_case_manager"])


def test_privacy_officer_sees_but_cannot_edit(cast, login, mario):
    newsletter = f.ProcessingFactory(network=cast.network, legal_basis="consent")
    client = login(cast.privacy_officer)
    page = client.get(url("person_detail", cast, mario.pk)).content.decode()
    assert url("person_update", cast, mario.pk) not in page
    assert client.post(url("person_update", cast, mario.pk), {"first_name": "X"}).status_code == 403
    response = client.get(url("person_consents", cast, mario.pk))
    assert response.status_code == 200
    assert response.context["can_record"] is False
    assert 'name="given"' not in response.content.decode()
    assert (
        client.post(url("person_consents", cast, mario.pk), {"processing": newsletter.pk, "given": "yes"}).status_code
        == 403
    )
    assert Consent.objects.count() == 0


def test_district_case_manager_sees_only_their_district(cast, login, mario, giulia):
    client = login(cast.district_case_manager)
    page = client.get(url("people", cast)).content.decode()
    assert "Rossi" in page  # Cremona
    assert "Verdi" not in page  # Crema
    assert client.get(url("person_detail", cast, mario.pk)).status_code == 200
    for name in ("person_detail", "person_update", "person_delete", "person_consents"):
        assert client.get(url(name, cast, giulia.pk)).status_code == 404, name
    assert client.post(url("person_delete", cast, giulia.pk)).status_code == 404
    assert Person.objects.filter(pk=giulia.pk).exists()


def test_export_and_import_buttons_follow_capabilities(cast, login):
    export = url("people_export", cast)
    import_ = url("people_import", cast)
    coordinator = login(cast.coordinator).get(url("people", cast)).content.decode()
    assert f"{export}?format=csv" in coordinator and f"{export}?format=xlsx" in coordinator and import_ in coordinator
    officer = login(cast.privacy_officer).get(url("people", cast)).content.decode()
    assert export in officer and import_ not in officer
    worker = login(cast.case_manager).get(url("people", cast)).content.decode()
    assert export not in worker and import_ not in worker


def names(response):
    return [p.last_name for p in response.context["page_obj"].object_list]


def test_search_is_case_insensitive_on_name_email_and_tax_code(cast, login, mario, giulia):
    client = login(cast.coordinator)
    for query in ("rossi", "MARIO", "mario.rossi@EXAMPLE", "rssmra80", MARIO_CF.lower(), "mario ross"):
        assert names(client.get(url("people", cast), {"q": query})) == ["Rossi"], query
    assert names(client.get(url("people", cast), {"q": "nobody"})) == []


def test_filters_by_comune_neighbourhood_household_and_age(cast, login, mario, giulia):
    cremona, crema = cast.municipalities
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=crema)
    household = f.HouseholdFactory(network=cast.network)
    today = timezone.localdate()
    giulia.neighbourhood = quartiere
    giulia.household = household
    giulia.birth_date = today.replace(year=today.year - 10)
    giulia.save()
    mario.birth_date = today.replace(year=today.year - 70)
    mario.save()
    f.PersonFactory(network=cast.network, last_name="Neri", birth_date=today.replace(year=today.year - 18))
    f.PersonFactory(network=cast.network, last_name="Bruni", birth_date=today.replace(year=today.year - 35))
    client = login(cast.coordinator)
    people = url("people", cast)
    assert names(client.get(people, {"municipality": crema.pk})) == ["Verdi"]
    assert names(client.get(people, {"neighbourhood": quartiere.pk})) == ["Verdi"]
    assert names(client.get(people, {"household": "yes"})) == ["Verdi"]
    assert "Verdi" not in names(client.get(people, {"household": "no"}))
    assert names(client.get(people, {"age": "0-17"})) == ["Verdi"]
    assert names(client.get(people, {"age": "18-34"})) == ["Neri"]
    assert names(client.get(people, {"age": "35-64"})) == ["Bruni"]
    assert names(client.get(people, {"age": "65+"})) == ["Rossi"]
    # A bad filter value is ignored rather than breaking the page.
    assert client.get(people, {"municipality": "x", "age": "old", "sort": "?"}).status_code == 200


def test_comune_filter_offers_only_the_networks_comuni(cast, login):
    f.MunicipalityFactory(name="Bergamo")
    form = login(cast.coordinator).get(url("people", cast)).context["form"]
    labels = [label for value, label in form.fields["municipality"].choices if value]
    assert labels == ["Crema", "Cremona"]
    district_form = login(cast.district_case_manager).get(url("people", cast)).context["form"]
    assert [label for value, label in district_form.fields["municipality"].choices if value] == ["Cremona"]


def test_sorting_and_pagination(cast, login, settings):
    settings.LEGAMI_PAGE_SIZE = 2
    cremona, crema = cast.municipalities
    f.PersonFactory(network=cast.network, last_name="Zanetti", municipality=crema)
    f.PersonFactory(network=cast.network, last_name="Alberti", municipality=cremona)
    f.PersonFactory(network=cast.network, last_name="Monti", municipality=crema)
    client = login(cast.coordinator)
    people = url("people", cast)
    assert names(client.get(people)) == ["Alberti", "Monti"]
    assert names(client.get(people, {"page": 2})) == ["Zanetti"]
    assert names(client.get(people, {"sort": "municipality"})) == ["Monti", "Zanetti"]
    assert names(client.get(people, {"sort": "created"})) == ["Monti", "Alberti"]


def count_queries(client, path):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("persona", ["coordinator", "district_case_manager"])
def test_list_runs_a_constant_number_of_queries(cast, login, persona):
    cremona = cast.municipalities[0]
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cremona)
    household = f.HouseholdFactory(network=cast.network)

    def add(n):
        for _ in range(n):
            f.PersonFactory(network=cast.network, municipality=cremona, neighbourhood=quartiere, household=household)

    client = login(getattr(cast, persona))
    path = url("people", cast) + "?q=a&sort=municipality"
    add(3)
    few = count_queries(client, url("people", cast))
    few_filtered = count_queries(client, path)
    add(27)
    assert count_queries(client, url("people", cast)) == few
    assert count_queries(client, path) == few_filtered
    assert few <= 10


def test_detail_shows_household_ties_consents_and_audit_link(cast, login, mario):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Rossi")
    mario.household = household
    mario.save()
    f.PersonFactory(network=cast.network, first_name="Lucia", last_name="Rossi", household=household)
    f.TieFactory(
        network=cast.network, source_person=mario, target_person__first_name="Paolo", target_person__last_name="Bassi"
    )
    f.ConsentFactory(person=mario, processing__name="Newsletter della rete")
    page = login(cast.coordinator).get(url("person_detail", cast, mario.pk)).content.decode()
    assert "Famiglia Rossi" in page and "Lucia Rossi" in page
    assert "Paolo Bassi" in page
    assert "Newsletter della rete" in page
    assert reverse("network:audit", args=[cast.network.slug]) in page
    assert f"{url('tie_create', cast)}?source={mario.pk}" in page
    worker = login(cast.case_manager).get(url("person_detail", cast, mario.pk)).content.decode()
    assert reverse("network:audit", args=[cast.network.slug]) not in worker
    # The privacy officer may not see ties.
    officer = login(cast.privacy_officer).get(url("person_detail", cast, mario.pk)).content.decode()
    assert "Paolo Bassi" not in officer


def form_data(cast, **extra):
    return {
        "first_name": "Anna",
        "last_name": "Bianchi",
        "tax_code": "",
        "birth_date": "",
        "gender": "F",
        "email": "anna@example.org",
        "phone": "333 1234567",
        "address": "Via Roma 1",
        "municipality": cast.municipalities[0].pk,
        "neighbourhood": "",
        "household": "",
        "household_search": "",
        "household_role": "",
        "notes": "",
        **extra,
    }


def test_create_saves_and_redirects(cast, login):
    response = login(cast.case_manager).post(url("person_create", cast), form_data(cast))
    person = Person.objects.get(last_name="Bianchi")
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", cast, person.pk)
    assert person.phone == "333 1234567"
    assert AuditEvent.objects.filter(object_type="network.person", action="create").count() == 1


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"tax_code": "RSSMRA80C15D150A"}, "tax_code"),
        ({"tax_code": "RSSMRA"}, "tax_code"),
        ({"tax_code": MARIO_CF, "birth_date": "1981-03-15"}, "birth_date"),
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"phone": "abc"}, "phone"),
        ({"first_name": ""}, "first_name"),
        ({"household": "999999"}, "household"),
    ],
)
def test_create_with_bad_input_shows_the_error_and_writes_nothing(cast, login, extra, field):
    response = login(cast.coordinator).post(url("person_create", cast), form_data(cast, **extra))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert Person.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_create_refuses_a_duplicate_tax_code(cast, login, mario):
    response = login(cast.coordinator).post(url("person_create", cast), form_data(cast, tax_code=MARIO_CF))
    assert "tax_code" in response.context["form"].errors
    assert Person.objects.count() == 1


def test_create_refuses_a_neighbourhood_of_another_comune(cast, login):
    quartiere = f.NeighbourhoodFactory(network=cast.network, municipality=cast.municipalities[1])
    response = login(cast.coordinator).post(url("person_create", cast), form_data(cast, neighbourhood=quartiere.pk))
    assert "neighbourhood" in response.context["form"].errors
    assert Person.objects.count() == 0


def test_household_search_reloads_the_form_without_saving(cast, login):
    household = f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi", municipality=cast.municipalities[0])
    f.HouseholdFactory(network=cast.network, name="Famiglia Neri")
    client = login(cast.coordinator)
    response = client.post(url("person_create", cast), form_data(cast, household_search="bianchi", _search="household"))
    assert response.status_code == 200
    assert Person.objects.count() == 0
    form = response.context["form"]
    choices = [value for value, _label in form.fields["household"].widget.choices if value]
    assert choices == [household.pk]
    page = response.content.decode()
    assert "Famiglia Bianchi" in page and "Famiglia Neri" not in page
    assert 'value="Anna"' in page  # what was typed is kept
    response = client.post(url("person_create", cast), form_data(cast, household=household.pk, household_role="child"))
    assert response.status_code == 302
    assert Person.objects.get().household == household


def test_form_choices_read_as_words(cast, login):
    response = login(cast.coordinator).get(url("person_create", cast), headers={"accept-language": "en"})
    form = response.context["form"]
    with translation.override("en"):
        assert str(form.fields["municipality"].empty_label) == "— none —"
        assert str(form.fields["neighbourhood"].empty_label) == "— none —"
    assert "---------" not in response.content.decode()


def test_household_search_results_are_labelled_as_households(cast, login):
    f.HouseholdFactory(network=cast.network, name="Famiglia Bianchi")
    client = login(cast.coordinator)
    english = {"accept-language": "en"}
    form = client.get(url("person_create", cast), headers=english).context["form"]
    assert str(form.fields["household"].label) == "Household number"
    data = form_data(cast, household_search="bianchi", _search="household")
    response = client.post(url("person_create", cast), data, headers=english)
    assert str(response.context["form"].fields["household"].label) == "Household"


def test_form_pages_have_breadcrumbs(cast, login, mario):
    client = login(cast.coordinator)
    page = client.get(url("person_update", cast, mario.pk)).content.decode()
    crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
    assert url("people", cast) in crumbs and url("person_detail", cast, mario.pk) in crumbs
    assert 'aria-current="page"' in crumbs
    page = client.get(url("person_create", cast)).content.decode()
    crumbs = page[page.index('class="breadcrumb"') : page.index("</ol>")]
    assert url("people", cast) in crumbs and 'aria-current="page"' in crumbs


def test_consent_source_field_is_drawn_like_other_fields(cast, login, mario):
    f.ProcessingFactory(network=cast.network, name="Newsletter", legal_basis="consent")
    page = login(cast.coordinator).get(url("person_consents", cast, mario.pk)).content.decode()
    assert '<div class="mb-2 legami-field">' in page


def test_create_from_a_household_preselects_it(cast, login):
    household = f.HouseholdFactory(network=cast.network, municipality=cast.municipalities[0], address="Via Po 2")
    response = login(cast.coordinator).get(url("person_create", cast), {"household": household.pk})
    form = response.context["form"]
    assert form["household"].value() == household.pk
    assert form["address"].value() == "Via Po 2"
    elsewhere = f.HouseholdFactory(network=cast.other_network)
    response = login(cast.coordinator).get(url("person_create", cast), {"household": elsewhere.pk})
    assert response.context["form"]["household"].value() in (None, "")


def test_update_saves_and_can_leave_the_household(cast, login, mario):
    household = f.HouseholdFactory(network=cast.network)
    mario.household = household
    mario.household_role = "head"
    mario.save()
    client = login(cast.community_worker)
    form = client.get(url("person_update", cast, mario.pk)).context["form"]
    assert form["household"].value() == household.pk
    data = form_data(
        cast, first_name="Mario", last_name="Rossi", tax_code=MARIO_CF, gender="M", household="", household_role="head"
    )
    response = client.post(url("person_update", cast, mario.pk), data)
    assert response.status_code == 302
    mario.refresh_from_db()
    assert (mario.household, mario.household_role, mario.first_name) == (None, "", "Mario")


def test_delete_asks_then_deletes(cast, login, mario):
    client = login(cast.coordinator)
    assert client.get(url("person_delete", cast, mario.pk)).status_code == 200
    assert Person.objects.filter(pk=mario.pk).exists()
    response = client.post(url("person_delete", cast, mario.pk))
    assert response.status_code == 302
    assert response["Location"] == url("people", cast)
    assert not Person.objects.filter(pk=mario.pk).exists()


def test_consents_page_lists_processings_by_basis_and_records_answers(cast, login, mario):
    newsletter = f.ProcessingFactory(network=cast.network, name="Newsletter", legal_basis="consent")
    registry = f.ProcessingFactory(network=cast.network, name="Registro", legal_basis="public_task")
    f.ProcessingFactory(network=cast.other_network, name="Altrove")
    client = login(cast.case_manager)
    response = client.get(url("person_consents", cast, mario.pk))
    assert [s.processing for s in response.context["consent_based"]] == [newsletter]
    assert [s.processing for s in response.context["other_bases"]] == [registry]
    assert response.context["consent_based"][0].state == "never_asked"
    assert "Altrove" not in response.content.decode()

    response = client.post(
        url("person_consents", cast, mario.pk),
        {"processing": newsletter.pk, "given": "yes", "source": "modulo cartaceo"},
    )
    assert response.status_code == 302
    consent = Consent.objects.get(person=mario, processing=newsletter)
    assert consent.given and consent.source == "modulo cartaceo"
    client.post(
        url("person_consents", cast, mario.pk), {"processing": newsletter.pk, "given": "no", "source": "online"}
    )
    consent.refresh_from_db()
    assert not consent.given and consent.withdrawn_at is not None
    assert client.get(url("person_consents", cast, mario.pk)).context["consent_based"][0].state == "withdrawn"


def test_consent_on_a_non_consent_processing_is_refused_on_the_page(cast, login, mario):
    registry = f.ProcessingFactory(network=cast.network, name="Registro", legal_basis="public_task")
    response = login(cast.coordinator).post(
        url("person_consents", cast, mario.pk), {"processing": registry.pk, "given": "yes"}
    )
    assert response.status_code == 200
    assert "processing" in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert Consent.objects.count() == 0


def test_consent_on_another_networks_processing_is_404(cast, login, mario):
    elsewhere = f.ProcessingFactory(network=cast.other_network)
    response = login(cast.coordinator).post(
        url("person_consents", cast, mario.pk), {"processing": elsewhere.pk, "given": "yes"}
    )
    assert response.status_code == 404
    assert Consent.objects.count() == 0


def test_birth_date_in_the_list_is_shown(cast, login):
    f.PersonFactory(network=cast.network, last_name="Datato", birth_date=datetime.date(1990, 5, 17))
    page = login(cast.coordinator).get(url("people", cast)).content.decode()
    assert "Datato" in page and "1990" in page
