"""The admin site shows the platform admin the exchange's rows, read only: never what people wrote nor their
contacts, and never a way to change or delete the time bank's ledger."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from legami.exchange.models import (
    Booking,
    BookingSeries,
    Match,
    MatchingRun,
    Movement,
    Offer,
    Space,
    TimeAccount,
    TimeBankPolicy,
    Transfer,
)
from legami.exchange.tests.factories_offers import area, need, offer, proposed
from legami.exchange.tests.factories_spaces import BookingFactory, SpaceFactory
from legami.exchange.tests.factories_timebank import citizen_account, credit

pytestmark = pytest.mark.django_db

REGISTERED = {Offer, Match, MatchingRun, TimeAccount, Transfer, TimeBankPolicy, Space, Booking, BookingSeries}
SECRETS = (
    "MkOfferTitle",
    "MkOfferContact",
    "mk-offer@example.org",
    "MkFeedback",
    "MkReason",
    "MkBookingTitle",
    "MkBookingContact",
    "MkFeedToken",
)


def _rows(cast):
    casa = area(cast)
    made = offer(
        cast,
        [casa],
        title="MkOfferTitle",
        description="MkOfferTitle too",
        contact_name="MkOfferContact",
        contact_email="mk-offer@example.org",
    )
    run = MatchingRun.objects.create(network=cast.network, needs_considered=3)
    match = proposed(cast, need(cast, casa), made, feedback="MkFeedback", run=run)
    account = citizen_account(cast)
    transfer = credit(cast, account, 90, reason="MkReason")
    policy = TimeBankPolicy.objects.create(network=cast.network, soft_limit_minutes=60, hard_limit_minutes=120)
    space = SpaceFactory(network=cast.network, manager_organization=cast.organization, feed_token="MkFeedToken")
    series = BookingSeries.objects.create(
        network=cast.network,
        space=space,
        weekday=1,
        start_time="10:00",
        end_time="11:00",
        starts_on="2030-01-01",
        until="2030-02-01",
    )
    booking = BookingFactory(
        space=space, series=series, title="MkBookingTitle", contact_name="MkBookingContact", booked_by=cast.citizen
    )
    return [made, run, match, account, transfer, policy, space, series, booking]


def test_the_exchange_models_are_registered():
    assert {m for m in admin.site._registry if m._meta.app_label == "exchange"} == REGISTERED


def test_every_page_loads_for_the_platform_admin_without_what_people_wrote(cast, login):
    client = login(cast.platform_admin)
    for obj in _rows(cast):
        meta = obj._meta
        for url in (
            reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk]),
            reverse(f"admin:{meta.app_label}_{meta.model_name}_history", args=[obj.pk]),
        ):
            response = client.get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            for secret in SECRETS:
                assert secret not in html, (url, secret)


def test_an_offer_a_match_and_a_booking_are_named_by_their_number(cast, login):
    client = login(cast.platform_admin)
    rows = {type(obj): obj for obj in _rows(cast)}
    for model in (Offer, Match, Booking):
        obj = rows[model]
        html = client.get(reverse(f"admin:exchange_{model._meta.model_name}_change", args=[obj.pk])).content.decode()
        assert f"{model._meta.verbose_name} #{obj.pk}" in html
    html = client.get(reverse("admin:exchange_match_change", args=[rows[Match].pk])).content.decode()
    assert f"#{rows[Match].need_id}" in html and f"#{rows[Match].offer_id}" in html


def test_the_ledger_cannot_be_added_changed_or_deleted_in_the_admin(cast, login):
    transfer = next(obj for obj in _rows(cast) if isinstance(obj, Transfer))
    request = RequestFactory().get("/")
    request.user = cast.platform_admin
    transfer_admin = admin.site._registry[Transfer]
    for model in (Transfer, TimeAccount):
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request, transfer)
        assert not model_admin.has_delete_permission(request, transfer)
    inline = transfer_admin.get_inline_instances(request, transfer)
    assert [type(i).__name__ for i in inline] == ["MovementInline"]
    assert not inline[0].has_add_permission(request, transfer)
    assert not inline[0].has_change_permission(request, transfer)
    assert not inline[0].has_delete_permission(request, transfer)
    assert not transfer_admin.get_actions(request)  # no bulk delete

    client = login(cast.platform_admin)
    legs = list(Movement.objects.filter(transfer=transfer).values_list("account_id", "minutes"))
    change = reverse("admin:exchange_transfer_change", args=[transfer.pk])
    html = client.get(change).content.decode()
    # the legs are shown, as text, with no field to edit
    assert 'name="legs-0-minutes"' not in html and "-90" in html
    assert client.get(reverse("admin:exchange_transfer_add")).status_code == 403
    assert client.post(change, {"status": "refused", "total_minutes": 1}).status_code == 403
    assert client.get(reverse("admin:exchange_transfer_delete", args=[transfer.pk])).status_code == 403
    assert (
        client.post(reverse("admin:exchange_transfer_delete", args=[transfer.pk]), {"post": "yes"}).status_code == 403
    )
    transfer.refresh_from_db()
    assert transfer.status == "confirmed" and transfer.reason == "MkReason"
    assert list(Movement.objects.filter(transfer=transfer).values_list("account_id", "minutes")) == legs


@pytest.mark.parametrize("persona", ["coordinator", "citizen", "privacy_officer"])
def test_members_of_a_network_do_not_reach_the_admin(cast, login, persona):
    response = login(getattr(cast, persona)).get(reverse("admin:exchange_transfer_changelist"))
    assert response.status_code == 302 and "/login/" in response["Location"]
