"""The admin site shows the platform admin referrals read only, named by their number, never what the sentinel or
the triage wrote."""

from django.contrib import admin
from django.urls import reverse

from legami.referrals.models import Referral
from legami.referrals.tests.factories import in_cremona

SECRETS = ("MkSubject", "MkWhere", "MkObserved", "MkConsent", "MkContact", "MkService")


def test_only_the_referral_is_registered_and_read_only(cast, rf):
    assert {m for m in admin.site._registry if m._meta.app_label == "referrals"} == {Referral}
    model_admin = admin.site._registry[Referral]
    request = rf.get("/")
    request.user = cast.platform_admin
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_admin_pages_show_no_case_text(cast, login):
    referral = in_cremona(
        cast,
        subject="MkSubject",
        where="MkWhere",
        observed="MkObserved",
        consent_note="MkConsent",
        reporter_contact="MkContact",
        status="redirected",
        redirected_to="MkService",
    )
    client = login(cast.platform_admin)
    for url in (
        reverse("admin:referrals_referral_changelist"),
        reverse("admin:referrals_referral_change", args=[referral.pk]),
        reverse("admin:referrals_referral_history", args=[referral.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        for secret in SECRETS:
            assert secret not in html, (url, secret)
