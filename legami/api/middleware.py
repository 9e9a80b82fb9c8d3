"""The API answers in JSON, errors included: a 404 or 405 that Django or the router made for an address under
the API (an unknown path, a method the path does not take) becomes `{"detail": ...}`, as the schema promises."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


class ApiJsonErrorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(API_PREFIX) or response.status_code not in (404, 405):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response  # the API's own answer, e.g. an object the caller may not see
        if response.status_code == 404:
            return JsonResponse({"detail": _("There is nothing at this address of the API.")}, status=404)
        allowed = response.get("Allow", "")
        answer = JsonResponse(
            {
                "detail": _("This address does not take %(method)s; it takes: %(allowed)s.")
                % {"method": request.method, "allowed": allowed}
            },
            status=405,
        )
        if allowed:
            answer["Allow"] = allowed
        return answer
