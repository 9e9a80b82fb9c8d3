"""network_view: anonymous visitors log in, outsiders get 404, members need one of the capabilities named."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from legami.core.decorators import network_view

CASES = "pacts.work_on_cases"  # case manager, partner staff…
INSPECT = "pacts.inspect_cases"  # the privacy officer


@network_view(CASES, INSPECT)
def either(request, network):
    return HttpResponse(network.slug)


@network_view()
def public(request, network):
    return HttpResponse("public")


def _get(view, user, cast):
    request = RequestFactory().get("/")
    request.user = user or AnonymousUser()
    return view(request, cast.network.slug)


@pytest.mark.parametrize("persona", ["case_manager", "partner_staff", "privacy_officer"])
def test_any_of_the_capabilities_opens_the_page(cast, persona):
    assert _get(either, getattr(cast, persona), cast).content == cast.network.slug.encode()


@pytest.mark.parametrize("persona", ["evaluator", "funder", "citizen", "sentinel"])
def test_a_member_with_neither_is_refused(cast, persona):
    with pytest.raises(PermissionDenied):
        _get(either, getattr(cast, persona), cast)


def test_an_outsider_gets_404_and_an_anonymous_visitor_logs_in(cast):
    with pytest.raises(Http404):
        _get(either, cast.outsider, cast)
    response = _get(either, None, cast)
    assert response.status_code == 302 and "login" in response.url


def test_without_a_capability_the_page_is_open(cast):
    assert _get(public, None, cast).content == b"public"
