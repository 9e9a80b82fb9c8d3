"""core.prepared: a query compiled once per shape gives, for every call's values, what its queryset gives."""

import datetime
import re

import pytest
from django.db import connection
from django.db.models import CharField, Count, OuterRef, Subquery, Value
from django.test.utils import CaptureQueriesContext

from legami.core.prepared import Prepared, PreparedQueryError
from legami.core.tests.factories import NetworkFactory, OrganizationFactory, PersonFactory
from legami.network.models import Organization, Person

pytestmark = pytest.mark.django_db


class Counted:
    """A build function that counts its calls."""

    def __init__(self, build):
        self.build, self.calls = build, 0

    def __call__(self, **kwargs):
        self.calls += 1
        return self.build(**kwargs)


def people(*, named: bool, network_id: int, born_after: datetime.date):
    """People of a network born after a day, with their network and a count of its organisations."""
    organizations = (
        Organization.objects.filter(network_id=OuterRef("network_id"))
        .order_by()
        .values("network_id")
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    queryset = (
        Person.objects.filter(network_id=network_id, birth_date__gt=born_after)
        .select_related("network")
        .annotate(organizations=Subquery(organizations))
        .order_by("birth_date", "pk")
    )
    if named:
        queryset = queryset.exclude(first_name="")
    return queryset


@pytest.fixture
def two_networks():
    first, second = NetworkFactory(), NetworkFactory()
    OrganizationFactory.create_batch(2, network=first)
    for n, day in enumerate((datetime.date(1950, 5, 1), datetime.date(1980, 1, 2), datetime.date(2001, 12, 31))):
        PersonFactory(network=first, birth_date=day, notes=f"nota riservata {n}")
    PersonFactory(network=second, birth_date=datetime.date(1990, 6, 6), notes="altra rete")
    return first, second


def _same(rows, queryset):
    expected = list(queryset)
    assert [row.pk for row in rows] == [row.pk for row in expected]
    for row, want in zip(rows, expected, strict=True):
        assert row.organizations == want.organizations
        assert row.network == want.network and row.network.name == want.network.name
        assert row.notes == want.notes  # decrypted, through the field's converter
        assert row.birth_date == want.birth_date


def test_each_call_gives_what_its_queryset_gives_and_builds_only_once_per_shape(two_networks):
    first, second = two_networks
    build = Counted(people)
    prepared = Prepared(Person, build)
    cases = [
        (first.pk, datetime.date(1900, 1, 1)),
        (first.pk, datetime.date(1979, 12, 31)),
        (second.pk, datetime.date(1900, 1, 1)),
        (second.pk, datetime.date(1995, 1, 1)),
    ]
    for network_id, day in cases:
        rows = prepared.fetch(shape={"named": True}, network_id=network_id, born_after=day)
        _same(rows, people(named=True, network_id=network_id, born_after=day))
    assert [
        len(prepared.fetch(shape={"named": True}, network_id=first.pk, born_after=d))
        for d in (datetime.date(1900, 1, 1), datetime.date(1979, 12, 31), datetime.date(2002, 1, 1))
    ] == [3, 2, 0]
    assert build.calls == 2  # the two builds of the first call; every other call ran the kept SQL
    prepared.fetch(shape={"named": False}, network_id=first.pk, born_after=datetime.date(1900, 1, 1))
    assert build.calls == 4  # a new shape is a new plan


def test_one_query_per_call(two_networks):
    first, _second = two_networks
    prepared = Prepared(Person, people)
    prepared.fetch(shape={"named": True}, network_id=first.pk, born_after=datetime.date(1900, 1, 1))
    with CaptureQueriesContext(connection) as queries:
        rows = prepared.fetch(shape={"named": True}, network_id=first.pk, born_after=datetime.date(1960, 1, 1))
        assert [row.network.slug for row in rows] == [first.slug, first.slug]  # select_related: no query more
    assert len(queries.captured_queries) == 1
    sql = queries.captured_queries[0]["sql"]
    assert "1960-01-01" in sql  # this call's day, in place of the marker the SQL was compiled with
    assert not re.search(r"\b20000\d{5}\b|\b1[78]\d\d-\d\d-\d\d", sql)  # no marker value reached it


def test_a_union_of_values_lists_comes_back_through_its_converters(two_networks):
    first, _second = two_networks

    def notes_and_names(*, network_id: int, born: datetime.date):
        people = Person.objects.filter(network_id=network_id).order_by()
        older = people.filter(birth_date__lt=born).annotate(r_kind=Value("older", output_field=CharField()))
        younger = people.filter(birth_date__gte=born).annotate(r_kind=Value("younger", output_field=CharField()))
        return older.values_list("r_kind", "notes").union(younger.values_list("r_kind", "notes"), all=True)

    prepared = Prepared(Person, notes_and_names)
    rows = prepared.fetch(network_id=first.pk, born=datetime.date(1970, 1, 1))
    assert sorted(rows) == sorted(notes_and_names(network_id=first.pk, born=datetime.date(1970, 1, 1)))
    assert sorted(rows) == [
        ("older", "nota riservata 0"),
        ("younger", "nota riservata 1"),
        ("younger", "nota riservata 2"),
    ]
    rows = prepared.fetch(network_id=first.pk, born=datetime.date(1990, 1, 1))
    assert sorted(rows) == [
        ("older", "nota riservata 0"),
        ("older", "nota riservata 1"),
        ("younger", "nota riservata 2"),
    ]


def test_a_query_whose_sql_changes_with_a_value_is_refused(two_networks):
    def branching(*, network_id: int):
        queryset = Person.objects.filter(network_id=network_id)
        return queryset.filter(first_name="") if network_id % 2 else queryset

    with pytest.raises(PreparedQueryError, match="SQL changes with its values"):
        Prepared(Person, branching).fetch(network_id=two_networks[0].pk)


def test_a_value_that_does_not_reach_the_parameters_is_refused(two_networks):
    with pytest.raises(PreparedQueryError, match="not found among the query's parameters: born_after"):
        Prepared(Person, lambda *, network_id, born_after: Person.objects.filter(network_id=network_id)).fetch(
            network_id=two_networks[0].pk, born_after=datetime.date(2000, 1, 1)
        )


def test_a_parameter_derived_from_a_value_is_refused(two_networks):
    def derived(*, network_id: int):
        return Person.objects.filter(network_id=network_id).exclude(pk=network_id + 1)

    with pytest.raises(PreparedQueryError, match="changes with the values but is none of them"):
        Prepared(Person, derived).fetch(network_id=two_networks[0].pk)


@pytest.mark.parametrize("value", ["3", 3.0, True, None, datetime.datetime(2026, 1, 1, 12, 0)])
def test_only_integers_and_dates_are_values(value):
    with pytest.raises(PreparedQueryError, match="only integers and dates"):
        Prepared(Person, lambda *, network_id: Person.objects.filter(network_id=network_id)).fetch(network_id=value)


def test_a_query_that_can_match_nothing_gives_no_rows_without_a_query(two_networks):
    first, _second = two_networks
    nothing = Prepared(Person, lambda *, network_id: Person.objects.filter(network_id=network_id).none())
    in_nothing = Prepared(Person, lambda *, ids, network_id: Person.objects.filter(network_id=network_id, pk__in=ids))
    with CaptureQueriesContext(connection) as queries:
        assert nothing.fetch(network_id=first.pk) == []
        assert in_nothing.fetch(shape={"ids": ()}, network_id=first.pk) == []
    assert queries.captured_queries == []
    person = Person.objects.filter(network=first).first()
    assert [p.pk for p in in_nothing.fetch(shape={"ids": (person.pk,)}, network_id=first.pk)] == [person.pk]


def test_a_later_call_with_other_values_than_the_plan_takes_is_refused(two_networks):
    first, _second = two_networks
    prepared = Prepared(Person, people)
    prepared.fetch(shape={"named": True}, network_id=first.pk, born_after=datetime.date(1900, 1, 1))
    with pytest.raises(PreparedQueryError, match=r"values \['network_id'\] given where the query takes"):
        prepared.fetch(shape={"named": True}, network_id=first.pk)
