"""The run page: settings with the minimum cohesion, candidates per size, needs flagged as misfiled."""

import pytest
from django.urls import reverse

from legami.core.models import Job
from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedAreaFactory, NeedFactory


@pytest.fixture
def areas(cast):
    return (
        NeedAreaFactory(network=cast.network, code="istruzione", name="Istruzione e dispersione scolastica"),
        NeedAreaFactory(network=cast.network, code="conciliazione", name="Conciliazione"),
    )


def _job(cast, **result):
    return Job.objects.create(
        network=cast.network,
        kind="needs_aggregation",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        total=5,
        processed=5,
        result={
            "needs": 5,
            "candidates": 2,
            "grouped_needs": 5,
            "replaced": 0,
            "suggestions": 0,
            "settings": {"distance_km": 2.0, "min_group_size": 2, "min_cohesion": 25},
            "sizes": {"2": 1, "3": 1, "4–5": 0, "6–10": 0, "11+": 0},
            **result,
        },
    )


def _page(client, cast, job):
    response = client.get(reverse("aggregation:run_detail", args=[cast.network.slug, job.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _misfiled(cast, areas, privacy):
    need = NeedFactory(
        network=cast.network,
        area=areas[0],
        municipality=cast.municipalities[0],
        description="Doposcuola per mio figlio",
        privacy_level=privacy,
    )
    return need, _job(cast, misfiled=[{"need": need.pk, "area": areas[1].pk}])


def _link(cast, need):
    return reverse("needs:need_detail", args=[cast.network.slug, need.pk])


def test_the_page_shows_the_settings_and_the_candidates_per_size(cast, login):
    page = _page(login(cast.coordinator), cast, _job(cast))
    assert "cohesion at least 25%" in page
    assert "Candidates by size" in page and "4–5 needs" in page and "11+ needs" in page


@pytest.mark.parametrize("persona", ["coordinator", "community_worker"])
def test_a_misfiled_need_is_listed_with_a_link_for_who_may_see_it(cast, areas, login, persona):
    need, job = _misfiled(cast, areas, PrivacyLevel.NETWORK)
    page = _page(login(getattr(cast, persona)), cast, job)
    assert f"Need no. {need.pk}</a> is in “Istruzione e dispersione scolastica”: its text suggests “Conciliazione”" in (
        page
    )
    assert _link(cast, need) in page


def test_a_case_team_need_is_linked_only_for_the_case_team(cast, areas, login):
    need, job = _misfiled(cast, areas, PrivacyLevel.CASE_TEAM)
    assert _link(cast, need) in _page(login(cast.coordinator), cast, job)
    page = _page(login(cast.community_worker), cast, job)  # reviews demands, does not see case-team needs
    assert f"Need no. {need.pk} is in “Istruzione e dispersione scolastica”" in page
    assert _link(cast, need) not in page


def test_a_need_refiled_since_the_run_is_no_longer_listed(cast, areas, login):
    need, job = _misfiled(cast, areas, PrivacyLevel.NETWORK)
    need.area = areas[1]
    need.save()
    assert f"Need no. {need.pk}" not in _page(login(cast.coordinator), cast, job)


def test_a_bad_minimum_cohesion_shows_an_error_and_starts_nothing(cast, login):
    response = login(cast.coordinator).post(
        reverse("aggregation:runs", args=[cast.network.slug]),
        {"distance_km": "2", "min_group_size": "3", "min_cohesion": "120"},
    )
    assert response.status_code == 400
    assert "min_cohesion" in response.content.decode()
    assert not Job.objects.filter(kind="needs_aggregation").exists()


def test_the_run_form_passes_the_minimum_cohesion(cast, login):
    response = login(cast.coordinator).post(
        reverse("aggregation:runs", args=[cast.network.slug]),
        {"distance_km": "2", "min_group_size": "3", "min_cohesion": "40"},
    )
    assert response.status_code == 302
    assert Job.objects.get(kind="needs_aggregation").result["settings"]["min_cohesion"] == 40
