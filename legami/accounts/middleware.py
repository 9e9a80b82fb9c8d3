"""Who has not passed the second step of the log-in goes there first.

A logged-in user who must use two-factor verification (legami.accounts.selectors.two_factor.two_factor_required),
or who turned it on, and whose session has not passed it (django-otp's `request.user.is_verified()`), is sent to
turn it on (no authenticator yet) or to type a code, and comes back afterwards. Allowed meanwhile: log-out, the
two-factor pages, the password reset pages, static files and the public pages (below). The API answers 401 to
such a session; personal access tokens (`Authorization: Bearer`) keep working: they are made from a verified
session.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import DEVICE_ID_SESSION_KEY

from legami.accounts.selectors.two_factor import has_two_factor, two_factor_required

# The pages open before the second step: the way through it and out, and what anyone may see anyway.
ALLOWED_ROUTES = frozenset(
    {
        "accounts:logout",
        "accounts:login",
        "accounts:two_factor_setup",
        "accounts:two_factor_verify",
        "accounts:two_factor_recovery",
        "accounts:password_reset",
        "accounts:password_reset_done",
        "accounts:password_reset_confirm",
        "accounts:password_reset_complete",
        "home",
        "healthz",
        "csp_report",
        "set_language",
        "network:home",
        "needs:map_public",
        "needs:map_public_export",
        "needs:report",
        "needs:report_thanks",
        "exchange:offer_public",
        "exchange:offer_thanks",
        "exchange:space_public",
        "exchange:space_feed",
        "needs:survey_answer",
        "needs:survey_thanks",
        "participation:processes",
        "participation:process_detail",
        "participation:process_calendar",
        "participation:network_calendar",
        "participation:meeting_detail",
        "participation:meeting_calendar",
        "participation:proposals",
        "participation:proposal_detail",
        "responses:responses",
        "responses:response_detail",
        "activities:calendar",
        "activities:calendar_feed",
        "activities:activity_detail",
    }
)
ALLOWED_PREFIXES = (settings.STATIC_URL, settings.MEDIA_URL)
API_PREFIX = "/api/"


def second_step_url(request: HttpRequest, user) -> str:
    """Where `user` goes for the second step (turn it on, or type a code), coming back to this request's page."""
    route = "accounts:two_factor_verify" if has_two_factor(user) else "accounts:two_factor_setup"
    back = request.get_full_path()
    if request.method != "GET" or not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    return reverse(route) + (f"?{urlencode({'next': back})}" if back else "")


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_pass(request):
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse(
                    {"detail": _("Complete the two-factor verification of this session first.")}, status=401
                )
            return HttpResponseRedirect(second_step_url(request, request.user))
        return self.get_response(request)

    def _must_pass(self, request: HttpRequest) -> bool:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return False
        path = request.path_info
        if path.startswith(ALLOWED_PREFIXES):
            return False
        if path.startswith(API_PREFIX) and "authorization" in request.headers:
            return False  # a personal access token: the API checks it, the session plays no part
        if request.session.get(DEVICE_ID_SESSION_KEY) and user.is_verified():
            return False
        try:
            match = resolve(path)
        except Resolver404:
            return False  # the 404 page
        if match.view_name in ALLOWED_ROUTES:
            return False
        return two_factor_required(user) or has_two_factor(user)
