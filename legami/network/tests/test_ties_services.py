"""Tie services: create, update, delete, ends and dates validation, duplicates, district scoping."""

import datetime

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError

from legami.core.models import AuditEvent, DataClass
from legami.core.tests import factories as f
from legami.network.models import Tie
from legami.network.selectors.ties import ties_for
from legami.network.services.ties import create_tie, delete_tie, update_tie

REFUSED = [
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "outsider",
    "platform_admin",
    "anonymous",
]


def codes(exc_info):
    return {field: [e.code for e in errors] for field, errors in exc_info.value.error_dict.items()}


@pytest.fixture
def people(cast):
    cremona, crema = cast.municipalities
    return {
        "anna": f.PersonFactory(network=cast.network, first_name="Anna", municipality=cremona),
        "bruno": f.PersonFactory(network=cast.network, first_name="Bruno", municipality=cremona),
        "carla": f.PersonFactory(network=cast.network, first_name="Carla", municipality=crema),
    }


def tie_data(people, **extra):
    return {"kind": "friendship", "source_person": people["anna"], "target_person": people["bruno"], **extra}


@pytest.mark.parametrize("persona", ["coordinator", "case_manager", "community_worker", "district_case_manager"])
def test_create_tie(cast, people, persona):
    tie = create_tie(
        actor=getattr(cast, persona),
        network=cast.network,
        data=tie_data(people, since=datetime.date(2024, 1, 1), note=" vicini di casa "),
    )
    assert (tie.network, tie.direction, tie.note) == (cast.network, "mutual", "vicini di casa")
    event = AuditEvent.objects.get(object_type="network.tie")
    assert (event.action, event.data_class, event.network) == ("create", DataClass.PERSONAL, cast.network)


def test_tie_between_a_person_and_an_organisation(cast, people):
    tie = create_tie(
        actor=cast.coordinator,
        network=cast.network,
        data={
            "kind": "volunteering",
            "direction": "outgoing",
            "source_person": people["anna"],
            "target_organization": cast.organization,
        },
    )
    assert tie.target == cast.organization


@pytest.mark.parametrize("persona", REFUSED)
def test_create_tie_refused(cast, people, persona):
    with pytest.raises(PermissionDenied):
        create_tie(actor=getattr(cast, persona), network=cast.network, data=tie_data(people))
    assert Tie.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "extra, field, code",
    [
        ({"kind": ""}, "kind", "required"),
        ({"kind": "enmity"}, "kind", "invalid_choice"),
        ({"direction": "sideways"}, "direction", "invalid_choice"),
        ({"source_person": None}, "source_person", "no_end"),
        ({"source_organization": "org"}, "source_person", "both_ends"),
        ({"target_person": "anna"}, "target_person", "same_person"),
        ({"target_person": "other_network"}, "target_person", "invalid_choice"),
        ({"source_person": None, "source_organization": "other_org"}, "source_organization", "invalid_choice"),
        ({"since": datetime.date(2024, 5, 1), "until": datetime.date(2024, 4, 30)}, "until", "until_before_since"),
        ({"since": "yesterday"}, "since", "invalid"),
        ({"note": "x" * 301}, "note", "max_length"),
        ({"mood": "good"}, "mood", "unknown"),
    ],
)
def test_create_tie_bad_input(cast, people, extra, field, code):
    replacements = {
        "org": cast.organization,
        "anna": people["anna"],
        "other_network": f.PersonFactory(network=cast.other_network),
        "other_org": f.OrganizationFactory(network=cast.other_network),
    }
    extra = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in extra.items()}
    with pytest.raises(ValidationError) as exc_info:
        create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people, **extra))
    assert code in codes(exc_info)[field]
    assert Tie.objects.count() == 0
    assert AuditEvent.objects.count() == 0


@pytest.mark.parametrize(
    "extra, stored",
    [
        ({"direction": ""}, {"direction": "mutual"}),
        ({"direction": "outgoing"}, {"direction": "outgoing"}),
        ({"kind": "neighbour"}, {"kind": "neighbour"}),
        ({"source_person": "anna_number"}, {"source_person": "anna"}),
        ({"since": "01/03/2024", "until": "01/03/2024"}, {"since": "2024-03-01", "until": "2024-03-01"}),
        ({"note": " " + "x" * 300 + " "}, {"note": "x" * 300}),
        ({"target_person": None, "target_organization": "org"}, {"target_person": None, "target_organization": "org"}),
    ],
)
def test_create_tie_good_input(cast, people, extra, stored):
    replacements = {"org": cast.organization, "anna": people["anna"], "anna_number": str(people["anna"].pk)}
    extra = {k: replacements.get(v, v) if isinstance(v, str) else v for k, v in extra.items()}
    tie = create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people, **extra))
    tie.refresh_from_db()
    for name, value in stored.items():
        value = replacements.get(value, value) if isinstance(value, str) else value
        if name in ("since", "until"):
            value = datetime.date.fromisoformat(value)
        assert getattr(tie, name) == value, name


def test_both_ends_given_is_the_one_error_of_that_end(cast, people):
    # Whether the rows chosen are the network's is not said until one of the two is left.
    data = tie_data(
        people,
        source_person=f.PersonFactory(network=cast.other_network),
        source_organization=f.OrganizationFactory(network=cast.other_network),
    )
    with pytest.raises(ValidationError) as exc_info:
        create_tie(actor=cast.coordinator, network=cast.network, data=data)
    assert codes(exc_info) == {"source_person": ["both_ends"]}


