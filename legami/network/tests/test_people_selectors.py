"""Selectors of the person registry: search, age bands, scoping, the id-first paginator, the search index."""

import datetime

import pytest
from django.db import connection
from django.http import Http404

from legami.core.pagination import CountedPaginator, IdFirstPaginator
from legami.core.tests import factories as f
from legami.network.models import Person
from legami.network.selectors.people import (
    age_band_filter,
    apply_search,
    get_person_for_user,
    people_for,
    people_matching,
    person_in_scope,
)


def test_search_matches_every_word_in_any_field(cast):
    mario = f.PersonFactory(network=cast.network, first_name="Mario", last_name="Rossi", email="m@example.org")
    f.PersonFactory(network=cast.network, first_name="Maria", last_name="Bianchi", email="rossi@example.org")
    f.PersonFactory(network=cast.other_network, first_name="Mario", last_name="Rossi")
    assert list(people_for(cast.coordinator, cast.network, search="mario rossi")) == [mario]
    assert len(people_for(cast.coordinator, cast.network, search="ROSSI")) == 2
    assert list(people_for(cast.coordinator, cast.network, search="  ")) == list(
        people_for(cast.coordinator, cast.network)
    )
    # Percent and underscore are literal characters, not wildcards.
    assert list(people_for(cast.coordinator, cast.network, search="%")) == []
    assert list(people_for(cast.coordinator, cast.network, search="_")) == []


def test_search_by_whole_tax_code_is_exact(cast):
    mario = f.PersonFactory(network=cast.network, tax_code="RSSMRA80C15D150B")
    f.PersonFactory(network=cast.network, tax_code="BNCNNA20A41D142V")
    assert list(people_for(cast.coordinator, cast.network, search="rssmra80c15d150b")) == [mario]
    assert list(people_for(cast.coordinator, cast.network, search="d150")) == [mario]


@pytest.mark.parametrize(
    "band, born, inside",
    [
        ("0-17", datetime.date(2007, 6, 2), True),  # turns 18 tomorrow
        ("0-17", datetime.date(2007, 6, 1), False),  # 18 today
        ("18-34", datetime.date(2007, 6, 1), True),
        ("18-34", datetime.date(1990, 6, 2), True),  # 34, turns 35 tomorrow
        ("18-34", datetime.date(1990, 6, 1), False),
        ("35-64", datetime.date(1990, 6, 1), True),
        ("35-64", datetime.date(1960, 6, 2), True),
        ("65+", datetime.date(1960, 6, 1), True),
        ("65+", datetime.date(1960, 6, 2), False),
    ],
)
def test_age_band_boundaries(cast, band, born, inside):
    person = f.PersonFactory(network=cast.network, birth_date=born)
    f.PersonFactory(network=cast.network, birth_date=None)
    matched = Person.objects.filter(age_band_filter(band, today=datetime.date(2025, 6, 1)))
    assert (person in matched) is inside
    assert matched.filter(birth_date__isnull=True).count() == 0


def test_age_band_on_29_february(cast):
    leap = f.PersonFactory(network=cast.network, birth_date=datetime.date(2006, 2, 28))
    assert leap in Person.objects.filter(age_band_filter("18-34", today=datetime.date(2024, 2, 29)))


def test_scope_and_visibility(cast):
    cremona, crema = cast.municipalities
    in_cremona = f.PersonFactory(network=cast.network, municipality=cremona)
    in_crema = f.PersonFactory(network=cast.network, municipality=crema)
    nowhere = f.PersonFactory(network=cast.network, municipality=None)
    assert set(people_for(cast.coordinator, cast.network)) == {in_cremona, in_crema, nowhere}
    assert list(people_for(cast.district_case_manager, cast.network)) == [in_cremona]
    for persona in ("citizen", "partner_staff", "outsider", "platform_admin", "anonymous"):
        assert list(people_for(getattr(cast, persona), cast.network)) == [], persona
    assert person_in_scope(cast.district_case_manager, in_cremona)
    assert not person_in_scope(cast.district_case_manager, in_crema)
    assert not person_in_scope(cast.district_case_manager, nowhere)
    assert person_in_scope(cast.privacy_officer, nowhere)
    assert not person_in_scope(cast.privacy_officer, nowhere, "network.change_people")
    assert get_person_for_user(cast.district_case_manager, cast.network, in_cremona.pk) == in_cremona
    for pk in (in_crema.pk, "abc", 999999):
        with pytest.raises(Http404):
            get_person_for_user(cast.district_case_manager, cast.network, pk)


def test_people_matching_is_capped_and_needs_a_query(cast):
    for _ in range(5):
        f.PersonFactory(network=cast.network, last_name="Rossi")
    assert people_matching(cast.coordinator, cast.network, "") == []
    assert len(people_matching(cast.coordinator, cast.network, "rossi", limit=3)) == 3


def test_id_first_paginator_keeps_order_and_pages(cast, django_assert_num_queries):
    for name in ["E", "C", "A", "D", "B"]:
        f.PersonFactory(network=cast.network, last_name=name)
    paginator = IdFirstPaginator(people_for(cast.coordinator, cast.network), 2)
    with django_assert_num_queries(3):  # count, ids, rows
        page = paginator.get_page(2)
        assert [p.last_name for p in page.object_list] == ["C", "D"]
    assert [p.last_name for p in paginator.get_page(3).object_list] == ["E"]
    assert [p.last_name for p in paginator.get_page("x").object_list] == ["A", "B"]
    assert list(IdFirstPaginator(Person.objects.none(), 2).get_page(1).object_list) == []


def test_counted_paginator_stops_counting_at_its_limit(cast, django_assert_num_queries):
    for name in ["E", "C", "A", "D", "B"]:
        f.PersonFactory(network=cast.network, last_name=name)
    people = people_for(cast.coordinator, cast.network)
    capped = CountedPaginator(people, 2, at_most=3)
    with django_assert_num_queries(3):  # the capped count, ids, rows
        page = capped.get_page(2)
        assert [p.last_name for p in page.object_list] == ["C", "D"]
    assert capped.count == 4 and capped.counted_all is False and capped.num_pages == 2
    assert not capped.get_page(2).has_next()  # the pages stop where the count stopped
    whole = CountedPaginator(people, 2, at_most=5)
    assert whole.count == 5 and whole.counted_all is True and whole.num_pages == 3
    assert CountedPaginator(people, 2).counted_all is True
    assert CountedPaginator(people, 2, counted_by=people.filter(last_name="A"), at_most=3).count == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is a PostgreSQL index")
def test_search_can_use_the_trigram_index_on_postgresql(cast):
    # The index only helps if the query's expression is exactly the indexed one: check the planner can use it.
    f.PersonFactory(network=cast.network, last_name="Rossi")
    sql, params = apply_search(Person.objects.all(), "rossi").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "person_search_trgm" in plan
