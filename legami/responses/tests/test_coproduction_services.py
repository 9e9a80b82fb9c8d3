"""The co-production ledger: every rule of an entry, who records for whom, who removes, and the totals."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from legami.core.models import AuditEvent
from legami.core.tests import factories as f
from legami.responses.models import ContributorKind, CoProduction, ResponseStatus
from legami.responses.selectors.coproduction import partner_totals, totals_by_contributor, totals_by_kind
from legami.responses.services import coproduction as svc
from legami.responses.tests.factories_responses import CoProductionFactory, PartnerFactory, active_response

TODAY = timezone.localdate


def _codes(exc, field=None):
    errors = exc.value.error_dict if hasattr(exc.value, "error_dict") else {None: exc.value.error_list}
    return [e.code for e in errors[field]]


def _partner(cast, **overrides):
    return {
        "contributor": "partner",
        "organization": cast.organization.pk,
        "kind": "hours",
        "quantity": "12,5",
        "on_date": TODAY(),
        "description": "Apertura dello sportello",
    } | overrides


def _citizens(**overrides):
    return {"contributor": "citizens", "kind": "hours", "quantity": "20", "people": "6", "on_date": TODAY()} | overrides


def test_partner_staff_record_their_own_organisations_hours(cast):
    response = active_response(cast.network, cast.organization)
    entry = svc.record_entry(actor=cast.partner_staff, response=response, data=_partner(cast))
    assert entry.quantity == Decimal("12.50") and entry.organization == cast.organization
    assert entry.recorded_by == cast.partner_staff and entry.people == 0
    assert AuditEvent.objects.filter(object_type="responses.coproduction", action=AuditEvent.Action.CREATE).exists()


def test_partner_staff_may_not_record_for_another_partner(cast):
    response = active_response(cast.network, cast.organization)
    other = f.OrganizationFactory(network=cast.network, name="Associazione Auser")
    PartnerFactory(response=response, organization=other)
    with pytest.raises(ValidationError) as exc:
        svc.record_entry(actor=cast.partner_staff, response=response, data=_partner(cast, organization=other.pk))
    assert "not_own" in _codes(exc, "organization")
    # The coordinator records any partner's.
    svc.record_entry(actor=cast.coordinator, response=response, data=_partner(cast, organization=other.pk))
    assert CoProduction.objects.count() == 1


def test_citizens_are_counted_never_named_and_recorded_by_operators(cast):
    response = active_response(cast.network, cast.organization)
    entry = svc.record_entry(actor=cast.community_worker, response=response, data=_citizens())
    assert entry.contributor == ContributorKind.CITIZENS and entry.organization is None and entry.people == 6
    with pytest.raises(ValidationError) as exc:
        svc.record_entry(actor=cast.partner_staff, response=response, data=_citizens())
    assert "not_allowed" in _codes(exc, "contributor")


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"contributor": ""}, "contributor", "required"),
        ({"contributor": "robots"}, "contributor", "invalid_choice"),
        ({"organization": None}, "organization", "required"),
        ({"organization": 987654}, "organization", "invalid_choice"),
        ({"organization": "NOT_A_PARTNER"}, "organization", "not_a_partner"),
        ({"kind": ""}, "kind", "required"),
        ({"kind": "smiles"}, "kind", "invalid_choice"),
        ({"quantity": ""}, "quantity", "required"),
        ({"quantity": "0"}, "quantity", "min_value"),
        ({"quantity": "-3"}, "quantity", "min_value"),
        ({"quantity": "molte"}, "quantity", "invalid"),
        ({"on_date": ""}, "on_date", "required"),
        ({"on_date": "FUTURE"}, "on_date", "future"),
        ({"description": "x" * 301}, "description", "max_length"),
        ({"colour": "blue"}, "colour", "unknown"),
    ],
)
def test_bad_partner_entries_are_refused(cast, data, field, code):
    response = active_response(cast.network, cast.organization)
    stranger = f.OrganizationFactory(network=cast.network, name="Non partner")
    swap = {"NOT_A_PARTNER": stranger.pk, "FUTURE": TODAY() + timedelta(days=1)}
    data = {key: swap.get(value, value) if isinstance(value, str) else value for key, value in data.items()}
    with pytest.raises(ValidationError) as exc:
        svc.record_entry(actor=cast.coordinator, response=response, data=_partner(cast, **data))
    assert code in _codes(exc, field)
    assert not CoProduction.objects.exists()


@pytest.mark.parametrize(
    ("data", "field", "code"),
    [
        ({"organization": "OWN"}, "organization", "not_for_citizens"),
        ({"people": "0"}, "people", "required"),
        ({"people": "-1"}, "people", "min_value"),
    ],
)
def test_bad_citizens_entries_are_refused(cast, data, field, code):
    response = active_response(cast.network, cast.organization)
    data = {key: cast.organization.pk if value == "OWN" else value for key, value in data.items()}
    with pytest.raises(ValidationError) as exc:
        svc.record_entry(actor=cast.coordinator, response=response, data=_citizens(**data))
    assert code in _codes(exc, field)


def test_a_cancelled_response_takes_no_contribution(cast):
    response = active_response(cast.network, cast.organization, status=ResponseStatus.CANCELLED)
    with pytest.raises(ValidationError) as exc:
        svc.record_entry(actor=cast.coordinator, response=response, data=_partner(cast))
    assert exc.value.code == "cancelled"


@pytest.mark.parametrize("persona", ["case_manager", "evaluator", "funder", "citizen", "privacy_officer", "outsider"])
def test_who_may_not_record_is_refused(cast, persona):
    response = active_response(cast.network, cast.organization)
    with pytest.raises(PermissionDenied):
        svc.record_entry(actor=getattr(cast, persona), response=response, data=_partner(cast))


def test_the_recorder_removes_an_entry_within_a_week_and_operators_any_time(cast):
    response = active_response(cast.network, cast.organization)
    entry = svc.record_entry(actor=cast.partner_staff, response=response, data=_partner(cast))
    old = svc.record_entry(actor=cast.partner_staff, response=response, data=_partner(cast))
    CoProduction.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=8))
    old.refresh_from_db()
    by_other = CoProductionFactory(response=response, organization=cast.organization, recorded_by=cast.coordinator)
    with pytest.raises(PermissionDenied):
        svc.delete_entry(actor=cast.partner_staff, entry=old)
    with pytest.raises(PermissionDenied):
        svc.delete_entry(actor=cast.partner_staff, entry=by_other)
    with pytest.raises(PermissionDenied):
        svc.delete_entry(actor=cast.evaluator, entry=entry)
    svc.delete_entry(actor=cast.partner_staff, entry=entry)
    svc.delete_entry(actor=cast.community_worker, entry=old)
    assert list(CoProduction.objects.all()) == [by_other]
    assert AuditEvent.objects.filter(object_type="responses.coproduction", action=AuditEvent.Action.DELETE).count() == 2


def test_totals_by_kind_by_contributor_and_per_partner(cast, django_assert_max_num_queries):
    response = active_response(cast.network, cast.organization)
    second = active_response(cast.network, cast.organization)
    other = f.OrganizationFactory(network=cast.network, name="Associazione Auser")
    PartnerFactory(response=response, organization=other)
    CoProductionFactory(response=response, organization=cast.organization, kind="hours", quantity=Decimal("10"))
    CoProductionFactory(response=response, organization=cast.organization, kind="money", quantity=Decimal("500"))
    CoProductionFactory(response=response, organization=other, kind="hours", quantity=Decimal("4.5"))
    CoProductionFactory(response=response, contributor="citizens", organization=None, quantity=Decimal("30"), people=3)
    CoProductionFactory(response=second, organization=cast.organization, kind="hours", quantity=Decimal("2"))
    by_kind = {row["kind"]: row["total"] for row in totals_by_kind(response)}
    assert by_kind == {"hours": Decimal("44.50"), "space": 0, "money": Decimal("500.00"), "goods": 0}
    with django_assert_max_num_queries(1):
        rows = totals_by_contributor(response, limit=5)
    assert [row["name"] for row in rows] == ["Associazione Auser", "Cooperativa Il Ponte", "Citizens"]
    assert rows[1]["totals"]["hours"] == Decimal("10") and rows[1]["totals"]["money"] == Decimal("500")
    assert rows[2]["people"] == 3 and rows[2]["people_small"]
    assert not totals_by_contributor(response, limit=None)[2]["people_small"]
    with django_assert_max_num_queries(1):
        across = partner_totals(cast.network, limit=None)
    ponte = next(row for row in across if row["name"] == "Cooperativa Il Ponte")
    assert ponte["totals"]["hours"] == Decimal("12") and ponte["responses"] == 2
