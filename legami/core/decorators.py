"""View decorator that resolves the network from the URL and enforces a capability.

Anonymous visitors are sent to log in; users with no role in the network get 404 (the
network's private pages do not exist for outsiders); members without the capability get 403.
It lives in core so that every app, territory included, guards its network pages the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from legami.core.permissions import can, is_member
from legami.core.tenancy import get_network_by_slug


def network_view(*capabilities: str | None) -> Callable:
    """Resolve `network_slug`, set `request.network`, and require one of `capabilities` when given (any of them
    opens the page: `network_view(WORK_ON_CASES, INSPECT_CASES)` lets in a case team and the privacy officer)."""
    wanted = [capability for capability in capabilities if capability is not None]

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, network_slug: str, *args, **kwargs) -> HttpResponse:
            network = get_network_by_slug(network_slug)
            request.network = network  # type: ignore[attr-defined]
            if wanted:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not is_member(request.user, network):
                    raise Http404
                if not any(can(request.user, capability, network) for capability in wanted):
                    raise PermissionDenied(wanted[0])
            return view(request, network, *args, **kwargs)

        return wrapper

    return decorator
