"""Co-production pages through the client: the ledger, recording (partner staff for their own organisation),
removing, and the totals per partner."""

from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from legami.core.tests import factories as f
from legami.responses.models import CoProduction
from legami.responses.tests.factories_responses import CoProductionFactory, PartnerFactory, active_response


def url(cast, name, *args):
    return reverse(f"responses:{name}", args=[cast.network.slug, *args])


def test_partner_staff_are_offered_only_their_own_organisation(cast, login):
    response = active_response(cast.network, cast.organization)
    other = f.OrganizationFactory(network=cast.network, name="Associazione Auser")
    PartnerFactory(response=response, organization=other)
    client = login(cast.partner_staff)
    page = client.get(url(cast, "coproduction_create", response.pk)).content.decode()
    assert "Cooperativa Il Ponte" in page and "Associazione Auser" not in page and 'name="people"' not in page
    posted = client.post(
        url(cast, "coproduction_create", response.pk),
        {
            "contributor": "partner",
            "organization": cast.organization.pk,
            "kind": "hours",
            "quantity": "7,5",
            "on_date": timezone.localdate().isoformat(),
        },
    )
    assert posted.status_code == 302 and posted.url == url(cast, "coproduction", response.pk)
    assert CoProduction.objects.get().quantity == Decimal("7.50")
    refused = client.post(
        url(cast, "coproduction_create", response.pk),
        {"contributor": "partner", "organization": other.pk, "kind": "hours", "quantity": "1", "on_date": "2026-01-01"},
    )
    assert refused.status_code == 400 and CoProduction.objects.count() == 1


def test_operators_record_citizens_and_bad_input_is_shown(cast, login):
    response = active_response(cast.network, cast.organization)
    client = login(cast.coordinator)
    page = client.get(url(cast, "coproduction_create", response.pk)).content.decode()
    assert 'name="people"' in page
    ok = client.post(
        url(cast, "coproduction_create", response.pk),
        {"contributor": "citizens", "kind": "goods", "quantity": "150", "people": "8", "on_date": "2026-01-10"},
    )
    assert ok.status_code == 302
    for data, message in (
        ({"quantity": "0"}, "The quantity must be more than zero."),
        ({"people": "0"}, "Say how many people contributed."),
        ({"on_date": "2999-01-01"}, "The date cannot be in the future."),
        ({"organization": cast.organization.pk}, "Citizens&#x27; contributions name no organisation."),
    ):
        base = {"contributor": "citizens", "kind": "hours", "quantity": "3", "people": "2", "on_date": "2026-01-10"}
        bad = client.post(url(cast, "coproduction_create", response.pk), base | data)
        assert bad.status_code == 400, data
        assert message in bad.content.decode() and "legami-error-summary" in bad.content.decode()
    assert CoProduction.objects.count() == 1


def test_the_ledger_shows_totals_and_removal_to_whom_may_remove(cast, login, django_assert_max_num_queries):
    response = active_response(cast.network, cast.organization)
    mine = CoProductionFactory(response=response, organization=cast.organization, recorded_by=cast.partner_staff)
    theirs = CoProductionFactory(
        response=response,
        organization=cast.organization,
        kind="money",
        quantity=Decimal("1500"),
        recorded_by=cast.coordinator,
    )
    client = login(cast.partner_staff)
    page = client.get(url(cast, "coproduction", response.pk)).content.decode()
    assert "€ 1,500.00" in page
    assert url(cast, "coproduction_delete", mine.pk) in page and url(cast, "coproduction_delete", theirs.pk) not in page
    assert client.get(url(cast, "coproduction_delete", theirs.pk)).status_code == 403
    assert client.get(url(cast, "coproduction_delete", mine.pk)).status_code == 200
    assert client.post(url(cast, "coproduction_delete", mine.pk)).status_code == 302
    assert list(CoProduction.objects.all()) == [theirs]
    with django_assert_max_num_queries(30) as small:
        client.get(url(cast, "coproduction", response.pk))
    for _i in range(12):
        CoProductionFactory(response=response, organization=cast.organization, recorded_by=cast.partner_staff)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(cast, "coproduction", response.pk))


def test_partner_totals_across_responses(cast, login, django_assert_max_num_queries):
    first = active_response(cast.network, cast.organization)
    second = active_response(cast.network, cast.organization)
    CoProductionFactory(response=first, organization=cast.organization, quantity=Decimal("10"))
    CoProductionFactory(response=second, organization=cast.organization, quantity=Decimal("5"))
    CoProductionFactory(response=first, contributor="citizens", organization=None, people=2)
    client = login(cast.funder)
    page = client.get(url(cast, "coproduction_partners")).content.decode()
    assert "Cooperativa Il Ponte" in page and ">15<" in page and "fewer than 5 people" in page
    with django_assert_max_num_queries(20) as small:
        client.get(url(cast, "coproduction_partners"))
    for i in range(8):
        organization = f.OrganizationFactory(network=cast.network, name=f"Partner {i}")
        PartnerFactory(response=first, organization=organization)
        CoProductionFactory(response=first, organization=organization)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url(cast, "coproduction_partners"))