def test_update_tie_bad_input_names_the_field_and_the_code(cast, people):
    tie = create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people))
    for data, expected in [
        ({"kind": ""}, {"kind": ["required"]}),
        ({"until": "31/02/2024"}, {"until": ["invalid"]}),
        ({"since": datetime.date(2030, 1, 1), "until": datetime.date(2029, 1, 1)}, {"until": ["until_before_since"]}),
        ({"source_person": None}, {"source_person": ["no_end"]}),
        ({"target_organization": cast.organization}, {"target_person": ["both_ends"]}),
    ]:
        with pytest.raises(ValidationError) as exc_info:
            update_tie(actor=cast.coordinator, tie=tie, data=data)
        assert codes(exc_info) == expected, data
    tie.refresh_from_db()
    assert (tie.kind, tie.until, tie.target_organization) == ("friendship", None, None)


def test_same_organisation_twice_is_refused(cast):
    with pytest.raises(ValidationError) as exc_info:
        create_tie(
            actor=cast.coordinator,
            network=cast.network,
            data={
                "kind": "collaboration",
                "source_organization": cast.organization,
                "target_organization": cast.organization,
            },
        )
    assert codes(exc_info) == {"target_organization": ["same_organization"]}


def test_duplicate_active_tie_is_refused_but_a_past_one_is_not(cast, people):
    create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people))
    # The same pair the other way round is the same mutual tie.
    reverse = {"kind": "friendship", "source_person": people["bruno"], "target_person": people["anna"]}
    with pytest.raises(ValidationError) as exc_info:
        create_tie(actor=cast.coordinator, network=cast.network, data=reverse)
    assert codes(exc_info) == {NON_FIELD_ERRORS: ["duplicate"]}
    # Another kind, or a tie that already ended, is not a duplicate.
    create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people, kind="neighbour"))
    create_tie(
        actor=cast.coordinator,
        network=cast.network,
        data=tie_data(people, since=datetime.date(2010, 1, 1), until=datetime.date(2012, 1, 1)),
    )
    assert Tie.objects.count() == 3


def test_outgoing_ties_in_both_directions_are_two_facts(cast, people):
    care = {"kind": "care", "direction": "outgoing"}
    create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people, **care))
    create_tie(
        actor=cast.coordinator,
        network=cast.network,
        data={**care, "source_person": people["bruno"], "target_person": people["anna"]},
    )
    with pytest.raises(ValidationError):
        create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people, **care))
    assert Tie.objects.count() == 2


def test_district_case_manager_cannot_tie_people_outside_their_district(cast, people):
    with pytest.raises(ValidationError) as exc_info:
        create_tie(
            actor=cast.district_case_manager, network=cast.network, data=tie_data(people, target_person=people["carla"])
        )
    assert codes(exc_info) == {"target_person": ["out_of_district"]}
    cross = f.TieFactory(network=cast.network, source_person=people["anna"], target_person=people["carla"])
    with pytest.raises(PermissionDenied):
        update_tie(actor=cast.district_case_manager, tie=cross, data={"note": "x"})
    with pytest.raises(PermissionDenied):
        delete_tie(actor=cast.district_case_manager, tie=cross)
    assert Tie.objects.count() == 1
    assert list(ties_for(cast.district_case_manager, cast.network)) == []
    assert list(ties_for(cast.case_manager, cast.network)) == [cross]


def test_update_tie(cast, people):
    tie = f.TieFactory(network=cast.network, source_person=people["anna"], target_person=people["bruno"])
    update_tie(actor=cast.case_manager, tie=tie, data={"until": datetime.date(2030, 1, 1), "kind": "mutual_help"})
    tie.refresh_from_db()
    assert (tie.kind, tie.until) == ("mutual_help", datetime.date(2030, 1, 1))
    event = AuditEvent.objects.get(action="update")
    assert event.after == {"kind": "mutual_help", "until": "2030-01-01"}
    with pytest.raises(ValidationError):
        update_tie(actor=cast.case_manager, tie=tie, data={"target_person": people["anna"]})
    with pytest.raises(PermissionDenied):
        update_tie(actor=cast.funder, tie=tie, data={"note": "x"})
    tie.refresh_from_db()
    assert tie.target_person == people["bruno"]
    assert AuditEvent.objects.count() == 1


def test_update_does_not_count_the_tie_itself_as_a_duplicate(cast, people):
    tie = create_tie(actor=cast.coordinator, network=cast.network, data=tie_data(people))
    update_tie(actor=cast.coordinator, tie=tie, data={"note": "amici d'infanzia"})
    tie.refresh_from_db()
    assert tie.note == "amici d'infanzia"


def test_delete_tie(cast, people):
    tie = f.TieFactory(network=cast.network, source_person=people["anna"], target_person=people["bruno"])
    pk = tie.pk
    with pytest.raises(PermissionDenied):
        delete_tie(actor=cast.privacy_officer, tie=tie)
    delete_tie(actor=cast.community_worker, tie=tie)
    assert not Tie.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="delete")
    assert (event.object_type, event.object_id, event.data_class) == ("network.tie", str(pk), DataClass.PERSONAL)
    assert people["anna"].__class__.objects.count() == 3


def test_ties_for_filters(cast, people):
    friends = f.TieFactory(network=cast.network, source_person=people["anna"], target_person=people["bruno"])
    helps = f.TieFactory(
        network=cast.network, kind="care", source_person=people["bruno"], target_person=people["carla"]
    )
    f.TieFactory(network=cast.other_network)
    assert set(ties_for(cast.coordinator, cast.network)) == {friends, helps}
    assert list(ties_for(cast.coordinator, cast.network, kind="care")) == [helps]
    assert list(ties_for(cast.coordinator, cast.network, person=people["anna"])) == [friends]
    assert set(ties_for(cast.coordinator, cast.network, person=people["bruno"])) == {friends, helps}
    assert list(ties_for(cast.privacy_officer, cast.network)) == []
