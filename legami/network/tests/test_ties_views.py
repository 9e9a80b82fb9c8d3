"""Tie pages: access by persona, filters, constant queries, the form with person search and preselection."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.network.models import Tie

OPERATORS = ["coordinator", "case_manager", "community_worker", "district_case_manager"]
ALL = OPERATORS + [
    "privacy_officer",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "outsider",
    "platform_admin",
    "anonymous",
]


def url(name, cast, *args):
    return reverse(f"network:{name}", args=[cast.network.slug, *args])


def expected(persona):
    if persona == "anonymous":
        return 302
    if persona in ("outsider", "platform_admin"):
        return 404
    return 200 if persona in OPERATORS else 403


@pytest.fixture
def anna(cast):
    return f.PersonFactory(
        network=cast.network,
        first_name="Anna",
        last_name="Galli",
        email="anna.galli@example.org",  # searches read e-mails too: none made up by Faker
        municipality=cast.municipalities[0],
    )


@pytest.fixture
def bruno(cast):
    return f.PersonFactory(
        network=cast.network,
        first_name="Bruno",
        last_name="Sala",
        email="bruno.sala@example.org",
        municipality=cast.municipalities[0],
    )


@pytest.fixture
def tie(cast, anna, bruno):
    return f.TieFactory(network=cast.network, source_person=anna, target_person=bruno)


@pytest.mark.parametrize("persona", ALL)
def test_access(cast, login, tie, persona):
    client = login(getattr(cast, persona))
    status = expected(persona)
    for name, args in [("ties", ()), ("tie_create", ()), ("tie_update", (tie.pk,)), ("tie_delete", (tie.pk,))]:
        assert client.get(url(name, cast, *args)).status_code == status, name
    response = client.post(url("tie_delete", cast, tie.pk))
    assert response.status_code == (302 if status == 200 else status)
    assert Tie.objects.exists() == (status != 200)


def test_district_case_manager_sees_only_ties_within_their_district(cast, login, tie, anna):
    carla = f.PersonFactory(
        network=cast.network, first_name="Carla", last_name="Crema", municipality=cast.municipalities[1]
    )
    cross = f.TieFactory(network=cast.network, source_person=anna, target_person=carla)
    client = login(cast.district_case_manager)
    listed = list(client.get(url("ties", cast)).context["page_obj"].object_list)
    assert listed == [tie]
    assert client.get(url("tie_update", cast, cross.pk)).status_code == 404
    assert client.post(url("tie_delete", cast, cross.pk)).status_code == 404
    assert Tie.objects.filter(pk=cross.pk).exists()


def test_filters(cast, login, tie, anna, bruno):
    carla = f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
    care = f.TieFactory(network=cast.network, kind="care", source_person=bruno, target_person=carla)
    client = login(cast.coordinator)
    listed = lambda **q: set(client.get(url("ties", cast), q).context["page_obj"].object_list)  # noqa: E731
    assert listed() == {tie, care}
    assert listed(kind="care") == {care}
    assert listed(person=anna.pk) == {tie}
    assert listed(person=bruno.pk) == {tie, care}
    response = client.get(url("ties", cast), {"person": f.PersonFactory(network=cast.other_network).pk})
    assert "person" in response.context["form"].errors
    assert response.status_code == 200


def test_list_runs_a_constant_number_of_queries(cast, login):
    org = cast.organization

    def make(n):
        for i in range(n):
            a = f.PersonFactory(network=cast.network, municipality=cast.municipalities[0])
            if i % 2:
                f.TieFactory(network=cast.network, source_person=a, target_person=None, target_organization=org)
            else:
                f.TieFactory(network=cast.network, source_person=a)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url("ties", cast)).status_code == 200
        return len(ctx.captured_queries)

    client = login(cast.coordinator)
    make(3)
    few = count()
    make(27)
    assert count() == few


def form_data(**extra):
    return {
        "source_person": "",
        "source_search": "",
        "source_organization": "",
        "target_person": "",
        "target_search": "",
        "target_organization": "",
        "kind": "friendship",
        "direction": "mutual",
        "since": "",
        "until": "",
        "note": "",
        **extra,
    }


def test_add_a_tie_from_a_persons_page_preselects_them(cast, login, anna):
    response = login(cast.case_manager).get(url("tie_create", cast), {"source": anna.pk})
    assert response.context["form"]["source_person"].value() == anna.pk
    assert "Anna Galli" in response.content.decode()
    # Someone out of reach is not preselected.
    carla = f.PersonFactory(network=cast.network, municipality=cast.municipalities[1])
    response = login(cast.district_case_manager).get(url("tie_create", cast), {"source": carla.pk})
    assert response.context["form"]["source_person"].value() in (None, "")


def test_search_reloads_the_form_with_matching_people(cast, login, anna, bruno):
    # searches read e-mails too, and Faker's may contain "bassi" or "sala": every e-mail here is fixed
    f.PersonFactory(
        network=cast.network,
        first_name="Salvatore",
        last_name="Bassi",
        email="s.bassi@example.org",
        municipality=cast.municipalities[1],
    )
    client = login(cast.coordinator)
    data = form_data(source_person=anna.pk, target_search="sala", note="vicini", _search="target")
    response = client.post(url("tie_create", cast), data)
    assert response.status_code == 200
    assert Tie.objects.count() == 0
    form = response.context["form"]
    assert [v for v, _label in form.fields["target_person"].widget.choices if v] == [bruno.pk]
    page = response.content.decode()
    assert "Bruno Sala" in page and "Bassi" not in page
    assert 'value="vicini"' in page
    # A district-limited manager finds only people within reach.
    response = login(cast.district_case_manager).post(
        url("tie_create", cast), form_data(target_search="bassi", _search="target")
    )
    assert response.context["form"].fields["target_person"].widget.input_type == "text"


def test_search_results_are_labelled_as_a_person_not_a_number(cast, login, anna, bruno):
    client = login(cast.coordinator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.post(url("tie_create", cast), form_data(target_search="sala", _search="target"))
    form = response.context["form"]
    assert form.fields["target_person"].widget.input_type == "select"
    assert str(form.fields["target_person"].label) == "Second person"
    # The end that was not searched is still a number box, and says so.
    assert str(form.fields["source_person"].label) == "First person: number"
    response = client.post(url("tie_create", cast), form_data(source_search="galli", _search="source"))
    assert str(response.context["form"].fields["source_person"].label) == "First person"


def test_create_saves_and_returns_to_the_person(cast, login, anna, bruno):
    response = login(cast.coordinator).post(
        url("tie_create", cast), form_data(source_person=anna.pk, target_person=bruno.pk, since="2024-01-01")
    )
    assert response.status_code == 302
    assert response["Location"] == url("person_detail", cast, anna.pk)
    assert Tie.objects.get().target_person == bruno


def test_create_with_an_organisation(cast, login, anna):
    response = login(cast.coordinator).post(
        url("tie_create", cast),
        form_data(
            source_person=anna.pk, target_organization=cast.organization.pk, kind="volunteering", direction="outgoing"
        ),
    )
    assert response.status_code == 302
    assert Tie.objects.get().target_organization == cast.organization


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"source_person": "", "target_person": "bruno"}, "source_person"),
        ({"source_person": "anna", "target_person": "anna"}, "target_person"),
        ({"source_person": "anna", "target_person": "999999"}, "target_person"),
        ({"source_person": "anna", "target_person": "bruno", "since": "2024-05-01", "until": "2024-01-01"}, "until"),
        ({"source_person": "anna", "target_person": "bruno", "source_organization": "org"}, "source_person"),
        ({"source_person": "anna", "target_person": "bruno", "kind": ""}, "kind"),
    ],
)
def test_bad_input_shows_errors_and_writes_nothing(cast, login, anna, bruno, extra, field):
    values = {"anna": anna.pk, "bruno": bruno.pk, "org": cast.organization.pk}
    extra = {k: values.get(v, v) for k, v in extra.items()}
    response = login(cast.coordinator).post(url("tie_create", cast), form_data(**extra))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'id="error-summary"' in response.content.decode()
    assert Tie.objects.count() == 0
    assert AuditEvent.objects.count() == 0


def test_duplicate_is_shown_as_a_form_error(cast, login, tie, anna, bruno):
    response = login(cast.coordinator).post(
        url("tie_create", cast), form_data(source_person=bruno.pk, target_person=anna.pk)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert Tie.objects.count() == 1


def test_update(cast, login, tie, anna, bruno):
    client = login(cast.community_worker)
    form = client.get(url("tie_update", cast, tie.pk)).context["form"]
    assert form["source_person"].value() == anna.pk
    response = client.post(
        url("tie_update", cast, tie.pk), form_data(source_person=anna.pk, target_person=bruno.pk, kind="neighbour")
    )
    assert response.status_code == 302
    tie.refresh_from_db()
    assert tie.kind == "neighbour"
