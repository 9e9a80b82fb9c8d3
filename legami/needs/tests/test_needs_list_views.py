"""The needs list shows what each need is about, except for case-team needs (read, and audited, on their page)."""

from django.urls import reverse

from legami.core.models import AuditEvent
from legami.needs.models import PrivacyLevel
from legami.needs.tests.factories import NeedFactory


def test_the_list_shows_descriptions_but_not_case_team_ones(cast, login):
    cremona = cast.municipalities[0]
    NeedFactory(network=cast.network, municipality=cremona, description="Cerchiamo un doposcuola il giovedì")
    NeedFactory(
        network=cast.network,
        municipality=cremona,
        description="Diagnosi riservata da non mostrare",
        privacy_level=PrivacyLevel.CASE_TEAM,
    )
    reads_before = AuditEvent.objects.filter(action=AuditEvent.Action.READ).count()
    html = login(cast.case_manager).get(reverse("needs:needs", args=[cast.network.slug])).content.decode()
    assert "Cerchiamo un doposcuola il giovedì" in html
    assert "Diagnosi riservata" not in html
    assert "Reserved: open the need to read it" in html
    assert AuditEvent.objects.filter(action=AuditEvent.Action.READ).count() == reads_before


def test_a_need_links_to_its_aggregated_demand(cast, login):
    from legami.aggregation.models import AggregatedDemand, DemandItem

    need = NeedFactory(network=cast.network, municipality=cast.municipalities[0])
    url = reverse("needs:need_detail", args=[cast.network.slug, need.pk])
    assert '<dt class="col-sm-5">Aggregated demand</dt>' not in login(cast.coordinator).get(url).content.decode()
    demand = AggregatedDemand.objects.create(
        network=cast.network, title="Doposcuola — Cremona", summary="…", area=need.area, target_group="families"
    )
    DemandItem.objects.create(demand=demand, need=need)
    html = login(cast.coordinator).get(url).content.decode()
    assert reverse("aggregation:demand_detail", args=[cast.network.slug, demand.pk]) in html
    assert "Doposcuola — Cremona" in html
    assert '<dt class="col-sm-5">Aggregated demand</dt>' in html


def test_the_dashboard_leads_each_role_to_its_needs_pages(cast, login):
    url = reverse("network:dashboard", args=[cast.network.slug])
    citizen = login(cast.citizen).get(url).content.decode()
    assert reverse("needs:report", args=[cast.network.slug]) in citizen
    assert reverse("needs:need_create", args=[cast.network.slug]) not in citizen
    assert reverse("aggregation:runs", args=[cast.network.slug]) not in citizen
    worker = login(cast.community_worker).get(url).content.decode()
    assert reverse("needs:need_create", args=[cast.network.slug]) in worker
    assert reverse("aggregation:runs", args=[cast.network.slug]) in worker


def test_a_finished_needs_import_leads_to_the_needs_list(cast, login):
    from legami.core.models import Job

    job = Job.objects.create(
        network=cast.network,
        kind="needs_import",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        result={"created": 2},
        total=2,
        processed=2,
    )
    page = reverse("needs:needs_import_job", args=[cast.network.slug, job.pk])
    html = login(cast.coordinator).get(page).content.decode()
    assert f'<a class="btn btn-primary" href="{reverse("needs:needs", args=[cast.network.slug])}">' in html
