"""The framework floor for the benchmarks: a view that does nothing, behind the full middleware stack."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def bare(request: HttpRequest) -> HttpResponse:
    """A tiny response: what every page pays before doing any work of its own."""
    # Touching the user loads the session and the user when a session cookie is sent, as every
    # logged-in page does; anonymous requests stay query-free.
    body = b"ok, logged in" if request.user.is_authenticated else b"ok"
    return HttpResponse(body, content_type="text/plain")
