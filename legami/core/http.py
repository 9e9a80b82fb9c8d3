"""Helpers that read the incoming request, for views (services never see the request)."""

from django.conf import settings
from django.http import HttpRequest


def site_base_url(request: HttpRequest) -> str:
    """The site's absolute address without a trailing slash: LEGAMI_BASE_URL when set, else the request's own."""
    if settings.LEGAMI_BASE_URL:
        return settings.LEGAMI_BASE_URL.rstrip("/")
    # Scheme, host and port as the visitor used them: the host is checked against ALLOWED_HOSTS and, behind
    # a proxy (LEGAMI_BEHIND_PROXY), the scheme comes from X-Forwarded-Proto.
    return request.build_absolute_uri("/").rstrip("/")


def client_address(request: HttpRequest) -> str:
    """The visitor's IP address. Behind the proxy (LEGAMI_BEHIND_PROXY) it is the last one of X-Forwarded-For,
    the one the proxy appended itself: the earlier ones are whatever the visitor chose to send."""
    if settings.LEGAMI_BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return str(request.META.get("REMOTE_ADDR", ""))
