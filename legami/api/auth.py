"""API authentication: personal access tokens (`Authorization: Bearer lgm_...`) or the Django session.

Tokens are looked up by their SHA-256 hash (the secret itself is never stored). A session is accepted
as an alternative so that the web UI's own scripts can call the API; like every cookie-based
authentication it is CSRF-checked on unsafe methods.

Permission before validation: an operation under /networks/{slug}/ declares `auth=requires(CAPABILITY)`.
django-ninja runs authentication before it reads the path, the query or the body, so the caller's
membership (404 for an outsider) and capability (403) are settled before any input is validated: a refused
caller never sees a 422 naming the fields. The handler reads the network with `scoped_network(request)`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer

from legami.accounts.models import PersonalAccessToken
from legami.api.errors import RateLimited
from legami.api.scoping import AnyOf, admit
from legami.core import ratelimit
from legami.core.http import client_address

# last_used_at is informational: refreshing it at most once a minute spares a write on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def find_active_token(raw: str) -> PersonalAccessToken | None:
    """The active (not revoked, not expired) token whose secret is `raw`, with its user, or None."""
    if not raw.startswith(PersonalAccessToken.PREFIX):
        return None
    token = (
        PersonalAccessToken.objects.select_related("user")
        .filter(token_hash=PersonalAccessToken.hash(raw), user__is_active=True)
        .first()
    )
    if token is None or not token.is_active:
        return None
    return token


def touch_token(token: PersonalAccessToken) -> None:
    """Record that the token was used, unless that was already recorded less than a minute ago."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    # A bare UPDATE: bookkeeping, not a change anybody audits, and it must not race with revocation.
    PersonalAccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def _count(key: str) -> None:
    """One request of this client against the API's rate limit (LEGAMI_API_REQUESTS_PER_MINUTE)."""
    wait = ratelimit.hit(f"api:{key}", limit=settings.LEGAMI_API_REQUESTS_PER_MINUTE, window=60)
    if wait:
        raise RateLimited(wait)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer lgm_...`: a personal access token of an active user; with a `capability`, also a
    member of the path's network holding it (see `requires`)."""

    openapi_scheme = "bearer"

    def __init__(self, capability: str | None = None) -> None:
        super().__init__()
        self.capability = capability

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = find_active_token(token.strip())
        if found is None:
            # Guessing tokens is bounded per address (LEGAMI_API_REFUSED_TOKENS_PER_MINUTE), then 429.
            limit = settings.LEGAMI_API_REFUSED_TOKENS_PER_MINUTE
            wait = ratelimit.hit(f"api-refused-token:{client_address(request)}", limit=limit, window=60)
            if wait:
                raise RateLimited(wait, limit)
            # A client that sends a token means to use it: a bad one is refused outright rather than
            # falling back to a session cookie that happens to travel with the request.
            raise AuthenticationError()
        _count(f"token:{found.pk}")
        touch_token(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        admit(request, self.capability)
        return found.user


class SessionAuth(APIKeyCookie):
    """The Django session of a logged-in user; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self, csrf: bool = True, capability: str | None = None) -> None:
        super().__init__(csrf=csrf)
        self.capability = capability

    def _get_key(self, request: HttpRequest) -> str | None:
        # Without a logged-in session there is nothing to protect, and the answer must be 401 (not the
        # 403 of a failed CSRF check) so that token clients see why they were refused.
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            _count(f"user:{request.user.pk}")
            admit(request, self.capability)
            return request.user
        return None


token_auth = TokenAuth()
session_auth = SessionAuth(csrf=True)

# Token first: API clients are the main users; the session serves the browser.
api_auth = [token_auth, session_auth]


def requires(*capabilities: str) -> list[Any]:
    """The `auth` of an operation under /networks/{slug}/: an authenticated caller who is a member of the network
    (else 404) holding the capability there (else 403; with several, any one of them), checked before any input is
    read."""
    capability = capabilities[0] if len(capabilities) == 1 else AnyOf(*capabilities)
    return [TokenAuth(capability), SessionAuth(csrf=True, capability=capability)]


def capability_of(operation: Any) -> str | None:
    """The capability an operation's authentication asks for (None: authentication only)."""
    found = {getattr(callback, "capability", None) for callback in operation.auth_callbacks}
    return found.pop() if len(found) == 1 else None
