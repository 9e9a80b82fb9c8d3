"""Platform-wide pages: the landing page and the health check."""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from legami.core.tenancy import list_public_networks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the networks hosted here."""
    return render(request, "core/home.html", {"networks": list_public_networks()})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
